"""How wasm values look in native code and in the 16-byte slots that cross to Python.

Entry trampolines and host adapters pass arguments and results through a buffer of
16-byte slots (room for a v128): numbers as their unsigned bit patterns, references as
handles (see `refs`). `SlotCodec` converts one signature's values to and from such a buffer.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from ...model import ValType
from .refs import from_handle, to_handle

SLOT = 16

LLTYPE = {
    ValType.i32: "i32",
    ValType.i64: "i64",
    ValType.f32: "float",
    ValType.f64: "double",
    ValType.v128: "<2 x i64>",
    ValType.funcref: "i64",
    ValType.externref: "i64",
}

_FORMAT = {
    ValType.i32: "I12x",
    ValType.f32: "I12x",
    ValType.i64: "Q8x",
    ValType.f64: "Q8x",
    ValType.funcref: "Q8x",
    ValType.externref: "Q8x",
    ValType.v128: "QQ",
}
_M64 = (1 << 64) - 1


def lltype(t: ValType) -> str:
    return LLTYPE[t]


def ret_type(results: Sequence[ValType]) -> str:
    """The LLVM return type of a function with these results (a struct for several)."""
    if not results:
        return "void"
    if len(results) == 1:
        return LLTYPE[results[0]]
    return "{" + ", ".join(LLTYPE[t] for t in results) + "}"


def sig_key(params: Sequence[ValType], results: Sequence[ValType]) -> str:
    """A name-safe key of a signature's native shape (refs share i64's shape)."""
    code = {"i32": "i", "i64": "l", "float": "f", "double": "d", "<2 x i64>": "v"}
    p = "".join(code[LLTYPE[t]] for t in params)
    r = "".join(code[LLTYPE[t]] for t in results)
    return f"{p}_{r}"


class SlotCodec:
    """Packs raw values of `types` into slots and back."""

    def __init__(self, types: Sequence[ValType]):
        self.types = tuple(types)
        self.struct = struct.Struct("<" + "".join(_FORMAT[t] for t in self.types))
        self.size = max(SLOT * len(self.types), SLOT)
        self.simple = all(t.is_num for t in self.types)  # no v128, no references

    def pack_into(self, buf: Any, values: Sequence[Any]) -> None:
        if self.simple:
            self.struct.pack_into(buf, 0, *values)
            return
        flat: list[int] = []
        for t, v in zip(self.types, values):
            if t is ValType.v128:
                flat += (v & _M64, v >> 64)
            elif t.is_ref:
                flat.append(to_handle(v))
            else:
                flat.append(v)
        self.struct.pack_into(buf, 0, *flat)

    def unpack_from(self, buf: Any) -> list[Any]:
        flat = self.struct.unpack_from(buf, 0)
        if self.simple:
            return list(flat)
        out: list[Any] = []
        i = 0
        for t in self.types:
            if t is ValType.v128:
                out.append(flat[i] | (flat[i + 1] << 64))
                i += 2
            else:
                out.append(from_handle(flat[i]) if t.is_ref else flat[i])
                i += 1
        return out
