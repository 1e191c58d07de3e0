"""Differential execution against wasmtime-py: a fixed sample of generated modules, and
the disagreements and crashes the long runs (diff_fuzz.py) found, kept as regressions.

Every module runs on the python engine, the llvm engine when it is available, and
wasmtime; results, trap kinds, final memory and globals must agree (diff_exec.py).
"""

from __future__ import annotations

import pytest
from wasm_helpers import llvm_available

from wasmlite.engines import get_engine
from wasmlite.errors import LinkError

from .diff_exec import compare, prepare, run_wasmlite, run_wasmtime
from .gen_modules import generate

pytest.importorskip("wasmtime")


ENGINES = ["python", "llvm"] if llvm_available() else ["python"]


@pytest.fixture(autouse=True)
def _no_object_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WASMLITE_CACHE", "0")


def agree(src: str) -> None:
    module, wasm = prepare(src)
    outcomes = {"wasmtime": run_wasmtime(wasm, module)}
    for name in ENGINES:
        outcomes[name] = run_wasmlite(name, module)
    diff = compare(outcomes)
    assert diff is None, f"{diff}\n{src}"


@pytest.mark.parametrize("seed", range(0, 60))
def test_generated_small(seed: int) -> None:
    agree(generate(seed))


@pytest.mark.parametrize("seed", range(900_000, 900_010))
def test_generated_large(seed: int) -> None:
    agree(generate(seed, size=3))


def test_generator_is_deterministic() -> None:
    assert generate(12345) == generate(12345)
    assert generate(12345) != generate(12346)


# ---- regressions -----------------------------------------------------------------------


def test_nan_bits_are_canonicalised_before_they_are_observed() -> None:
    # The generator's contract: a NaN produced by arithmetic only reaches memory through
    # the canonicalising select, so engines with different NaN payloads still agree.
    agree(
        """(module (memory (export "mem") 1) (func (export "run0") (result i32) (local f32)
          (f32.div (f32.const 0) (f32.const 0)) (local.set 0)
          (i32.store (i32.const 0) (i32.reinterpret_f32
            (select (local.get 0) (f32.const nan) (f32.eq (local.get 0) (local.get 0)))))
          (i32.load (i32.const 0))))"""
    )


def test_traps_and_partial_writes_agree() -> None:
    agree(
        """(module (memory (export "mem") 1 2) (global (export "g0") (mut i64) (i64.const 0))
          (table 2 funcref) (elem (i32.const 0) func $a)
          (func $a (result i32) (i32.const 7))
          (func (export "run0") (result i32)
            (i64.store offset=65530 (i32.const 0) (i64.const -1)) (i32.const 1))
          (func (export "run1") (result i32)
            (global.set 0 (i64.const 42)) (i32.div_s (i32.const 1) (i32.const 0)))
          (func (export "run2") (result i32) (call_indirect (result i32) (i32.const 1)))
          (func (export "run3") (result i32) (call_indirect (result i32) (i32.const 2)))
          (func (export "run4") (result i32) (i32.trunc_f32_s (f32.const nan)))
          (func (export "run5") (result i32) (memory.grow (i32.const 1)))
          (func (export "run6") (result i32) (memory.grow (i32.const 1))))"""
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_table_minimum_past_the_host_limit_is_a_link_error(engine: str) -> None:
    # Found by the hostile-module tests: the python and llvm engines allocated the declared
    # minimum (8 GB for 10^9 slots) before checking any limit; wasmtime refuses it too.
    module, _ = prepare("(module (table 1000000000 funcref))")
    from wasmlite.runtime import Store

    with pytest.raises(LinkError, match="table minimum size"):
        get_engine(engine).compile(module).instantiate(Store(engine), [])


def test_the_comparison_is_not_vacuous() -> None:
    # Different modules must be told apart, and outcomes must hold real values and traps.
    a, wa = prepare(generate(3))
    b, _ = prepare(generate(4))
    ours, theirs = run_wasmlite("python", a), run_wasmtime(wa, a)
    assert ours.calls and ours.memory and ours.globals
    assert compare({"a": ours, "b": theirs}) is None
    assert compare({"a": ours, "b": run_wasmlite("python", b)}) is not None
    kinds = {k for s in range(40) for k, _ in run_wasmlite("python", prepare(generate(s))[0]).calls}
    assert kinds == {"ok", "trap"}
