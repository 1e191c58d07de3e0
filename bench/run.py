#!/usr/bin/env python3
"""Run the shared benchmark suite (../shared/bench) with wasmlite beside its peers.

Thin wrapper over ../shared/bench/compare.py that names wasmlite's runtimes:

    python3 bench/run.py                       # wasmtime-py vs wasmlite (llvm), full inputs
    python3 bench/run.py --python --small      # pure-Python engine vs pywasm, small inputs
    python3 bench/run.py -- --only fib,nbody   # anything after -- goes to compare.py

Results (JSON + Markdown table) go to bench/results/<date>/.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_BENCH = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "bench"))

WASMLITE = "{python} -m wasmlite run --engine %s --dir . {wasm} {args}"
RUNTIMES = {
    "wasmlite-llvm": WASMLITE % "llvm",
    "wasmlite-python": WASMLITE % "python",
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", action="store_true", help="compare the pure-Python engine with pywasm")
    ap.add_argument("--small", action="store_true", help="small inputs (for interpreters)")
    ap.add_argument("-n", type=int, default=3, help="measured rounds")
    ap.add_argument("--out", default=os.path.join(HERE, "results", datetime.date.today().isoformat()))
    ap.add_argument("rest", nargs=argparse.REMAINDER, help="extra compare.py arguments after --")
    args = ap.parse_args()

    if args.python:
        runtimes = ["pywasm", f"wasmlite-python={RUNTIMES['wasmlite-python']}"]
        tag = "python"
    else:
        runtimes = ["wasmtime-py", f"wasmlite-llvm={RUNTIMES['wasmlite-llvm']}"]
        tag = "llvm"
    os.makedirs(args.out, exist_ok=True)
    cmd = [sys.executable, os.path.join(SHARED_BENCH, "compare.py"), "-n", str(args.n)]
    for r in runtimes:
        cmd += ["-r", r]
    if args.small:
        cmd.append("--small")
        tag += "-small"
    cmd += ["--json", os.path.join(args.out, f"{tag}.json"), "--markdown", os.path.join(args.out, f"{tag}.md")]
    cmd += [a for a in args.rest if a != "--"]
    print(" ".join(cmd), flush=True)
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
