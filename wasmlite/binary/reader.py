"""A cursor over a module's bytes that raises `DecodeError` for every kind of bad input."""

from __future__ import annotations

from ..errors import DecodeError
from ..model import VALTYPE_BY_BYTE, ValType
from .leb128 import decode_s, decode_u

EOF_TOP = "unexpected end"
EOF_SECTION = "unexpected end of section or function"


class Reader:
    """Reads from `data` starting at `pos`.

    Like the reference interpreter, reads are bounded by the end of the whole module, not by
    the enclosing section; size mismatches are checked when a section or body is finished.
    `eof` is the message for running off the end (more specific inside a section).
    """

    __slots__ = ("data", "pos", "end", "eof")

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end
        self.eof = EOF_TOP

    def error(self, message: str, offset: int | None = None) -> DecodeError:
        return DecodeError(message, offset=self.pos if offset is None else offset)

    def at_end(self) -> bool:
        return self.pos >= self.end

    def byte(self) -> int:
        p = self.pos
        if p >= self.end:
            raise DecodeError(self.eof, offset=p)
        self.pos = p + 1
        return self.data[p]

    def peek(self) -> int | None:
        return self.data[self.pos] if self.pos < self.end else None

    def bytes(self, n: int) -> bytes:
        p = self.pos
        if p + n > self.end:
            raise DecodeError(self.eof, offset=self.end)
        self.pos = p + n
        return self.data[p : p + n]

    def u32(self) -> int:
        p = self.pos
        if p < self.end:
            b = self.data[p]
            if b < 0x80:
                self.pos = p + 1
                return b
        v, self.pos = decode_u(self.data, p, 32, self.eof, self.end)
        return v

    def s32(self) -> int:
        p = self.pos
        if p < self.end:
            b = self.data[p]
            if b < 0x40:
                self.pos = p + 1
                return b
        v, self.pos = decode_s(self.data, p, 32, self.eof, self.end)
        return v

    def s33(self) -> int:
        v, self.pos = decode_s(self.data, self.pos, 33, self.eof, self.end)
        return v

    def s64(self) -> int:
        p = self.pos
        if p < self.end:
            b = self.data[p]
            if b < 0x40:
                self.pos = p + 1
                return b
        v, self.pos = decode_s(self.data, p, 64, self.eof, self.end)
        return v

    def u64(self) -> int:
        v, self.pos = decode_u(self.data, self.pos, 64, self.eof, self.end)
        return v

    def length(self) -> int:
        """A byte or element count, which cannot exceed what is left of the module."""
        start = self.pos
        n = self.u32()
        if n > self.end - self.pos:
            raise DecodeError("length out of bounds", offset=start)
        return n

    def name(self) -> str:
        n = self.length()
        raw = self.bytes(n)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DecodeError("malformed UTF-8 encoding", offset=self.pos - n) from None

    def valtype(self) -> ValType:
        b = self.byte()
        t = VALTYPE_BY_BYTE.get(b)
        if t is None:
            raise DecodeError("malformed value type", offset=self.pos - 1)
        return t

    def reftype(self) -> ValType:
        b = self.byte()
        if b == 0x70:
            return ValType.funcref
        if b == 0x6F:
            return ValType.externref
        raise DecodeError("malformed reference type", offset=self.pos - 1)

    def zero(self) -> int:
        if self.byte() != 0:
            raise DecodeError("zero byte expected", offset=self.pos - 1)
        return 0
