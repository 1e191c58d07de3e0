"""Regenerate numeric_vectors.json: expected results of scalar and SIMD numeric instructions,
computed by wasmtime-py (not needed at test time).

Each instruction is wrapped in an exported function that loads its operands from memory
(16-byte slots at 0, 16, 32), applies the instruction and stores the result at 64, so every
bit pattern (signalling NaNs included) crosses the host boundary unchanged.

Usage (from the repository root): python -m tests.engines.python.make_numeric_vectors
"""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path

import wasmtime

from wasmlite import opcodes
from wasmlite.model import ValType

OUT = Path(__file__).with_name("numeric_vectors.json")
SCALAR_COUNT = 48
SIMD_COUNT = 12
SHUFFLES = [
    tuple(range(16)),
    tuple(range(31, 15, -1)),
    (0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31),
]

F32_SPECIAL = [
    0x00000000,
    0x80000000,
    0x3F800000,
    0xBF800000,
    0x3F000000,
    0xBF000000,
    0x3FC00000,
    0x40200000,
    0xC0200000,
    0x7F800000,
    0xFF800000,
    0x7FC00000,
    0xFFC00000,
    0x7FA00000,
    0xFFA00001,
    0x7FC12345,
    0x7F7FFFFF,
    0xFF7FFFFF,
    0x00000001,
    0x80000001,
    0x007FFFFF,
    0x4F000000,
    0xCF000000,
    0x4EFFFFFF,
    0xCF000001,
    0x4F800000,
    0x4F7FFFFF,
    0x5F000000,
    0xDF000000,
    0x5EFFFFFF,
    0x5F800000,
    0x5F7FFFFF,
    0xBF7FFFFF,
    0x4B000001,
    0x4B7FFFFF,
]
F64_SPECIAL = [
    0x0,
    0x8000000000000000,
    0x3FF0000000000000,
    0xBFF0000000000000,
    0x3FE0000000000000,
    0xBFE0000000000000,
    0x4004000000000000,
    0xC004000000000000,
    0x7FF0000000000000,
    0xFFF0000000000000,
    0x7FF8000000000000,
    0xFFF8000000000000,
    0x7FF4000000000000,
    0xFFF0000000000001,
    0x7FF8000000012345,
    0x7FEFFFFFFFFFFFFF,
    0x1,
    0x8000000000000001,
    0x41E0000000000000,
    0xC1E0000000000000,
    0x41DFFFFFFFC00000,
    0xC1E0000000200000,
    0xC1E0000000100000,
    0x41F0000000000000,
    0x41EFFFFFFFE00000,
    0x43E0000000000000,
    0xC3E0000000000000,
    0x43DFFFFFFFFFFFFF,
    0x43F0000000000000,
    0x43EFFFFFFFFFFFFF,
    0x47EFFFFFE0000000,
    0x47EFFFFFF0000000,
    0x36A0000000000000,
    0x3690000000000001,
    0x4330000000000001,
    0x432FFFFFFFFFFFFF,
    0xBFEFFFFFFFFFFFFF,
    0x3810000000000000,
]
I32_SPECIAL = [
    0,
    1,
    2,
    31,
    32,
    33,
    0x7FFFFFFF,
    0x80000000,
    0xFFFFFFFF,
    0xFFFFFFFE,
    0x01000001,
    0x00FFFFFF,
]
I64_SPECIAL = [
    0,
    1,
    63,
    64,
    65,
    0x7FFFFFFFFFFFFFFF,
    0x8000000000000000,
    0xFFFFFFFFFFFFFFFF,
    0x0020000000000001,
    0x0020000020000001,
    0x7FFFFF8000000001,
    0xFFFFFF4000000000,
]


def scalar(rng: random.Random, t: ValType) -> int:
    name = t.name.lower()
    special = {"f32": F32_SPECIAL, "f64": F64_SPECIAL, "i32": I32_SPECIAL, "i64": I64_SPECIAL}[name]
    width = 32 if name in ("f32", "i32") else 64
    r = rng.random()
    if r < 0.5:
        return rng.choice(special)
    if r < 0.7 and name[0] == "f":
        return float_bits(rng.uniform(-1e10, 1e10), width)
    if r < 0.8:
        return rng.getrandbits(rng.randint(1, width))
    return rng.getrandbits(width)


def float_bits(x: float, width: int) -> int:
    if width == 32:
        return struct.unpack("<I", struct.pack("<f", x))[0]
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def v128(rng: random.Random) -> int:
    kind = rng.randrange(5)
    if kind == 0:
        lanes = [
            rng.choice(F32_SPECIAL + [float_bits(rng.uniform(-100, 100), 32)]) for _ in range(4)
        ]
        return sum(x << (32 * i) for i, x in enumerate(lanes))
    if kind == 1:
        lanes = [
            rng.choice(F64_SPECIAL + [float_bits(rng.uniform(-100, 100), 64)]) for _ in range(2)
        ]
        return sum(x << (64 * i) for i, x in enumerate(lanes))
    if kind == 2:
        lanes = [rng.choice([0, 1, 0x7F, 0x80, 0xFF, 0xFE, rng.getrandbits(8)]) for _ in range(16)]
        return sum(x << (8 * i) for i, x in enumerate(lanes))
    if kind == 3:
        lanes = [
            rng.choice([0, 1, 0x7FFF, 0x8000, 0xFFFF, 0x8001, rng.getrandbits(16)])
            for _ in range(8)
        ]
        return sum(x << (16 * i) for i, x in enumerate(lanes))
    return rng.getrandbits(128)


LOAD = {
    "i32": "i32.load",
    "i64": "i64.load",
    "f32": "f32.load",
    "f64": "f64.load",
    "v128": "v128.load",
}
STORE = {
    "i32": "i32.store",
    "i64": "i64.store",
    "f32": "f32.store",
    "f64": "f64.store",
    "v128": "v128.store",
}
SIZE = {"i32": 4, "i64": 8, "f32": 4, "f64": 8, "v128": 16}


class Case:
    """One wrapped instruction: its name, immediate, operand/result types and wrapper body."""

    def __init__(
        self, op: opcodes.Op, imm: object, params: list[str], result: str | None, body: str
    ):
        self.op, self.imm, self.params, self.result, self.body = op, imm, params, result, body


def cases() -> list[Case]:
    out: list[Case] = []
    for op in opcodes.OPS:
        numeric = op.prefix is None and bool(op.results) and op.imm == "none"
        if numeric or (op.prefix == opcodes.PREFIX_FC and op.code <= 7):
            params = [t.name.lower() for t in op.params]
            res = op.results[0].name.lower()
            loads = "".join(f"({LOAD[t]} (i32.const {16 * i}))" for i, t in enumerate(params))
            out.append(
                Case(op, None, params, res, f"({STORE[res]} (i32.const 64) ({op.name} {loads}))")
            )
        elif op.prefix == opcodes.PREFIX_FD:
            out.extend(simd_cases(op))
    return out


def simd_cases(op: opcodes.Op) -> list[Case]:
    name = op.name
    if op.imm == "none":
        params = [t.name.lower() for t in op.params]
        res = op.results[0].name.lower()
        loads = "".join(f"({LOAD[t]} (i32.const {16 * i}))" for i, t in enumerate(params))
        return [Case(op, None, params, res, f"({STORE[res]} (i32.const 64) ({name} {loads}))")]
    if op.imm == "lane":
        out = []
        for lane in range(op.lanes):
            params = [t.name.lower() for t in op.params]
            res = op.results[0].name.lower()
            loads = "".join(f"({LOAD[t]} (i32.const {16 * i}))" for i, t in enumerate(params))
            out.append(
                Case(
                    op, lane, params, res, f"({STORE[res]} (i32.const 64) ({name} {lane} {loads}))"
                )
            )
        return out
    if op.imm == "shuffle":
        out = []
        for sh in SHUFFLES:
            imm = " ".join(map(str, sh))
            body = f"(v128.store (i32.const 64) ({name} {imm} (v128.load (i32.const 0)) (v128.load (i32.const 16))))"
            out.append(Case(op, list(sh), ["v128", "v128"], "v128", body))
        return out
    if op.imm == "memarg_lane":
        out = []
        width = 8 << op.align
        for lane in range(op.lanes):
            if name.startswith("v128.load"):
                body = f"(v128.store (i32.const 64) ({name} {lane} (i32.const 0) (v128.load (i32.const 16))))"
                out.append(Case(op, lane, [f"raw{width}", "v128"], "v128", body))
            else:
                body = f"({name} {lane} (i32.const 64) (v128.load (i32.const 0)))"
                out.append(Case(op, lane, ["v128"], f"raw{width}", body))
        return out
    if name in ("v128.store", "v128.const"):
        return []  # identity shaping, tested directly
    width = {
        "v128.load": 128,
        "v128.load8_splat": 8,
        "v128.load16_splat": 16,
        "v128.load32_splat": 32,
    }.get(name, 64)
    if name == "v128.load32_zero":
        width = 32
    body = f"(v128.store (i32.const 64) ({name} (i32.const 0)))"
    return [Case(op, None, [f"raw{width}"], "v128", body)]


def operand(rng: random.Random, t: str) -> int:
    if t.startswith("raw"):
        return (
            rng.getrandbits(int(t[3:]))
            if rng.random() < 0.5
            else v128(rng) & ((1 << int(t[3:])) - 1)
        )
    if t == "v128":
        return v128(rng)
    return scalar(rng, ValType[t])


def main() -> None:
    rng = random.Random(20261123)
    all_cases = cases()
    funcs = "\n".join(f'(func (export "c{i}") {c.body})' for i, c in enumerate(all_cases))
    wat = f'(module (memory (export "mem") 1)\n{funcs})'
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    inst = wasmtime.Instance(store, wasmtime.Module(engine, wat), [])
    mem = inst.exports(store)["mem"]
    vectors = []
    for i, c in enumerate(all_cases):
        fn = inst.exports(store)[f"c{i}"]
        count = SIMD_COUNT if c.op.prefix == opcodes.PREFIX_FD else SCALAR_COUNT
        for _ in range(count):
            args = [operand(rng, t) for t in c.params]
            for k, a in enumerate(args):
                mem.write(store, a.to_bytes(16, "little"), 16 * k)
            mem.write(store, bytes(16), 64)
            try:
                fn(store)
                size = int(c.result[3:]) // 8 if c.result.startswith("raw") else SIZE[c.result]
                got: object = hex(int.from_bytes(mem.read(store, 64, 64 + size), "little"))
            except wasmtime.Trap as e:
                got = "trap:" + trap_message(str(e))
            vectors.append([c.op.name, c.imm, [hex(a) for a in args], got])
    OUT.write_text(json.dumps(vectors, separators=(",", ":")).replace('],["', '],\n["') + "\n")
    print(f"{len(vectors)} vectors -> {OUT}")


def trap_message(text: str) -> str:
    for msg in ("integer divide by zero", "integer overflow", "invalid conversion to integer"):
        if msg.replace(" ", "") in text.replace(" ", "").lower() or msg in text:
            return msg
    if "divide by zero" in text or "division by zero" in text:
        return "integer divide by zero"
    if "overflow" in text:
        return "integer overflow"
    if "conversion" in text:
        return "invalid conversion to integer"
    return text.splitlines()[0]


if __name__ == "__main__":
    main()
