"""Floats as wabt's objdump prints them: shortest exact hex, `nan`, `inf`."""

from __future__ import annotations

from ..text.numbers import float_text

_CANONICAL_NAN = {32: 1 << 22, 64: 1 << 51}
_MANT = {32: 23, 64: 52}
_EMIN = {32: -126, 64: -1022}


def _subnormal(raw: int, bits: int) -> str:
    """wabt normalizes subnormals: `0x1.8p-148`, and `0x1.p-149` for a power of two."""
    mant = _MANT[bits]
    sign = "-" if raw >> (bits - 1) else ""
    frac = raw & ((1 << mant) - 1)
    top = frac.bit_length() - 1
    rest = frac - (1 << top)
    exp = _EMIN[bits] - (mant - top)
    digits = f"{rest << ((4 - top % 4) % 4):0{(top + 3) // 4}x}".rstrip("0") if top else ""
    return f"{sign}0x1.{digits}p{exp:+d}"


def hex_float(raw: int, bits: int) -> str:
    text = float_text(raw, bits)
    sign = "-" if text.startswith("-") else ""
    body = text.lstrip("-")
    if body.startswith("nan:"):
        return sign + "nan" if int(body[4:], 16) == _CANONICAL_NAN[bits] else text
    if body.startswith("0x0.") and raw & ((1 << (bits - 1)) - 1):
        return _subnormal(raw, bits)
    if body == "inf" or "." not in body:
        return text
    mant, _, exp = body.partition("p")
    mant = mant.rstrip("0").rstrip(".")
    return f"{sign}{mant}p{exp}"
