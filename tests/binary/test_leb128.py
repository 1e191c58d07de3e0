"""LEB128: minimal encodings and the spec's strictness rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wasmlite.binary.leb128 import decode_s, decode_u, encode_s, encode_u
from wasmlite.errors import DecodeError


@given(st.integers(0, 2**64 - 1))
def test_unsigned_round_trip(n: int) -> None:
    data = encode_u(n)
    assert decode_u(data, 0, 64, "eof") == (n, len(data))


@given(st.integers(-(2**63), 2**63 - 1))
def test_signed_round_trip(n: int) -> None:
    data = encode_s(n)
    assert decode_s(data, 0, 64, "eof") == (n, len(data))


@pytest.mark.parametrize(
    "n, data",
    [(0, b"\x00"), (127, b"\x7f"), (128, b"\x80\x01"), (2**32 - 1, b"\xff\xff\xff\xff\x0f")],
)
def test_unsigned_minimal(n: int, data: bytes) -> None:
    assert encode_u(n) == data


@pytest.mark.parametrize(
    "n, data", [(0, b"\x00"), (-1, b"\x7f"), (63, b"\x3f"), (64, b"\xc0\x00"), (-65, b"\xbf\x7f")]
)
def test_signed_minimal(n: int, data: bytes) -> None:
    assert encode_s(n) == data


def test_overlong_but_in_range_is_accepted() -> None:
    assert decode_u(b"\x80\x80\x80\x80\x00", 0, 32, "eof") == (0, 5)
    assert decode_s(b"\xff\xff\xff\xff\x7f", 0, 32, "eof") == (-1, 5)


@pytest.mark.parametrize(
    "data, bits, signed, message",
    [
        (b"\x80\x80\x80\x80\x80\x00", 32, False, "integer representation too long"),
        (b"\x80\x80\x80\x80\x10", 32, False, "integer too large"),
        (b"\x80\x80\x80\x80\x70", 32, True, "integer too large"),
        (b"\xff\xff\xff\xff\x0f", 32, True, "integer too large"),
        (b"\x80" * 10 + b"\x00", 64, True, "integer representation too long"),
        (b"\x80" * 9 + b"\x02", 64, False, "integer too large"),
        (b"\x80\x80", 32, False, "eof"),
    ],
)
def test_malformed(data: bytes, bits: int, signed: bool, message: str) -> None:
    decode = decode_s if signed else decode_u
    with pytest.raises(DecodeError, match=message):
        decode(data, 0, bits, "eof")
