"""Numeric literals: exact rounding, NaN payloads, ranges and malformed forms."""

from __future__ import annotations

import random
import struct

import pytest

from wasmlite.text.numbers import float_text, parse_float, parse_int, parse_uint


def f32_bits(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f64_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


@pytest.mark.parametrize(
    "text,bits,expected",
    [
        ("1.5", 32, f32_bits(1.5)),
        ("0x1p-149", 32, 1),
        ("0x1p-150", 32, 0),  # halfway to the smallest subnormal: ties to even (zero)
        ("0x1.8p-149", 32, 2),  # halfway between 1 and 2 ulps: ties to even (2)
        ("-0x0p0", 64, 1 << 63),
        ("-0.0", 32, 1 << 31),
        ("nan", 32, 0x7FC00000),
        ("-nan", 64, 0xFFF8000000000000),
        ("nan:0x1", 32, 0x7F800001),
        ("-nan:0x1", 64, 0xFFF0000000000001),
        ("inf", 32, 0x7F800000),
        ("-inf", 64, 0xFFF0000000000000),
        ("1e-45", 32, 1),
        ("0x1.fffffep127", 32, 0x7F7FFFFF),
        ("1_000.5e0_1", 64, f64_bits(10005.0)),
        ("0x1.fffffefffffffffffp127", 32, 0x7F7FFFFF),  # just below the overflow midpoint
        # Decimal literals that double rounding (via f64) would get wrong for f32.
        ("1.00000005960464477539062500001", 32, 0x3F800001),
        ("16777217.000000001", 32, f32_bits(16777218.0)),
        ("0x1.000001p0", 32, 0x3F800000),  # exact tie: rounds to even
        ("0x1.000003p0", 32, 0x3F800002),
    ],
)
def test_floats(text: str, bits: int, expected: int) -> None:
    assert parse_float(text, bits) == expected


@pytest.mark.parametrize(
    "text,bits",
    [
        ("1e39", 32),
        ("0x1p128", 32),
        ("0x1.ffffffp127", 32),
        ("1e309", 64),
        ("nan:0x0", 32),
        ("nan:0x80_0000", 32),
        ("nan:0x10_0000_0000_0000", 64),
    ],
)
def test_float_out_of_range(text: str, bits: int) -> None:
    with pytest.raises(ValueError, match="constant out of range"):
        parse_float(text, bits)


@pytest.mark.parametrize(
    "text", [".0", "0x", "1x", "0e", "0x0p", "nan:1", "_1", "1_", "1__0", "0x_1"]
)
def test_float_malformed(text: str) -> None:
    with pytest.raises(ValueError, match="unknown operator"):
        parse_float(text, 32)


def test_ints() -> None:
    assert parse_int("-1", 32) == -1
    assert parse_int("0xffffffff", 32) == -1
    assert parse_int("-0x80000000", 32) == -(1 << 31)
    assert parse_int("+12_34", 64) == 1234
    assert parse_int("0xFFFF_FFFF_FFFF_FFFF", 64) == -1
    for text in ("4294967296", "-2147483649", "0x1_0000_0000"):
        with pytest.raises(ValueError, match="constant out of range"):
            parse_int(text, 32)
    with pytest.raises(ValueError, match="unknown operator"):
        parse_int("1.0", 32)
    assert parse_uint("0x10") == 16
    assert parse_uint("-1") is None


def test_round_trip_random_patterns() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        b64 = rng.getrandbits(64)
        if (b64 >> 52) & 0x7FF != 0x7FF:
            x = struct.unpack("<d", struct.pack("<Q", b64))[0]
            assert parse_float(repr(x), 64) == b64
        assert parse_float(float_text(b64, 64), 64) == b64
        b32 = rng.getrandbits(32)
        assert parse_float(float_text(b32, 32), 32) == b32
