"""The `name` custom section: module name, function names and local names.

A malformed name section never makes the module malformed: `decode_names` returns None and
the decoder keeps the section as an opaque custom section.
"""

from __future__ import annotations

from ..errors import DecodeError
from ..model import Names
from .leb128 import encode_u
from .reader import Reader

MODULE, FUNCS, LOCALS = 0, 1, 2


def decode_names(payload: bytes) -> Names | None:
    """Decode a name section payload; None if it is malformed."""
    try:
        return _decode(Reader(payload))
    except DecodeError:
        return None


def _decode(r: Reader) -> Names:
    names = Names()
    last = -1
    while not r.at_end():
        sid = r.byte()
        if sid <= last:
            raise DecodeError("out-of-order name subsection", offset=r.pos - 1)
        last = sid
        size = r.length()
        end = r.pos + size
        sub = Reader(r.data, r.pos, end)
        if sid == MODULE:
            names.module = sub.name()
        elif sid == FUNCS:
            names.funcs = _name_map(sub)
        elif sid == LOCALS:
            names.locals = {sub.u32(): _name_map(sub) for _ in range(sub.u32())}
        else:
            sub.pos = end  # subsections from later proposals: skip
        if sub.pos != end:
            raise DecodeError("name subsection size mismatch", offset=sub.pos)
        r.pos = end
    return names


def _name_map(r: Reader) -> dict[int, str]:
    out: dict[int, str] = {}
    for _ in range(r.u32()):
        index = r.u32()
        out[index] = r.name()
    return out


def _name(s: str) -> bytes:
    raw = s.encode("utf-8")
    return encode_u(len(raw)) + raw


def _encode_map(m: dict[int, str]) -> bytes:
    out = bytearray(encode_u(len(m)))
    for index in sorted(m):
        out += encode_u(index) + _name(m[index])
    return bytes(out)


def encode_names(names: Names) -> bytes:
    """The payload of a `name` section holding `names` (without the section header)."""
    out = bytearray()

    def sub(sid: int, body: bytes) -> None:
        out.append(sid)
        out.extend(encode_u(len(body)))
        out.extend(body)

    if names.module is not None:
        sub(MODULE, _name(names.module))
    if names.funcs:
        sub(FUNCS, _encode_map(names.funcs))
    if names.locals:
        body = bytearray(encode_u(len(names.locals)))
        for index in sorted(names.locals):
            body += encode_u(index) + _encode_map(names.locals[index])
        sub(LOCALS, bytes(body))
    return bytes(out)
