"""On-disk cache of compiled object code.

Entries live in `$WASMLITE_CACHE_DIR` (default `~/.cache/wasmlite`), one file per key; the
key hashes the module (its binary encoding), the wasmlite version, this engine's source
and the LLVM target (`hostkey.target_key`). Writes go to a temporary file renamed into
place, so readers never see half an entry; an entry that does not carry its own checksum
is treated as missing and recompiled.
"""

from __future__ import annotations

import functools
import hashlib
import os
import struct
import tempfile
from pathlib import Path

from ... import __version__ as WASMLITE_VERSION
from .hostkey import target_key

_MAGIC = b"WLOBJ1\n"


@functools.cache
def _engine_fingerprint() -> str:
    """Hash of this engine's own source: any change to code generation invalidates entries."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def cache_dir() -> Path:
    env = os.environ.get("WASMLITE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wasmlite"


def enabled() -> bool:
    return os.environ.get("WASMLITE_CACHE", "1") not in ("0", "off", "no")


def cache_key(module_identity: bytes) -> str:
    h = hashlib.sha256()
    for part in (_engine_fingerprint(), WASMLITE_VERSION, target_key()):
        h.update(part.encode())
        h.update(b"\0")
    h.update(module_identity)
    return h.hexdigest()


def load(key: str) -> bytes | None:
    path = cache_dir() / f"{key}.o"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + 32:
        return None
    digest, body = data[len(_MAGIC) : len(_MAGIC) + 32], data[len(_MAGIC) + 32 :]
    if hashlib.sha256(body).digest() != digest:
        return None  # corrupt: recompile (and overwrite)
    return body


def store(key: str, obj: bytes) -> None:
    d = cache_dir()
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=".o")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_MAGIC + hashlib.sha256(obj).digest() + obj)
            os.replace(tmp, d / f"{key}.o")
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a cache that cannot be written is only a slower cache


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
