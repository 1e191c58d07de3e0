"""What wasmlite's on-disk caches share: where they live, whether they are on, hashing, and
fingerprints of wasmlite's own source.

`$WASMLITE_CACHE_DIR` (default `~/.cache/wasmlite`) holds the caches; `WASMLITE_CACHE=0`
(or off/no) turns them all off. Everything here is cheap to import and to call: it runs at
the start of every process that loads a module (no hashlib, which loads OpenSSL; no pathlib,
no tempfile, even to write).
"""

from __future__ import annotations

import functools
import os
from typing import Any

try:
    # hashlib's own blake2b: importing hashlib itself loads OpenSSL, a few ms per process.
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b

DIGEST_SIZE = 32  # bytes of `new_hash()`'s digest
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def enabled() -> bool:
    return os.environ.get("WASMLITE_CACHE", "1") not in ("0", "off", "no")


def directory() -> str:
    env = os.environ.get("WASMLITE_CACHE_DIR")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "wasmlite")


def new_hash() -> Any:
    """A fresh hash object for cache keys and checksums (32-byte BLAKE2b)."""
    return blake2b(digest_size=DIGEST_SIZE)


def hex_digest(data: bytes) -> str:
    return blake2b(data, digest_size=DIGEST_SIZE).hexdigest()


@functools.cache
def source_fingerprint(*parts: str) -> str:
    """Hash of the Python source under `parts` (directories or files, relative to the
    package): cache entries made by one version of that code are not used by another.

    Reading and hashing the files in every process would cost a warm start more than the
    lookup it guards, so the hash is remembered in the cache directory under a stamp of the
    files' paths, sizes and modification times, and computed again only when one changes.
    """
    sources: list[tuple[str, str]] = []  # (name relative to the package, path)
    for part in parts:
        path = os.path.join(PACKAGE_DIR, part)
        if os.path.isdir(path):
            sources += [
                (f"{part}/{e.name}", e.path)
                for e in os.scandir(path)
                if e.name.endswith(".py") and e.is_file()
            ]
        else:
            sources.append((part, path))
    sources.sort()
    stamp = [PACKAGE_DIR]
    for name, path in sources:
        st = os.stat(path)
        stamp.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    memo = os.path.join(directory(), f"source-{hex_digest(chr(0).join(stamp).encode())}.txt")
    if enabled():
        try:
            with open(memo, "rb") as f:
                known = f.read()
            if len(known) == 2 * DIGEST_SIZE:
                return known.decode()
        except (OSError, UnicodeDecodeError):
            pass
    h = new_hash()
    for name, path in sources:
        h.update(os.path.basename(name).encode())
        with open(path, "rb") as f:
            h.update(f.read())
    fingerprint = h.hexdigest()
    if enabled():
        write_atomically(memo, fingerprint.encode())
    return fingerprint


def replace_file(path: str, data: bytes) -> None:
    """Write `path` through a temporary file beside it, renamed into place: readers (and a
    crash half-way) never see half a file. Errors propagate. The file gets the usual
    permissions (0o666 less the umask); no tempfile import on a run's first cache write."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".tmp-{os.getpid()}-{os.urandom(6).hex()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_atomically(path: str, data: bytes) -> None:
    """`replace_file` for cache entries: a cache that cannot be written is only a slower
    cache, so errors are ignored."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        replace_file(path, data)
    except OSError:
        pass
