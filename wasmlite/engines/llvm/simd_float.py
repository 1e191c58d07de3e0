"""SIMD floating-point arithmetic and the conversions between float and integer lanes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .simd_common import (
    SHAPES,
    Lowering,
    Shape,
    half,
    intrinsic,
    pad_zero,
    pop_as,
    push_from,
    splat_const,
)

if TYPE_CHECKING:
    from .lower import FunctionLowerer

FLOAT_SHAPES = ("f32x4", "f64x2")
FLOAT_BIN = {"add": "fadd", "sub": "fsub", "mul": "fmul", "div": "fdiv"}
# The positive canonical NaN; LLVM writes float literals as doubles, so it serves f32 too.
_CANONICAL_NAN = "0x7FF8000000000000"
UNARY_INTRINSIC = {
    "sqrt": "sqrt",
    "ceil": "ceil",
    "floor": "floor",
    "trunc": "trunc",
    "nearest": "roundeven",
}


def _binary(shape: Shape, instr: str) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        b = pop_as(L, shape)
        a = pop_as(L, shape)
        push_from(L, shape, L.op(f"{instr} {shape.ty} {a}, {b}"))

    return lower


def _unary_intrinsic(shape: Shape, base: str) -> Lowering:
    def lower(L: FunctionLowerer, _imm: object) -> None:
        a = pop_as(L, shape)
        push_from(L, shape, intrinsic(L, base, shape, [a]))

    return lower


def _minmax(shape: Shape, base: str) -> Lowering:
    """min/max: NaN if either lane is NaN, and -0 < +0 (llvm.minimum/maximum, not minnum)."""

    def lower(L: FunctionLowerer, _imm: object) -> None:
        b = pop_as(L, shape)
        a = pop_as(L, shape)
        r = intrinsic(L, base, shape, [a, b])
        # minimum/maximum may return a NaN operand unchanged (even a signalling one); a
        # canonical NaN is always a valid wasm result and matches what wasmtime gives.
        nan = L.op(f"fcmp uno {shape.ty} {a}, {b}")
        canon = splat_const(shape, _CANONICAL_NAN)
        sel = f"select <{shape.lanes} x i1> {nan}, {shape.ty} {canon}, {shape.ty} {r}"
        push_from(L, shape, L.op(sel))

    return lower


def _pminmax(shape: Shape, is_min: bool) -> Lowering:
    """pmin = b < a ? b : a; pmax = a < b ? b : a (operands returned bit-exactly)."""

    def lower(L: FunctionLowerer, _imm: object) -> None:
        b = pop_as(L, shape)
        a = pop_as(L, shape)
        lhs, rhs = (b, a) if is_min else (a, b)
        c = L.op(f"fcmp olt {shape.ty} {lhs}, {rhs}")
        push_from(
            L, shape, L.op(f"select <{shape.lanes} x i1> {c}, {shape.ty} {b}, {shape.ty} {a}")
        )

    return lower


def _sign_bit_op(shape: Shape, instr: str, operand: int) -> Lowering:
    """abs/neg act on the sign bit alone, keeping NaN payloads."""
    ishape = Shape(shape.int_elt, shape.lanes, shape.bits)

    def lower(L: FunctionLowerer, _imm: object) -> None:
        a = pop_as(L, ishape)
        push_from(L, ishape, L.op(f"{instr} {ishape.ty} {a}, {splat_const(ishape, operand)}"))

    return lower


def _convert_i32x4(signed: bool) -> Lowering:
    src, dst = SHAPES["i32x4"], SHAPES["f32x4"]

    def lower(L: FunctionLowerer, _imm: object) -> None:
        a = pop_as(L, src)
        push_from(L, dst, L.op(f"{'sitofp' if signed else 'uitofp'} {src.ty} {a} to {dst.ty}"))

    return lower


def _convert_low_i32x4(signed: bool) -> Lowering:
    src, dst = SHAPES["i32x4"], SHAPES["f64x2"]
    low = src.with_lanes(2)

    def lower(L: FunctionLowerer, _imm: object) -> None:
        a = half(L, src, pop_as(L, src), False)
        push_from(L, dst, L.op(f"{'sitofp' if signed else 'uitofp'} {low.ty} {a} to {dst.ty}"))

    return lower


def _trunc_sat_f32x4(signed: bool) -> Lowering:
    src, dst = SHAPES["f32x4"], SHAPES["i32x4"]
    name = f"llvm.fpto{'s' if signed else 'u'}i.sat.{dst.suffix}.{src.suffix}"

    def lower(L: FunctionLowerer, _imm: object) -> None:
        a = pop_as(L, src)
        push_from(L, dst, L.call_intrinsic(name, dst.ty, [(src.ty, a)]))

    return lower


def _trunc_sat_f64x2_zero(signed: bool) -> Lowering:
    src, dst = SHAPES["f64x2"], SHAPES["i32x4"]
    low = dst.with_lanes(2)
    name = f"llvm.fpto{'s' if signed else 'u'}i.sat.{low.suffix}.{src.suffix}"

    def lower(L: FunctionLowerer, _imm: object) -> None:
        a = pop_as(L, src)
        r = L.call_intrinsic(name, low.ty, [(src.ty, a)])
        push_from(L, dst, pad_zero(L, low, r))

    return lower


def demote_f64x2_zero(L: FunctionLowerer, _imm: object) -> None:
    src, dst = SHAPES["f64x2"], SHAPES["f32x4"]
    low = dst.with_lanes(2)
    a = pop_as(L, src)
    r = L.op(f"fptrunc {src.ty} {a} to {low.ty}")
    push_from(L, dst, pad_zero(L, low, r))


def promote_low_f32x4(L: FunctionLowerer, _imm: object) -> None:
    src, dst = SHAPES["f32x4"], SHAPES["f64x2"]
    low = src.with_lanes(2)
    a = half(L, src, pop_as(L, src), False)
    push_from(L, dst, L.op(f"fpext {low.ty} {a} to {dst.ty}"))


def _build() -> dict[str, Lowering]:
    table: dict[str, Lowering] = {}
    for name in FLOAT_SHAPES:
        shape = SHAPES[name]
        sign = 1 << (shape.bits - 1)
        for op, instr in FLOAT_BIN.items():
            table[f"{name}.{op}"] = _binary(shape, instr)
        for op, base in UNARY_INTRINSIC.items():
            table[f"{name}.{op}"] = _unary_intrinsic(shape, base)
        table[f"{name}.min"] = _minmax(shape, "minimum")
        table[f"{name}.max"] = _minmax(shape, "maximum")
        table[f"{name}.pmin"] = _pminmax(shape, True)
        table[f"{name}.pmax"] = _pminmax(shape, False)
        table[f"{name}.abs"] = _sign_bit_op(shape, "and", sign - 1)
        table[f"{name}.neg"] = _sign_bit_op(shape, "xor", _signed(sign, shape.bits))
    for signed, su in ((True, "s"), (False, "u")):
        table[f"f32x4.convert_i32x4_{su}"] = _convert_i32x4(signed)
        table[f"f64x2.convert_low_i32x4_{su}"] = _convert_low_i32x4(signed)
        table[f"i32x4.trunc_sat_f32x4_{su}"] = _trunc_sat_f32x4(signed)
        table[f"i32x4.trunc_sat_f64x2_{su}_zero"] = _trunc_sat_f64x2_zero(signed)
    table["f32x4.demote_f64x2_zero"] = demote_f64x2_zero
    table["f64x2.promote_low_f32x4"] = promote_low_f32x4
    return table


def _signed(v: int, bits: int) -> int:
    """An integer literal as LLVM prints it: the signed reading of `bits` bits."""
    return v - (1 << bits) if v >= 1 << (bits - 1) else v


TABLE = _build()
