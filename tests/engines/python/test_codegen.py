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
