"""The record base classes behave as the dataclasses they replace did."""

from __future__ import annotations

import copy
import pickle

import pytest

from wasmlite.errors import Frame
from wasmlite.model import Data, Func, FuncType, Limits, Module, Names, SegmentMode, ValType
from wasmlite.opcodes import BY_NAME
from wasmlite.wasi.config import Preopen, WasiConfig
from wasmlite.wasi.witx import Enum, Int, Pointer, Ref


def test_frozen_records_compare_hash_and_print_by_field() -> None:
    a = Frame("m", 3, "f", 0x10)
    assert a == Frame(module="m", func_index=3, func_name="f", offset=0x10)
    assert a != Frame("m", 3, "f") and Frame("m", 3, "f").offset is None
    assert hash(a) == hash(Frame("m", 3, "f", 16))
    assert repr(a) == "Frame(module='m', func_index=3, func_name='f', offset=16)"
    assert Limits(1) == Limits(1, None) and {Limits(1): 1}[Limits(1, None)] == 1
    assert FuncType([ValType.i32], ()) == FuncType((ValType.i32,))
    assert repr(FuncType((ValType.i32,))) == "FuncType(params=(i32,), results=())"


def test_records_of_different_classes_differ_even_with_equal_fields() -> None:
    assert Int("u8") != Ref("u8")
    assert Enum("u8", ("a",)) != Int("u8")


def test_frozen_records_refuse_assignment_and_survive_pickling() -> None:
    for value in (Frame("m", 1, None), Preopen("/a", "/b"), Pointer(Ref("x")), Limits(2, 3)):
        with pytest.raises(AttributeError):
            value.offset = 1  # type: ignore[union-attr]
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value


def test_construction_errors_name_the_problem() -> None:
    with pytest.raises(TypeError, match="missing"):
        Frame("m")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected"):
        Limits(1, colour=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes"):
        Limits(1, 2, 3)  # type: ignore[call-arg]


def test_mutable_records_compare_by_field_and_leave_out_what_dataclasses_did() -> None:
    assert Func(0) == Func(0, [], []) and Func(0).locals is not Func(0).locals
    assert Func(0, offsets=[1]) == Func(0, offsets=[2])  # offsets: compare=False
    assert "offsets" not in repr(Func(0, offsets=[1]))
    assert Data(b"x", encoding=1) == Data(b"x", SegmentMode.passive, 0, None, 2)
    assert Module(names=Names(module="a"), id="x") == Module()  # names and id: compare=False
    assert "names=Names(module='a'" in repr(Module(names=Names(module="a")))
    assert Names(types={0: "t"}) == Names()  # the extended name maps: compare=False
    assert WasiConfig(argv=["a"]) == WasiConfig(["a"]) != WasiConfig()
    with pytest.raises(TypeError):
        hash(Func(0))  # mutable: unhashable, as a dataclass with eq


def test_opcodes_compare_by_identity() -> None:
    op = BY_NAME["i32.add"]
    assert op == op and hash(op) == object.__hash__(op)
    assert repr(op) == "Op(i32.add)"
