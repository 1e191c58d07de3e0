"""LEB128 integers: minimal encoders and strict decoders.

The decoders follow the spec's rules: at most ceil(N/7) bytes, and the unused bits of the
last byte must be zero (unsigned) or copies of the sign bit (signed).
"""

from __future__ import annotations

from ..errors import DecodeError

TOO_LONG = "integer representation too long"
TOO_LARGE = "integer too large"


def encode_u(n: int) -> bytes:
    """Minimal unsigned LEB128 of `n` (n >= 0)."""
    if 0 <= n < 0x80:
        return bytes((n,))
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def encode_s(n: int) -> bytes:
    """Minimal signed LEB128 of `n`."""
    if -0x40 <= n < 0x40:
        return bytes((n & 0x7F,))
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def decode_u(data: bytes, pos: int, bits: int, eof: str, end: int | None = None) -> tuple[int, int]:
    """Read an unsigned `bits`-bit LEB128 at `pos`; return (value, position after it).

    `eof` is the message for running off `end` (default: the end of `data`).
    """
    result = 0
    shift = 0
    n = bits
    if end is None:
        end = len(data)
    while True:
        if n <= 0:
            raise DecodeError(TOO_LONG, offset=pos)
        if pos >= end:
            raise DecodeError(eof, offset=pos)
        b = data[pos]
        pos += 1
        if n < 7 and (b & 0x7F) >= (1 << n):
            raise DecodeError(TOO_LARGE, offset=pos - 1)
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        n -= 7


def decode_s(data: bytes, pos: int, bits: int, eof: str, end: int | None = None) -> tuple[int, int]:
    """Read a signed `bits`-bit LEB128 at `pos`; return (value, position after it)."""
    result = 0
    shift = 0
    n = bits
    if end is None:
        end = len(data)
    while True:
        if n <= 0:
            raise DecodeError(TOO_LONG, offset=pos)
        if pos >= end:
            raise DecodeError(eof, offset=pos)
        b = data[pos]
        pos += 1
        if n < 7:
            mask = (-1 << (n - 1)) & 0x7F
            if b & mask not in (0, mask):
                raise DecodeError(TOO_LARGE, offset=pos - 1)
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            if b & 0x40:
                result -= 1 << shift
            return result, pos
        n -= 7
