"""The WebAssembly binary format: decoder, encoder, LEB128 and the `name` section."""

from typing import Any

from .decode import decode_module

__all__ = ["decode_module", "encode_module"]


def __getattr__(name: str) -> Any:
    # The encoder is imported on first use: running a module only decodes one.
    if name == "encode_module":
        from .encode import encode_module

        globals()[name] = encode_module
        return encode_module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
