"""On-disk cache of the Python engine's compiled functions (marshalled code objects).

Generating and compiling Python source costs about 10 us per wasm instruction, which for a
short program can be most of its run time. Functions compiled in one process are saved
when it exits (`atexit`) and loaded by the next one that compiles the same module with the
same engine source and Python version. Shares `WASMLITE_CACHE_DIR` / `WASMLITE_CACHE=0`
with the LLVM engine's cache. Small modules (the spec tests) are never cached.
"""

from __future__ import annotations

import atexit
import marshal
import os
import sys
import weakref
from typing import Any

from ... import disk_cache

MIN_INSTRUCTIONS = 2000  # below this, compiling is cheaper than touching the disk
_FORMAT = b"WLPY2"
enabled = disk_cache.enabled


def cache_dir() -> str:
    return os.path.join(disk_cache.directory(), "python")


def cache_key(module: Any) -> str | None:
    """The key of a module worth caching, else None."""
    if not enabled() or sum(len(f.body) for f in module.funcs) < MIN_INSTRUCTIONS:
        return None
    from ...binary import encode_module

    h = disk_cache.new_hash()
    # Marshalled code objects are only valid for the Python that made them.
    for part in (_FORMAT, sys.implementation.cache_tag.encode()):
        h.update(part + b"\0")
    h.update(disk_cache.source_fingerprint("engines/python").encode())
    h.update(encode_module(module, names=True))
    return h.hexdigest()


def load(key: str) -> dict[str, Any] | None:
    try:
        with open(os.path.join(cache_dir(), f"{key}.pyc"), "rb") as f:
            entry = marshal.loads(f.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return entry if isinstance(entry, dict) else None


def save(key: str, entry: dict[str, Any]) -> None:
    try:
        data = marshal.dumps(entry)
    except ValueError:
        return  # not marshallable: a cache miss next time, nothing worse
    disk_cache.write_atomically(os.path.join(cache_dir(), f"{key}.pyc"), data)


def save_at_exit(owner: Any, key: str) -> None:
    """Call `owner.cache_entry()` at interpreter exit (if `owner` is still alive then)."""
    ref = weakref.ref(owner)

    def write() -> None:
        obj = ref()
        if obj is not None:
            entry = obj.cache_entry()
            if entry is not None:
                save(key, entry)

    atexit.register(write)
