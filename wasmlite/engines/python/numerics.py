"""Exact WebAssembly scalar numerics for the pure-Python engine.

Representation (the engine's, shared with `simd.py`):

* i32 / i64: unsigned Python ints (0 <= x < 2**32 / 2**64);
* f64: a Python float carrying the exact IEEE bits (NaN payloads included);
* f32: a Python float whose value is exactly representable in single precision. A NaN f32
  with sign s, quiet bit q and payload p is the double NaN with the same sign and the
  mantissa (q,p) << 29, so a signalling f32 NaN is a signalling double NaN. CPython keeps
  such a float's bits unchanged as long as no arithmetic touches it (negation, `abs`,
  `math.copysign` and struct '<d' are bitwise on x86-64/aarch64).

Functions are named after the instruction with "." replaced by "_" and take/return the
representation above. Traps raise `wasmlite.errors.Trap` with the spec wording.

NaN results: arithmetic returns the hardware's result (a NaN operand propagated and quieted,
which keeps canonical NaNs canonical); new NaNs (0/0, sqrt(-1)) and every NaN from min/max
are the canonical NaN. f32 + - * / sqrt are computed in double and rounded once to single,
which is exact for these operations; int -> f32 rounds directly (see `_int_to_f32`).
"""

from __future__ import annotations

import math
from struct import Struct

from ...errors import Trap

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
_INF = math.inf
_NAN = math.nan  # the canonical quiet NaN, positive

_F = Struct("<f")
_D = Struct("<d")
_I = Struct("<I")
_Q = Struct("<Q")
_pack_f = _F.pack
_unpack_f = _F.unpack
_pack_d = _D.pack
_unpack_d = _D.unpack
_pack_I = _I.pack
_unpack_I = _I.unpack
_pack_Q = _Q.pack
_unpack_Q = _Q.unpack
_copysign = math.copysign
_floor = math.floor
_ceil = math.ceil
_sqrt = math.sqrt

# ---- raw bits <-> values --------------------------------------------------------------


def f64_from_bits(bits: int) -> float:
    return _unpack_d(_pack_Q(bits))[0]


def f64_to_bits(x: float) -> int:
    return _unpack_Q(_pack_d(x))[0]


def f32_from_bits(bits: int) -> float:
    if (bits & 0x7F800000) == 0x7F800000 and bits & 0x7FFFFF:
        # struct's '<f' would quiet a signalling NaN: build the double NaN by hand.
        return _unpack_d(
            _pack_Q(((bits & 0x80000000) << 32) | 0x7FF0000000000000 | ((bits & 0x7FFFFF) << 29))
        )[0]
    return _unpack_f(_pack_I(bits))[0]


def f32_to_bits(x: float) -> int:
    if x != x:
        d = _unpack_Q(_pack_d(x))[0]
        mant = (d >> 29) & 0x7FFFFF
        # A double NaN whose payload lives only in the low bits still has to stay a NaN.
        return ((d >> 32) & 0x80000000) | 0x7F800000 | (mant or 0x400000)
    return _unpack_I(_pack_f(x))[0]


i32_reinterpret_f32 = f32_to_bits
f32_reinterpret_i32 = f32_from_bits
i64_reinterpret_f64 = f64_to_bits
f64_reinterpret_i64 = f64_from_bits


# ---- f32 rounding and arithmetic ------------------------------------------------------


def f32_round(x: float) -> float:
    """Round a double to the nearest single (ties to even); NaNs keep sign and payload top."""
    try:
        return _unpack_f(_pack_f(x))[0]
    except OverflowError:
        return _copysign(_INF, x)


def f64_div(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a != a:
            return a + b  # quiets a signalling NaN
        if a == 0.0:
            return _NAN
        return _INF if (_copysign(1.0, a) == _copysign(1.0, b)) else -_INF


def f64_sqrt(x: float) -> float:
    try:
        return _sqrt(x)
    except ValueError:
        return _NAN


def f32_add(a: float, b: float) -> float:
    try:
        return _unpack_f(_pack_f(a + b))[0]
    except OverflowError:
        return _copysign(_INF, a + b)


def f32_sub(a: float, b: float) -> float:
    try:
        return _unpack_f(_pack_f(a - b))[0]
    except OverflowError:
        return _copysign(_INF, a - b)


def f32_mul(a: float, b: float) -> float:
    try:
        return _unpack_f(_pack_f(a * b))[0]
    except OverflowError:
        return _copysign(_INF, a * b)


def f32_div(a: float, b: float) -> float:
    return f32_round(f64_div(a, b))


def f32_sqrt(x: float) -> float:
    return f32_round(f64_sqrt(x))


def f64_add(a: float, b: float) -> float:
    return a + b


def f64_sub(a: float, b: float) -> float:
    return a - b


def f64_mul(a: float, b: float) -> float:
    return a * b


# ---- min / max / sign ------------------------------------------------------------------


def f64_min(a: float, b: float) -> float:
    if a < b:
        return a
    if b < a:
        return b
    if a == b:
        # Zeros of either sign compare equal; -(-a - b) is -0 unless both are +0.
        return a if a else -(-a - b)
    return _NAN  # a NaN operand; the canonical NaN is always a valid result


def f64_max(a: float, b: float) -> float:
    if a > b:
        return a
    if b > a:
        return b
    if a == b:
        return a if a else a + b  # +0 unless both are -0
    return _NAN


f32_min = f64_min
f32_max = f64_max


def f64_pmin(a: float, b: float) -> float:
    return b if b < a else a


def f64_pmax(a: float, b: float) -> float:
    return b if a < b else a


f32_pmin = f64_pmin
f32_pmax = f64_pmax


def f64_abs(x: float) -> float:
    return _copysign(x, 1.0)


def f64_neg(x: float) -> float:
    return -x


def f64_copysign(a: float, b: float) -> float:
    return _copysign(a, b)


f32_abs = f64_abs
f32_neg = f64_neg
f32_copysign = f64_copysign


# ---- rounding to integral ---------------------------------------------------------------
# A float of magnitude >= 2**52 (or inf) is already integral. Rounding never changes the
# sign, so copysign restores the -0.0 that int arithmetic loses.


def f64_ceil(x: float) -> float:
    if x != x:
        return x + x
    if -4503599627370496.0 < x < 4503599627370496.0:
        return _copysign(float(_ceil(x)), x)
    return x


def f64_floor(x: float) -> float:
    if x != x:
        return x + x
    if -4503599627370496.0 < x < 4503599627370496.0:
        return _copysign(float(_floor(x)), x)
    return x


def f64_trunc(x: float) -> float:
    if x != x:
        return x + x
    if -4503599627370496.0 < x < 4503599627370496.0:
        return _copysign(float(int(x)), x)
    return x


def f64_nearest(x: float) -> float:
    if x != x:
        return x + x
    if -4503599627370496.0 < x < 4503599627370496.0:
        return _copysign(float(round(x)), x)  # round() on a float is ties-to-even
    return x


f32_ceil = f64_ceil
f32_floor = f64_floor
f32_trunc = f64_trunc
f32_nearest = f64_nearest


# ---- float -> int -----------------------------------------------------------------------


def _trunc(x: float, lo: float, hi: float) -> int:
    """int(x) if lo < x < hi (exclusive bounds), else the spec trap."""
    if x != x:
        raise Trap("invalid conversion to integer")
    if lo < x < hi:
        return int(x)
    raise Trap("integer overflow")


def i32_trunc_f64_s(x: float) -> int:
    return _trunc(x, -2147483649.0, 2147483648.0) & M32


def i32_trunc_f64_u(x: float) -> int:
    return _trunc(x, -1.0, 4294967296.0)


def i64_trunc_f64_s(x: float) -> int:
    # -2**63 - 1 is not a double; -2**63 itself is the lowest valid input.
    if x == -9223372036854775808.0:
        return 0x8000000000000000
    return _trunc(x, -9223372036854775808.0, 9223372036854775808.0) & M64


def i64_trunc_f64_u(x: float) -> int:
    return _trunc(x, -1.0, 18446744073709551616.0)


i32_trunc_f32_s = i32_trunc_f64_s
i32_trunc_f32_u = i32_trunc_f64_u
i64_trunc_f32_s = i64_trunc_f64_s
i64_trunc_f32_u = i64_trunc_f64_u


def _sat(x: float, lo: int, hi: int) -> int:
    if x != x:
        return 0
    if x <= lo:
        return lo
    if x >= hi:
        return hi
    return int(x)


def i32_trunc_sat_f64_s(x: float) -> int:
    return _sat(x, -0x80000000, 0x7FFFFFFF) & M32


def i32_trunc_sat_f64_u(x: float) -> int:
    return _sat(x, 0, M32)


def i64_trunc_sat_f64_s(x: float) -> int:
    return _sat(x, -0x8000000000000000, 0x7FFFFFFFFFFFFFFF) & M64


def i64_trunc_sat_f64_u(x: float) -> int:
    return _sat(x, 0, M64)


i32_trunc_sat_f32_s = i32_trunc_sat_f64_s
i32_trunc_sat_f32_u = i32_trunc_sat_f64_u
i64_trunc_sat_f32_s = i64_trunc_sat_f64_s
i64_trunc_sat_f32_u = i64_trunc_sat_f64_u


# ---- int -> float -----------------------------------------------------------------------


def _int_to_f32(n: int) -> float:
    """Correctly rounded int -> f32 for any int (float(n) alone would round twice)."""
    if -9007199254740992 <= n <= 9007199254740992:
        return f32_round(float(n))
    # Round to odd at 53 bits first: a later rounding to 24 bits is then exact.
    m = -n if n < 0 else n
    s = m.bit_length() - 53
    r = m >> s
    if m & ((1 << s) - 1):
        r |= 1
    v = f32_round(math.ldexp(float(r), s))
    return -v if n < 0 else v


def f32_convert_i32_s(x: int) -> float:
    return f32_round(float(x - ((x & 0x80000000) << 1)))


def f32_convert_i32_u(x: int) -> float:
    return f32_round(float(x))


def f32_convert_i64_s(x: int) -> float:
    return _int_to_f32(x - ((x & 0x8000000000000000) << 1))


def f32_convert_i64_u(x: int) -> float:
    return _int_to_f32(x)


def f64_convert_i32_s(x: int) -> float:
    return float(x - ((x & 0x80000000) << 1))


def f64_convert_i32_u(x: int) -> float:
    return float(x)


def f64_convert_i64_s(x: int) -> float:
    return float(x - ((x & 0x8000000000000000) << 1))  # int -> float is correctly rounded


def f64_convert_i64_u(x: int) -> float:
    return float(x)


def f32_demote_f64(x: float) -> float:
    return f32_round(x)


def f64_promote_f32(x: float) -> float:
    return x if x == x else x + x  # a NaN result must be quiet


# ---- integers ---------------------------------------------------------------------------


def i32_clz(x: int) -> int:
    return 32 - x.bit_length()


def i64_clz(x: int) -> int:
    return 64 - x.bit_length()


def i32_ctz(x: int) -> int:
    return (x & -x).bit_length() - 1 if x else 32


def i64_ctz(x: int) -> int:
    return (x & -x).bit_length() - 1 if x else 64


def i32_popcnt(x: int) -> int:
    return x.bit_count()


i64_popcnt = i32_popcnt


def i32_rotl(x: int, k: int) -> int:
    k &= 31
    return ((x << k) | (x >> (32 - k))) & M32


def i32_rotr(x: int, k: int) -> int:
    k &= 31
    return ((x >> k) | (x << (32 - k))) & M32


def i64_rotl(x: int, k: int) -> int:
    k &= 63
    return ((x << k) | (x >> (64 - k))) & M64


def i64_rotr(x: int, k: int) -> int:
    k &= 63
    return ((x >> k) | (x << (64 - k))) & M64


def i32_shl(x: int, k: int) -> int:
    return (x << (k & 31)) & M32


def i32_shr_u(x: int, k: int) -> int:
    return x >> (k & 31)


def i32_shr_s(x: int, k: int) -> int:
    return ((x - ((x & 0x80000000) << 1)) >> (k & 31)) & M32


def i64_shl(x: int, k: int) -> int:
    return (x << (k & 63)) & M64


def i64_shr_u(x: int, k: int) -> int:
    return x >> (k & 63)


def i64_shr_s(x: int, k: int) -> int:
    return ((x - ((x & 0x8000000000000000) << 1)) >> (k & 63)) & M64


def _div_s(a: int, b: int, sign: int, mask: int) -> int:
    if not b:
        raise Trap("integer divide by zero")
    a -= (a & sign) << 1
    b -= (b & sign) << 1
    if a == -sign and b == -1:
        raise Trap("integer overflow")
    q = abs(a) // abs(b)  # truncate toward zero, unlike Python's floor division
    return (-q if (a < 0) != (b < 0) else q) & mask


def _rem_s(a: int, b: int, sign: int, mask: int) -> int:
    if not b:
        raise Trap("integer divide by zero")
    a -= (a & sign) << 1
    b -= (b & sign) << 1
    r = abs(a) % abs(b)  # the remainder takes the dividend's sign
    return (-r if a < 0 else r) & mask


def i32_div_s(a: int, b: int) -> int:
    return _div_s(a, b, 0x80000000, M32)


def i64_div_s(a: int, b: int) -> int:
    return _div_s(a, b, 0x8000000000000000, M64)


def i32_rem_s(a: int, b: int) -> int:
    return _rem_s(a, b, 0x80000000, M32)


def i64_rem_s(a: int, b: int) -> int:
    return _rem_s(a, b, 0x8000000000000000, M64)


def i32_div_u(a: int, b: int) -> int:
    if not b:
        raise Trap("integer divide by zero")
    return a // b


def i32_rem_u(a: int, b: int) -> int:
    if not b:
        raise Trap("integer divide by zero")
    return a % b


i64_div_u = i32_div_u
i64_rem_u = i32_rem_u


def i32_extend8_s(x: int) -> int:
    return ((x & 0xFF) - ((x & 0x80) << 1)) & M32


def i32_extend16_s(x: int) -> int:
    return ((x & 0xFFFF) - ((x & 0x8000) << 1)) & M32


def i64_extend8_s(x: int) -> int:
    return ((x & 0xFF) - ((x & 0x80) << 1)) & M64


def i64_extend16_s(x: int) -> int:
    return ((x & 0xFFFF) - ((x & 0x8000) << 1)) & M64


def i64_extend32_s(x: int) -> int:
    return ((x & M32) - ((x & 0x80000000) << 1)) & M64


def i64_extend_i32_s(x: int) -> int:
    return (x - ((x & 0x80000000) << 1)) & M64


def i32_wrap_i64(x: int) -> int:
    return x & M32


def i32_eqz(x: int) -> int:
    return 0 if x else 1


i64_eqz = i32_eqz


def i32_add(a: int, b: int) -> int:
    return (a + b) & M32


def i32_sub(a: int, b: int) -> int:
    return (a - b) & M32


def i32_mul(a: int, b: int) -> int:
    return (a * b) & M32


def i64_add(a: int, b: int) -> int:
    return (a + b) & M64


def i64_sub(a: int, b: int) -> int:
    return (a - b) & M64


def i64_mul(a: int, b: int) -> int:
    return (a * b) & M64


def i32_and(a: int, b: int) -> int:
    return a & b


def i32_or(a: int, b: int) -> int:
    return a | b


def i32_xor(a: int, b: int) -> int:
    return a ^ b


i64_and, i64_or, i64_xor = i32_and, i32_or, i32_xor


def i64_extend_i32_u(x: int) -> int:
    return x


def i32_eq(a: int, b: int) -> int:
    return 1 if a == b else 0


def i32_ne(a: int, b: int) -> int:
    return 1 if a != b else 0


def i32_lt_u(a: int, b: int) -> int:
    return 1 if a < b else 0


def i32_gt_u(a: int, b: int) -> int:
    return 1 if a > b else 0


def i32_le_u(a: int, b: int) -> int:
    return 1 if a <= b else 0


def i32_ge_u(a: int, b: int) -> int:
    return 1 if a >= b else 0


# Signed comparison: flipping the sign bit maps two's complement order onto unsigned order.
def i32_lt_s(a: int, b: int) -> int:
    return 1 if (a ^ 0x80000000) < (b ^ 0x80000000) else 0


def i32_gt_s(a: int, b: int) -> int:
    return 1 if (a ^ 0x80000000) > (b ^ 0x80000000) else 0


def i32_le_s(a: int, b: int) -> int:
    return 1 if (a ^ 0x80000000) <= (b ^ 0x80000000) else 0


def i32_ge_s(a: int, b: int) -> int:
    return 1 if (a ^ 0x80000000) >= (b ^ 0x80000000) else 0


def i64_lt_s(a: int, b: int) -> int:
    return 1 if (a ^ 0x8000000000000000) < (b ^ 0x8000000000000000) else 0


def i64_gt_s(a: int, b: int) -> int:
    return 1 if (a ^ 0x8000000000000000) > (b ^ 0x8000000000000000) else 0


def i64_le_s(a: int, b: int) -> int:
    return 1 if (a ^ 0x8000000000000000) <= (b ^ 0x8000000000000000) else 0


def i64_ge_s(a: int, b: int) -> int:
    return 1 if (a ^ 0x8000000000000000) >= (b ^ 0x8000000000000000) else 0


i64_eq, i64_ne = i32_eq, i32_ne
i64_lt_u, i64_gt_u, i64_le_u, i64_ge_u = i32_lt_u, i32_gt_u, i32_le_u, i32_ge_u

# Float comparisons: Python's are IEEE (false on NaN, except ne), and exact on f32 values.


def f64_eq(a: float, b: float) -> int:
    return 1 if a == b else 0


def f64_ne(a: float, b: float) -> int:
    return 1 if a != b else 0


def f64_lt(a: float, b: float) -> int:
    return 1 if a < b else 0


def f64_gt(a: float, b: float) -> int:
    return 1 if a > b else 0


def f64_le(a: float, b: float) -> int:
    return 1 if a <= b else 0


def f64_ge(a: float, b: float) -> int:
    return 1 if a >= b else 0


f32_eq, f32_ne, f32_lt, f32_gt, f32_le, f32_ge = f64_eq, f64_ne, f64_lt, f64_gt, f64_le, f64_ge


def to_signed32(x: int) -> int:
    return x - ((x & 0x80000000) << 1)


def to_signed64(x: int) -> int:
    return x - ((x & 0x8000000000000000) << 1)
