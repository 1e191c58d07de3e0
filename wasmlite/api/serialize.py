"""The precompiled-module container (`.cwasm`): `Module.serialize()` / `Module.deserialize()`.

Layout (all integers little-endian u32):

    MAGIC                      b"\\0wasmlite-cwasm\\n"
    header length, header      JSON: format version, engine name, wasmlite version, target
    wasm length, wasm          the module's binary (for its types, and to recompile)
    code length, code          the engine's own precompiled form (may be empty)

The wasm binary is always kept, so a container from another engine or an older wasmlite
still loads: only the engine code is ignored and the module compiled again.
"""

from __future__ import annotations

import json
import struct

from ..errors import DecodeError
from ..records import FrozenRecord

MAGIC = b"\0wasmlite-cwasm\n"
FORMAT = 1
_U32 = struct.Struct("<I")


class Precompiled(FrozenRecord):
    __slots__ = _fields = ("engine", "version", "wasm", "code", "target")
    _defaults = ("",)
    engine: str
    version: str
    wasm: bytes
    code: bytes
    target: str  # what `code` was made for (engine_code.code_target); default ""


def is_precompiled(data: bytes) -> bool:
    return data[: len(MAGIC)] == MAGIC


def pack(p: Precompiled) -> bytes:
    header = json.dumps(
        {"format": FORMAT, "engine": p.engine, "wasmlite": p.version, "target": p.target}
    ).encode()
    out = bytearray(MAGIC)
    for part in (header, p.wasm, p.code):
        out += _U32.pack(len(part))
        out += part
    return bytes(out)


def unpack(data: bytes) -> Precompiled:
    if not is_precompiled(data):
        raise DecodeError("not a precompiled wasmlite module (bad magic)")
    pos = len(MAGIC)
    parts = []
    for _ in range(3):
        if pos + 4 > len(data):
            raise DecodeError("truncated precompiled module", offset=pos)
        (n,) = _U32.unpack_from(data, pos)
        pos += 4
        if pos + n > len(data):
            raise DecodeError("truncated precompiled module", offset=pos)
        parts.append(bytes(data[pos : pos + n]))
        pos += n
    try:
        header = json.loads(parts[0])
    except ValueError:
        raise DecodeError("corrupt precompiled module header") from None
    if header.get("format") != FORMAT:
        raise DecodeError(f"unsupported precompiled module format {header.get('format')!r}")
    return Precompiled(
        str(header.get("engine")),
        str(header.get("wasmlite")),
        parts[1],
        parts[2],
        str(header.get("target", "")),
    )
