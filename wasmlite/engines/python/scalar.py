"""Scalar helpers the generated code calls for what is not a one-line Python expression.

Internal value representation of the Python engine:

    i32, i64   unsigned int (never bool)
    f32        float holding a value exactly representable in single precision; a NaN is a
               double NaN whose top 23 mantissa bits are the f32 payload (what the hardware
               f32 -> f64 conversion gives, minus its quieting of signalling NaNs)
    f64        float
    v128       unsigned 128-bit int
    refs       None | FuncInstance | host object
"""

from __future__ import annotations

import math
import struct

from ...errors import Trap

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
INF = math.inf
NAN = math.nan

_F = struct.Struct("<f")
_I = struct.Struct("<I")
_D = struct.Struct("<d")
_Q = struct.Struct("<Q")
_f_pack, _f_unpack = _F.pack, _F.unpack
_i_pack, _i_unpack = _I.pack, _I.unpack
_d_pack, _d_unpack = _D.pack, _D.unpack
_q_pack, _q_unpack = _Q.pack, _Q.unpack
_copysign = math.copysign


def _trap(message: str) -> Trap:
    return Trap(message)


# -- bit patterns --------------------------------------------------------------------


def f32_from_bits(b: int) -> float:
    if (b & 0x7F800000) == 0x7F800000 and b & 0x7FFFFF:
        # Build the double by hand: a float cast would quiet a signalling NaN.
        return _d_unpack(_q_pack(((b >> 31) << 63) | 0x7FF0000000000000 | ((b & 0x7FFFFF) << 29)))[
            0
        ]
    return _f_unpack(_i_pack(b))[0]


def f32_to_bits(x: float) -> int:
    if x != x:
        d = _q_unpack(_d_pack(x))[0]
        payload = (d >> 29) & 0x7FFFFF
        return ((d >> 63) << 31) | 0x7F800000 | (payload or 0x400000)
    return _i_unpack(_f_pack(x))[0]


def f64_from_bits(b: int) -> float:
    return _d_unpack(_q_pack(b))[0]


def f64_to_bits(x: float) -> int:
    return _q_unpack(_d_pack(x))[0]


def f32r(x: float) -> float:
    """Round a double to the nearest single-precision value (ties to even)."""
    try:
        return _f_unpack(_f_pack(x))[0]
    except OverflowError:
        return _copysign(INF, x)


# -- float arithmetic ----------------------------------------------------------------


def fdiv(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a != a:
            return a + 0.0
        if a == 0.0:
            return NAN
        return INF if _copysign(1.0, a) == _copysign(1.0, b) else -INF


def f32div(a: float, b: float) -> float:
    return f32r(fdiv(a, b))


def fsqrt(x: float) -> float:
    if x >= 0.0:
        return math.sqrt(x)
    if x != x:
        return x + 0.0
    return NAN


def f32sqrt(x: float) -> float:
    return f32r(fsqrt(x))


def fmin(a: float, b: float) -> float:
    if a != a or b != b:
        return a + b
    if a == b:
        return a if _copysign(1.0, a) < 0 else b
    return a if a < b else b


def fmax(a: float, b: float) -> float:
    if a != a or b != b:
        return a + b
    if a == b:
        return b if _copysign(1.0, a) < 0 else a
    return a if a > b else b


def _rounding(fn):  # type: ignore[no-untyped-def]
    def rounded(x: float) -> float:
        if x != x:
            return x + 0.0
        if x == INF or x == -INF or x == 0.0:
            return x
        return _copysign(float(fn(x)), x)

    rounded.__name__ = fn.__name__
    return rounded


fceil = _rounding(math.ceil)
ffloor = _rounding(math.floor)
ftrunc = _rounding(math.trunc)
fnearest = _rounding(round)


def promote(x: float) -> float:
    return x if x == x else x + 0.0


# -- integer arithmetic --------------------------------------------------------------


def i32_div_s(a: int, b: int) -> int:
    if b == 0:
        raise Trap("integer divide by zero")
    if a == 0x80000000 and b == M32:
        raise Trap("integer overflow")
    a = a - 0x100000000 if a & 0x80000000 else a
    b = b - 0x100000000 if b & 0x80000000 else b
    q = abs(a) // abs(b)
    return (-q if (a < 0) != (b < 0) else q) & M32


def i32_rem_s(a: int, b: int) -> int:
    if b == 0:
        raise Trap("integer divide by zero")
    a = a - 0x100000000 if a & 0x80000000 else a
    b = b - 0x100000000 if b & 0x80000000 else b
    r = abs(a) % abs(b)
    return (-r if a < 0 else r) & M32


def i64_div_s(a: int, b: int) -> int:
    if b == 0:
        raise Trap("integer divide by zero")
    if a == 0x8000000000000000 and b == M64:
        raise Trap("integer overflow")
    a = a - 0x10000000000000000 if a >> 63 else a
    b = b - 0x10000000000000000 if b >> 63 else b
    q = abs(a) // abs(b)
    return (-q if (a < 0) != (b < 0) else q) & M64


def i64_rem_s(a: int, b: int) -> int:
    if b == 0:
        raise Trap("integer divide by zero")
    a = a - 0x10000000000000000 if a >> 63 else a
    b = b - 0x10000000000000000 if b >> 63 else b
    r = abs(a) % abs(b)
    return (-r if a < 0 else r) & M64


def div_u(a: int, b: int) -> int:
    if b == 0:
        raise Trap("integer divide by zero")
    return a // b


def rem_u(a: int, b: int) -> int:
    if b == 0:
        raise Trap("integer divide by zero")
    return a % b


def ctz32(a: int) -> int:
    return (a & -a).bit_length() - 1 if a else 32


def ctz64(a: int) -> int:
    return (a & -a).bit_length() - 1 if a else 64


def rotl32(a: int, k: int) -> int:
    k &= 31
    return ((a << k) | (a >> (32 - k))) & M32


def rotr32(a: int, k: int) -> int:
    k &= 31
    return ((a >> k) | (a << (32 - k))) & M32


def rotl64(a: int, k: int) -> int:
    k &= 63
    return ((a << k) | (a >> (64 - k))) & M64


def rotr64(a: int, k: int) -> int:
    k &= 63
    return ((a >> k) | (a << (64 - k))) & M64


# -- conversions ---------------------------------------------------------------------

_BOUNDS = {
    # (exclusive lower bound, exclusive upper bound, mask) for trunc to each integer type
    "i32_s": (-2147483649.0, 2147483648.0, M32),
    "i32_u": (-1.0, 4294967296.0, M32),
    "i64_s": (-9223372036854777856.0, 9223372036854775808.0, M64),
    "i64_u": (-1.0, 18446744073709551616.0, M64),
}
_SAT = {
    "i32_s": (-0x80000000, 0x7FFFFFFF),
    "i32_u": (0, M32),
    "i64_s": (-0x8000000000000000, 0x7FFFFFFFFFFFFFFF),
    "i64_u": (0, M64),
}


def _make_trunc(kind: str):  # type: ignore[no-untyped-def]
    lo, hi, mask = _BOUNDS[kind]

    def trunc(x: float) -> int:
        if x != x:
            raise Trap("invalid conversion to integer")
        if not lo < x < hi:
            raise Trap("integer overflow")
        return int(x) & mask

    trunc.__name__ = f"trunc_{kind}"
    return trunc


def _make_trunc_sat(kind: str):  # type: ignore[no-untyped-def]
    lo, hi, mask = _BOUNDS[kind]
    smin, smax = _SAT[kind]

    def trunc_sat(x: float) -> int:
        if x != x:
            return 0
        if x <= lo:
            return smin & mask
        if x >= hi:
            return smax & mask
        return int(x) & mask

    trunc_sat.__name__ = f"trunc_sat_{kind}"
    return trunc_sat


trunc_i32_s = _make_trunc("i32_s")
trunc_i32_u = _make_trunc("i32_u")
trunc_i64_s = _make_trunc("i64_s")
trunc_i64_u = _make_trunc("i64_u")
trunc_sat_i32_s = _make_trunc_sat("i32_s")
trunc_sat_i32_u = _make_trunc_sat("i32_u")
trunc_sat_i64_s = _make_trunc_sat("i64_s")
trunc_sat_i64_u = _make_trunc_sat("i64_u")


def int_to_f32(n: int) -> float:
    """Correctly rounded int -> f32 (a plain float() first would round twice)."""
    m = -n if n < 0 else n
    excess = m.bit_length() - 53
    if excess > 0:
        sticky = 1 if m & ((1 << excess) - 1) else 0
        m = ((m >> excess) | sticky) << excess
    return f32r(float(-m if n < 0 else m))


def s64(a: int) -> int:
    return a - 0x10000000000000000 if a >> 63 else a


def s32(a: int) -> int:
    return a - 0x100000000 if a & 0x80000000 else a
