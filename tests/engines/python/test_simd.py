"""SIMD instructions of the pure-Python engine against the spec testsuite's and wasmtime's
expected results, plus the shaping helpers of the memory instructions."""

from __future__ import annotations

import random

import pytest

from wasmlite import opcodes
from wasmlite.engines.python import numerics, simd

from .vectors import SPEC_DIR, check, check_spec, load_vectors, spec_vectors

SIMD_NAMES = [op.name for op in opcodes.OPS if op.prefix == opcodes.PREFIX_FD]
SPEC_FILES = sorted(p.name for p in SPEC_DIR.glob("simd_*.wast")) if SPEC_DIR.is_dir() else []


def test_every_simd_instruction_has_a_function() -> None:
    assert len(SIMD_NAMES) == 236
    missing = [
        name for name in SIMD_NAMES if not callable(getattr(simd, name.replace(".", "_"), None))
    ]
    assert not missing


def test_wasmtime_vectors_cover_every_simd_instruction() -> None:
    vectors = [v for v in load_vectors() if opcodes.BY_NAME[v[0]].prefix == opcodes.PREFIX_FD]
    covered = {v[0] for v in vectors}
    assert covered == set(SIMD_NAMES) - {"v128.store", "v128.const"}
    failures = [m for v in vectors if (m := check(*v))]
    assert not failures, failures[:20]


def test_identity_shaping() -> None:
    v = random.Random(5).getrandbits(128)
    assert simd.v128_load(v) == simd.v128_store(v) == simd.v128_const(v) == v


def test_memory_shaping_helpers() -> None:
    assert (
        simd.v128_load8x8_s(0x80_7F_FF_00_01_02_03_04) == 0xFF80_007F_FFFF_0000_0001_0002_0003_0004
    )
    assert simd.v128_load32x2_u(0xFFFFFFFF_00000001) == 0x00000000FFFFFFFF_0000000000000001
    assert simd.v128_load16_splat(0xABCD) == int("ABCD" * 8, 16)
    assert simd.v128_load32_zero(0x12345678) == 0x12345678
    assert simd.v128_load16_lane(0xBEEF, 0, 7) == 0xBEEF << 112
    assert simd.v128_store16_lane(0xBEEF << 112, 7) == 0xBEEF
    assert simd.v128_store64_lane((1 << 128) - 1, 1) == (1 << 64) - 1


def test_float_lanes_keep_signalling_nans_where_bitwise() -> None:
    snan = 0x7FA00001
    v = snan * 0x00000001_00000001_00000001_00000001
    assert numerics.f32_to_bits(simd.f32x4_extract_lane(v, 3)) == snan
    assert simd.f32x4_splat(numerics.f32_from_bits(snan)) == v
    assert simd.f32x4_neg(v) == (snan | 0x80000000) * 0x00000001_00000001_00000001_00000001
    assert simd.f32x4_pmin(v, 0) == v


def test_shuffle_and_swizzle() -> None:
    a = int.from_bytes(bytes(range(16)), "little")
    b = int.from_bytes(bytes(range(16, 32)), "little")
    lanes = tuple(range(31, 15, -1))
    assert simd.i8x16_shuffle(a, b, lanes) == int.from_bytes(bytes(lanes), "little")
    s = int.from_bytes(bytes([15, 16, 255, 0] * 4), "little")
    assert simd.i8x16_swizzle(a, s) == int.from_bytes(bytes([15, 0, 0, 0] * 4), "little")


@pytest.mark.skipif(not SPEC_FILES, reason="spec testsuite not present at ../shared")
@pytest.mark.parametrize("filename", SPEC_FILES)
def test_spec_testsuite_vectors(filename: str) -> None:
    vectors = spec_vectors(filename)
    if not vectors:
        pytest.skip("no invoke of a single-instruction function in this file")
    failures = [
        f"line {line}: {m}"
        for name, imm, args, want, line in vectors
        if (m := check_spec(name, imm, args, want))
    ]
    assert not failures, failures[:20]
