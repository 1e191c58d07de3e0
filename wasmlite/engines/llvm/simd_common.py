"""Shared pieces of the SIMD lowering: lane shapes and moving v128 values in and out of them.

Between instructions a v128 is a `<2 x i64>`; each instruction bitcasts it to the lane
shape it works on (a free no-op in machine code) and back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .lower import FunctionLowerer

Lowering = Callable[["FunctionLowerer", object], None]

V128 = "<2 x i64>"


@dataclass(frozen=True)
class Shape:
    elt: str  # LLVM lane type: i8 ... i64, float, double
    lanes: int
    bits: int  # lane width

    @property
    def ty(self) -> str:
        return f"<{self.lanes} x {self.elt}>"

    @property
    def suffix(self) -> str:
        """The overload suffix of intrinsics on this type, e.g. v16i8, v4f32."""
        e = {"float": "f32", "double": "f64"}.get(self.elt, self.elt)
        return f"v{self.lanes}{e}"

    @property
    def is_float(self) -> bool:
        return self.elt in ("float", "double")

    @property
    def int_elt(self) -> str:
        return f"i{self.bits}"

    def with_lanes(self, lanes: int) -> Shape:
        return Shape(self.elt, lanes, self.bits)

    def widened(self) -> Shape:
        """Same lane count, integer lanes twice as wide."""
        return Shape(f"i{self.bits * 2}", self.lanes, self.bits * 2)


SHAPES = {
    "i8x16": Shape("i8", 16, 8),
    "i16x8": Shape("i16", 8, 16),
    "i32x4": Shape("i32", 4, 32),
    "i64x2": Shape("i64", 2, 64),
    "f32x4": Shape("float", 4, 32),
    "f64x2": Shape("double", 2, 64),
}


def const_vec(elt: str, values: list[int] | list[str]) -> str:
    """A vector constant from per-lane literals."""
    return "<" + ", ".join(f"{elt} {v}" for v in values) + ">"


def splat_const(shape: Shape, value: int | str) -> str:
    return const_vec(shape.elt, [value] * shape.lanes)  # type: ignore[list-item]


def mask(indices: list[int]) -> str:
    """A shufflevector mask operand (typed)."""
    return f"<{len(indices)} x i32> " + const_vec("i32", indices)


def pop_as(L: FunctionLowerer, shape: Shape) -> str:
    """Pop a v128 and view it as `shape`."""
    _, v = L.pop()
    return cast(L, v, V128, shape.ty)


def cast(L: FunctionLowerer, v: str, src: str, dst: str) -> str:
    if src == dst:
        return v
    return L.op(f"bitcast {src} {v} to {dst}")


def push_from(L: FunctionLowerer, shape: Shape, v: str) -> None:
    """Push a value of `shape` as a v128."""
    L.push(V128, cast(L, v, shape.ty, V128))


def splat(L: FunctionLowerer, shape: Shape, scalar: str) -> str:
    """Broadcast an `elt` scalar to every lane of `shape`."""
    one = L.op(f"insertelement {shape.ty} poison, {shape.elt} {scalar}, i64 0")
    return L.op(
        f"shufflevector {shape.ty} {one}, {shape.ty} poison, <{shape.lanes} x i32> zeroinitializer"
    )


def half(L: FunctionLowerer, shape: Shape, v: str, high: bool) -> str:
    """The low or high half of the lanes of `v`, as a vector of half as many lanes."""
    n = shape.lanes // 2
    first = n if high else 0
    idx = mask(list(range(first, first + n)))
    return L.op(f"shufflevector {shape.ty} {v}, {shape.ty} poison, {idx}")


def pad_zero(L: FunctionLowerer, narrow: Shape, v: str) -> str:
    """Widen `v` (n lanes) to 2n lanes, the upper half zero."""
    n = narrow.lanes
    idx = mask(list(range(2 * n)))
    return L.op(f"shufflevector {narrow.ty} {v}, {narrow.ty} zeroinitializer, {idx}")


def intrinsic(L: FunctionLowerer, base: str, shape: Shape, args: list[str], extra: str = "") -> str:
    """Call `llvm.<base>.<suffix>` on lane vectors of `shape` (plus literal `extra` args)."""
    vals = [(shape.ty, a) for a in args]
    if extra:
        vals.append(("i1", extra))
    return L.call_intrinsic(f"llvm.{base}.{shape.suffix}", shape.ty, vals)
