"""The WAT parser: abbreviations, identifiers, immediates and malformed text."""

from __future__ import annotations

import pytest

from wasmlite import opcodes
from wasmlite.errors import ParseError
from wasmlite.model import (
    EXTERNREF,
    F32,
    FUNCREF,
    I32,
    I64,
    ExternKind,
    FuncType,
    Instr,
    Limits,
    SegmentMode,
)
from wasmlite.text import parse_module

OP = opcodes.BY_NAME
END = Instr(opcodes.END)


def body(src: str) -> list[Instr]:
    return parse_module(f"(module (func {src}))").funcs[0].body


def test_folded_and_flat_are_the_same() -> None:
    flat = body("(param i32) (result i32) local.get 0 i32.const 1 i32.add")
    folded = body("(param i32) (result i32) (i32.add (local.get 0) (i32.const 1))")
    assert (
        flat
        == folded
        == [
            Instr(OP["local.get"], 0),
            Instr(OP["i32.const"], 1),
            Instr(OP["i32.add"]),
            END,
        ]
    )


def test_labels_and_blocks() -> None:
    got = body(
        "(block $a (loop $b (br_if $a (i32.const 0)) (br $b)))"
        " block $c (result i32) i32.const 1 end $c drop"
        " (if $d (i32.const 1) (then (br $d)) (else nop))"
    )
    assert got == [
        Instr(OP["block"]),
        Instr(OP["loop"]),
        Instr(OP["i32.const"], 0),
        Instr(OP["br_if"], 1),
        Instr(OP["br"], 0),
        END,
        END,
        Instr(OP["block"], I32),
        Instr(OP["i32.const"], 1),
        END,
        Instr(OP["drop"]),
        Instr(OP["i32.const"], 1),
        Instr(OP["if"]),
        Instr(OP["br"], 0),
        Instr(opcodes.ELSE),
        Instr(OP["nop"]),
        END,
        END,
    ]


def test_implicit_types_and_multi_value_blocks() -> None:
    m = parse_module(
        "(type $t (func (param i32)))"
        "(func (param i32))"  # reuses $t
        "(func (result i64) (block (param i32) (result i64 i64) unreachable) unreachable)"
    )
    assert m.types == [
        FuncType((I32,), ()),
        FuncType((), (I64,)),
        FuncType((I32,), (I64, I64)),
    ]
    assert [f.type_index for f in m.funcs] == [0, 1]
    assert m.funcs[1].body[0] == Instr(OP["block"], 2)


def test_identifiers_in_every_space() -> None:
    m = parse_module(
        """(module
          (type $t (func))
          (import "m" "f" (func $imp (type $t)))
          (func $f (param $p i32) (local $l i64)
            (call $f (local.get $p)) (local.set $l (i64.const 0))
            (call_indirect $tab (type $t)) (global.get $g) drop
            (table.get $tab (i32.const 0)) drop
            (memory.init $mem $d (i32.const 0) (i32.const 0) (i32.const 0))
            (data.drop $d) (elem.drop $e) (call $imp))
          (table $tab 1 funcref)
          (memory $mem 1)
          (global $g i32 (i32.const 0))
          (elem $e func $f)
          (data $d "x")
          (start $imp))"""
    )
    b = m.funcs[0].body
    assert b[0] == Instr(OP["local.get"], 0) and b[1] == Instr(OP["call"], 1)
    assert b[3] == Instr(OP["local.set"], 1)
    assert b[4] == Instr(OP["call_indirect"], (0, 0))
    assert Instr(OP["memory.init"], (0, 0)) in b
    assert m.start == 0 and m.data_count == 1
    assert m.names is not None and m.names.funcs == {0: "imp", 1: "f"}
    assert m.names.locals[1] == {0: "p", 1: "l"}


def test_inline_imports_exports_and_segments() -> None:
    m = parse_module(
        """(func $f (export "f") (export "g") (import "m" "f") (param i32))
           (global (export "gl") (import "m" "g") (mut f32))
           (table (export "t") funcref (elem $f $f))
           (memory (export "m") (data "ab" "c"))"""
    )
    assert [(i.module, i.name, i.kind) for i in m.imports] == [
        ("m", "f", ExternKind.func),
        ("m", "g", ExternKind.glob),
    ]
    assert [e.name for e in m.exports] == ["f", "g", "gl", "t", "m"]
    assert m.tables[0].type.limits == Limits(2, 2)
    assert m.memories[0].type.limits == Limits(1, 1)
    assert m.datas[0].init == b"abc" and m.datas[0].mode == SegmentMode.active
    assert m.elems[0].init == [[Instr(OP["ref.func"], 0), END]] * 2


def test_elem_forms() -> None:
    m = parse_module(
        """(table $t 10 funcref) (table $u 10 externref) (func $f)
           (elem (i32.const 0) $f)
           (elem (table $t) (offset (i32.const 1)) func $f)
           (elem $p funcref (item ref.func $f) (ref.null func))
           (elem declare func $f)
           (elem (table $u) (i32.const 0) externref (ref.null extern))"""
    )
    modes = [e.mode for e in m.elems]
    assert modes == [
        SegmentMode.active,
        SegmentMode.active,
        SegmentMode.passive,
        SegmentMode.declarative,
        SegmentMode.active,
    ]
    assert m.elems[2].init[1] == [Instr(OP["ref.null"], FUNCREF), END]
    assert m.elems[4].table == 1 and m.elems[4].reftype == EXTERNREF


def test_immediates() -> None:
    b = body(
        "(drop (i32.load8_u offset=0x10 align=1 (i32.const 0)))"
        "(drop (f32.const -nan:0x200000)) (drop (i64.const -1))"
        "(drop (v128.const i16x8 1 2 3 4 5 6 7 -1))"
        "(drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31"
        "  (v128.const i64x2 0 0) (v128.const f64x2 0 -0)))"
        "(drop (v128.load16_lane offset=2 3 (i32.const 0) (v128.const i32x4 0 0 0 0)))"
        "(drop (select (result f32) (f32.const 0) (f32.const 1) (i32.const 0)))"
        "(br_table 0 0 0 (i32.const 0))"
    )
    assert Instr(OP["i32.load8_u"], (0, 16)) in b
    assert Instr(OP["f32.const"], 0xFFA00000) in b
    assert Instr(OP["i64.const"], -1) in b
    v = bytes([1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0xFF, 0xFF])
    assert Instr(OP["v128.const"], v) in b
    assert Instr(OP["i8x16.shuffle"], (*range(15), 31)) in b
    assert Instr(OP["v128.const"], bytes(15) + b"\x80") in b
    assert Instr(OP["v128.load16_lane"], (1, 2, 3)) in b
    assert Instr(opcodes.SELECT_T, (F32,)) in b
    assert Instr(OP["br_table"], ((0, 0), 0)) in b


def test_strings_and_comments() -> None:
    m = parse_module(
        "(module ;; line comment\n (; block (; nested ;) comment ;)\n"
        ' (func (export "\\t\\n\\r\\"\\\'\\\\\\41\\u{1F600}")))'
    )
    assert m.exports[0].name == "\t\n\r\"'\\A\U0001f600"


@pytest.mark.parametrize(
    "src,message",
    [
        ("(func (i32.const 0x100000000) drop)", "constant out of range"),
        ("(func (i32.const) drop)", "unexpected token"),
        ("(func (i32.const 1x) drop)", "unknown operator"),
        ("(func i32.foo)", "unknown operator"),
        ("(func br $nope)", "unknown label"),
        ("(func call $nope)", "unknown function"),
        ("(func local.get $nope)", "unknown local"),
        ("(func global.get $nope)", "unknown global"),
        ("(func (table.get $nope (i32.const 0)) drop)", "unknown table"),
        ("(func (call_indirect (type $nope)))", "unknown type"),
        ("(func block $a end $b)", "mismatching label"),
        ("(func $f) (func $f)", "duplicate func"),
        ("(func (param $x i32) (local $x i32))", "duplicate local"),
        ('(func) (import "a" "b" (func))', "import after function"),
        ('(global i32 (i32.const 0)) (import "a" "b" (memory 1))', "import after global"),
        ("(memory 0x1_0000_0000)", "i32 constant out of range"),
        ("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))", "alignment"),
        ("(type $t (func)) (func (type $t) (param i32))", "inline function type"),
        ('(func (export "\\80"))', "malformed UTF-8 encoding"),
        ("(func (v128.const i32x4 0 0 0) drop)", "wrong number of lane literals"),
        ("(func (i8x16.extract_lane_s 256 (v128.const i64x2 0 0)) drop)", "malformed lane index"),
        ('(func "a"x)', "unknown operator"),
        ("(func) (start 0) (start 0)", "multiple start sections"),
    ],
)
def test_malformed(src: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_module(src)


def test_error_has_line_number() -> None:
    with pytest.raises(ParseError) as info:
        parse_module("(module\n  (func\n    i32.bogus))")
    assert info.value.line == 3


def test_annotations_are_ignored() -> None:
    m = parse_module('(module (@name "m") (func (@custom (nested "x")) nop))')
    assert m.funcs[0].body == [Instr(OP["nop"]), END]
