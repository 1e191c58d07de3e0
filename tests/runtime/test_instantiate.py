"""Engine-independent instantiation: import matching, segments in spec order, start."""

from __future__ import annotations

import pytest

from wasmlite.engines import get_engine
from wasmlite.errors import LinkError, Trap
from wasmlite.model import (
    EXTERNREF,
    F32,
    FUNCREF,
    I32,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    TableType,
)
from wasmlite.runtime import GlobalInstance, HostFunc, MemoryInstance, Store, TableInstance
from wasmlite.runtime.spectest import make_spectest
from wasmlite.text import parse_module
from wasmlite.validate import validate_module


def instantiate(wat: str, imports: list | None = None, store: Store | None = None):
    module = parse_module(wat)
    validate_module(module)
    store = store or Store("python")
    return get_engine("python").compile(module).instantiate(store, imports or [])


def test_exports_and_globals() -> None:
    inst = instantiate(
        '(module (global (export "g") i32 (i32.const -1)) (memory (export "m") 2) (table (export "t") 3 funcref))'
    )
    assert inst.exports["g"].value == 0xFFFFFFFF
    assert isinstance(inst.exports["m"], MemoryInstance) and inst.exports["m"].pages == 2
    assert isinstance(inst.exports["t"], TableInstance) and inst.exports["t"].size == 3


def test_function_import_type_must_match() -> None:
    wat = '(module (import "m" "f" (func (param i32))))'
    instantiate(wat, [HostFunc(FuncType((I32,), ()), lambda x: None)])
    with pytest.raises(LinkError, match="incompatible import type"):
        instantiate(wat, [HostFunc(FuncType((F32,), ()), lambda x: None)])
    with pytest.raises(LinkError, match="incompatible import type"):
        instantiate(wat, [GlobalInstance(GlobalType(I32), 0)])
    with pytest.raises(LinkError, match="unknown import"):
        instantiate(wat, [])


def test_limits_subtyping() -> None:
    wat = '(module (import "m" "mem" (memory 1 4)))'
    instantiate(wat, [MemoryInstance(MemoryType(Limits(2, 3)))])
    with pytest.raises(LinkError, match="incompatible import type"):
        instantiate(wat, [MemoryInstance(MemoryType(Limits(1)))])  # no maximum
    with pytest.raises(LinkError, match="incompatible import type"):
        instantiate(wat, [MemoryInstance(MemoryType(Limits(0, 4)))])  # too small
    twat = '(module (import "m" "t" (table 10 funcref)))'
    instantiate(twat, [TableInstance(TableType(FUNCREF, Limits(10, 20)))])
    with pytest.raises(LinkError):
        instantiate(twat, [TableInstance(TableType(EXTERNREF, Limits(10, 20)))])


def test_global_mutability_must_match() -> None:
    wat = '(module (import "m" "g" (global (mut i32))))'
    instantiate(wat, [GlobalInstance(GlobalType(I32, True), 1)])
    with pytest.raises(LinkError):
        instantiate(wat, [GlobalInstance(GlobalType(I32, False), 1)])


def test_segments_trap_keeps_earlier_writes() -> None:
    spectest = make_spectest(Store("python"))
    mem = spectest.exports["memory"]
    wat = """(module (import "spectest" "memory" (memory 1))
      (data (i32.const 0) "ab") (data (i32.const 65535) "xy"))"""
    with pytest.raises(Trap, match="out of bounds memory access"):
        instantiate(wat, [mem])
    assert mem.read(0, 2) == b"ab"


def test_elem_segment_out_of_bounds() -> None:
    wat = "(module (table 1 funcref) (func) (elem (i32.const 1) 0))"
    with pytest.raises(Trap, match="out of bounds table access"):
        instantiate(wat)


def test_start_function_runs() -> None:
    inst = instantiate(
        '(module (global $g (export "g") (mut i32) (i32.const 0)) (func $s (global.set $g (i32.const 7))) (start $s))'
    )
    assert inst.exports["g"].value == 7


def test_instances_link_through_exports() -> None:
    a = instantiate(
        '(module (func (export "five") (result i32) (i32.const 5)) (memory (export "mem") 1))'
    )
    b = instantiate(
        """(module (import "a" "five" (func $five (result i32))) (import "a" "mem" (memory 1))
          (func (export "f") (result i32) (i32.store (i32.const 8) (call $five)) (i32.load (i32.const 8))))""",
        [a.exports["five"], a.exports["mem"]],
    )
    assert b.exports["f"].call([]) == [5]
    assert a.exports["mem"].read_u32(8) == 5


def test_spectest_module() -> None:
    st = make_spectest(Store("python"))
    assert st.exports["global_i32"].value == 666
    assert st.exports["global_f32"].value == 0x4426A666
    assert st.exports["table"].size == 10 and st.exports["table"].max == 20
    assert st.exports["memory"].pages == 1 and st.exports["memory"].max_pages == 2
    assert st.exports["print_i32"].call([1]) == []
