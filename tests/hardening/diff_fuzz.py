"""Long differential run: `python tests/hardening/diff_fuzz.py --minutes N [--seed S]`.

Generates modules (gen_modules.py) from consecutive seeds, runs each on the python engine,
the llvm engine (when it compiles the module) and wasmtime-py, and prints every
disagreement with its seed; `--size` makes bodies bigger. Reproduce one with
`--seed S --count 1 --show`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
# Thousands of one-off modules would only fill the user's LLVM object cache.
os.environ.setdefault("WASMLITE_CACHE", "0")

from tests.hardening.diff_exec import compare, prepare, run_wasmlite, run_wasmtime  # noqa: E402
from tests.hardening.gen_modules import generate  # noqa: E402


def engines_available() -> list[str]:
    names = ["python"]
    try:
        from wasmlite.engines import get_engine

        get_engine("llvm")
        names.append("llvm")
    except Exception:
        pass
    return names


def check_seed(seed: int, size: int, engines: list[str]) -> tuple[str | None, list[str]]:
    """(disagreement or None, engines that could not run the module) for one seed."""
    module, wasm = prepare(generate(seed, size=size))
    outcomes = {"wasmtime": run_wasmtime(wasm, module)}
    failed = []
    for name in engines:
        try:
            outcomes[name] = run_wasmlite(name, module)
        except Exception as e:  # an engine crash is a finding too
            failed.append(f"{name}: {type(e).__name__}: {str(e)[:200]}")
    return compare(outcomes), failed


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--count", type=int, default=None, help="stop after this many modules")
    p.add_argument("--size", type=int, default=1)
    p.add_argument("--show", action="store_true", help="print each module's text")
    args = p.parse_args()
    engines = engines_available()
    end = time.monotonic() + args.minutes * 60
    seed, done, bad, crashed = args.seed, 0, 0, 0
    while time.monotonic() < end and (args.count is None or done < args.count):
        if args.show:
            print(generate(seed, size=args.size))
        try:
            diff, failed = check_seed(seed, args.size, engines)
        except Exception as e:  # the generator or wasmtime itself: report, keep going
            diff, failed = None, [f"setup: {type(e).__name__}: {str(e)[:200]}"]
        if diff:
            bad += 1
            print(f"seed {seed} size {args.size}: {diff}", flush=True)
        for f in failed:
            crashed += 1
            print(f"seed {seed} size {args.size}: engine failed: {f}", flush=True)
        seed += 1
        done += 1
    print(
        f"engines {'+'.join(engines)} vs wasmtime: {done} modules (seeds {args.seed}..{seed - 1}),"
        f" {bad} disagreements, {crashed} engine failures"
    )
    return 1 if bad or crashed else 0


if __name__ == "__main__":
    sys.exit(main())
