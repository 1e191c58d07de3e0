"""Trap backtraces of the LLVM engine (frame-pointer walk at the trap) and its bound call
paths between Python and native code (`fastcall`)."""

from __future__ import annotations

import pytest

pytest.importorskip("llvmlite", reason="the LLVM engine needs llvmlite")

from wasmlite.engines import get_engine  # noqa: E402
from wasmlite.errors import Exhaustion, Trap  # noqa: E402
from wasmlite.model import FuncType, ValType  # noqa: E402
from wasmlite.runtime import HostFunc, Store  # noqa: E402
from wasmlite.text import parse_module  # noqa: E402
from wasmlite.validate import validate_module  # noqa: E402

I32 = ValType.i32

SRC = """(module
  (import "h" "boom" (func $boom (param i32) (result i32)))
  (table 2 funcref) (elem (i32.const 0) $a)
  (type $t (func (param i32) (result i32)))
  (func $a (param i32) (result i32) (call $boom (local.get 0)))
  (func $b (export "b") (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 0)))
  (func $rec (export "rec") (param i32) (result i32)
    (i32.add (i32.const 1) (call $rec (local.get 0))))
  (func $inner (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 0)))
  (func $middle (param i32) (result i32) (call $inner (local.get 0)))
  (func $outer (export "outer") (param i32) (result i32) (call $middle (local.get 0))))"""


def _boom(x: int) -> int:
    raise Trap("host says no")


def _instance(engine: str = "llvm"):
    module = parse_module(SRC)
    validate_module(module)
    boom = HostFunc(FuncType((I32,), (I32,)), _boom)
    return get_engine(engine).compile(module).instantiate(Store(engine), [boom])


def _frames(call, *args) -> list[str | None]:
    with pytest.raises(Trap) as info:
        call(list(args))
    return [f.func_name for f in info.value.frames]


def test_every_wasm_frame_of_a_trap_is_named() -> None:
    inst = _instance()
    assert _frames(inst.exports["outer"].call, 1) == ["inner", "middle", "outer"]


def test_trap_in_a_host_function_names_its_wasm_callers() -> None:
    inst = _instance()
    assert _frames(inst.exports["b"].call, 0) == ["a", "b"]


def test_backtraces_match_the_python_engine() -> None:
    native, python = _instance(), _instance("python")
    for name, arg in [("outer", 3), ("b", 0), ("b", 1)]:
        got = _frames(native.exports[name].call, arg)
        assert got == _frames(python.exports[name].call, arg), name


def test_exhaustion_keeps_the_innermost_frames() -> None:
    inst = _instance()
    with pytest.raises(Exhaustion) as info:
        inst.exports["rec"].call([0])
    names = [f.func_name for f in info.value.frames]
    assert 1 < len(names) <= 256
    assert set(names) == {"rec"}


def test_a_later_call_works_after_a_trap() -> None:
    inst = _instance()
    _frames(inst.exports["outer"].call, 1)
    with pytest.raises(Trap, match="uninitialized element 1"):
        inst.exports["b"].call([1])


ECHO = """(module
  (import "h" "pair" (func $pair (param i64 f64) (result f64 i64)))
  (func (export "swap") (param i64 f64) (result f64 i64)
    (call $pair (local.get 0) (local.get 1)))
  (func (export "nop")))"""


def test_bound_call_paths_carry_every_number_type() -> None:
    module = parse_module(ECHO)
    validate_module(module)
    ft = FuncType((ValType.i64, ValType.f64), (ValType.f64, ValType.i64))
    pair = HostFunc(ft, lambda a, b: (b, a))
    inst = get_engine("llvm").compile(module).instantiate(Store("llvm"), [pair])
    swap = inst.exports["swap"]
    bits = 0x400921FB54442D18  # pi
    assert swap.call([(1 << 64) - 1, bits]) == [bits, (1 << 64) - 1]
    assert swap.call([-1, bits]) == [bits, (1 << 64) - 1]  # wrapped to the type's width
    assert inst.exports["nop"].call([]) == []
    with pytest.raises(Trap, match="wrong number of arguments"):
        swap.call([1])
