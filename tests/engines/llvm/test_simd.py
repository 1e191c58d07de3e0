"""SIMD instructions of the LLVM engine against wasmtime's results (numeric_vectors.json,
shared with the pure-Python engine's tests), plus edge cases the vectors may miss.

Every vector's instruction is wrapped, as the vector generator did, in an exported function
that reads its operands from 16-byte memory slots at 0, 16, 32 and stores its result at 64,
so signalling NaNs and every other bit pattern cross the host boundary unchanged. All
wrappers go into one module, compiled once.
"""

from __future__ import annotations

import random

import pytest

pytest.importorskip("llvmlite", reason="the LLVM engine needs llvmlite")

from wasmlite import opcodes  # noqa: E402
from wasmlite.engines import get_engine  # noqa: E402
from wasmlite.engines.llvm import simd  # noqa: E402
from wasmlite.errors import Trap  # noqa: E402
from wasmlite.runtime import Store  # noqa: E402
from wasmlite.text import parse_module  # noqa: E402
from wasmlite.validate import validate_module  # noqa: E402

from ..python.vectors import load_vectors, result_ok  # noqa: E402

SIMD_NAMES = [op.name for op in opcodes.OPS if op.prefix == opcodes.PREFIX_FD]
_SIZE = {"i32": 4, "i64": 8, "f32": 4, "f64": 8, "v128": 16}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WASMLITE_CACHE_DIR", str(tmp_path / "cache"))


def instantiate(wat: str):
    module = parse_module(wat)
    validate_module(module)
    return get_engine("llvm").compile(module).instantiate(Store("llvm"), [])


def _loads(op: opcodes.Op) -> str:
    return "".join(f"({t.name}.load (i32.const {16 * i}))" for i, t in enumerate(op.params or ()))


def wrapper(name: str, imm: object) -> tuple[str, int]:
    """The body of the function that applies `name` to memory operands; result size."""
    op = opcodes.BY_NAME[name]
    if op.imm == "memarg_lane":
        if name.startswith("v128.load"):
            load = f"({name} {imm} (i32.const 0) (v128.load (i32.const 16)))"
            return f"(v128.store (i32.const 64) {load})", 16
        return f"({name} {imm} (i32.const 64) (v128.load (i32.const 0)))", 1 << op.align
    if op.imm == "memarg":
        return f"(v128.store (i32.const 64) ({name} (i32.const 0)))", 16
    res = op.results[0].name
    if op.imm == "shuffle":
        text = f"{name} {' '.join(map(str, imm))}"  # type: ignore[call-overload]
    elif op.imm == "lane":
        text = f"{name} {imm}"
    else:
        text = name
    return f"({res}.store (i32.const 64) ({text} {_loads(op)}))", _SIZE[res]


@pytest.fixture(scope="module")
def vectors() -> list[tuple[str, object, list[int], int]]:
    return [v for v in load_vectors() if opcodes.BY_NAME[v[0]].prefix == opcodes.PREFIX_FD]


def test_every_simd_instruction_has_a_lowering() -> None:
    assert len(SIMD_NAMES) == 236
    assert set(simd.TABLE) == set(SIMD_NAMES) - {"v128.const"}  # const: with the scalars


def test_wasmtime_vectors(vectors) -> None:
    keys: dict[tuple[str, str], int] = {}
    bodies: list[str] = []
    sizes: list[int] = []
    for name, imm, _, _ in vectors:
        key = (name, repr(imm))
        if key not in keys:
            body, size = wrapper(name, imm)
            keys[key] = len(bodies)
            bodies.append(f'(func (export "c{len(bodies)}") {body})')
            sizes.append(size)
    inst = instantiate(f'(module (memory (export "mem") 1)\n{chr(10).join(bodies)})')
    mem = inst.exports["mem"]
    failures = []
    for name, imm, args, want in vectors:
        i = keys[(name, repr(imm))]
        for k, a in enumerate(args):
            mem.write(16 * k, a.to_bytes(16, "little"))
        mem.write(64, bytes(16))
        inst.exports[f"c{i}"].call([])
        got = int.from_bytes(mem.read(64, sizes[i]), "little")
        if not result_ok(name, got, want):  # type: ignore[arg-type]
            failures.append(f"{name} {imm} {[hex(a) for a in args]}: {got:#x} != {want:#x}")
    assert len(vectors) > 2000
    assert not failures, failures[:20]


EDGES = """(module (memory (export "mem") 1)
  (func (export "swizzle") (param v128 v128) (result v128) (i8x16.swizzle (local.get 0) (local.get 1)))
  (func (export "shl8") (param v128 i32) (result v128) (i8x16.shl (local.get 0) (local.get 1)))
  (func (export "shr64") (param v128 i32) (result v128) (i64x2.shr_s (local.get 0) (local.get 1)))
  (func (export "q15") (param v128 v128) (result v128) (i16x8.q15mulr_sat_s (local.get 0) (local.get 1)))
  (func (export "bitmask64") (param v128) (result i32) (i64x2.bitmask (local.get 0)))
  (func (export "all8") (param v128) (result i32) (i8x16.all_true (local.get 0)))
  (func (export "any") (param v128) (result i32) (v128.any_true (local.get 0)))
  (func (export "fneg") (param v128) (result v128) (f32x4.neg (local.get 0)))
  (func (export "fmin") (param v128 v128) (result v128) (f64x2.min (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result v128) (v128.load offset=8 (local.get 0)))
  (func (export "store_lane") (param i32 v128) (v128.store32_lane 3 (local.get 0) (local.get 1))))"""


def _bytes(*b: int) -> int:
    return int.from_bytes(bytes(b), "little")


def _lanes(width: int, *values: int) -> int:
    return sum((v & ((1 << width) - 1)) << (width * i) for i, v in enumerate(values))


def test_edge_cases() -> None:
    inst = instantiate(EDGES)

    def call(name: str, *args: int) -> int:
        return inst.exports[name].call(list(args))[0]

    a = _bytes(*range(100, 116))
    # Out-of-range indices give 0, including 0x80..0xFF and 16..127 (pshufb differs there).
    s = _bytes(15, 16, 0x80, 0xFF, 0x70, 0x8F, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
    assert call("swizzle", a, s) == _bytes(
        115, 0, 0, 0, 0, 0, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109
    )
    ones = _bytes(*[1] * 16)
    assert call("shl8", ones, 9) == _bytes(*[2] * 16)  # count modulo 8
    assert call("shr64", _lanes(64, -8, 8), 65) == _lanes(64, -4, 4)
    m = _lanes(16, -32768, -32768, 16384, -1, 0, 1, 2, 3)
    n = _lanes(16, -32768, 32767, 16384, 1, 0, 1, 2, 3)
    assert call("q15", m, n) == _lanes(16, 32767, -32767, 8192, 0, 0, 0, 0, 0)
    assert call("bitmask64", _lanes(64, -1, 1)) == 1
    assert call("all8", ones) == 1 and call("all8", ones - 1) == 0
    assert call("any", 1 << 127) == 1 and call("any", 0) == 0
    snan = 0x7FA00001
    assert call("fneg", _lanes(32, snan, 0, 0, 0)) == _lanes(
        32, snan | 1 << 31, 1 << 31, 1 << 31, 1 << 31
    )
    neg_zero = 1 << 63
    assert (
        call("fmin", _lanes(64, 0, 0x7FF8000000000000), _lanes(64, neg_zero, 0)) >> 64
        & (0x7FF8000000000000)
        == 0x7FF8000000000000
    )
    assert call("fmin", _lanes(64, 0, 0), _lanes(64, neg_zero, 0)) & ((1 << 64) - 1) == neg_zero


def test_memory_bounds() -> None:
    inst = instantiate(EDGES)
    mem = inst.exports["mem"]
    mem.write(65536 - 16, bytes(range(16)))
    assert inst.exports["load"].call([65536 - 24]) == [_bytes(*range(16))]
    with pytest.raises(Trap, match="out of bounds memory access"):
        inst.exports["load"].call([65536 - 23])
    with pytest.raises(Trap, match="out of bounds memory access"):
        inst.exports["load"].call([0xFFFFFFFF])
    inst.exports["store_lane"].call([65532, _lanes(32, 0, 0, 0, 0xDEADBEEF)])
    assert mem.read(65532, 4) == (0xDEADBEEF).to_bytes(4, "little")
    with pytest.raises(Trap, match="out of bounds memory access"):
        inst.exports["store_lane"].call([65533, 0])


@pytest.mark.parametrize("pshufb", [True, False])
def test_swizzle_both_lowerings(pshufb: bool, monkeypatch) -> None:
    if pshufb and not simd.has_pshufb():
        pytest.skip("the host has no SSSE3")
    monkeypatch.setattr(simd, "has_pshufb", lambda: pshufb)
    inst = instantiate(EDGES)
    rng = random.Random(7)
    for _ in range(200):
        a = bytes(rng.getrandbits(8) for _ in range(16))
        s = bytes(
            rng.choice([rng.randrange(16), rng.randrange(256), 16, 127, 128, 255])
            for _ in range(16)
        )
        want = bytes(a[k] if k < 16 else 0 for k in s)
        got = inst.exports["swizzle"].call(
            [int.from_bytes(a, "little"), int.from_bytes(s, "little")]
        )
        assert got == [int.from_bytes(want, "little")]
