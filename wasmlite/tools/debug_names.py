"""The `name` section `wat2wasm --debug-names` writes, laid out exactly as wabt does.

wabt always writes the local-names subsection, with an entry (possibly empty) for every
function in the index space, and writes the other subsections only when they have names;
the extended subsections (types, tables, memories, globals, element and data segments) come
from `Names` fields a text parser may fill (read with `getattr`, so older models work).
"""

from __future__ import annotations

from ..binary.leb128 import encode_u
from ..model import Module

MODULE, FUNCS, LOCALS = 0, 1, 2
# Extended subsections: id -> attribute of `model.Names`.
EXTENDED = (
    (4, "types"),
    (5, "tables"),
    (6, "memories"),
    (7, "globals"),
    (8, "elems"),
    (9, "datas"),
)


def _name(s: str) -> bytes:
    raw = s.encode("utf-8")
    return encode_u(len(raw)) + raw


def _map(m: dict[int, str]) -> bytes:
    return encode_u(len(m)) + b"".join(encode_u(i) + _name(m[i]) for i in sorted(m))


def _subsection(sid: int, body: bytes) -> bytes:
    return bytes((sid,)) + encode_u(len(body)) + body


def debug_names_payload(module: Module) -> bytes:
    """The payload of the name section for `module` (from `module.names`)."""
    names = module.names
    out = bytearray()
    module_name = names.module if names is not None else None
    if module_name is None and module.id is not None:
        module_name = module.id[1:]  # `(module $id ...)`
    if module_name is not None:
        out += _subsection(MODULE, _name(module_name))
    if names is not None and names.funcs:
        out += _subsection(FUNCS, _map(names.funcs))
    nfuncs = module.num_imported_funcs + len(module.funcs)
    local_maps = names.locals if names is not None else {}
    locals_body = encode_u(nfuncs) + b"".join(
        encode_u(i) + _map(local_maps.get(i, {})) for i in range(nfuncs)
    )
    out += _subsection(LOCALS, locals_body)
    for sid, attr in EXTENDED:
        m = getattr(names, attr, None) if names is not None else None
        if m:
            out += _subsection(sid, _map(m))
    return bytes(out)
