"""Numeric literals of the text format: integers and floats, decimal and hexadecimal.

Floats are rounded exactly once, to nearest-even, from the exact rational value of the
literal (Python's `float()` would round f32 literals twice, via f64). Results are raw IEEE
bit patterns so that NaN payloads and signed zeros survive.

Every function raises `ValueError("unknown operator")` for text that is not a literal of
the requested kind and `ValueError("constant out of range")` for one that does not fit; the
parser turns these into `ParseError`s with a line number.
"""

from __future__ import annotations

import re
from fractions import Fraction

_DEC = r"[0-9](?:_?[0-9])*"
_HEX = r"[0-9a-fA-F](?:_?[0-9a-fA-F])*"
_INT_RE = re.compile(rf"([+-]?)(?:0x({_HEX})|({_DEC}))\Z")
_HEXFLOAT_RE = re.compile(rf"([+-]?)0x({_HEX})(?:\.({_HEX})?)?(?:[pP]([+-]?{_DEC}))?\Z")
_DECFLOAT_RE = re.compile(rf"([+-]?)({_DEC})(?:\.({_DEC})?)?(?:[eE]([+-]?{_DEC}))?\Z")
_NAN_RE = re.compile(rf"([+-]?)nan(?::0x({_HEX}))?\Z")
_INF_RE = re.compile(r"([+-]?)inf\Z")

UNKNOWN = "unknown operator"
OUT_OF_RANGE = "constant out of range"


class _Format:
    def __init__(self, bits: int, mant: int, exp: int) -> None:
        self.bits = bits
        self.mant = mant  # stored mantissa bits
        self.exp_bits = exp
        self.bias = (1 << (exp - 1)) - 1
        self.emin = 1 - self.bias
        self.emax = self.bias
        self.sign = 1 << (bits - 1)
        self.inf = ((1 << exp) - 1) << mant


F32 = _Format(32, 23, 8)
F64 = _Format(64, 52, 11)
_FORMATS = {32: F32, 64: F64}


def parse_uint(text: str) -> int | None:
    """An unsigned integer (indices, offsets, limits), or None if `text` is not one."""
    m = _INT_RE.match(text)
    if m is None or m.group(1):
        return None
    return _int_digits(m)


def _int_digits(m: re.Match[str]) -> int:
    if m.group(2) is not None:
        return int(m.group(2).replace("_", ""), 16)
    return _decimal_int(m.group(3).replace("_", ""))


def parse_int(text: str, bits: int) -> int:
    """An iN literal, as a signed value; accepts -2^(N-1) .. 2^N - 1 and wraps."""
    m = _INT_RE.match(text)
    if m is None:
        raise ValueError(UNKNOWN)
    value = _int_digits(m)
    if m.group(1) == "-":
        if value > 1 << (bits - 1):
            raise ValueError(OUT_OF_RANGE)
        value = -value
    elif value >= 1 << bits:
        raise ValueError(OUT_OF_RANGE)
    if value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def is_int_literal(text: str) -> bool:
    return _INT_RE.match(text) is not None


def parse_float(text: str, bits: int) -> int:
    """An fN literal as its raw IEEE bit pattern."""
    fmt = _FORMATS[bits]
    m = _NAN_RE.match(text)
    if m:
        sign = fmt.sign if m.group(1) == "-" else 0
        if m.group(2) is None:
            return sign | fmt.inf | (1 << (fmt.mant - 1))
        payload = int(m.group(2).replace("_", ""), 16)
        if payload == 0 or payload >= 1 << fmt.mant:
            raise ValueError(OUT_OF_RANGE)
        return sign | fmt.inf | payload
    m = _INF_RE.match(text)
    if m:
        return (fmt.sign if m.group(1) == "-" else 0) | fmt.inf
    m = _HEXFLOAT_RE.match(text)
    if m:
        whole = m.group(2).replace("_", "")
        frac = (m.group(3) or "").replace("_", "")
        exp = _exponent(m.group(4))
        num = int(whole + frac, 16)
        exp2 = exp - 4 * len(frac)
        value = _binary_value(num, exp2)
        return _round(m.group(1) == "-", value, fmt)
    m = _DECFLOAT_RE.match(text)
    if m:
        whole = m.group(2).replace("_", "")
        frac = (m.group(3) or "").replace("_", "")
        exp = _exponent(m.group(4))
        num, exp10 = _decimal_significand(whole + frac, exp - len(frac))
        value = _decimal_value(num, exp10)
        return _round(m.group(1) == "-", value, fmt)
    raise ValueError(UNKNOWN)


# Python's int() refuses decimal strings over 4300 digits; no literal needs that many.
# 800 significant digits (plus a sticky digit) decide any f64 rounding exactly, and any
# integer that long is out of range for every use.
_MAX_DIGITS = 800


def _decimal_int(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        return 10**_MAX_DIGITS
    return int(digits)


def _decimal_significand(digits: str, exp10: int) -> tuple[int, int]:
    """`digits` x 10^exp10 as (int, exponent), cut to _MAX_DIGITS plus a sticky digit."""
    digits = digits.lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        sticky = "1" if digits[_MAX_DIGITS:].strip("0") else "0"
        exp10 += len(digits) - _MAX_DIGITS - 1
        digits = digits[:_MAX_DIGITS] + sticky
    return int(digits), exp10


def _exponent(text: str | None) -> int:
    if text is None:
        return 0
    text = text.replace("_", "")
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 30:  # overflows or underflows whatever the significand
        return -(10**30) if text.startswith("-") else 10**30
    return int(text)


def _binary_value(num: int, exp2: int) -> Fraction:
    if num == 0:
        return Fraction(0)
    # As for decimals: `0x1p999999999` must not build a 2^999999999 (seconds, gigabytes).
    bits = num.bit_length()
    if bits + exp2 > 2000:
        return Fraction(2) ** 2000
    if bits + exp2 < -2000:
        return Fraction(0)
    return Fraction(num) * Fraction(2) ** exp2


def _decimal_value(num: int, exp10: int) -> Fraction:
    if num == 0:
        return Fraction(0)
    # Absurd exponents are certainly zero or overflow; avoid building huge powers.
    digits = len(str(num))
    if digits + exp10 > 400:
        return Fraction(10) ** 400
    if digits + exp10 < -400:
        return Fraction(0)
    return Fraction(num) * Fraction(10) ** exp10


def _round(negative: bool, value: Fraction, fmt: _Format) -> int:
    sign = fmt.sign if negative else 0
    if value == 0:
        return sign
    num, den = value.numerator, value.denominator
    e = num.bit_length() - den.bit_length()
    if (num << max(0, -e)) < (den << max(0, e)):
        e -= 1  # now 2^e <= value < 2^(e+1)
    e = max(e, fmt.emin)
    shift = fmt.mant - e  # value * 2^shift is the mantissa with its implicit bit
    if shift >= 0:
        q, r = divmod(num << shift, den)
        r2, d2 = 2 * r, den
    else:
        q, r = divmod(num, den << -shift)
        r2, d2 = 2 * r, den << -shift
    if r2 > d2 or (r2 == d2 and q & 1):
        q += 1
    if q >> (fmt.mant + 1):
        q >>= 1
        e += 1
    if e > fmt.emax:
        raise ValueError(OUT_OF_RANGE)
    if q >> fmt.mant == 0:  # subnormal
        return sign | q
    return sign | ((e + fmt.bias) << fmt.mant) | (q - (1 << fmt.mant))


def float_text(raw: int, bits: int) -> str:
    """Exact text for a raw fN pattern (hex float, so it parses back to the same bits)."""
    fmt = _FORMATS[bits]
    sign = "-" if raw & fmt.sign else ""
    mag = raw & (fmt.sign - 1)
    exp_field = mag >> fmt.mant
    frac = mag & ((1 << fmt.mant) - 1)
    if exp_field == (1 << fmt.exp_bits) - 1:
        if frac == 0:
            return f"{sign}inf"
        return f"{sign}nan:0x{frac:x}"
    if mag == 0:
        return f"{sign}0x0p+0"
    if exp_field == 0:
        return f"{sign}0x0.{frac << (4 - fmt.mant % 4) % 4:0{(fmt.mant + 3) // 4}x}p{fmt.emin:+d}"
    digits = (frac << (4 - fmt.mant % 4) % 4) if fmt.mant % 4 else frac
    return f"{sign}0x1.{digits:0{(fmt.mant + 3) // 4}x}p{exp_field - fmt.bias:+d}"
