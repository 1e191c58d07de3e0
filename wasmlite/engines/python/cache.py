"""On-disk cache of the Python engine's compiled functions (marshalled code objects).

Generating and compiling Python source costs about 10 us per wasm instruction, which for a
short program can be most of its run time. Functions compiled in one process are saved
when it exits (`atexit`) and loaded by the next one that compiles the same module with the
same engine source and Python version. Shares `WASMLITE_CACHE_DIR` / `WASMLITE_CACHE=0`
with the LLVM engine's cache. Small modules (the spec tests) are never cached.
"""

from __future__ import annotations

import atexit
import functools
import marshal
import os
import sys
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

MIN_INSTRUCTIONS = 2000  # below this, compiling is cheaper than touching the disk
_FORMAT = b"WLPY1"


@functools.cache
def _fingerprint() -> bytes:
    import hashlib  # here: importing it costs ~2 ms, and small modules are never cached
    from pathlib import Path

    h = hashlib.sha256(_FORMAT + sys.implementation.cache_tag.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.digest()


def cache_dir() -> Path:
    from pathlib import Path

    env = os.environ.get("WASMLITE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wasmlite" / "python"


def enabled() -> bool:
    return os.environ.get("WASMLITE_CACHE", "1") not in ("0", "off", "no")


def cache_key(module: Any) -> str | None:
    """The key of a module worth caching, else None."""
    if not enabled() or sum(len(f.body) for f in module.funcs) < MIN_INSTRUCTIONS:
        return None
    import hashlib

    from ...binary import encode_module

    h = hashlib.sha256(_fingerprint())
    h.update(encode_module(module, names=True))
    return h.hexdigest()


def load(key: str) -> dict[str, Any] | None:
    try:
        data = (cache_dir() / f"{key}.pyc").read_bytes()
        entry = marshal.loads(data)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return entry if isinstance(entry, dict) else None


def save(key: str, entry: dict[str, Any]) -> None:
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f"{key}.{os.getpid()}.tmp"
        tmp.write_bytes(marshal.dumps(entry))
        os.replace(tmp, directory / f"{key}.pyc")
    except (OSError, ValueError):
        pass  # a cache that cannot be written is only slower


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
