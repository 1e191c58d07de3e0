"""The encoder: minimal encodings, byte-identical round trips, segment forms, names."""

from __future__ import annotations

import pytest

from wasmlite.binary import decode_module, encode_module
from wasmlite.model import (
    FUNCREF,
    I32,
    CustomSection,
    Data,
    Elem,
    Func,
    FuncType,
    Global,
    GlobalType,
    Instr,
    Module,
    Names,
    SegmentMode,
)
from wasmlite.opcodes import BY_NAME

from .test_decode import HEADER, MALFORMED, code, one_func, section


def ins(name: str, imm: object = None) -> Instr:
    return Instr(BY_NAME[name], imm)


END = ins("end")

CANONICAL = [
    HEADER,
    one_func(b"\x41\x7f\x42\x80\x7f\x1a\x1a\x0b"),
    one_func(b"\x02\x40\x03\x7f\x41\x00\x0b\x1a\x0b\x0b"),
    HEADER + section(0, b"\x01a") + b"\x01\x04\x01\x60\x00\x00" + section(0, b"\x01bxyz"),
    HEADER
    + section(1, b"\x01\x60\x00\x00")
    + section(3, b"\x01\x00")
    + section(4, b"\x01\x70\x00\x01")
    + section(9, b"\x02\x02\x00\x41\x00\x0b\x00\x01\x00\x06\x00\x41\x00\x0b\x70\x01\xd2\x00\x0b")
    + section(12, b"\x02")
    + code(b"\x00\x0b")
    + section(11, b"\x02\x02\x00\x41\x00\x0b\x01a\x01\x01b"),
]


@pytest.mark.parametrize("data", CANONICAL)
def test_byte_identical_round_trip(data: bytes) -> None:
    assert encode_module(decode_module(data)) == data


def test_module_round_trip() -> None:
    m = Module(
        types=[FuncType((I32,), (I32,))],
        funcs=[
            Func(0, [I32, I32], [ins("local.get", 0), ins("i32.const", -300), ins("i32.add"), END])
        ],
        globals=[Global(GlobalType(I32, True), [ins("i32.const", 2**31 - 1), END])],
        elems=[Elem(FUNCREF, [[ins("ref.func", 0), END]], SegmentMode.declarative)],
        datas=[Data(b"hi", SegmentMode.passive)],
        data_count=1,
    )
    assert decode_module(encode_module(m)) == m


def test_elem_canonical_form_without_remembered_encoding() -> None:
    e = Elem(
        FUNCREF, [[ins("ref.func", 0), END]], SegmentMode.active, 0, [ins("i32.const", 0), END]
    )
    m = Module(types=[FuncType()], funcs=[Func(0, [], [END])], elems=[e])
    data = encode_module(m)
    assert decode_module(data).elems[0].encoding == 0
    e.init.append([ins("ref.null", FUNCREF), END])
    assert decode_module(encode_module(m)).elems[0].encoding == 4


def test_names_are_encoded_and_optional() -> None:
    m = Module(types=[FuncType()], funcs=[Func(0, [I32], [END])])
    m.names = Names("m", {0: "f"}, {0: {0: "x"}})
    back = decode_module(encode_module(m))
    assert back.names == m.names
    assert decode_module(encode_module(m, names=False)).names is None


def test_names_false_drops_decoded_name_section() -> None:
    m = Module(customs=[CustomSection("name", b"\x00\x02\x01m"), CustomSection("other", b"")])
    data = encode_module(m, names=False)
    assert [c.name for c in decode_module(data).customs] == ["other"]


def test_custom_after_absent_section_keeps_its_place() -> None:
    m = Module(customs=[CustomSection("c", b"", after=4)])
    assert decode_module(encode_module(m)) == m


def test_malformed_table_is_not_all_round_trips() -> None:
    # Sanity check that the shared table really holds malformed inputs only.
    assert len(MALFORMED) > 30
