"""The WebAssembly binary format: decoder, encoder, LEB128 and the `name` section."""

from .decode import decode_module
from .encode import encode_module

__all__ = ["decode_module", "encode_module"]
