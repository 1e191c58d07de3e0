#!/usr/bin/env python3
"""wasmlite's benchmark: the shared suite (../shared/bench) under wasmlite beside its peers.

    python3 bench/run.py                          # = --preset llvm
    python3 bench/run.py --preset python          # pure-Python engine vs pywasm, small inputs
    python3 bench/run.py --preset startup         # noop/hello: start-up time and memory
    python3 bench/run.py --preset compile         # compile-only, the biggest modules
    python3 bench/run.py --preset llvm -n 5 --only fib,zstd -- --retry-contended 3
    python3 bench/run.py --list-presets

A thin layer over ../shared/bench/compare.py, which runs every measurement as a whole process,
interleaves the runtimes, waits for a quiet machine and checks every output. This script
names wasmlite's runtimes, picks the benchmarks and runtimes of a preset, warms the code
caches of the "-cached" runtimes, and writes bench/results/<date>/<preset>.json (every raw
measurement), .md (compare.py's table + peak RSS + compile s/MB, bench/report.py) and .svg
(bench/chart.py). Anything after `--` goes to compare.py as is. See bench/README.md.

Native builds come from `sh bench/build_native.sh` (into bench/native/).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib.util
import json
import os
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED_BENCH = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench"))
COMPARE = os.path.join(SHARED_BENCH, "compare.py")
NATIVE_DIR = os.path.join(HERE, "native")
GNU_TIME = "/usr/bin/time"
CACHE_DIR = os.path.join(HERE, "cache")  # wasmlite's code cache for the -cached runtimes
HELLO_DIR = os.path.join(ROOT, "tests", "fixtures", "wasi")
HELLO_STDOUT = b"Hello, world!\n"

sys.path.insert(0, HERE)
import chart  # noqa: E402
import report  # noqa: E402

# WASMLITE_CACHE=0: compile from scratch in every process, as wasmtime-py does by default.
_WL_RUN = "{python} -m wasmlite run --engine %s --dir . {wasm} {args}"
_WL_COMPILE = "{python} -m wasmlite compile --engine %s {wasm} -o /dev/null"
RUNTIMES = {
    "wasmlite-llvm": "env WASMLITE_CACHE=0 " + _WL_RUN % "llvm",
    "wasmlite-llvm-cached": _WL_RUN % "llvm",
    "wasmlite-python": "env WASMLITE_CACHE=0 " + _WL_RUN % "python",
    "wasmlite-python-cached": _WL_RUN % "python",
}
# The python engine translates each function on its first call, so its compile-only command
# measures decode + validate (the front end), not code generation.
COMPILES = {
    "wasmtime-py": "auto",
    "wasmlite-llvm": "env WASMLITE_CACHE=0 " + _WL_COMPILE % "llvm",
    # what a first `run` compiles: quick tiers for huge functions/modules (see engine.plan)
    "wasmlite-llvm-jit": "{python} "
    + shlex.quote(os.path.join(HERE, "jit_compile.py"))
    + " {wasm}",
    "wasmlite-frontend": "env WASMLITE_CACHE=0 " + _WL_COMPILE % "python",
}
CACHE_WARMERS = {  # runtime -> command that fills its code cache for {wasm}
    "wasmlite-llvm-cached": _WL_COMPILE % "llvm",
    "wasmlite-python-cached": _WL_RUN % "python",
    "wasmtime-py-cached": "{python} {runners}/run_wasmtime.py --cache --compile-only {wasm}",
}
SMALL_INPUT_BENCHMARKS = "fib,nbody,matmul,sieve,sort,noop"  # those with small_args
BIGGEST_COMMITTED = "zstd,brotli,cmark,yyjson,regex,sodium-simd,sodium"
BIG_FETCHED = "avr-cc1,ruby-compile,flite"  # measured only if fetched into ../shared/bench/cache


@dataclass
class Preset:
    what: str
    runtimes: list[str]
    compiles: list[str] = field(default_factory=list)
    only: str = ""  # benchmark names ("" = compare.py's default selection, filtered below)
    compare_args: list[str] = field(default_factory=list)
    reps: int = 5
    compile_only: bool = False  # turn every selected benchmark into a compile-only one
    with_hello: bool = False  # add tests/fixtures/wasi/hello.wasm as benchmark "hello"


PRESETS = {
    "llvm": Preset(
        "run speed: wasmtime-py (with and without its code cache) vs the LLVM engine (cold and "
        "warm cache) vs native gcc/clang -O2; full inputs, the 15 committed modules",
        [
            "wasmtime-py",
            "wasmtime-py-cached",
            "wasmlite-llvm",
            "wasmlite-llvm-cached",
            "native",
            "native-clang",
        ],
        compare_args=["--skip-tags", "xl,fetched"],
        reps=3,
    ),
    "python": Preset(
        "interpreter speed: pywasm vs the pure-Python engine (cold and warm cache), wasmtime-py "
        "for scale; small inputs (benchmarks that have them)",
        ["pywasm", "wasmlite-python", "wasmlite-python-cached", "wasmtime-py"],
        only=SMALL_INPUT_BENCHMARKS,
        compare_args=["--small", "--timeout", "120"],
        reps=3,
    ),
    "startup": Preset(
        "fixed per-process cost: noop and hello, whole-process time and peak RSS, warm caches",
        [
            "wasmtime-py",
            "wasmtime-py-cached",
            "wasmlite-llvm-cached",
            "wasmlite-python-cached",
            "pywasm",
            "native",
        ],
        only="noop,hello",
        with_hello=True,
        reps=10,
    ),
    "compile": Preset(
        "compile only, from scratch (no cache): wasmtime-py (Cranelift, 2 threads) vs the LLVM "
        "engine, and wasmlite's front end (decode + validate); the biggest committed modules, "
        "plus avr-cc1/ruby/flite when fetched",
        ["wasmtime-py"],
        compiles=list(COMPILES),
        only=BIGGEST_COMMITTED + "," + BIG_FETCHED,
        compile_only=True,
        reps=3,
    ),
}


def runtime_spec(name: str) -> str:
    """A compare.py -r argument: our own NAME=TEMPLATE, or one of compare.py's aliases."""
    return f"{name}={RUNTIMES[name]}" if name in RUNTIMES else name


def load_suite() -> dict:
    with open(os.path.join(SHARED_BENCH, "suite.json"), encoding="utf-8") as f:
        return json.load(f)


def _absolute(bench: dict) -> dict:
    """A suite entry that works from any suite file location (compare.py joins paths to
    its own directory, which leaves absolute paths as they are)."""
    b = dict(bench)
    b["cwd"] = os.path.join(SHARED_BENCH, b.get("cwd", os.path.dirname(b["wasm"])))
    b["wasm"] = os.path.join(SHARED_BENCH, b["wasm"])
    return b


def hello_entry() -> dict:
    wasm = os.path.join(HELLO_DIR, "hello.wasm")
    return {
        "name": "hello",
        "wasm": wasm,
        "cwd": HELLO_DIR,
        "args": [],
        "small_args": [],
        "native": "native/hello",
        "expect": {"exit": 0, "stdout_sha256": hashlib.sha256(HELLO_STDOUT).hexdigest()},
        "tags": ["short"],
        "size_class": "S",
        "code_bytes": None,
        "source": "wasmlite tests/fixtures/wasi/c/hello.c",
    }


def derived_suite(preset: Preset, path: str) -> str:
    """Write the suite this preset runs (absolute paths; compile-only; + hello) to `path`."""
    suite = load_suite()
    benches = [_absolute(b) for b in suite["benchmarks"]]
    if preset.compile_only:
        for b in benches:
            b["mode"] = "compile-only"
    if preset.with_hello:
        benches.append(hello_entry())
    suite["benchmarks"] = benches
    with open(path, "w", encoding="utf-8") as f:
        json.dump(suite, f, indent=1)
    return path


def selected(suite_path: str, only: str, skip: str) -> list[dict]:
    """The suite entries compare.py will run whose module is present (for cache warming)."""
    with open(suite_path, encoding="utf-8") as f:
        benches = json.load(f)["benchmarks"]
    names = {x for x in only.split(",") if x}
    skipped = {x for x in skip.split(",") if x}
    return [
        b
        for b in benches
        if (not names or b["name"] in names)
        and b["name"] not in skipped
        and os.path.exists(os.path.join(SHARED_BENCH, b["wasm"]))
    ]


def warm_caches(runtimes: list[str], benches: list[dict]) -> None:
    """Fill the code caches of the -cached runtimes so that no measured run compiles."""
    for name in runtimes:
        tmpl = CACHE_WARMERS.get(name)
        if not tmpl:
            continue
        for b in benches:
            if "{args}" in tmpl and "small_args" not in b:
                continue  # warming by running: only where a small input exists
            wasm = os.path.join(SHARED_BENCH, b["wasm"])
            cwd = os.path.join(SHARED_BENCH, b.get("cwd", os.path.dirname(b["wasm"])))
            args = [str(x) for x in b.get("small_args", b.get("args", []))]
            cmd = shlex.split(
                tmpl.format(
                    python=shlex.quote(sys.executable),
                    wasm=shlex.quote(wasm),
                    args=shlex.join(args),
                    runners=shlex.quote(os.path.join(SHARED_BENCH, "runners")),
                )
            )
            print(f"warming {name} cache: {b['name']}", file=sys.stderr, flush=True)
            subprocess.run(
                cmd,
                cwd=cwd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=900,
                check=False,
            )


def compare_command(
    preset: Preset, a: argparse.Namespace, suite: str, out: str, name: str
) -> list[str]:
    cmd = [
        sys.executable,
        COMPARE,
        "--suite",
        suite,
        "-n",
        str(a.n if a.n is not None else preset.reps),
    ]
    for r in a.runtime or preset.runtimes:
        cmd += ["-r", runtime_spec(r)]
    for c in preset.compiles:
        cmd += ["--compile", f"{c}={COMPILES[c]}"]
    if os.path.isdir(NATIVE_DIR):
        cmd += ["--native-dir", NATIVE_DIR]
    only = a.only or preset.only
    if only:
        cmd += ["--only", only]
    if a.skip:
        cmd += ["--skip", a.skip]
    cmd += preset.compare_args
    for opt in ("warmup", "quiet_wait"):
        v = getattr(a, opt)
        if v is not None:
            cmd += ["--" + opt.replace("_", "-"), str(v)]
    cmd += [
        "--json",
        os.path.join(out, name + ".json"),
        "--markdown",
        os.path.join(out, name + ".md"),
    ]
    return cmd + [x for x in a.rest if x != "--"]


def compare_module():
    """../shared/bench/compare.py as a module (for its runtime and compile aliases)."""
    spec = importlib.util.spec_from_file_location("wasmbench_compare", COMPARE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _under_time(tmpl: str, out: str) -> str:
    """`tmpl` run under GNU time, which writes the peak RSS (KB) to `out`: GNU time forks
    the command from its own tiny process, so unlike the harness's rusage the figure has
    no floor from the parent's memory."""
    return f"{GNU_TIME} -q -f %M -o {out} {tmpl}"


def rss_command(main_cmd: list[str], rss_dir: str, json_path: str) -> list[str]:
    """compare.py once more, one run per benchmark and runtime, each under GNU time."""
    cmp = compare_module()
    cmd = main_cmd[:2]
    i = 2
    while i < len(main_cmd):
        opt = main_cmd[i]
        if opt in ("-r", "--compile"):
            aliases = cmp.RUNTIME_ALIASES if opt == "-r" else cmp.COMPILE_ALIASES
            name, tmpl = cmp.parse_runtime(main_cmd[i + 1], aliases)
            kind = opt.strip("-")
            out = os.path.join(rss_dir, "{name}." + f"{kind}.{name}.kb")  # {name}: compare.py's
            cmd += [opt, f"{name}={_under_time(tmpl, out)}"]
            i += 2
        elif opt in ("--json", "--markdown"):
            i += 2
        else:
            cmd.append(opt)
            i += 1
    return cmd + [
        "-n",
        "1",
        "--warmup",
        "0",
        "--quiet-max",
        "-1",
        "--retry-contended",
        "0",
        "--json",
        json_path,
    ]


def measure_rss(main_cmd: list[str], json_path: str) -> None:
    """Add `peak_rss_kb` to every summary of the results at `json_path`."""
    with tempfile.TemporaryDirectory(prefix="wasmlite-rss-") as rss_dir:
        cmd = rss_command(main_cmd, rss_dir, os.path.join(rss_dir, "rss.json"))
        print("peak RSS pass: " + " ".join(cmd), file=sys.stderr, flush=True)
        subprocess.call(cmd, stdout=subprocess.DEVNULL)
        peaks = {}
        for fn in os.listdir(rss_dir):
            bench, _, rest = fn.partition(".")
            kind, _, name = rest.removesuffix(".kb").partition(".")
            with open(os.path.join(rss_dir, fn), encoding="utf-8") as f:
                lines = f.read().split()
            if lines and lines[-1].isdigit():
                key = name if kind == "r" else "compile:" + name
                peaks[(bench, key)] = int(lines[-1])
    results = report.load(json_path)
    for bench, br in results["benchmarks"].items():
        for key, s in br.get("summary", {}).items():
            if (bench, key) in peaks:
                s["peak_rss_kb"] = peaks[(bench, key)]
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)


def annotate(json_path: str, preset_name: str, suite: str, cmd: list[str]) -> None:
    """Record in the JSON what produced it (report.py reads the suite path from here)."""
    results = report.load(json_path)
    results["bench_run"] = {"preset": preset_name, "suite": suite, "command": cmd}
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)


def finish(out: str, name: str) -> None:
    """Append peak RSS / compile tables to the .md and draw the .svg."""
    json_path = os.path.join(out, name + ".json")
    results = report.load(json_path)
    extra = report.report(results, report.suite_of(results))
    if extra:
        with open(os.path.join(out, name + ".md"), "a", encoding="utf-8") as f:
            f.write("\n" + extra + "\n")
        print(extra)
    svg_path = os.path.join(out, name + ".svg")
    with open(svg_path, "w", encoding="utf-8") as f:
        f.write(chart.svg(chart.panels_from_results(results), chart.caption_of(results)))
    print(f"wrote {json_path}, .md, .svg", file=sys.stderr)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--preset", choices=sorted(PRESETS), default="llvm")
    ap.add_argument("--list-presets", action="store_true", help="describe the presets and exit")
    ap.add_argument("-n", type=int, help="measured rounds (default: the preset's)")
    ap.add_argument("--warmup", type=int, help="unmeasured rounds first (compare.py default 1)")
    ap.add_argument(
        "--quiet-wait", type=float, help="max seconds to wait for a quiet machine per run"
    )
    ap.add_argument("--only", default="", help="comma-separated benchmarks (replaces the preset's)")
    ap.add_argument("--skip", default="", help="comma-separated benchmarks to leave out")
    ap.add_argument(
        "-r",
        "--runtime",
        action="append",
        help="runtime (replaces the preset's list; first = baseline): one of "
        + ", ".join(RUNTIMES)
        + " or a compare.py alias/NAME=TEMPLATE",
    )
    ap.add_argument(
        "--no-rss", action="store_true", help="skip the peak-RSS pass (one extra run each)"
    )
    ap.add_argument(
        "--no-warm", action="store_true", help="do not pre-fill the -cached runtimes' caches"
    )
    ap.add_argument(
        "--out", default=os.path.join(HERE, "results", datetime.date.today().isoformat())
    )
    ap.add_argument("rest", nargs=argparse.REMAINDER, help="extra compare.py arguments after --")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    if a.list_presets:
        for name, p in PRESETS.items():
            kinds = "compile-only" if p.compile_only else "runtimes"
            print(f"{name:8s} {p.what}\n         {kinds}: {', '.join(p.compiles or p.runtimes)}")
        return 0
    preset = PRESETS[a.preset]
    os.makedirs(a.out, exist_ok=True)
    suite = derived_suite(preset, os.path.join(a.out, a.preset + ".suite.json"))
    # Children import wasmlite from this checkout, and keep their code cache to themselves.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
    os.environ.setdefault("WASMLITE_CACHE_DIR", CACHE_DIR)
    runtimes = a.runtime or preset.runtimes
    benches = selected(suite, a.only or preset.only, a.skip)
    if not a.no_warm:
        warm_caches(runtimes, benches)
    cmd = compare_command(preset, a, suite, a.out, a.preset)
    print(" ".join(cmd), flush=True)
    status = subprocess.call(cmd)
    json_path = os.path.join(a.out, a.preset + ".json")
    if not os.path.exists(json_path):
        return status or 1
    if not a.no_rss and os.path.exists(GNU_TIME):
        if not a.no_warm:
            warm_caches(runtimes, benches)  # again: an engine edit meanwhile invalidates entries
        measure_rss(cmd, json_path)
    annotate(json_path, a.preset, suite, cmd)
    finish(a.out, a.preset)
    return status


if __name__ == "__main__":
    sys.exit(main())
