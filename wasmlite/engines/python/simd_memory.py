"""v128 loads and stores that reshape lanes (`SIMDMEM_<op>(mv, ea[, v, lane])`)."""

from __future__ import annotations

import struct

_M64 = (1 << 64) - 1


def _lanes(values: tuple[int, ...], bits: int) -> int:
    mask = (1 << bits) - 1
    out = 0
    for i, v in enumerate(values):
        out |= (v & mask) << (i * bits)
    return out


def _extend_loader(fmt: str, bits: int):  # type: ignore[no-untyped-def]
    s = struct.Struct(fmt)

    def load(mv: memoryview, ea: int) -> int:
        return _lanes(s.unpack_from(mv, ea), bits)

    return load


v128_load8x8_s = _extend_loader("<8b", 16)
v128_load8x8_u = _extend_loader("<8B", 16)
v128_load16x4_s = _extend_loader("<4h", 32)
v128_load16x4_u = _extend_loader("<4H", 32)
v128_load32x2_s = _extend_loader("<2i", 64)
v128_load32x2_u = _extend_loader("<2I", 64)


def _splat_loader(fmt: str, bits: int, count: int):  # type: ignore[no-untyped-def]
    s = struct.Struct(fmt)

    def load(mv: memoryview, ea: int) -> int:
        v = s.unpack_from(mv, ea)[0]
        return _lanes((v,) * count, bits)

    return load


v128_load8_splat = _splat_loader("<B", 8, 16)
v128_load16_splat = _splat_loader("<H", 16, 8)
v128_load32_splat = _splat_loader("<I", 32, 4)
v128_load64_splat = _splat_loader("<Q", 64, 2)

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")


def v128_load32_zero(mv: memoryview, ea: int) -> int:
    return _U32.unpack_from(mv, ea)[0]


def v128_load64_zero(mv: memoryview, ea: int) -> int:
    return _U64.unpack_from(mv, ea)[0]


_LANE_STRUCTS = {8: struct.Struct("<B"), 16: struct.Struct("<H"), 32: _U32, 64: _U64}


def _lane_loader(bits: int):  # type: ignore[no-untyped-def]
    s = _LANE_STRUCTS[bits]
    mask = (1 << bits) - 1

    def load(mv: memoryview, ea: int, v: int, lane: int) -> int:
        x = s.unpack_from(mv, ea)[0]
        shift = lane * bits
        return (v & ~(mask << shift) & ((1 << 128) - 1)) | (x << shift)

    return load


def _lane_storer(bits: int):  # type: ignore[no-untyped-def]
    s = _LANE_STRUCTS[bits]
    mask = (1 << bits) - 1

    def store(mv: memoryview, ea: int, v: int, lane: int) -> None:
        s.pack_into(mv, ea, (v >> (lane * bits)) & mask)

    return store


v128_load8_lane = _lane_loader(8)
v128_load16_lane = _lane_loader(16)
v128_load32_lane = _lane_loader(32)
v128_load64_lane = _lane_loader(64)
v128_store8_lane = _lane_storer(8)
v128_store16_lane = _lane_storer(16)
v128_store32_lane = _lane_storer(32)
v128_store64_lane = _lane_storer(64)
