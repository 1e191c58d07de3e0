"""From bytes, text or a file to a validated module: the front end's one entry point."""

from __future__ import annotations

import os

from .model import Module

WASM_MAGIC = b"\0asm"


def parse_bytes_or_text(source: bytes | str) -> Module:
    """Decode a binary module, or parse a text one (WAT); does not validate."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if data.startswith(WASM_MAGIC):
            from .binary import decode_module

            return decode_module(data)
        source = _decode_text(data)
    from .text import parse_module

    return parse_module(source)


def _decode_text(data: bytes) -> str:
    from .errors import ParseError

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ParseError(
            "malformed UTF-8 encoding (not a WebAssembly binary or text module)", offset=e.start
        ) from None


def load_module(source: bytes | str, *, validate: bool = True) -> Module:
    """Decode or parse `source` (binary bytes, or WAT text), then validate it."""
    module = parse_bytes_or_text(source)
    if validate:
        stamp = _validity_stamp(source)
        if stamp is None or not os.path.exists(stamp):
            from .validate import validate_module

            validate_module(module)
            if stamp is not None:
                _write_stamp(stamp)
    return module


# Binaries at least this big are remembered as valid (smaller ones validate in about the
# time the stamp costs, and test suites make thousands of them).
STAMP_MIN_SIZE = 4096

# The code whose verdict a stamp records: the decoder, the validator and what they read.
_FRONT_END_SOURCES = ("binary", "validate", "model.py", "opcodes.py", "records.py", "errors.py")


def _validity_stamp(source: bytes | str) -> str | None:
    """The path of the file that, when it exists, says that `source` was validated by this
    front end before (with the caches on, for binaries of STAMP_MIN_SIZE bytes or more).

    Validating a big module takes longer than everything else a run with cached code does
    (tens of ms for a few hundred KB); the code cache beside these stamps is trusted with
    native code already, so trusting it with a verdict asks nothing more of it."""
    if not isinstance(source, (bytes, bytearray, memoryview)) or len(source) < STAMP_MIN_SIZE:
        return None
    from . import disk_cache

    if not disk_cache.enabled() or bytes(source[:4]) != WASM_MAGIC:
        return None
    h = disk_cache.new_hash()
    h.update(disk_cache.source_fingerprint(*_FRONT_END_SOURCES).encode())
    h.update(source)
    return os.path.join(disk_cache.directory(), "valid", h.hexdigest())


def _write_stamp(path: str) -> None:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb"):
            pass  # the file's existence is the whole message
    except OSError:
        pass  # a cache that cannot be written is only a slower cache


def read_module(path: str | os.PathLike[str], *, validate: bool = True) -> Module:
    """Load a `.wasm` or `.wat` file (recognized by content, not by name)."""
    with open(path, "rb") as f:
        data = f.read()
    return load_module(data, validate=validate)
