"""SIMD (v128) instructions: bitwise ops, lanes, shuffles, comparisons and lane tests.

`TABLE` maps every 0xFD-prefixed instruction name (except `v128.const`, lowered with the
other constants) to its lowering `fn(L, imm)`; arithmetic lives in `simd_int` and
`simd_float`, memory access in `simd_memory`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from . import simd_float, simd_int, simd_memory
from .numeric import FLOAT_CMP, INT_CMP
from .simd_common import (
    SHAPES,
    V128,
    Lowering,
    Shape,
    intrinsic,
    mask,
    pop_as,
    push_from,
    splat,
    splat_const,
)

if TYPE_CHECKING:
    from .lower import FunctionLowerer

_ONES = "<i64 -1, i64 -1>"
_BYTES = SHAPES["i8x16"]


def _bitwise(instr: str, invert_b: bool = False) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        _, b = L.pop()
        _, a = L.pop()
        if invert_b:
            b = L.op(f"xor {V128} {b}, {_ONES}")
        L.push(V128, L.op(f"{instr} {V128} {a}, {b}"))

    return lower


def v128_not(L: FunctionLowerer, _imm: object) -> None:
    _, a = L.pop()
    L.push(V128, L.op(f"xor {V128} {a}, {_ONES}"))


def bitselect(L: FunctionLowerer, _imm: object) -> None:
    _, c = L.pop()
    _, b = L.pop()
    _, a = L.pop()
    # b ^ ((a ^ b) & c) picks a's bits where c is 1 and b's elsewhere.
    x = L.op(f"xor {V128} {a}, {b}")
    m = L.op(f"and {V128} {x}, {c}")
    L.push(V128, L.op(f"xor {V128} {b}, {m}"))


def any_true(L: FunctionLowerer, _imm: object) -> None:
    _, a = L.pop()
    wide = L.op(f"bitcast {V128} {a} to i128")
    c = L.op(f"icmp ne i128 {wide}, 0")
    L.push("i32", L.op(f"zext i1 {c} to i32"))


def _lane_bits(L: FunctionLowerer, shape: Shape, pred: str) -> str:
    """An i<lanes> whose bit i says whether lane i `pred` 0 (signed compare)."""
    a = pop_as(L, shape)
    c = L.op(f"icmp {pred} {shape.ty} {a}, zeroinitializer")
    return L.op(f"bitcast <{shape.lanes} x i1> {c} to i{shape.lanes}")


def _all_true(shape: Shape) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        bits = _lane_bits(L, shape, "ne")
        c = L.op(f"icmp eq i{shape.lanes} {bits}, -1")
        L.push("i32", L.op(f"zext i1 {c} to i32"))

    return lower


def _bitmask(shape: Shape) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        bits = _lane_bits(L, shape, "slt")
        L.push("i32", L.op(f"zext i{shape.lanes} {bits} to i32"))

    return lower


def shuffle(L: FunctionLowerer, imm: object) -> None:
    b = pop_as(L, _BYTES)
    a = pop_as(L, _BYTES)
    idx = mask(list(imm))  # type: ignore[call-overload]
    push_from(L, _BYTES, L.op(f"shufflevector {_BYTES.ty} {a}, {_BYTES.ty} {b}, {idx}"))


@cache
def has_pshufb() -> bool:
    """Whether the host (the JIT's target) has x86 SSSE3's byte shuffle."""
    import llvmlite.binding as llvm

    return llvm.get_host_cpu_features().get("ssse3", False)


def swizzle(L: FunctionLowerer, _imm: object) -> None:
    """Lane i = a[s[i]] when s[i] < 16, else 0."""
    s = pop_as(L, _BYTES)
    a = pop_as(L, _BYTES)
    if has_pshufb():
        # pshufb zeroes a lane when bit 7 of its index is set and otherwise uses the low 4
        # bits; adding 0x70 with unsigned saturation keeps the low 4 bits of 0..15 with bit
        # 7 clear and sets bit 7 for every index from 16 up.
        bias = intrinsic(L, "uadd.sat", _BYTES, [s, splat_const(_BYTES, 0x70)])
        r = L.call_intrinsic(
            "llvm.x86.ssse3.pshuf.b.128", _BYTES.ty, [(_BYTES.ty, a), (_BYTES.ty, bias)]
        )
        push_from(L, _BYTES, r)
        return
    r = "zeroinitializer"
    for i in range(16):
        k = L.op(f"extractelement {_BYTES.ty} {s}, i64 {i}")
        ok = L.op(f"icmp ult i8 {k}, 16")
        k4 = L.op(f"and i8 {k}, 15")
        x = L.op(f"extractelement {_BYTES.ty} {a}, i8 {k4}")
        y = L.op(f"select i1 {ok}, i8 {x}, i8 0")
        r = L.op(f"insertelement {_BYTES.ty} {r}, i8 {y}, i64 {i}")
    push_from(L, _BYTES, r)


def _splat(shape: Shape) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        _, x = L.pop()
        if shape.bits < 32:
            x = L.op(f"trunc i32 {x} to {shape.elt}")
        push_from(L, shape, splat(L, shape, x))

    return lower


def _extract(shape: Shape, ext: str) -> Lowering:
    def lower(L: FunctionLowerer, lane: object) -> None:
        a = pop_as(L, shape)
        x = L.op(f"extractelement {shape.ty} {a}, i64 {lane}")
        if ext:
            L.push("i32", L.op(f"{ext} {shape.elt} {x} to i32"))
        else:
            L.push(shape.elt, x)

    return lower


def _replace(shape: Shape) -> Lowering:
    def lower(L: FunctionLowerer, lane: object) -> None:
        _, x = L.pop()
        a = pop_as(L, shape)
        if shape.bits < 32:
            x = L.op(f"trunc i32 {x} to {shape.elt}")
        push_from(L, shape, L.op(f"insertelement {shape.ty} {a}, {shape.elt} {x}, i64 {lane}"))

    return lower


def _compare(shape: Shape, pred: str) -> Lowering:
    """Lane-wise comparison: all ones where it holds, zeros elsewhere."""
    instr = "fcmp" if shape.is_float else "icmp"
    ity = f"<{shape.lanes} x {shape.int_elt}>"

    def lower(L: FunctionLowerer, _imm: object) -> None:
        b = pop_as(L, shape)
        a = pop_as(L, shape)
        c = L.op(f"{instr} {pred} {shape.ty} {a}, {b}")
        r = L.op(f"sext <{shape.lanes} x i1> {c} to {ity}")
        L.push(V128, L.op(f"bitcast {ity} {r} to {V128}"))

    return lower


def _build() -> dict[str, Lowering]:
    table: dict[str, Lowering] = {
        "v128.not": v128_not,
        "v128.and": _bitwise("and"),
        "v128.andnot": _bitwise("and", invert_b=True),
        "v128.or": _bitwise("or"),
        "v128.xor": _bitwise("xor"),
        "v128.bitselect": bitselect,
        "v128.any_true": any_true,
        "i8x16.shuffle": shuffle,
        "i8x16.swizzle": swizzle,
    }
    for name, shape in SHAPES.items():
        table[f"{name}.splat"] = _splat(shape)
        if shape.bits < 32:
            table[f"{name}.extract_lane_s"] = _extract(shape, "sext")
            table[f"{name}.extract_lane_u"] = _extract(shape, "zext")
        else:
            table[f"{name}.extract_lane"] = _extract(shape, "")
        table[f"{name}.replace_lane"] = _replace(shape)
        preds = FLOAT_CMP if shape.is_float else INT_CMP
        for op, pred in preds.items():
            if not (shape.bits == 64 and op.endswith("_u")):  # i64x2 has signed ones only
                table[f"{name}.{op}"] = _compare(shape, pred)
        if not shape.is_float:
            table[f"{name}.all_true"] = _all_true(shape)
            table[f"{name}.bitmask"] = _bitmask(shape)
    for part in (simd_int.TABLE, simd_float.TABLE, simd_memory.TABLE):
        table.update(part)
    return table


TABLE = _build()
