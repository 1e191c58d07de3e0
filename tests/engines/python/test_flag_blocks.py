"""Guard-flag blocks: targeted `block`s past the Python loop budget get no `while True:`;
branches set `_br`, later code runs under `if not _br:`, and the block's end resets it."""

from __future__ import annotations

import pytest

from wasmlite.engines import get_engine
from wasmlite.engines.python import codegen, compiled, interpreter
from wasmlite.runtime import Store
from wasmlite.text import parse_module
from wasmlite.validate import validate_module


def instantiate(wat: str):
    module = parse_module(wat)
    validate_module(module)
    return get_engine("python").compile(module, cache=False).instantiate(Store("python"), [])


def call(inst, name: str, *args: int) -> list:
    return inst.exports[name].call(list(args))


@pytest.fixture(autouse=True)
def compiled_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the generated code: no interpreted first calls."""
    monkeypatch.setattr(interpreter, "ENABLED", False)


@pytest.fixture
def all_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every targeted block becomes a flag block (loops stay loops)."""
    monkeypatch.setattr(codegen, "LOOP_BUDGET", 0)
    monkeypatch.setattr(compiled, "LOOP_BUDGET", 0)


CONTROL = """(module
  (func (export "out_of_loop") (param i32) (result i32) (local i32 i32)
    (block $out
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
        (br $l))
      (local.set 2 (i32.const 1000)))
    (i32.add (local.get 1) (local.get 2)))
  (func (export "guarded") (param i32) (result i32) (local i32)
    (block $a
      (block $b
        (br_if $a (i32.eq (local.get 0) (i32.const 1)))
        (local.set 1 (i32.const 10))
        (br_if $b (i32.eq (local.get 0) (i32.const 2)))
        (local.set 1 (i32.add (local.get 1) (i32.const 5))))
      (local.set 1 (i32.add (local.get 1) (i32.const 100))))
    (i32.add (local.get 1) (i32.const 1)))
  (func (export "values") (param i32) (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (loop $l
          (br_if $a (i32.const 7) (i32.eqz (local.get 0)))
          (br_if $b (i32.const 8) (i32.eq (local.get 0) (i32.const 1)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 2)))
          (br $l))
        (i32.const 9))
      (i32.const 20)
      (i32.add)))
  (func (export "switch") (param i32) (result i32)
    (block (block (block (br_table 0 1 2 (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 11)))
    (i32.const 12)))"""


def _check_control(inst) -> None:
    assert call(inst, "out_of_loop", 5) == [5]
    assert [call(inst, "guarded", x)[0] for x in (0, 1, 2)] == [116, 1, 111]
    assert [call(inst, "values", x)[0] for x in (0, 1, 4, 5)] == [7, 28, 7, 28]
    assert [call(inst, "switch", x)[0] for x in (0, 1, 2, 9)] == [10, 11, 12, 12]


def test_control_with_flag_blocks(all_flags: None) -> None:
    inst = instantiate(CONTROL)
    _check_control(inst)
    assert "_br" in inst.exports["guarded"].pyfn.__code__.co_varnames


def test_control_with_loop_blocks() -> None:
    _check_control(instantiate(CONTROL))


def _deep_blocks(n: int) -> str:
    """`n` nested targeted blocks around a loop that branches out to every one of them."""
    body = "(br_table " + " ".join(map(str, range(1, n + 1))) + " (local.get 0))"
    body = f"(loop {body})"
    for i in range(n):
        body = f"(block {body} (local.set 1 (i32.add (local.get 1) (i32.const {1 << i % 30}))))"
    return f"""(module (func (export "f") (param i32) (result i32) (local i32)
      {body} (local.get 1)))"""


def test_deep_blocks_stay_structured(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past CPython's 20 nested loops, blocks no longer force the state-machine form; the
    results match the state machine's."""
    wat = _deep_blocks(40)
    args = (0, 5, 25, 38, 39, 1000)
    inst = instantiate(wat)
    got = [call(inst, "f", k) for k in args]
    assert "_pc" not in inst.exports["f"].pyfn.__code__.co_varnames
    monkeypatch.setattr(compiled, "FuncGen", codegen.FlatGen)
    flat = instantiate(wat)
    assert got == [call(flat, "f", k) for k in args]
    assert "_pc" in flat.exports["f"].pyfn.__code__.co_varnames
    assert len({g[0] for g in got}) == len(args) - 1  # 39 and 1000 both take the default
