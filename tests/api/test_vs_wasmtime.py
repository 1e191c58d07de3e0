"""Same calls through wasmlite's API and wasmtime-py's: the same Python values come back."""

from __future__ import annotations

import math

import pytest

from wasmlite import Engine, Linker, Module, Store, Trap

wasmtime = pytest.importorskip("wasmtime", reason="wasmtime-py is the reference here")

WAT = """
(module
  (func (export "i32") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "i64") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "f32") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
  (func (export "f64") (param f64 f64) (result f64) (f64.sub (local.get 0) (local.get 1)))
  (func (export "multi") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0))))
"""

CALLS = [
    ("i32", (0x7FFFFFFF, 1)),
    ("i32", (-1, -1)),
    ("i32", (0xFFFFFFFF, 0)),
    ("i64", (-(2**62), 4)),
    ("i64", (2**63 - 1, 2)),
    ("f32", (1.0, 3.0)),
    ("f32", (1e30, 1e-30)),
    ("f32", (0.0, 0.0)),
    ("f64", (0.1, 0.3)),
    ("f64", (float("inf"), float("inf"))),
    ("multi", (-7, -(2**40))),
    ("trunc", (-3.9,)),
    ("trunc", (1e10,)),
]


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b and type(a) is type(b)


def outcome(func: object, store: object, args: tuple) -> object:
    try:
        return func(store, *args)  # type: ignore[operator]
    except (Trap, wasmtime.Trap) as e:
        return ("trap", type(e).__name__ == "Trap")


def test_same_results_as_wasmtime(engine: Engine, store: Store) -> None:
    ours = Linker(engine).instantiate(store, Module(engine, WAT)).exports(store)
    wt_engine = wasmtime.Engine()
    wt_store = wasmtime.Store(wt_engine)
    theirs = wasmtime.Instance(wt_store, wasmtime.Module(wt_engine, WAT), []).exports(wt_store)
    for name, args in CALLS:
        mine = outcome(ours[name], store, args)
        ref = outcome(theirs[name], wt_store, args)
        assert same(mine, ref), (name, args, mine, ref)
