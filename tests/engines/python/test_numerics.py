"""Scalar numerics of the pure-Python engine: bit conversions, rounding, traps, and the
spec testsuite's and wasmtime's expected results for every scalar numeric instruction."""

from __future__ import annotations

import math
import random
import struct
from fractions import Fraction

import pytest

from wasmlite import opcodes
from wasmlite.engines.python import numerics as n
from wasmlite.errors import Trap

from .vectors import SPEC_DIR, check, check_spec, load_vectors, spec_vectors

SPEC_FILES = [
    "f32.wast",
    "f64.wast",
    "f32_cmp.wast",
    "f64_cmp.wast",
    "f32_bitwise.wast",
    "f64_bitwise.wast",
    "conversions.wast",
    "float_exprs.wast",
    "float_misc.wast",
    "i32.wast",
    "i64.wast",
]

SCALAR_OPS = [
    op.name
    for op in opcodes.OPS
    if (op.prefix is None and op.results and op.imm == "none")
    or (op.prefix == opcodes.PREFIX_FC and op.code <= 7)
]


def test_every_scalar_numeric_instruction_has_a_function() -> None:
    missing = [name for name in SCALAR_OPS if not hasattr(n, name.replace(".", "_"))]
    assert not missing


# ---- bits <-> values --------------------------------------------------------------------

F32_EDGES = [
    0x00000000, 0x80000000, 0x00000001, 0x807FFFFF, 0x00800000, 0x3F800000, 0x7F7FFFFF,
    0x7F800000, 0xFF800000, 0x7F800001, 0x7FBFFFFF, 0x7FC00000, 0x7FC00001, 0x7FFFFFFF,
    0xFF800001, 0xFFC00000, 0xFFFFFFFF, 0x7FA00000, 0xFFA00000,
]  # fmt: skip


def _f32_patterns() -> list[int]:
    rng = random.Random(1)
    out = list(F32_EDGES)
    for sign in (0, 0x80000000):
        for exp in (0, 1, 0x7E, 0x7F, 0xFE, 0xFF):
            for mant in (0, 1, 0x3FFFFF, 0x400000, 0x400001, 0x7FFFFF, rng.getrandbits(23)):
                out.append(sign | (exp << 23) | mant)
    out += [rng.getrandbits(32) for _ in range(20000)]
    # NaNs of random payloads, signalling and quiet, both signs.
    out += [
        0x7F800000 | (rng.getrandbits(1) << 31) | (rng.getrandbits(23) or 1) for _ in range(5000)
    ]
    return out


def test_f32_bits_round_trip_exactly() -> None:
    for bits in _f32_patterns():
        x = n.f32_from_bits(bits)
        assert n.f32_to_bits(x) == bits, hex(bits)
        if x == x:
            assert struct.unpack("<I", struct.pack("<f", x))[0] == bits


def test_f32_nan_payload_lives_in_the_double_mantissa_top() -> None:
    x = n.f32_from_bits(0xFFA00001)
    assert n.f64_to_bits(x) == 0xFFF4000020000000  # still signalling as a double


def test_f64_bits_round_trip_exactly() -> None:
    rng = random.Random(2)
    patterns = [
        0,
        1 << 63,
        0x7FF0000000000001,
        0xFFF4000000000000,
        0x7FF8000000000000,
        (1 << 64) - 1,
    ]
    patterns += [rng.getrandbits(64) for _ in range(20000)]
    patterns += [
        0x7FF0000000000000 | (rng.getrandbits(1) << 63) | (rng.getrandbits(52) or 1)
        for _ in range(5000)
    ]
    for bits in patterns:
        assert n.f64_to_bits(n.f64_from_bits(bits)) == bits, hex(bits)


@pytest.mark.parametrize("bits", [0x7FA00000, 0xFFA00001, 0x7FC12345, 0x7F800001])
def test_sign_operations_keep_f32_nan_payloads(bits: int) -> None:
    x = n.f32_from_bits(bits)
    assert n.f32_to_bits(n.f32_neg(x)) == bits ^ 0x80000000
    assert n.f32_to_bits(n.f32_abs(x)) == bits & 0x7FFFFFFF
    assert n.f32_to_bits(n.f32_copysign(x, -1.0)) == bits | 0x80000000
    assert n.f32_to_bits(n.f32_copysign(x, 0.0)) == bits & 0x7FFFFFFF


# ---- rounding ---------------------------------------------------------------------------


def _reference_f32(value: Fraction) -> int:
    """Exact round-to-nearest-even of a rational to single precision, as raw bits."""
    sign = 0x80000000 if value < 0 else 0
    mag = abs(value)
    if mag == 0:
        return sign
    exp = mag.numerator.bit_length() - mag.denominator.bit_length()
    while Fraction(2) ** exp > mag:
        exp -= 1
    while Fraction(2) ** (exp + 1) <= mag:
        exp += 1
    exp = max(exp, -126)  # subnormals share the smallest normal exponent's spacing
    scaled = mag / Fraction(2) ** (exp - 23)
    q, r = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * r
    if twice > scaled.denominator or (twice == scaled.denominator and q & 1):
        q += 1
    if q == 1 << 24:
        q, exp = 1 << 23, exp + 1
    if exp > 127:
        return sign | 0x7F800000
    if q < 1 << 23:
        return sign | q  # subnormal
    return sign | ((exp + 127) << 23) | (q - (1 << 23))


def test_f32_round_matches_exact_rounding() -> None:
    rng = random.Random(3)
    values = [3.4028235677973366e38, 3.4028235677973362e38, 3.4028234663852886e38, 1.401298464324817e-45,
              7.006492321624085e-46, 7.006492321624087e-46, 1e-50, -1e-50, 1.0000000596046448, 1.0000001788139343]  # fmt: skip
    for _ in range(6000):
        bits = rng.getrandbits(64)
        x = struct.unpack("<d", struct.pack("<Q", bits))[0]
        if math.isfinite(x) and 1e-47 < abs(x) < 1e39:
            values.append(x)
        # doubles just around a halfway point between two singles
        f = struct.unpack("<f", struct.pack("<I", rng.getrandbits(31) & 0x7F7FFFFF))[0]
        half = math.ldexp(1.0, math.frexp(f)[1] - 25)
        values += [f + half, math.nextafter(f + half, math.inf), math.nextafter(f + half, 0.0)]
    for x in values:
        assert n.f32_to_bits(n.f32_round(x)) == _reference_f32(Fraction(x)), x
    assert n.f32_round(math.inf) == math.inf
    assert n.f32_round(-1e300) == -math.inf


def test_int_to_f32_rounds_once() -> None:
    rng = random.Random(4)
    samples = [0, 1, (1 << 64) - 1, 1 << 63, (1 << 63) - 1, 0x0020000020000001, 0x0020000010000000,
               0x0020000030000000, 0x7FFFFF4000000000, 0x7FFFFF4000000001, 0xFFFFFF7FFFFFFFFF]  # fmt: skip
    samples += [rng.getrandbits(rng.randint(1, 64)) for _ in range(6000)]
    for u in samples:
        s = u - (1 << 64) if u >> 63 else u
        assert n.f32_to_bits(n.f32_convert_i64_u(u)) == _reference_f32(Fraction(u)), hex(u)
        assert n.f32_to_bits(n.f32_convert_i64_s(u)) == _reference_f32(Fraction(s)), hex(u)
        lo = u & 0xFFFFFFFF
        assert n.f32_to_bits(n.f32_convert_i32_u(lo)) == _reference_f32(Fraction(lo))
        assert n.f32_to_bits(n.f32_convert_i32_s(lo)) == _reference_f32(
            Fraction(lo - ((lo >> 31) << 32))
        )
        assert n.f64_convert_i64_u(u) == float(u)


def test_rounding_to_integral_keeps_signed_zero_and_nan() -> None:
    for fn in (n.f64_ceil, n.f64_floor, n.f64_trunc, n.f64_nearest):
        assert math.copysign(1.0, fn(-0.0)) == -1.0
        assert math.isnan(fn(math.nan))
        assert fn(math.inf) == math.inf
    assert math.copysign(1.0, n.f64_ceil(-0.5)) == -1.0
    assert math.copysign(1.0, n.f64_nearest(-0.5)) == -1.0
    assert n.f64_nearest(2.5) == 2.0 and n.f64_nearest(3.5) == 4.0 and n.f64_nearest(-2.5) == -2.0
    assert n.f64_nearest(4503599627370497.0) == 4503599627370497.0
    # a signalling NaN comes out quiet
    assert n.f32_to_bits(n.f32_floor(n.f32_from_bits(0x7FA00000))) == 0x7FE00000


# ---- traps ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "args", "message"),
    [
        (n.i32_div_s, (1, 0), "integer divide by zero"),
        (n.i64_rem_u, (1, 0), "integer divide by zero"),
        (n.i32_div_s, (0x80000000, 0xFFFFFFFF), "integer overflow"),
        (n.i64_div_s, (1 << 63, (1 << 64) - 1), "integer overflow"),
        (n.i32_trunc_f32_s, (math.nan,), "invalid conversion to integer"),
        (n.i32_trunc_f64_u, (-1.0,), "integer overflow"),
        (n.i64_trunc_f64_s, (9223372036854775808.0,), "integer overflow"),
        (n.i64_trunc_f32_u, (math.inf,), "integer overflow"),
    ],
)
def test_traps(fn, args, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Trap) as info:
        fn(*args)
    assert info.value.message == message


def test_signed_integer_edges() -> None:
    assert n.i32_rem_s(0x80000000, 0xFFFFFFFF) == 0
    assert n.i32_div_s(0xFFFFFFF9, 2) == 0xFFFFFFFD  # -7 / 2 = -3, toward zero
    assert n.i32_rem_s(0xFFFFFFF9, 2) == 0xFFFFFFFF  # -7 % 2 = -1, dividend's sign
    assert n.i64_trunc_f64_s(-9223372036854775808.0) == 1 << 63
    assert n.i32_trunc_f64_s(-2147483648.9) == 0x80000000
    assert n.i32_trunc_sat_f32_u(-0.9) == 0
    assert n.i64_trunc_sat_f64_s(math.nan) == 0
    assert n.i32_rotl(0x80000001, 33) == 3
    assert n.i64_clz(0) == 64 and n.i32_ctz(0) == 32 and n.i64_popcnt((1 << 64) - 1) == 64


# ---- reference vectors ------------------------------------------------------------------


def test_wasmtime_vectors_scalar() -> None:
    vectors = [v for v in load_vectors() if opcodes.BY_NAME[v[0]].prefix != opcodes.PREFIX_FD]
    assert len(vectors) > 4000
    failures = [m for v in vectors if (m := check(*v))]
    assert not failures, failures[:20]


@pytest.mark.skipif(not SPEC_DIR.is_dir(), reason="spec testsuite not present at ../shared")
@pytest.mark.parametrize("filename", SPEC_FILES)
def test_spec_testsuite_vectors(filename: str) -> None:
    vectors = spec_vectors(filename)
    assert vectors
    failures = [
        f"line {line}: {m}"
        for name, imm, args, want, line in vectors
        if (m := check_spec(name, imm, args, want))
    ]
    assert not failures, failures[:20]
