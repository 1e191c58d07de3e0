"""SIMD integer arithmetic: lane-wise ops, saturation, narrowing, widening, shifts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .simd_common import (
    SHAPES,
    Lowering,
    Shape,
    half,
    intrinsic,
    mask,
    pop_as,
    push_from,
    splat,
    splat_const,
)

if TYPE_CHECKING:
    from .lower import FunctionLowerer

INT_SHAPES = ("i8x16", "i16x8", "i32x4", "i64x2")
_NARROWER = {"i16x8": "i8x16", "i32x4": "i16x8", "i64x2": "i32x4"}


def _binary(shape: Shape, instr: str) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        b = pop_as(L, shape)
        a = pop_as(L, shape)
        push_from(L, shape, L.op(f"{instr} {shape.ty} {a}, {b}"))

    return lower


def _binary_intrinsic(shape: Shape, base: str) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        b = pop_as(L, shape)
        a = pop_as(L, shape)
        push_from(L, shape, intrinsic(L, base, shape, [a, b]))

    return lower


def _abs(shape: Shape) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        a = pop_as(L, shape)
        # is_int_min_poison = false: abs(INT_MIN) wraps to INT_MIN as wasm requires.
        push_from(L, shape, intrinsic(L, "abs", shape, [a], extra="false"))

    return lower


def _neg(shape: Shape) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        a = pop_as(L, shape)
        push_from(L, shape, L.op(f"sub {shape.ty} zeroinitializer, {a}"))

    return lower


def popcnt(L: FunctionLowerer, _imm: object) -> None:
    shape = SHAPES["i8x16"]
    a = pop_as(L, shape)
    push_from(L, shape, intrinsic(L, "ctpop", shape, [a]))


def _shift(shape: Shape, instr: str) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        _, n = L.pop()
        a = pop_as(L, shape)
        # The count is taken modulo the lane width.
        n = L.op(f"and i32 {n}, {shape.bits - 1}")
        if shape.bits < 32:
            n = L.op(f"trunc i32 {n} to {shape.elt}")
        elif shape.bits > 32:
            n = L.op(f"zext i32 {n} to {shape.elt}")
        push_from(L, shape, L.op(f"{instr} {shape.ty} {a}, {splat(L, shape, n)}"))

    return lower


def _extend(L: FunctionLowerer, narrow: Shape, v: str, signed: bool, wide: Shape) -> str:
    return L.op(f"{'sext' if signed else 'zext'} {narrow.ty} {v} to {wide.ty}")


def _extend_half(wide_name: str, high: bool, signed: bool) -> Lowering:
    wide = SHAPES[wide_name]
    narrow = SHAPES[_NARROWER[wide_name]]
    part = narrow.with_lanes(wide.lanes)

    def lower(L: FunctionLowerer, _imm: object) -> None:
        a = pop_as(L, narrow)
        push_from(L, wide, _extend(L, part, half(L, narrow, a, high), signed, wide))

    return lower


def _extmul(wide_name: str, high: bool, signed: bool) -> Lowering:
    wide = SHAPES[wide_name]
    narrow = SHAPES[_NARROWER[wide_name]]
    part = narrow.with_lanes(wide.lanes)

    def lower(L: FunctionLowerer, _imm: object) -> None:
        b = pop_as(L, narrow)
        a = pop_as(L, narrow)
        xa = _extend(L, part, half(L, narrow, a, high), signed, wide)
        xb = _extend(L, part, half(L, narrow, b, high), signed, wide)
        push_from(L, wide, L.op(f"mul {wide.ty} {xa}, {xb}"))

    return lower


def _pairs(L: FunctionLowerer, shape: Shape, v: str) -> tuple[str, str]:
    """The even and the odd lanes of `v`, each a vector of half as many lanes."""
    n = shape.lanes // 2
    even = L.op(
        f"shufflevector {shape.ty} {v}, {shape.ty} poison, {mask(list(range(0, 2 * n, 2)))}"
    )
    odd = L.op(f"shufflevector {shape.ty} {v}, {shape.ty} poison, {mask(list(range(1, 2 * n, 2)))}")
    return even, odd


def _extadd_pairwise(wide_name: str, signed: bool) -> Lowering:
    wide = SHAPES[wide_name]
    narrow = SHAPES[_NARROWER[wide_name]]
    part = narrow.with_lanes(wide.lanes)

    def lower(L: FunctionLowerer, _imm: object) -> None:
        a = pop_as(L, narrow)
        even, odd = _pairs(L, narrow, a)
        xe = _extend(L, part, even, signed, wide)
        xo = _extend(L, part, odd, signed, wide)
        push_from(L, wide, L.op(f"add {wide.ty} {xe}, {xo}"))

    return lower


def dot_i16x8_s(L: FunctionLowerer, _imm: object) -> None:
    narrow, wide = SHAPES["i16x8"], SHAPES["i32x4"]
    full = narrow.widened()  # <8 x i32>
    b = pop_as(L, narrow)
    a = pop_as(L, narrow)
    xa = L.op(f"sext {narrow.ty} {a} to {full.ty}")
    xb = L.op(f"sext {narrow.ty} {b} to {full.ty}")
    prod = L.op(f"mul {full.ty} {xa}, {xb}")
    even, odd = _pairs(L, full, prod)
    push_from(L, wide, L.op(f"add {wide.ty} {even}, {odd}"))


def q15mulr_sat_s(L: FunctionLowerer, _imm: object) -> None:
    narrow = SHAPES["i16x8"]
    full = narrow.widened()
    b = pop_as(L, narrow)
    a = pop_as(L, narrow)
    xa = L.op(f"sext {narrow.ty} {a} to {full.ty}")
    xb = L.op(f"sext {narrow.ty} {b} to {full.ty}")
    prod = L.op(f"mul {full.ty} {xa}, {xb}")
    rounded = L.op(f"add {full.ty} {prod}, {splat_const(full, 0x4000)}")
    shifted = L.op(f"ashr {full.ty} {rounded}, {splat_const(full, 15)}")
    # Only -32768 * -32768 overflows, to +32768: clamp from above.
    clamped = intrinsic(L, "smin", full, [shifted, splat_const(full, 0x7FFF)])
    push_from(L, narrow, L.op(f"trunc {full.ty} {clamped} to {narrow.ty}"))


def _avgr_u(shape: Shape) -> Lowering:
    full = shape.widened()

    def lower(L: FunctionLowerer, _imm: object) -> None:
        b = pop_as(L, shape)
        a = pop_as(L, shape)
        xa = L.op(f"zext {shape.ty} {a} to {full.ty}")
        xb = L.op(f"zext {shape.ty} {b} to {full.ty}")
        s = L.op(f"add {full.ty} {xa}, {xb}")
        s1 = L.op(f"add {full.ty} {s}, {splat_const(full, 1)}")
        r = L.op(f"lshr {full.ty} {s1}, {splat_const(full, 1)}")
        push_from(L, shape, L.op(f"trunc {full.ty} {r} to {shape.ty}"))

    return lower


def _narrow(src_name: str, signed: bool) -> Lowering:
    src = SHAPES[src_name]
    dst = SHAPES[_NARROWER[src_name]]
    both = src.with_lanes(src.lanes * 2)
    if signed:
        lo, hi = -(1 << (dst.bits - 1)), (1 << (dst.bits - 1)) - 1
    else:
        lo, hi = 0, (1 << dst.bits) - 1

    def lower(L: FunctionLowerer, _imm: object) -> None:
        b = pop_as(L, src)
        a = pop_as(L, src)
        cat = L.op(f"shufflevector {src.ty} {a}, {src.ty} {b}, {mask(list(range(both.lanes)))}")
        # The inputs are signed in both forms; clamp to the destination range, then wrap.
        up = intrinsic(L, "smax", both, [cat, splat_const(both, lo)])
        down = intrinsic(L, "smin", both, [up, splat_const(both, hi)])
        push_from(L, dst, L.op(f"trunc {both.ty} {down} to {dst.ty}"))

    return lower


INT_BIN = {"add": "add", "sub": "sub", "mul": "mul"}
SHIFTS = {"shl": "shl", "shr_s": "ashr", "shr_u": "lshr"}
SAT = {
    "add_sat_s": "sadd.sat",
    "add_sat_u": "uadd.sat",
    "sub_sat_s": "ssub.sat",
    "sub_sat_u": "usub.sat",
}
MINMAX = {"min_s": "smin", "min_u": "umin", "max_s": "smax", "max_u": "umax"}


def _build() -> dict[str, Lowering]:
    table: dict[str, Lowering] = {}
    for name in INT_SHAPES:
        shape = SHAPES[name]
        for op, instr in INT_BIN.items():
            if op != "mul" or shape.bits > 8:  # no i8x16.mul
                table[f"{name}.{op}"] = _binary(shape, instr)
        for op, instr in SHIFTS.items():
            table[f"{name}.{op}"] = _shift(shape, instr)
        if shape.bits <= 16:
            for op, base in SAT.items():
                table[f"{name}.{op}"] = _binary_intrinsic(shape, base)
        if shape.bits <= 32:
            for op, base in MINMAX.items():
                table[f"{name}.{op}"] = _binary_intrinsic(shape, base)
        table[f"{name}.abs"] = _abs(shape)
        table[f"{name}.neg"] = _neg(shape)
    for wide, narrow in _NARROWER.items():
        for high, hl in ((False, "low"), (True, "high")):
            for signed, su in ((True, "s"), (False, "u")):
                table[f"{wide}.extend_{hl}_{narrow}_{su}"] = _extend_half(wide, high, signed)
                table[f"{wide}.extmul_{hl}_{narrow}_{su}"] = _extmul(wide, high, signed)
    for wide in ("i16x8", "i32x4"):
        for signed, su in ((True, "s"), (False, "u")):
            table[f"{wide}.extadd_pairwise_{_NARROWER[wide]}_{su}"] = _extadd_pairwise(wide, signed)
            table[f"{_NARROWER[wide]}.narrow_{wide}_{su}"] = _narrow(wide, signed)
    for name in ("i8x16", "i16x8"):
        table[f"{name}.avgr_u"] = _avgr_u(SHAPES[name])
    table["i8x16.popcnt"] = popcnt
    table["i32x4.dot_i16x8_s"] = dot_i16x8_s
    table["i16x8.q15mulr_sat_s"] = q15mulr_sat_s
    return table


TABLE = _build()
