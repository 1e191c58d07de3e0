"""SIMD memory instructions, bounds-checked through `memory.address` like scalar accesses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .memory import address
from .simd_common import SHAPES, V128, Lowering, Shape, pop_as, push_from, splat

if TYPE_CHECKING:
    from .lower import FunctionLowerer

_INT = {8: SHAPES["i8x16"], 16: SHAPES["i16x8"], 32: SHAPES["i32x4"], 64: SHAPES["i64x2"]}


def _ptr(L: FunctionLowerer, memarg: object, width: int) -> str:
    offset = memarg[1]  # type: ignore[index]
    _, addr = L.pop()
    return address(L, addr, offset, width)


def v128_load(L: FunctionLowerer, memarg: object) -> None:
    p = _ptr(L, memarg, 16)
    L.push(V128, L.op(f"load {V128}, ptr {p}, align 1"))


def v128_store(L: FunctionLowerer, memarg: object) -> None:
    _, v = L.pop()
    p = _ptr(L, memarg, 16)
    L.emit(f"store {V128} {v}, ptr {p}, align 1")


def _load_extend(bits: int, signed: bool) -> Lowering:
    """v128.loadNxM_s/u: M lanes of N bits, each extended to 2N bits."""
    wide = _INT[bits * 2]
    narrow = Shape(f"i{bits}", wide.lanes, bits)

    def lower(L: FunctionLowerer, memarg: object) -> None:
        p = _ptr(L, memarg, 8)
        v = L.op(f"load {narrow.ty}, ptr {p}, align 1")
        ext = "sext" if signed else "zext"
        push_from(L, wide, L.op(f"{ext} {narrow.ty} {v} to {wide.ty}"))

    return lower


def _load_splat(bits: int) -> Lowering:
    shape = _INT[bits]

    def lower(L: FunctionLowerer, memarg: object) -> None:
        p = _ptr(L, memarg, bits // 8)
        x = L.op(f"load {shape.elt}, ptr {p}, align 1")
        push_from(L, shape, splat(L, shape, x))

    return lower


def _load_zero(bits: int) -> Lowering:
    shape = _INT[bits]

    def lower(L: FunctionLowerer, memarg: object) -> None:
        p = _ptr(L, memarg, bits // 8)
        x = L.op(f"load {shape.elt}, ptr {p}, align 1")
        push_from(
            L, shape, L.op(f"insertelement {shape.ty} zeroinitializer, {shape.elt} {x}, i64 0")
        )

    return lower


def _load_lane(bits: int) -> Lowering:
    shape = _INT[bits]

    def lower(L: FunctionLowerer, imm: object) -> None:
        _, offset, lane = imm  # type: ignore[misc]
        vec = pop_as(L, shape)
        p = _ptr(L, (0, offset), bits // 8)
        x = L.op(f"load {shape.elt}, ptr {p}, align 1")
        push_from(L, shape, L.op(f"insertelement {shape.ty} {vec}, {shape.elt} {x}, i64 {lane}"))

    return lower


def _store_lane(bits: int) -> Lowering:
    shape = _INT[bits]

    def lower(L: FunctionLowerer, imm: object) -> None:
        _, offset, lane = imm  # type: ignore[misc]
        vec = pop_as(L, shape)
        p = _ptr(L, (0, offset), bits // 8)
        x = L.op(f"extractelement {shape.ty} {vec}, i64 {lane}")
        L.emit(f"store {shape.elt} {x}, ptr {p}, align 1")

    return lower


TABLE: dict[str, Lowering] = {"v128.load": v128_load, "v128.store": v128_store}
for _bits, _m in ((8, 8), (16, 4), (32, 2)):
    TABLE[f"v128.load{_bits}x{_m}_s"] = _load_extend(_bits, True)
    TABLE[f"v128.load{_bits}x{_m}_u"] = _load_extend(_bits, False)
for _bits in (8, 16, 32, 64):
    TABLE[f"v128.load{_bits}_splat"] = _load_splat(_bits)
    TABLE[f"v128.load{_bits}_lane"] = _load_lane(_bits)
    TABLE[f"v128.store{_bits}_lane"] = _store_lane(_bits)
for _bits in (32, 64):
    TABLE[f"v128.load{_bits}_zero"] = _load_zero(_bits)
