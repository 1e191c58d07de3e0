"""On-disk cache of compiled object code.

Entries live in `$WASMLITE_CACHE_DIR` (default `~/.cache/wasmlite`), one file per key; the
key hashes the module (its binary encoding), the wasmlite version, this engine's source
and the LLVM target (`hostkey.target_key`). Writes go to a temporary file renamed into
place, so readers never see half an entry; an entry that does not carry its own checksum
is treated as missing and recompiled.

A warm start reads one entry: nothing here imports pathlib, tempfile or hashlib (which
loads OpenSSL), and the engine's source is hashed once per change, not once per process.
"""

from __future__ import annotations

import os
import struct
from typing import TYPE_CHECKING

from ... import __version__ as WASMLITE_VERSION
from ...disk_cache import DIGEST_SIZE, directory, new_hash, source_fingerprint, write_atomically
from .hostkey import target_key

if TYPE_CHECKING:
    from pathlib import Path

_MAGIC = b"WLOBJ2\n"


def _engine_fingerprint() -> str:
    """Hash of this engine's own source: any change to code generation invalidates entries
    (computed once per change of the files, see `disk_cache.source_fingerprint`)."""
    return source_fingerprint("engines/llvm")


def cache_dir() -> Path:
    from pathlib import Path

    return Path(directory())


def enabled() -> bool:
    from ...disk_cache import enabled

    return enabled()


def cache_key(module_identity: bytes) -> str:
    h = new_hash()
    for part in (_engine_fingerprint(), WASMLITE_VERSION, target_key()):
        h.update(part.encode())
        h.update(b"\0")
    h.update(module_identity)
    return h.hexdigest()


def load(key: str) -> bytes | None:
    try:
        with open(os.path.join(directory(), f"{key}.o"), "rb") as f:
            data = f.read()
    except OSError:
        return None
    head = len(_MAGIC) + DIGEST_SIZE
    if not data.startswith(_MAGIC) or len(data) < head:
        return None
    digest, body = data[len(_MAGIC) : head], data[head:]
    if _checksum(body) != digest:
        return None  # corrupt: recompile (and overwrite)
    return body


def store(key: str, obj: bytes) -> None:
    write_atomically(os.path.join(directory(), f"{key}.o"), _MAGIC + _checksum(obj) + obj)


def _checksum(data: bytes) -> bytes:
    h = new_hash()
    h.update(data)
    return h.digest()


def pack_objects(objects: list[bytes]) -> bytes:
    """Several objects (a module compiled in parts) as one cache entry."""
    head = struct.pack(f"<I{len(objects)}Q", len(objects), *(len(o) for o in objects))
    return head + b"".join(objects)


def unpack_objects(data: bytes) -> list[bytes]:
    (n,) = struct.unpack_from("<I", data)
    sizes = struct.unpack_from(f"<{n}Q", data, 4)
    pos, out = 4 + 8 * n, []
    for size in sizes:
        out.append(data[pos : pos + size])
        pos += size
    if pos != len(data):
        raise ValueError("truncated object bundle")
    return out
