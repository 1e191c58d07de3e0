"""The raw section layout of a binary module: where each section and function body lies.

The decoder turns bytes into a model and forgets the layout; tools that report offsets
(objdump, inspect, strip) need it, so this scanner walks the section headers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..binary.leb128 import decode_u
from ..errors import DecodeError

MAGIC = b"\0asm"
VERSION = b"\1\0\0\0"
EOF_MSG = "unexpected end"

SECTION_NAMES = {
    0: "Custom",
    1: "Type",
    2: "Import",
    3: "Function",
    4: "Table",
    5: "Memory",
    6: "Global",
    7: "Export",
    8: "Start",
    9: "Elem",
    10: "Code",
    11: "Data",
    12: "DataCount",
}
# Sections whose payload starts with an entry count.
VECTOR_SECTIONS = frozenset((1, 2, 3, 4, 5, 6, 7, 9, 10, 11))


@dataclass
class Section:
    id: int
    offset: int  # of the id byte
    start: int  # of the payload
    end: int  # just past the payload
    name: str | None = None  # custom sections only
    count: int | None = None  # entry count (vector sections), function index (start), data count

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def kind(self) -> str:
        return SECTION_NAMES.get(self.id, f"Unknown({self.id})")


@dataclass
class LocalGroup:
    offset: int
    end: int
    count: int
    type_byte: int


@dataclass
class Body:
    """One entry of the code section."""

    offset: int  # of the locals vector (what wabt prints as the function's offset)
    end: int  # just past the body's final `end`
    locals: list[LocalGroup] = field(default_factory=list)
    code_start: int = 0  # first instruction


def _u32(data: bytes, pos: int, end: int) -> tuple[int, int]:
    return decode_u(data, pos, 32, EOF_MSG, end)


def check_header(data: bytes) -> None:
    if len(data) < 4 or data[:4] != MAGIC:
        raise DecodeError("magic header not detected", offset=0)
    if data[4:8] != VERSION:
        raise DecodeError("unknown binary version", offset=4)


def scan_sections(data: bytes) -> list[Section]:
    """Every section of `data`, in file order. Raises `DecodeError` on a broken layout."""
    check_header(data)
    pos = 8
    out: list[Section] = []
    while pos < len(data):
        offset = pos
        sid = data[pos]
        size, start = _u32(data, pos + 1, len(data))
        end = start + size
        if end > len(data):
            raise DecodeError("length out of bounds", offset=pos + 1)
        sec = Section(sid, offset, start, end)
        if sid == 0:
            n, p = _u32(data, start, end)
            if p + n > end:
                raise DecodeError("length out of bounds", offset=start)
            sec.name = data[p : p + n].decode("utf-8", "replace")
        elif sid in VECTOR_SECTIONS or sid in (8, 12):
            sec.count = _u32(data, start, end)[0] if size else 0
        out.append(sec)
        pos = end
    return out


def scan_bodies(data: bytes, code: Section) -> list[Body]:
    """The function bodies of the code section `code`."""
    count, pos = _u32(data, code.start, code.end)
    bodies: list[Body] = []
    for _ in range(count):
        size, body_start = _u32(data, pos, code.end)
        body = Body(body_start, body_start + size)
        ngroups, p = _u32(data, body_start, body.end)
        for _ in range(ngroups):
            n, q = _u32(data, p, body.end)
            if q >= body.end:
                raise DecodeError(EOF_MSG, offset=q)
            body.locals.append(LocalGroup(p, q + 1, n, data[q]))
            p = q + 1
        body.code_start = p
        bodies.append(body)
        pos = body.end
    return bodies


def payload_after_name(data: bytes, sec: Section) -> int:
    """Where a custom section's contents start (after its name)."""
    n, p = _u32(data, sec.start, sec.end)
    return p + n
