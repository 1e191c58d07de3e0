"""Special cases of the code generator give the same results as the general templates."""

from __future__ import annotations

import random

import pytest

from wasmlite.engines import get_engine
from wasmlite.engines.python import interpreter, scalar
from wasmlite.runtime import Store
from wasmlite.text import parse_module
from wasmlite.validate import validate_module

AMOUNTS = [0, 1, 7, 31, 32, 33, 63, 64, 65, -1, -33]


def _rotations_module() -> str:
    funcs = []
    for ty in ("i32", "i64"):
        for op in ("rotl", "rotr"):
            for k in AMOUNTS:
                name = f"{ty}_{op}_{k}"
                funcs.append(
                    f'(func (export "{name}") (param {ty}) (result {ty})'
                    f" ({ty}.{op} (local.get 0) ({ty}.const {k})))"
                )
                # an expression operand (read twice by the written-out rotation)
                funcs.append(
                    f'(func (export "{name}_expr") (param {ty}) (result {ty})'
                    f" ({ty}.{op} ({ty}.xor (local.get 0) ({ty}.const 0x5A)) ({ty}.const {k})))"
                )
    return "(module " + "\n".join(funcs) + ")"


@pytest.mark.parametrize("compiled_at_once", [True, False])
def test_rotations_by_constants(monkeypatch: pytest.MonkeyPatch, compiled_at_once: bool) -> None:
    monkeypatch.setattr(interpreter, "ENABLED", not compiled_at_once)
    module = parse_module(_rotations_module())
    validate_module(module)
    compiled = get_engine("python").compile(module, cache=False)
    source = compiled.source()
    assert "rotl32(" not in source and "rotr64(" not in source  # written out
    inst = compiled.instantiate(Store("python"), [])
    rng = random.Random(7)
    for ty, bits in (("i32", 32), ("i64", 64)):
        values = [0, 1, (1 << bits) - 1, 1 << (bits - 1)] + [
            rng.getrandbits(bits) for _ in range(8)
        ]
        for op in ("rotl", "rotr"):
            helper = getattr(scalar, f"{op}{bits}")
            for k in AMOUNTS:
                for x in values:
                    got = inst.exports[f"{ty}_{op}_{k}"].call([x])
                    assert got == [helper(x, k % (1 << bits))], (ty, op, k, x)
                    got = inst.exports[f"{ty}_{op}_{k}_expr"].call([x])
                    assert got == [helper(x ^ 0x5A, k % (1 << bits))], (ty, op, k, x)


CHAINS = """(module
  (func (export "i64") (param i64 i64 i64 i64 i64) (result i64)
    (i64.sub (i64.add (i64.mul (local.get 0) (local.get 1))
                      (i64.mul (i64.add (local.get 2) (local.get 3)) (local.get 4)))
             (i64.mul (i64.sub (local.get 0) (local.get 4)) (local.get 2))))
  (func (export "i32") (param i32 i32 i32 i32 i32) (result i32)
    (i32.sub (i32.add (i32.mul (local.get 0) (local.get 1))
                      (i32.mul (i32.add (local.get 2) (local.get 3)) (local.get 4)))
             (i32.mul (i32.sub (local.get 0) (local.get 4)) (local.get 2))))
  (func (export "i64_bits") (param i64 i64 i64 i64 i64) (result i64)
    (i64.xor (i64.shl (i64.add (local.get 0) (local.get 1)) (i64.const 70))
             (i64.and (i64.sub (local.get 0) (local.get 2))
                      (i64.or (i64.shl (local.get 3) (local.get 4)) (local.get 1)))))
  (func (export "i32_bits") (param i32 i32 i32 i32 i32) (result i32)
    (i32.xor (i32.shl (i32.add (local.get 0) (local.get 1)) (i32.const 38))
             (i32.and (i32.sub (local.get 0) (local.get 2))
                      (i32.or (i32.shl (local.get 3) (local.get 4)) (local.get 1))))))"""


def test_add_sub_mul_chains_wrap_around(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chains of add/sub/mul are masked once at the end; intermediate wrap-around must not
    show (a product of unmasked sums, a negative difference)."""
    monkeypatch.setattr(interpreter, "ENABLED", False)
    module = parse_module(CHAINS)
    validate_module(module)
    compiled = get_engine("python").compile(module, cache=False)
    inst = compiled.instantiate(Store("python"), [])
    rng = random.Random(11)
    for ty, bits in (("i32", 32), ("i64", 64)):
        m = (1 << bits) - 1
        edge = [0, 1, m, m - 1, 1 << (bits - 1)]
        for _ in range(300):
            a, b, c, d, e = (
                rng.choice(edge) if rng.random() < 0.3 else rng.getrandbits(bits) for _ in range(5)
            )
            want = (a * b + (((c + d) & m) * e & m) - (((a - e) & m) * c & m)) & m
            assert inst.exports[ty].call([a, b, c, d, e]) == [want]
            shl = ((a + b) & m) << (70 % bits) & m
            low = ((a - c) & m) & (((d << (e % bits)) & m) | b)
            assert inst.exports[f"{ty}_bits"].call([a, b, c, d, e]) == [shl ^ low]
    source = compiled.source()
    assert source.count("& 0xFFFFFFFFFFFFFFFF") < 8  # masked per product or chain, not per op


NARROW = """(module
  (memory (export "mem") 1)
  (func (export "run") (param i64 i64 i32 i32) (result i32)
    (i32.store8 (i32.const 0) (i32.add (local.get 2) (local.get 3)))
    (i32.store16 (i32.const 2) (i32.shl (local.get 2) (i32.const 3)))
    (i64.store32 (i32.const 4) (i64.mul (local.get 0) (local.get 1)))
    (i64.store16 (i32.const 8) (i64.sub (local.get 0) (local.get 1)))
    (i64.store8 (i32.const 10) (i64.xor (local.get 0) (i64.shl (local.get 1) (i64.const 9))))
    (i32.wrap_i64 (i64.add (local.get 0) (local.get 1)))))"""


def test_narrow_stores_and_wrap_of_unmasked_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interpreter, "ENABLED", False)
    module = parse_module(NARROW)
    validate_module(module)
    inst = get_engine("python").compile(module, cache=False).instantiate(Store("python"), [])
    rng = random.Random(5)
    m32, m64 = (1 << 32) - 1, (1 << 64) - 1
    for _ in range(200):
        a, b = rng.getrandbits(64), rng.getrandbits(64)
        c, d = rng.getrandbits(32), rng.getrandbits(32)
        assert inst.exports["run"].call([a, b, c, d]) == [(a + b) & m32]
        mem = bytes(inst.memories[0].read(0, 11))
        assert mem[0] == (c + d) & 0xFF
        assert int.from_bytes(mem[2:4], "little") == (c << 3) & 0xFFFF
        assert int.from_bytes(mem[4:8], "little") == (a * b) & m32
        assert int.from_bytes(mem[8:10], "little") == ((a - b) & m64) & 0xFFFF
        assert mem[10] == (a ^ ((b << 9) & m64)) & 0xFF
