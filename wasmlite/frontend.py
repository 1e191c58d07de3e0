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
        from .validate import validate_module

        validate_module(module)
    return module


def read_module(path: str | os.PathLike[str], *, validate: bool = True) -> Module:
    """Load a `.wasm` or `.wat` file (recognized by content, not by name)."""
    with open(path, "rb") as f:
        data = f.read()
    return load_module(data, validate=validate)
