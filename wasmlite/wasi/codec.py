"""Reading and writing witx-typed values in guest memory, driven by the witx layout.

Python shapes: integers, enums, flags and handles are ints; records and tuples are tuples of
their fields; a union is (tag, payload); a list is a list of its elements; a string is str.
"""

from __future__ import annotations

import struct
from functools import cache
from typing import Any

from ..runtime.memory import MemoryInstance
from .errno import WasiError
from .witx import (
    INT_SIZES,
    Enum,
    Flags,
    Handle,
    Int,
    List,
    Pointer,
    Record,
    Spec,
    Tuple,
    TypeExpr,
    Variant,
)

# Longest list argument accepted (iovec arrays): far above POSIX's IOV_MAX of 1024, and a
# bound on the host memory one call can make us allocate.
MAX_LIST = 1 << 16

_FORMATS = {
    "u8": "B",
    "u16": "H",
    "u32": "I",
    "u64": "Q",
    "s8": "b",
    "s16": "h",
    "s32": "i",
    "s64": "q",
}


@cache
def _scalar(fmt: str) -> struct.Struct:
    return struct.Struct("<" + fmt)


def scalar_name(spec: Spec, t: TypeExpr) -> str | None:
    """The integer kind (u8 ... s64) a scalar type is stored as, or None for aggregates."""
    t = spec.resolve(t)
    if isinstance(t, Int):
        return t.name
    if isinstance(t, (Enum, Flags)):
        return t.repr
    if isinstance(t, (Handle, Pointer)):
        return "u32"
    return None


def to_signed(kind: str, value: int) -> int:
    """A core value's unsigned bit pattern read as the witx integer kind `kind`."""
    bits = INT_SIZES[kind] * 8
    value &= (1 << bits) - 1
    if kind.startswith("s") and value >> (bits - 1):
        value -= 1 << bits
    return value


def flat_struct(spec: Spec, t: TypeExpr) -> struct.Struct | None:
    """One struct for a record or tuple made only of scalars (iovec, fdstat, filestat, ...),
    padding included; None for anything else. Cached on the spec."""
    key = ("flat_struct", t)
    if key not in spec.memo:
        spec.memo[key] = _make_flat_struct(spec, t)
    return spec.memo[key]


def _make_flat_struct(spec: Spec, t: TypeExpr) -> struct.Struct | None:
    r = spec.resolve(t)
    if not isinstance(r, (Record, Tuple)):
        return None
    members = [ft for _, ft in r.fields] if isinstance(r, Record) else list(r.elems)
    fmt, pos = "<", 0
    for m, off in zip(members, spec.offsets(r)):
        kind = scalar_name(spec, m)
        if kind is None:
            return None
        fmt += "x" * (off - pos) + _FORMATS[kind]
        pos = off + INT_SIZES[kind]
    fmt += "x" * (spec.size_align(r)[0] - pos)
    return struct.Struct(fmt)


def store(spec: Spec, mem: MemoryInstance, t: TypeExpr, addr: int, value: Any) -> None:
    flat = flat_struct(spec, t)
    if flat is not None:
        mem.pack(flat, addr, *value)
        return
    kind = scalar_name(spec, t)
    if kind is not None:
        bits = INT_SIZES[kind] * 8
        mem.pack(_scalar(_FORMATS[kind.replace("s", "u")]), addr, value & ((1 << bits) - 1))
        return
    r = spec.resolve(t)
    if isinstance(r, (Record, Tuple)):
        members = [ft for _, ft in r.fields] if isinstance(r, Record) else list(r.elems)
        for member, off, v in zip(members, spec.offsets(r), value):
            store(spec, mem, member, addr + off, v)
        return
    if isinstance(r, Variant):
        tag, payload = value
        store(spec, mem, spec.types[r.tag], addr, tag)
        store(spec, mem, r.cases[tag], addr + spec.variant_payload_offset(r), payload)
        return
    raise TypeError(f"cannot store {r!r}")


def load(spec: Spec, mem: MemoryInstance, t: TypeExpr, addr: int) -> Any:
    flat = flat_struct(spec, t)
    if flat is not None:
        return mem.unpack(flat, addr)
    kind = scalar_name(spec, t)
    if kind is not None:
        return mem.unpack(_scalar(_FORMATS[kind]), addr)[0]
    r = spec.resolve(t)
    if isinstance(r, (Record, Tuple)):
        members = [ft for _, ft in r.fields] if isinstance(r, Record) else list(r.elems)
        return tuple(load(spec, mem, m, addr + off) for m, off in zip(members, spec.offsets(r)))
    if isinstance(r, Variant):
        tag = load(spec, mem, spec.types[r.tag], addr)
        if not 0 <= tag < len(r.cases):
            raise WasiError("inval")
        return tag, load(spec, mem, r.cases[tag], addr + spec.variant_payload_offset(r))
    raise TypeError(f"cannot load {r!r}")


def load_list(spec: Spec, mem: MemoryInstance, t: List, ptr: int, length: int) -> list[Any]:
    if length > MAX_LIST:
        raise WasiError("inval")
    size, _ = spec.size_align(t.elem)
    mem.check(ptr, size * length)
    flat = flat_struct(spec, t.elem)
    if flat is not None:
        return list(flat.iter_unpack(mem.read(ptr, size * length)))
    return [load(spec, mem, t.elem, ptr + i * size) for i in range(length)]


def load_string(mem: MemoryInstance, ptr: int, length: int) -> str:
    try:
        return mem.read(ptr, length).decode("utf-8")
    except UnicodeDecodeError:
        raise WasiError("ilseq") from None
