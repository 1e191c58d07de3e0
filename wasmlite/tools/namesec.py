"""Every subsection of a `name` custom section, for display.

`wasmlite.binary.names` decodes what the runtime needs (module, function and local names);
objdump also shows the extended subsections (types, tables, memories, globals, segments),
and must not fail on a malformed section, so it reads the payload leniently here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..binary.reader import Reader
from ..errors import DecodeError

# Subsection id -> the word objdump prints for an entry of its index space.
INDEX_SPACES = {
    1: "func",
    4: "type",
    5: "table",
    6: "memory",
    7: "global",
    8: "elemseg",
    9: "dataseg",
}


@dataclass
class NameSection:
    module: str | None = None
    maps: dict[int, dict[int, str]] = field(default_factory=dict)  # subsection id -> names
    locals: dict[int, dict[int, str]] = field(default_factory=dict)  # func -> local -> name


def _name_map(r: Reader) -> dict[int, str]:
    out: dict[int, str] = {}
    for _ in range(r.u32()):
        index = r.u32()
        out[index] = r.name()
    return out


def read_name_section(payload: bytes) -> NameSection:
    """What can be read of `payload`; stops quietly at the first malformed subsection."""
    ns = NameSection()
    r = Reader(payload)
    try:
        while not r.at_end():
            sid = r.byte()
            size = r.length()
            sub = Reader(payload, r.pos, r.pos + size)
            if sid == 0:
                ns.module = sub.name()
            elif sid == 2:
                ns.locals = {sub.u32(): _name_map(sub) for _ in range(sub.u32())}
            elif sid in INDEX_SPACES:
                ns.maps[sid] = _name_map(sub)
            r.pos += size
    except DecodeError:
        pass
    return ns


def name_lines(ns: NameSection) -> list[str]:
    """The entries as objdump lists them under the custom section."""
    out = []
    if ns.module is not None:
        out.append(f" - module <{ns.module}>")
    out += [f" - func[{i}] <{n}>" for i, n in sorted(ns.maps.get(1, {}).items())]
    for f, locs in sorted(ns.locals.items()):
        out += [f" - func[{f}] local[{j}] <{n}>" for j, n in sorted(locs.items())]
    for sid, word in INDEX_SPACES.items():
        if sid != 1:
            out += [f" - {word}[{i}] <{n}>" for i, n in sorted(ns.maps.get(sid, {}).items())]
    return out
