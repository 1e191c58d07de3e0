"""Hostile shapes: extreme nesting, locals, body sizes and declared counts.

Each must be decoded/parsed and validated (or rejected with a `WasmError`) without a
RecursionError, a hang or a huge allocation. Sizes are the brief's (10^5-deep nesting,
50,000 locals, 10^6 instructions); each case takes well under a second or two.
"""

from __future__ import annotations

import pytest

from wasmlite.binary import decode_module, encode_module
from wasmlite.binary.leb128 import encode_u
from wasmlite.errors import DecodeError, ParseError
from wasmlite.text import parse_module, print_module
from wasmlite.validate import validate_module

HEADER = b"\x00asm\x01\x00\x00\x00"
DEPTH = 100_000
# Text is ~10x slower to parse than binary to decode; shapes other than the required
# 10^5-deep blocks use this size to keep the file within the CI budget.
TEXT_SIZE = 20_000
U32_MAX_LEB = b"\xff\xff\xff\xff\x0f"


def section(sid: int, body: bytes) -> bytes:
    return bytes([sid]) + encode_u(len(body)) + body


def vec(items: list[bytes]) -> bytes:
    return encode_u(len(items)) + b"".join(items)


def one_func(body: bytes, locals_: bytes = b"\x00", result: bytes = b"") -> bytes:
    """A module with one function `[] -> result` whose code entry is `locals_ + body`."""
    code = locals_ + body
    functype = b"\x60\x00" + vec([result] if result else [])
    return (
        HEADER
        + section(1, vec([functype]))
        + section(3, vec([b"\x00"]))
        + section(10, vec([encode_u(len(code)) + code]))
    )


def decode_and_validate(data: bytes) -> None:
    module = decode_module(data)
    validate_module(module)
    assert decode_module(encode_module(module)) == module


# ---- binary -------------------------------------------------------------------------


def test_deeply_nested_blocks_binary() -> None:
    decode_and_validate(one_func(b"\x02\x40" * DEPTH + b"\x0b" * DEPTH + b"\x0b"))


def test_deeply_nested_ifs_binary() -> None:
    decode_and_validate(one_func(b"\x41\x00\x04\x40" * DEPTH + b"\x0b" * DEPTH + b"\x0b"))


def test_unclosed_nesting_binary() -> None:
    with pytest.raises(DecodeError):
        decode_module(one_func(b"\x02\x40" * DEPTH + b"\x0b"))


def test_fifty_thousand_locals() -> None:
    decode_and_validate(one_func(b"\x0b", vec([encode_u(50_000) + b"\x7f"])))


def test_too_many_locals() -> None:
    for groups in ([encode_u(50_001) + b"\x7f"], [U32_MAX_LEB + b"\x7f"] * 2):
        with pytest.raises(DecodeError, match="too many locals"):
            decode_module(one_func(b"\x0b", vec(groups)))


def test_million_instructions() -> None:
    decode_and_validate(one_func(b"\x01" * 1_000_000 + b"\x0b"))


def test_million_instructions_with_immediates() -> None:
    decode_and_validate(one_func(b"\x41\x7f\x1a" * 333_333 + b"\x0b"))


@pytest.mark.parametrize(
    "data",
    [
        HEADER + section(1, U32_MAX_LEB),  # 2^32 - 1 types
        HEADER + section(3, U32_MAX_LEB + b"\x00"),  # functions
        HEADER + section(2, U32_MAX_LEB + b"\x00"),  # imports
        HEADER + section(11, b"\x01\x01" + U32_MAX_LEB),  # data bytes
        HEADER + section(9, b"\x01\x01\x00" + U32_MAX_LEB),  # element indices
        HEADER + b"\x00" + U32_MAX_LEB,  # custom section size
        HEADER + b"\x01" + U32_MAX_LEB + b"\x00",  # section size
        one_func(b"\x41\x00\x0e" + U32_MAX_LEB + b"\x00\x0b"),  # br_table targets
        one_func(b"\x1c" + U32_MAX_LEB + b"\x7f\x0b"),  # select types
        one_func(b"\x0b", U32_MAX_LEB + b"\x01\x7f"),  # local groups
        one_func(b"\x0b", vec([b"\x01\x7f"] * 70_000)),  # 70,000 groups of one
    ],
    ids=lambda data: f"{len(data)}-bytes",
)
def test_huge_declared_counts(data: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_module(data)


# ---- text ---------------------------------------------------------------------------


def parse_and_validate(src: str) -> None:
    module = parse_module(src)
    validate_module(module)
    assert decode_module(encode_module(module)) == module


def test_deeply_nested_folded_blocks_text() -> None:
    parse_and_validate("(module (func " + "(block " * DEPTH + ")" * DEPTH + "))")


def test_deeply_nested_plain_blocks_text() -> None:
    parse_and_validate("(module (func " + "block " * DEPTH + "end " * DEPTH + "))")


def test_deeply_nested_folded_ifs_text() -> None:
    n = TEXT_SIZE
    src = "(module (func " + "(if (i32.const 0) (then " * n + "))" * n + "))"
    parse_and_validate(src)


def test_deeply_folded_operands_text() -> None:
    src = "(module (func (result i32) " + "(i32.eqz " * DEPTH + "(i32.const 0)" + ")" * DEPTH
    parse_and_validate(src + "))")


@pytest.mark.parametrize(
    "src",
    [
        "(module (func " + "(block " * DEPTH,  # never closed
        "(module (func " + "block " * TEXT_SIZE + "))",
        "(module (func " + "(" * DEPTH + ")" * DEPTH + "))",
        "(module " + "(module " * DEPTH + ")" * DEPTH + ")",
        "(" * DEPTH,
    ],
    ids=["unclosed-folded", "unclosed-plain", "empty-parens", "nested-modules", "open-parens"],
)
def test_deep_malformed_text(src: str) -> None:
    with pytest.raises(ParseError):
        parse_module(src)


def test_deep_nesting_prints_in_linear_size() -> None:
    n = TEXT_SIZE
    module = parse_module("(module (func " + "(block " * n + ")" * n + "))")
    text = print_module(module)
    assert len(text) < 200 * n
    assert parse_module(text) == module


def test_fifty_thousand_locals_text() -> None:
    parse_and_validate("(module (func " + "(local i32) " * 50_000 + "))")


def test_million_instructions_text() -> None:
    parse_and_validate("(module (func " + "nop " * (10 * TEXT_SIZE) + "))")


@pytest.mark.parametrize(
    "literal",
    ["0x1p999999999", "-0x1p-999999999", "1e999999999999", "1" * 5000, "0x" + "f" * 5000],
    ids=["hex-exp", "hex-neg-exp", "dec-exp", "long-dec", "long-hex"],
)
def test_huge_number_literals(literal: str) -> None:
    for t in ("i32", "i64", "f32", "f64"):
        try:
            parse_module(f"(module (func (drop ({t}.const {literal}))))")
        except ParseError:
            pass
