"""Runtime support the generated code calls: indirect calls, bulk memory and tables, and the
conversions between the engine's internal values and the raw boundary convention."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from ...errors import Trap
from ...model import F32, F64, FuncType, ValType
from ...runtime.memory import MemoryInstance
from ...runtime.objects import FuncInstance, TableInstance
from .scalar import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits

MEMORY_OOB = "out of bounds memory access"
TABLE_OOB = "out of bounds table access"

_I = struct.Struct("<I")
_f = struct.Struct("<f")
_QQ = struct.Struct("<QQ")
_u_I, _p_I = _I.unpack_from, _I.pack_into
_u_f, _p_f = _f.unpack_from, _f.pack_into
_u_QQ, _p_QQ = _QQ.unpack_from, _QQ.pack_into
M64 = (1 << 64) - 1

# Unpackers and packers of the loads and stores (`U_I(mv, ea)[0]`, `P_I(mv, ea, v)`).
STRUCTS = {c: struct.Struct("<" + c) for c in "bBhHiIqQfd"}


def load_f32(mv: memoryview, ea: int) -> float:
    x = _u_f(mv, ea)[0]
    if x != x:  # a signalling NaN would have been quieted by the float cast
        return f32_from_bits(_u_I(mv, ea)[0])
    return x


def store_f32(mv: memoryview, ea: int, x: float) -> None:
    if x != x:
        _p_I(mv, ea, f32_to_bits(x))
    else:
        _p_f(mv, ea, x)


def load_v128(mv: memoryview, ea: int) -> int:
    lo, hi = _u_QQ(mv, ea)
    return lo | (hi << 64)


def store_v128(mv: memoryview, ea: int, v: int) -> None:
    _p_QQ(mv, ea, v & M64, v >> 64)


# -- conversions at the boundary ---------------------------------------------------------

_TO_RAW: dict[ValType, Callable[[Any], Any]] = {F32: f32_to_bits, F64: f64_to_bits}
_FROM_RAW: dict[ValType, Callable[[Any], Any]] = {F32: f32_from_bits, F64: f64_from_bits}
_MASKS = {ValType.i32: 0xFFFFFFFF, ValType.i64: M64, ValType.v128: (1 << 128) - 1}


def from_raw_converter(types: tuple[ValType, ...]) -> Callable[[Any], list[Any]] | None:
    """A function turning raw values of `types` into internal ones; None if identity."""
    convs = [_FROM_RAW.get(t) or _masker(t) for t in types]
    if all(c is None for c in convs):
        return None

    def convert(values: Any) -> list[Any]:
        return [v if c is None else c(v) for c, v in zip(convs, values)]

    return convert


def _masker(t: ValType) -> Callable[[int], int] | None:
    mask = _MASKS.get(t)
    if mask is None:
        return None
    return lambda v: v & mask


def to_raw_converter(types: tuple[ValType, ...]) -> Callable[[Any], list[Any]] | None:
    convs = [_TO_RAW.get(t) for t in types]
    if all(c is None for c in convs):
        return None

    def convert(values: Any) -> list[Any]:
        return [v if c is None else c(v) for c, v in zip(convs, values)]

    return convert


def make_adapter(f: FuncInstance) -> Callable[..., Any]:
    """A callable with the engine's internal convention that calls a foreign `f.call`."""
    ftype: FuncType = f.type
    call = f.call
    args_out = to_raw_converter(ftype.params)
    res_in = from_raw_converter(ftype.results)
    nres = len(ftype.results)

    def adapter(*args: Any) -> Any:
        raw = call(list(args) if args_out is None else args_out(args))
        if nres == 0:
            return None
        if res_in is not None:
            raw = res_in(raw)
        return raw[0] if nres == 1 else tuple(raw)

    return adapter


def internal_callable(f: FuncInstance) -> Callable[..., Any]:
    p = f.pyfn
    if p is None:
        p = f.pyfn = make_adapter(f)
    return p


def indirect(elems: list[Any], i: int, t: FuncType) -> Callable[..., Any]:
    if i >= len(elems):
        raise Trap("undefined element")
    f = elems[i]
    if f is None:
        raise Trap(f"uninitialized element {i}")
    if f.type is not t and f.type != t:
        raise Trap("indirect call type mismatch")
    p = f.pyfn
    if p is None:
        p = f.pyfn = make_adapter(f)
    return p


# -- bulk memory and tables --------------------------------------------------------------


def memory_init(mem: MemoryInstance, datas: list[bytes], seg: int, d: int, s: int, n: int) -> None:
    data = datas[seg]
    if s + n > len(data) or d + n > mem.size:
        raise Trap(MEMORY_OOB)
    mem.raw[d : d + n] = data[s : s + n]


def table_init(
    table: TableInstance, elems: list[list[Any]], seg: int, d: int, s: int, n: int
) -> None:
    refs = elems[seg]
    if s + n > len(refs) or d + n > len(table.elements):
        raise Trap(TABLE_OOB)
    table.elements[d : d + n] = refs[s : s + n]


def table_copy(dst: TableInstance, src: TableInstance, d: int, s: int, n: int) -> None:
    if s + n > len(src.elements) or d + n > len(dst.elements):
        raise Trap(TABLE_OOB)
    dst.elements[d : d + n] = src.elements[s : s + n]


def table_fill(table: TableInstance, d: int, v: Any, n: int) -> None:
    if d + n > len(table.elements):
        raise Trap(TABLE_OOB)
    table.elements[d : d + n] = [v] * n
