#!/usr/bin/env python3
"""Call overhead across the Python/wasm boundary, per engine, beside wasmtime-py.

    python3 bench/call_overhead.py              # every available engine + wasmtime-py
    python3 bench/call_overhead.py -n 200000    # more calls per measurement

Measures, in microseconds per call (best of several rounds):
  py->wasm   calling a trivial export `(i32, i32) -> i32` (i32.add) from Python
  py->wasm0  calling a trivial export `() -> ()` (nothing)
  wasm->py   one wasm->Python host call, from a wasm loop calling an `(i32) -> i32` import
             (the loop's own cost is measured without the call and subtracted)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WAT = """
(module
  (import "host" "id" (func $id (param i32) (result i32)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "nop"))
  (func (export "call_host") (param $n i32) (result i32) (local $acc i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (i32.add (local.get $acc) (call $id (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $acc))
  (func (export "loop_only") (param $n i32) (result i32) (local $acc i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (i32.add (local.get $acc) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $acc)))
"""

ROUNDS = 5


def best_per_call(run: Callable[[int], object], n: int) -> float:
    """Microseconds per call: the best of ROUNDS timings of `run(n)`."""
    best = float("inf")
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        run(n)
        best = min(best, time.perf_counter() - t0)
    return best / n * 1e6


def measure(
    store: object, add: Callable, nop: Callable, call_host: Callable, loop_only: Callable, n: int
) -> dict:
    """Both APIs take the store first: call the exports exactly as a user would."""

    def py_to_wasm(k: int) -> None:
        for _ in range(k):
            add(store, 1, 2)

    def py_to_wasm0(k: int) -> None:
        for _ in range(k):
            nop(store)

    def empty(k: int) -> None:
        for _ in range(k):
            pass

    loop_cost = best_per_call(empty, n)
    host = best_per_call(lambda k: call_host(store, k), n) - best_per_call(
        lambda k: loop_only(store, k), n
    )
    return {
        "py->wasm": best_per_call(py_to_wasm, n) - loop_cost,
        "py->wasm0": best_per_call(py_to_wasm0, n) - loop_cost,
        "wasm->py": host,
    }


def wasmlite_functions(engine_name: str) -> tuple:
    from wasmlite import Config, Engine, Linker, Module, Store

    engine = Engine(Config(engine=engine_name))
    store = Store(engine)
    linker = Linker(engine)

    def ident(x: int) -> int:
        return x

    linker.define_func("host", "id", None, ident)
    ex = linker.instantiate(store, Module(engine, WAT)).exports(store)
    return store, ex["add"], ex["nop"], ex["call_host"], ex["loop_only"]


def wasmtime_functions() -> tuple:
    import wasmtime

    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    i32 = wasmtime.ValType.i32()
    linker.define_func("host", "id", wasmtime.FuncType([i32], [i32]), lambda x: x)
    ex = linker.instantiate(store, wasmtime.Module(engine, WAT)).exports(store)
    return store, ex["add"], ex["nop"], ex["call_host"], ex["loop_only"]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-n", type=int, default=50_000, help="calls per measurement")
    args = ap.parse_args()

    runtimes: list[tuple[str, Callable[[], tuple]]] = [
        ("wasmlite-llvm", lambda: wasmlite_functions("llvm")),
        ("wasmlite-python", lambda: wasmlite_functions("python")),
        ("wasmtime-py", wasmtime_functions),
    ]
    print(f"{'runtime':<18}{'py->wasm':>12}{'py->wasm0':>12}{'wasm->py':>12}   (us per call)")
    for name, make in runtimes:
        try:
            funcs = make()
        except Exception as e:  # an engine that is not available here
            print(f"{name:<18}  unavailable: {type(e).__name__}: {e}")
            continue
        r = measure(*funcs, n=args.n)
        print(f"{name:<18}{r['py->wasm']:>12.3f}{r['py->wasm0']:>12.3f}{r['wasm->py']:>12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
