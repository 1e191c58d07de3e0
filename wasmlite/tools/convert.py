"""Text <-> binary conversion for `wasmlite wat2wasm` / `wasm2wat`, matching wabt's output."""

from __future__ import annotations

from ..binary import decode_module, encode_module
from ..binary.leb128 import encode_u
from ..frontend import parse_bytes_or_text
from ..model import Module
from .debug_names import debug_names_payload


def _custom_section(name: str, payload: bytes) -> bytes:
    raw = name.encode("utf-8")
    body = encode_u(len(raw)) + raw + payload
    return b"\x00" + encode_u(len(body)) + body


def assemble_module(module: Module, *, debug_names: bool = False) -> bytes:
    """Binary encoding of a module parsed from text, byte for byte what wabt's wat2wasm
    writes; with `debug_names`, wabt's `name` section follows every other section."""
    data = encode_module(module, names=False)
    if debug_names:
        data += _custom_section("name", debug_names_payload(module))
    return data


def wat_to_wasm(source: str | bytes, *, debug_names: bool = False, validate: bool = True) -> bytes:
    """Assemble WAT text (a binary module is accepted too and re-encoded)."""
    module = parse_bytes_or_text(source)
    if validate:
        from ..validate import validate_module

        validate_module(module)
    return assemble_module(module, debug_names=debug_names)


def wasm_to_wat(data: bytes, *, validate: bool = True) -> str:
    """Disassemble a binary module to WAT text that assembles back to the same module."""
    from ..text import print_module

    module = decode_module(data)
    if validate:
        from ..validate import validate_module

        validate_module(module)
    return print_module(module)
