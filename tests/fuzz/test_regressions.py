"""Minimized inputs of every failure the fuzzers found, fixed in the named file."""

from __future__ import annotations

import pytest

from wasmlite.binary import decode_module, encode_module
from wasmlite.errors import ParseError
from wasmlite.text import parse_module
from wasmlite.text.numbers import parse_float

from .targets import check_binary, check_text

HEADER = b"\x00asm\x01\x00\x00\x00"
# One function `[] -> []` with an empty body: type, function and code sections.
TYPES_FUNCS = b"\x01\x04\x01\x60\x00\x00" + b"\x03\x02\x01\x00"
CODE = b"\x0a\x04\x01\x02\x00\x0b"


def name_section(payload: bytes) -> bytes:
    body = b"\x04name" + payload
    return b"\x00" + bytes([len(body)]) + body


def func_name(name: bytes) -> bytes:
    """A name section payload naming function 0."""
    sub = b"\x01\x00" + bytes([len(name)]) + name
    return b"\x01" + bytes([len(sub)]) + sub


@pytest.mark.parametrize(
    "first",
    [func_name(b"b"), func_name(b"b")[:-2]],  # well-formed, truncated
    ids=["well-formed", "malformed"],
)
def test_two_name_sections_round_trip(first: bytes) -> None:
    """binary/encode.py rewrote *every* `name` section with the names of the last one."""
    data = HEADER + TYPES_FUNCS + name_section(first) + CODE + name_section(func_name(b"a"))
    module = decode_module(data)
    assert module.names is not None and module.names.funcs == {0: "a"}
    assert decode_module(encode_module(module)) == module
    check_binary(data)


def test_nesting_deeper_than_the_python_stack() -> None:
    """text/instructions.py parsed nested instructions recursively: RecursionError."""
    for src in (
        "(module (func (block (br_table 2 1 " + "(block " * 3000 + ")" * 3000 + "))))",
        "(module (func " + "block " * 3000 + "end " * 3000 + "))",
        "(module (func (result i32) " + "(i32.eqz " * 3000 + "(i32.const 0)" + ")" * 3000 + "))",
    ):
        check_text(src)


@pytest.mark.parametrize("bits", [32, 64])
def test_hex_float_with_huge_exponent(bits: int) -> None:
    """text/numbers.py computed 2**exponent exactly: seconds and gigabytes per literal."""
    with pytest.raises(ValueError, match="constant out of range"):
        parse_float("0x1p99999999999", bits)
    assert parse_float("-0x1p-99999999999", bits) == 1 << (bits - 1)  # -0


def test_decimal_literals_beyond_int_digit_limit() -> None:
    """text/numbers.py fed >4300 digits to int(): Python's own ValueError as the message."""
    with pytest.raises(ParseError, match="constant out of range"):
        parse_module("(module (func (drop (i32.const " + "1" * 5000 + "))))")
    assert parse_float("1" + "0" * 5000 + "e-5000", 32) == 0x3F800000
    # A digit far beyond the 800 kept must still round 2^53 + 1 (a tie) up.
    assert parse_float("9007199254740993" + "0" * 900 + "1e-901", 64) == 0x4340000000000001
    assert parse_float("9007199254740993" + "0" * 900 + "e-900", 64) == 0x4340000000000000


@pytest.mark.parametrize("escape", ["{ 41}", "{+41}", "{0x41}", "{_1}", "{1__0}", "{}"])
def test_malformed_unicode_escapes(escape: str) -> None:
    """text/lexer.py checked `\\u{...}` digits with int(), which allows sign, space, 0x, `_`."""
    with pytest.raises(ParseError):
        parse_module('(module (data "\\u' + escape + '"))')
    assert parse_module('(module (data "\\u{4_1}"))').datas[0].init == b"A"


def test_empty_identifier() -> None:
    """text/lexer.py took a lone `$` as an identifier (found by differential fuzzing)."""
    with pytest.raises(ParseError, match="unknown operator"):
        parse_module("(module (func $ (result i32) (i32.const 0)))")


@pytest.mark.parametrize(
    "body",
    [
        "(br 4294967296)",
        "(drop (local.get 4294967296))",
        "(drop (i32.load align=4294967296 (i32.const 0)))",
    ],
    ids=["label", "local", "align"],
)
def test_u32_immediates_out_of_range(body: str) -> None:
    """text/instructions.py took labels, locals and `align=` beyond u32 (unencodable)."""
    with pytest.raises(ParseError, match="i32 constant out of range"):
        parse_module(f"(module (memory 1) (func {body}))")


@pytest.mark.parametrize("char", ["\x00", "\t", "\n", "\x7f"], ids=["nul", "tab", "newline", "del"])
def test_raw_control_character_in_string(char: str) -> None:
    """text/lexer.py let raw control characters into strings (differential fuzzing)."""
    with pytest.raises(ParseError, match="illegal control character"):
        parse_module(f'(module (import "spectest" "pri{char}nt" (func)))')


def test_elem_with_table_use_needs_element_list() -> None:
    """text/parser.py took `(elem (table x) offset idx*)`; only the table-less form may omit `func`."""
    with pytest.raises(ParseError, match="unexpected token"):
        parse_module("(module (table 1 funcref) (func) (elem (table 0) (i32.const 0) 0))")
    assert parse_module("(module (table 1 funcref) (func) (elem (i32.const 0) 0))").elems
