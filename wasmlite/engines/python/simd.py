"""The 128-bit SIMD instructions of Wasm 2.0 for the pure-Python engine.

A v128 is an unsigned 128-bit Python int, lane 0 in the low bits. Scalars use the engine
representation of `numerics.py` (unsigned ints; f32/f64 as Python floats). One function per
instruction, named like it with "." -> "_", taking the operands in stack order; a lane-index
immediate is a trailing `lane` argument (`i8x16_replace_lane(v, x, lane)`), the shuffle
immediate a trailing tuple of 16 lane indices (`i8x16_shuffle(a, b, lanes)`).

Memory instructions are split: the engine reads/writes memory (and checks bounds); the
helpers here only shape values: `v128_load8x8_s(raw64)` takes the little-endian int read
from memory, `v128_store16_lane(v, lane)` returns the int to write, and so on.

Lanes are processed in bulk: `int.to_bytes` + a precompiled `Struct` to unpack, a
comprehension, then `Struct.pack` + `int.from_bytes`. Add/sub/bitwise work on the whole
int at once (SWAR), which is cheaper than unpacking.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from struct import Struct

from . import numerics as _n

_FB = int.from_bytes
M128 = (1 << 128) - 1

_S8, _U8 = Struct("<16b"), Struct("<16B")
_S16, _U16 = Struct("<8h"), Struct("<8H")
_S32, _U32 = Struct("<4i"), Struct("<4I")
_S64, _U64 = Struct("<2q"), Struct("<2Q")
_F32, _F64 = Struct("<4f"), Struct("<2d")
_S8x8, _U8x8 = Struct("<8b"), Struct("<8B")
_S16x4, _U16x4 = Struct("<4h"), Struct("<4H")
_S32x2, _U32x2 = Struct("<2i"), Struct("<2I")

_Lanes = tuple[int, ...]
_Bin = Callable[[int, int], int]
_Un = Callable[[int], int]


def _b(v: int) -> bytes:
    return v.to_bytes(16, "little")


def _v(data: bytes) -> int:
    return _FB(data, "little")


def _rep(width: int, pattern: int) -> int:
    """`pattern` repeated in every lane of `width` bits."""
    return pattern * ((M128 // ((1 << width) - 1)) if width < 128 else 1)


_ONES = {w: _rep(w, 1) for w in (8, 16, 32, 64)}
_HIGH = {w: _rep(w, 1 << (w - 1)) for w in (8, 16, 32, 64)}
_STRUCTS = {8: (_S8, _U8), 16: (_S16, _U16), 32: (_S32, _U32), 64: (_S64, _U64)}

# ---- memory shaping, constants --------------------------------------------------------


def v128_load(raw128: int) -> int:
    return raw128


def v128_store(v: int) -> int:
    return v


def v128_const(v: int) -> int:
    return v


def _load_ext(src: Struct, dst: Struct) -> _Un:
    unpack, pack = src.unpack, dst.pack

    def load(raw64: int) -> int:
        return _v(pack(*unpack(raw64.to_bytes(8, "little"))))

    return load


v128_load8x8_s = _load_ext(_S8x8, _S16)
v128_load8x8_u = _load_ext(_U8x8, _U16)
v128_load16x4_s = _load_ext(_S16x4, _S32)
v128_load16x4_u = _load_ext(_U16x4, _U32)
v128_load32x2_s = _load_ext(_S32x2, _S64)
v128_load32x2_u = _load_ext(_U32x2, _U64)


def v128_load8_splat(raw: int) -> int:
    return (raw & 0xFF) * _ONES[8]


def v128_load16_splat(raw: int) -> int:
    return (raw & 0xFFFF) * _ONES[16]


def v128_load32_splat(raw: int) -> int:
    return (raw & 0xFFFFFFFF) * _ONES[32]


def v128_load64_splat(raw: int) -> int:
    return (raw & 0xFFFFFFFFFFFFFFFF) * _ONES[64]


def v128_load32_zero(raw: int) -> int:
    return raw & 0xFFFFFFFF


def v128_load64_zero(raw: int) -> int:
    return raw & 0xFFFFFFFFFFFFFFFF


def _replace(v: int, lane: int, x: int, width: int) -> int:
    shift = lane * width
    mask = (1 << width) - 1
    return (v & ~(mask << shift) & M128) | ((x & mask) << shift)


def v128_load8_lane(raw: int, v: int, lane: int) -> int:
    return _replace(v, lane, raw, 8)


def v128_load16_lane(raw: int, v: int, lane: int) -> int:
    return _replace(v, lane, raw, 16)


def v128_load32_lane(raw: int, v: int, lane: int) -> int:
    return _replace(v, lane, raw, 32)


def v128_load64_lane(raw: int, v: int, lane: int) -> int:
    return _replace(v, lane, raw, 64)


def v128_store8_lane(v: int, lane: int) -> int:
    return (v >> (lane * 8)) & 0xFF


def v128_store16_lane(v: int, lane: int) -> int:
    return (v >> (lane * 16)) & 0xFFFF


def v128_store32_lane(v: int, lane: int) -> int:
    return (v >> (lane * 32)) & 0xFFFFFFFF


def v128_store64_lane(v: int, lane: int) -> int:
    return (v >> (lane * 64)) & 0xFFFFFFFFFFFFFFFF


# ---- shuffles, splats, lanes ----------------------------------------------------------


def i8x16_shuffle(a: int, b: int, lanes: _Lanes) -> int:
    src = _b(a) + _b(b)
    return _v(bytes([src[i] for i in lanes]))


def i8x16_swizzle(a: int, s: int) -> int:
    src = _b(a)
    return _v(bytes([src[i] if i < 16 else 0 for i in _b(s)]))


def i8x16_splat(x: int) -> int:
    return (x & 0xFF) * _ONES[8]


def i16x8_splat(x: int) -> int:
    return (x & 0xFFFF) * _ONES[16]


def i32x4_splat(x: int) -> int:
    return (x & 0xFFFFFFFF) * _ONES[32]


def i64x2_splat(x: int) -> int:
    return (x & 0xFFFFFFFFFFFFFFFF) * _ONES[64]


def f32x4_splat(x: float) -> int:
    return _n.f32_to_bits(x) * _ONES[32]


def f64x2_splat(x: float) -> int:
    return _n.f64_to_bits(x) * _ONES[64]


def i8x16_extract_lane_s(v: int, lane: int) -> int:
    x = (v >> (lane * 8)) & 0xFF
    return (x - ((x & 0x80) << 1)) & 0xFFFFFFFF


def i8x16_extract_lane_u(v: int, lane: int) -> int:
    return (v >> (lane * 8)) & 0xFF


def i16x8_extract_lane_s(v: int, lane: int) -> int:
    x = (v >> (lane * 16)) & 0xFFFF
    return (x - ((x & 0x8000) << 1)) & 0xFFFFFFFF


def i16x8_extract_lane_u(v: int, lane: int) -> int:
    return (v >> (lane * 16)) & 0xFFFF


def i32x4_extract_lane(v: int, lane: int) -> int:
    return (v >> (lane * 32)) & 0xFFFFFFFF


def i64x2_extract_lane(v: int, lane: int) -> int:
    return (v >> (lane * 64)) & 0xFFFFFFFFFFFFFFFF


def f32x4_extract_lane(v: int, lane: int) -> float:
    return _n.f32_from_bits((v >> (lane * 32)) & 0xFFFFFFFF)


def f64x2_extract_lane(v: int, lane: int) -> float:
    return _n.f64_from_bits((v >> (lane * 64)) & 0xFFFFFFFFFFFFFFFF)


def i8x16_replace_lane(v: int, x: int, lane: int) -> int:
    return _replace(v, lane, x, 8)


def i16x8_replace_lane(v: int, x: int, lane: int) -> int:
    return _replace(v, lane, x, 16)


def i32x4_replace_lane(v: int, x: int, lane: int) -> int:
    return _replace(v, lane, x, 32)


def i64x2_replace_lane(v: int, x: int, lane: int) -> int:
    return _replace(v, lane, x, 64)


def f32x4_replace_lane(v: int, x: float, lane: int) -> int:
    return _replace(v, lane, _n.f32_to_bits(x), 32)


def f64x2_replace_lane(v: int, x: float, lane: int) -> int:
    return _replace(v, lane, _n.f64_to_bits(x), 64)


# ---- bitwise --------------------------------------------------------------------------


def v128_not(a: int) -> int:
    return a ^ M128


def v128_and(a: int, b: int) -> int:
    return a & b


def v128_andnot(a: int, b: int) -> int:
    return a & ~b & M128


def v128_or(a: int, b: int) -> int:
    return a | b


def v128_xor(a: int, b: int) -> int:
    return a ^ b


def v128_bitselect(a: int, b: int, c: int) -> int:
    return (a & c) | (b & ~c & M128)


def v128_any_true(a: int) -> int:
    return 1 if a else 0


# ---- integer lane-wise helpers ----------------------------------------------------------


def _swar_add(width: int) -> _Bin:
    high = _HIGH[width]
    low = M128 ^ high

    def add(a: int, b: int) -> int:
        # Add below the top bit of each lane so no carry crosses lanes, then fix the top bit.
        return ((a & low) + (b & low)) ^ ((a ^ b) & high)

    return add


def _swar_sub(width: int) -> _Bin:
    high = _HIGH[width]
    low = M128 ^ high

    def sub(a: int, b: int) -> int:
        # Borrow from a forced top bit in each lane, so no borrow crosses lanes.
        return ((a | high) - (b & low)) ^ ((a ^ b ^ high) & high)

    return sub


def _cmp(unpack: Struct, op: Callable[[int, int], bool], width: int) -> _Bin:
    u = unpack.unpack
    signed_pack = _STRUCTS[width][0].pack

    def f(a: int, b: int) -> int:
        return _v(signed_pack(*[-c for c in map(op, u(_b(a)), u(_b(b)))]))

    return f


_eq, _ne, _lt, _gt, _le, _ge = (
    operator.eq,
    operator.ne,
    operator.lt,
    operator.gt,
    operator.le,
    operator.ge,
)


i8x16_add = _swar_add(8)
i16x8_add = _swar_add(16)
i32x4_add = _swar_add(32)
i64x2_add = _swar_add(64)
i8x16_sub = _swar_sub(8)
i16x8_sub = _swar_sub(16)
i32x4_sub = _swar_sub(32)
i64x2_sub = _swar_sub(64)

i8x16_eq = _cmp(_U8, _eq, 8)
i8x16_ne = _cmp(_U8, _ne, 8)
i8x16_lt_s = _cmp(_S8, _lt, 8)
i8x16_lt_u = _cmp(_U8, _lt, 8)
i8x16_gt_s = _cmp(_S8, _gt, 8)
i8x16_gt_u = _cmp(_U8, _gt, 8)
i8x16_le_s = _cmp(_S8, _le, 8)
i8x16_le_u = _cmp(_U8, _le, 8)
i8x16_ge_s = _cmp(_S8, _ge, 8)
i8x16_ge_u = _cmp(_U8, _ge, 8)
i16x8_eq = _cmp(_U16, _eq, 16)
i16x8_ne = _cmp(_U16, _ne, 16)
i16x8_lt_s = _cmp(_S16, _lt, 16)
i16x8_lt_u = _cmp(_U16, _lt, 16)
i16x8_gt_s = _cmp(_S16, _gt, 16)
i16x8_gt_u = _cmp(_U16, _gt, 16)
i16x8_le_s = _cmp(_S16, _le, 16)
i16x8_le_u = _cmp(_U16, _le, 16)
i16x8_ge_s = _cmp(_S16, _ge, 16)
i16x8_ge_u = _cmp(_U16, _ge, 16)
i32x4_eq = _cmp(_U32, _eq, 32)
i32x4_ne = _cmp(_U32, _ne, 32)
i32x4_lt_s = _cmp(_S32, _lt, 32)
i32x4_lt_u = _cmp(_U32, _lt, 32)
i32x4_gt_s = _cmp(_S32, _gt, 32)
i32x4_gt_u = _cmp(_U32, _gt, 32)
i32x4_le_s = _cmp(_S32, _le, 32)
i32x4_le_u = _cmp(_U32, _le, 32)
i32x4_ge_s = _cmp(_S32, _ge, 32)
i32x4_ge_u = _cmp(_U32, _ge, 32)
i64x2_eq = _cmp(_U64, _eq, 64)
i64x2_ne = _cmp(_U64, _ne, 64)
i64x2_lt_s = _cmp(_S64, _lt, 64)
i64x2_gt_s = _cmp(_S64, _gt, 64)
i64x2_le_s = _cmp(_S64, _le, 64)
i64x2_ge_s = _cmp(_S64, _ge, 64)


def _abs_lanes(width: int) -> _Un:
    s, u = _STRUCTS[width]
    mask = (1 << width) - 1

    def f(a: int) -> int:
        return _v(u.pack(*[(x if x >= 0 else -x) & mask for x in s.unpack(_b(a))]))

    return f


def _neg_lanes(width: int) -> _Un:
    sub = _swar_sub(width)

    def f(a: int) -> int:
        return sub(0, a)

    return f


i8x16_abs = _abs_lanes(8)
i16x8_abs = _abs_lanes(16)
i32x4_abs = _abs_lanes(32)
i64x2_abs = _abs_lanes(64)
i8x16_neg = _neg_lanes(8)
i16x8_neg = _neg_lanes(16)
i32x4_neg = _neg_lanes(32)
i64x2_neg = _neg_lanes(64)


def i8x16_popcnt(a: int) -> int:
    return _v(bytes([x.bit_count() for x in _b(a)]))


def _all_true(width: int) -> Callable[[int], int]:
    u = _STRUCTS[width][1].unpack

    def f(a: int) -> int:
        return 1 if all(u(_b(a))) else 0

    return f


# Byte -> b"1" if its top bit is set else b"0", so that a lane mask is one C-level
# translate plus int(..., 2) on the top byte of each lane.
_TOP_BIT = bytes(0x31 if i & 0x80 else 0x30 for i in range(256))


def _bitmask(width: int) -> Callable[[int], int]:
    step = width // 8

    def f(a: int) -> int:
        return int(_b(a)[step - 1 :: step].translate(_TOP_BIT)[::-1], 2)

    return f


i8x16_all_true = _all_true(8)
i16x8_all_true = _all_true(16)
i32x4_all_true = _all_true(32)
i64x2_all_true = _all_true(64)
i8x16_bitmask = _bitmask(8)
i16x8_bitmask = _bitmask(16)
i32x4_bitmask = _bitmask(32)
i64x2_bitmask = _bitmask(64)


def _narrow(src: Struct, dst: Struct, lo: int, hi: int) -> _Bin:
    u, p = src.unpack, dst.pack

    def f(a: int, b: int) -> int:
        return _v(p(*[lo if x < lo else hi if x > hi else x for x in u(_b(a)) + u(_b(b))]))

    return f


i8x16_narrow_i16x8_s = _narrow(_S16, _S8, -128, 127)
i8x16_narrow_i16x8_u = _narrow(_S16, _U8, 0, 255)
i16x8_narrow_i32x4_s = _narrow(_S32, _S16, -32768, 32767)
i16x8_narrow_i32x4_u = _narrow(_S32, _U16, 0, 65535)


def _shl(width: int) -> Callable[[int, int], int]:
    lane_mask = (1 << width) - 1
    keep = [_rep(width, (lane_mask << n) & lane_mask) for n in range(width)]

    def f(a: int, n: int) -> int:
        n &= width - 1
        return (a << n) & keep[n]

    return f


def _shr_u(width: int) -> Callable[[int, int], int]:
    lane_mask = (1 << width) - 1
    keep = [_rep(width, lane_mask >> n) for n in range(width)]

    def f(a: int, n: int) -> int:
        n &= width - 1
        return (a >> n) & keep[n]

    return f


def _shr_s(width: int) -> Callable[[int, int], int]:
    s = _STRUCTS[width][0]

    def f(a: int, n: int) -> int:
        n &= width - 1
        return _v(s.pack(*[x >> n for x in s.unpack(_b(a))]))

    return f


i8x16_shl, i8x16_shr_s, i8x16_shr_u = _shl(8), _shr_s(8), _shr_u(8)
i16x8_shl, i16x8_shr_s, i16x8_shr_u = _shl(16), _shr_s(16), _shr_u(16)
i32x4_shl, i32x4_shr_s, i32x4_shr_u = _shl(32), _shr_s(32), _shr_u(32)
i64x2_shl, i64x2_shr_s, i64x2_shr_u = _shl(64), _shr_s(64), _shr_u(64)


def _sat_op(src: Struct, lo: int, hi: int, sub: bool) -> _Bin:
    u, p = src.unpack, src.pack
    # Conditional expressions instead of min/max calls: this runs once per lane.
    if sub:

        def f(a: int, b: int) -> int:
            return _v(
                p(
                    *[
                        hi if (r := x - y) > hi else lo if r < lo else r
                        for x, y in zip(u(_b(a)), u(_b(b)))
                    ]
                )
            )

    else:

        def f(a: int, b: int) -> int:
            return _v(
                p(
                    *[
                        hi if (r := x + y) > hi else lo if r < lo else r
                        for x, y in zip(u(_b(a)), u(_b(b)))
                    ]
                )
            )

    return f


i8x16_add_sat_s = _sat_op(_S8, -128, 127, False)
i8x16_add_sat_u = _sat_op(_U8, 0, 255, False)
i8x16_sub_sat_s = _sat_op(_S8, -128, 127, True)
i8x16_sub_sat_u = _sat_op(_U8, 0, 255, True)
i16x8_add_sat_s = _sat_op(_S16, -32768, 32767, False)
i16x8_add_sat_u = _sat_op(_U16, 0, 65535, False)
i16x8_sub_sat_s = _sat_op(_S16, -32768, 32767, True)
i16x8_sub_sat_u = _sat_op(_U16, 0, 65535, True)


def _minmax(src: Struct, pick_min: bool) -> _Bin:
    u, p = src.unpack, src.pack
    if pick_min:

        def f(a: int, b: int) -> int:
            return _v(p(*[x if x < y else y for x, y in zip(u(_b(a)), u(_b(b)))]))

    else:

        def f(a: int, b: int) -> int:
            return _v(p(*[x if x > y else y for x, y in zip(u(_b(a)), u(_b(b)))]))

    return f


i8x16_min_s, i8x16_min_u = _minmax(_S8, True), _minmax(_U8, True)
i8x16_max_s, i8x16_max_u = _minmax(_S8, False), _minmax(_U8, False)
i16x8_min_s, i16x8_min_u = _minmax(_S16, True), _minmax(_U16, True)
i16x8_max_s, i16x8_max_u = _minmax(_S16, False), _minmax(_U16, False)
i32x4_min_s, i32x4_min_u = _minmax(_S32, True), _minmax(_U32, True)
i32x4_max_s, i32x4_max_u = _minmax(_S32, False), _minmax(_U32, False)


def _avgr(src: Struct) -> _Bin:
    u, p = src.unpack, src.pack

    def f(a: int, b: int) -> int:
        return _v(p(*[(x + y + 1) >> 1 for x, y in zip(u(_b(a)), u(_b(b)))]))

    return f


i8x16_avgr_u = _avgr(_U8)
i16x8_avgr_u = _avgr(_U16)


def _mul(width: int) -> _Bin:
    u = _STRUCTS[width][1]
    mask = (1 << width) - 1

    def f(a: int, b: int) -> int:
        return _v(u.pack(*[(x * y) & mask for x, y in zip(u.unpack(_b(a)), u.unpack(_b(b)))]))

    return f


i16x8_mul = _mul(16)
i32x4_mul = _mul(32)
i64x2_mul = _mul(64)


def i16x8_q15mulr_sat_s(a: int, b: int) -> int:
    u = _S16.unpack
    return _v(_S16.pack(*[min(32767, (x * y + 0x4000) >> 15) for x, y in zip(u(_b(a)), u(_b(b)))]))


def i32x4_dot_i16x8_s(a: int, b: int) -> int:
    p = [x * y for x, y in zip(_S16.unpack(_b(a)), _S16.unpack(_b(b)))]
    # Only -32768*-32768*2 = 2**31 overflows; it wraps, hence the unsigned mask.
    return _v(_U32.pack(*[(p[i] + p[i + 1]) & 0xFFFFFFFF for i in range(0, 8, 2)]))


def _extadd(src: Struct, dst: Struct) -> _Un:
    u, p = src.unpack, dst.pack

    def f(a: int) -> int:
        x = u(_b(a))
        return _v(p(*[x[i] + x[i + 1] for i in range(0, len(x), 2)]))

    return f


i16x8_extadd_pairwise_i8x16_s = _extadd(_S8, _S16)
i16x8_extadd_pairwise_i8x16_u = _extadd(_U8, _U16)
i32x4_extadd_pairwise_i16x8_s = _extadd(_S16, _S32)
i32x4_extadd_pairwise_i16x8_u = _extadd(_U16, _U32)


def _extend(src: Struct, dst: Struct, high: bool) -> _Un:
    u, p = src.unpack, dst.pack
    n = len(dst.unpack(bytes(16)))
    start = n if high else 0

    def f(a: int) -> int:
        return _v(p(*u(_b(a))[start : start + n]))

    return f


i16x8_extend_low_i8x16_s = _extend(_S8, _S16, False)
i16x8_extend_high_i8x16_s = _extend(_S8, _S16, True)
i16x8_extend_low_i8x16_u = _extend(_U8, _U16, False)
i16x8_extend_high_i8x16_u = _extend(_U8, _U16, True)
i32x4_extend_low_i16x8_s = _extend(_S16, _S32, False)
i32x4_extend_high_i16x8_s = _extend(_S16, _S32, True)
i32x4_extend_low_i16x8_u = _extend(_U16, _U32, False)
i32x4_extend_high_i16x8_u = _extend(_U16, _U32, True)
i64x2_extend_low_i32x4_s = _extend(_S32, _S64, False)
i64x2_extend_high_i32x4_s = _extend(_S32, _S64, True)
i64x2_extend_low_i32x4_u = _extend(_U32, _U64, False)
i64x2_extend_high_i32x4_u = _extend(_U32, _U64, True)


def _extmul(src: Struct, dst: Struct, high: bool) -> _Bin:
    u, p = src.unpack, dst.pack
    n = len(dst.unpack(bytes(16)))
    start = n if high else 0
    end = start + n
    # The products of two lanes always fit the double-width lane except the unsigned
    # 64-bit case, which also fits; the signed ones too (e.g. -128*-128 < 2**15).

    def f(a: int, b: int) -> int:
        return _v(p(*[x * y for x, y in zip(u(_b(a))[start:end], u(_b(b))[start:end])]))

    return f


i16x8_extmul_low_i8x16_s = _extmul(_S8, _S16, False)
i16x8_extmul_high_i8x16_s = _extmul(_S8, _S16, True)
i16x8_extmul_low_i8x16_u = _extmul(_U8, _U16, False)
i16x8_extmul_high_i8x16_u = _extmul(_U8, _U16, True)
i32x4_extmul_low_i16x8_s = _extmul(_S16, _S32, False)
i32x4_extmul_high_i16x8_s = _extmul(_S16, _S32, True)
i32x4_extmul_low_i16x8_u = _extmul(_U16, _U32, False)
i32x4_extmul_high_i16x8_u = _extmul(_U16, _U32, True)
i64x2_extmul_low_i32x4_s = _extmul(_S32, _S64, False)
i64x2_extmul_high_i32x4_s = _extmul(_S32, _S64, True)
i64x2_extmul_low_i32x4_u = _extmul(_U32, _U64, False)
i64x2_extmul_high_i32x4_u = _extmul(_U32, _U64, True)


# ---- floats ---------------------------------------------------------------------------
# f32 lanes are unpacked with '<4f'. That quiets signalling NaNs, which is harmless for
# arithmetic (a NaN result must be quiet anyway) but not for bit-exact operations, so
# abs/neg/extract/replace work on the bits. Results are packed with '<4f', which rounds a
# double to nearest single; it raises OverflowError instead of giving inf, hence the
# per-lane fallback.

_F32_SIGNS = _rep(32, 0x80000000)
_F64_SIGNS = _rep(64, 0x8000000000000000)


def _f32_result(lanes: list[float]) -> int:
    try:
        return _v(_F32.pack(*lanes))
    except OverflowError:
        return _v(_U32.pack(*[_n.f32_to_bits(_n.f32_round(x)) for x in lanes]))


def _f32_lanes(a: int) -> tuple[float, ...]:
    return _F32.unpack(_b(a))


def _f64_lanes(a: int) -> tuple[float, ...]:
    return _F64.unpack(_b(a))


def _f64_result(lanes: list[float]) -> int:
    return _v(_F64.pack(*lanes))


def f32x4_abs(a: int) -> int:
    return a & ~_F32_SIGNS & M128


def f32x4_neg(a: int) -> int:
    return a ^ _F32_SIGNS


def f64x2_abs(a: int) -> int:
    return a & ~_F64_SIGNS & M128


def f64x2_neg(a: int) -> int:
    return a ^ _F64_SIGNS


def _fbin32(op: Callable[[float, float], float]) -> _Bin:
    def f(a: int, b: int) -> int:
        return _f32_result(list(map(op, _f32_lanes(a), _f32_lanes(b))))

    return f


def _fbin64(op: Callable[[float, float], float]) -> _Bin:
    def f(a: int, b: int) -> int:
        return _f64_result(list(map(op, _f64_lanes(a), _f64_lanes(b))))

    return f


def _fun32(op: Callable[[float], float]) -> _Un:
    def f(a: int) -> int:
        return _f32_result(list(map(op, _f32_lanes(a))))

    return f


def _fun64(op: Callable[[float], float]) -> _Un:
    def f(a: int) -> int:
        return _f64_result(list(map(op, _f64_lanes(a))))

    return f


def f32x4_add(a: int, b: int) -> int:
    return _f32_result([x + y for x, y in zip(_f32_lanes(a), _f32_lanes(b))])


def f32x4_sub(a: int, b: int) -> int:
    return _f32_result([x - y for x, y in zip(_f32_lanes(a), _f32_lanes(b))])


def f32x4_mul(a: int, b: int) -> int:
    return _f32_result([x * y for x, y in zip(_f32_lanes(a), _f32_lanes(b))])


def f64x2_add(a: int, b: int) -> int:
    return _f64_result([x + y for x, y in zip(_f64_lanes(a), _f64_lanes(b))])


def f64x2_sub(a: int, b: int) -> int:
    return _f64_result([x - y for x, y in zip(_f64_lanes(a), _f64_lanes(b))])


def f64x2_mul(a: int, b: int) -> int:
    return _f64_result([x * y for x, y in zip(_f64_lanes(a), _f64_lanes(b))])


f32x4_div = _fbin32(_n.f64_div)
f64x2_div = _fbin64(_n.f64_div)
f32x4_min = _fbin32(_n.f64_min)
f32x4_max = _fbin32(_n.f64_max)
f64x2_min = _fbin64(_n.f64_min)
f64x2_max = _fbin64(_n.f64_max)
f64x2_pmin = _fbin64(_n.f64_pmin)
f64x2_pmax = _fbin64(_n.f64_pmax)
f32x4_sqrt = _fun32(_n.f64_sqrt)
f64x2_sqrt = _fun64(_n.f64_sqrt)
f32x4_ceil = _fun32(_n.f64_ceil)
f32x4_floor = _fun32(_n.f64_floor)
f32x4_trunc = _fun32(_n.f64_trunc)
f32x4_nearest = _fun32(_n.f64_nearest)
f64x2_ceil = _fun64(_n.f64_ceil)
f64x2_floor = _fun64(_n.f64_floor)
f64x2_trunc = _fun64(_n.f64_trunc)
f64x2_nearest = _fun64(_n.f64_nearest)


def _fcmp(
    lanes: Callable[[int], tuple[float, ...]], pack: Struct, op: Callable[[float, float], bool]
) -> _Bin:
    p = pack.pack

    def f(a: int, b: int) -> int:
        return _v(p(*[-c for c in map(op, lanes(a), lanes(b))]))

    return f


f32x4_eq = _fcmp(_f32_lanes, _S32, _eq)
f32x4_ne = _fcmp(_f32_lanes, _S32, _ne)
f32x4_lt = _fcmp(_f32_lanes, _S32, _lt)
f32x4_gt = _fcmp(_f32_lanes, _S32, _gt)
f32x4_le = _fcmp(_f32_lanes, _S32, _le)
f32x4_ge = _fcmp(_f32_lanes, _S32, _ge)
f64x2_eq = _fcmp(_f64_lanes, _S64, _eq)
f64x2_ne = _fcmp(_f64_lanes, _S64, _ne)
f64x2_lt = _fcmp(_f64_lanes, _S64, _lt)
f64x2_gt = _fcmp(_f64_lanes, _S64, _gt)
f64x2_le = _fcmp(_f64_lanes, _S64, _le)
f64x2_ge = _fcmp(_f64_lanes, _S64, _ge)


# pmin/pmax select an operand unchanged, so they must not quiet a signalling NaN: compare
# the float lanes but copy the bit lanes.


def f32x4_pmin(a: int, b: int) -> int:
    bits_a, bits_b = _U32.unpack(_b(a)), _U32.unpack(_b(b))
    fa, fb = _f32_lanes(a), _f32_lanes(b)
    return _v(_U32.pack(*[bits_b[i] if fb[i] < fa[i] else bits_a[i] for i in range(4)]))


def f32x4_pmax(a: int, b: int) -> int:
    bits_a, bits_b = _U32.unpack(_b(a)), _U32.unpack(_b(b))
    fa, fb = _f32_lanes(a), _f32_lanes(b)
    return _v(_U32.pack(*[bits_b[i] if fa[i] < fb[i] else bits_a[i] for i in range(4)]))


# ---- conversions ----------------------------------------------------------------------


def f32x4_demote_f64x2_zero(a: int) -> int:
    return _f32_result([*_f64_lanes(a), 0.0, 0.0])


def f64x2_promote_low_f32x4(a: int) -> int:
    x = _f32_lanes(a)  # '<4f' already quiets NaNs, as promotion must
    return _f64_result([x[0], x[1]])


def i32x4_trunc_sat_f32x4_s(a: int) -> int:
    t = _n.i32_trunc_sat_f32_s
    return _v(_U32.pack(*[t(x) for x in _f32_lanes(a)]))


def i32x4_trunc_sat_f32x4_u(a: int) -> int:
    t = _n.i32_trunc_sat_f32_u
    return _v(_U32.pack(*[t(x) for x in _f32_lanes(a)]))


def i32x4_trunc_sat_f64x2_s_zero(a: int) -> int:
    t = _n.i32_trunc_sat_f64_s
    x, y = _f64_lanes(a)
    return t(x) | (t(y) << 32)


def i32x4_trunc_sat_f64x2_u_zero(a: int) -> int:
    t = _n.i32_trunc_sat_f64_u
    x, y = _f64_lanes(a)
    return t(x) | (t(y) << 32)


def f32x4_convert_i32x4_s(a: int) -> int:
    return _f32_result([float(x) for x in _S32.unpack(_b(a))])


def f32x4_convert_i32x4_u(a: int) -> int:
    return _f32_result([float(x) for x in _U32.unpack(_b(a))])


def f64x2_convert_low_i32x4_s(a: int) -> int:
    x = _S32.unpack(_b(a))
    return _f64_result([float(x[0]), float(x[1])])


def f64x2_convert_low_i32x4_u(a: int) -> int:
    x = _U32.unpack(_b(a))
    return _f64_result([float(x[0]), float(x[1])])
