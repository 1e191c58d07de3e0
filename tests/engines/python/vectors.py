"""Shared checking of numeric instruction results against expected raw bits.

The vectors (numeric_vectors.json, made by make_numeric_vectors.py with wasmtime, and those
extracted from the spec testsuite) give operands and results as raw bit patterns; these
helpers convert them to the engine representation, call the numerics/simd function named
like the instruction and compare, allowing the NaN freedom the spec allows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from wasmlite import opcodes
from wasmlite.engines.python import numerics, simd
from wasmlite.errors import Trap

VECTORS = Path(__file__).with_name("numeric_vectors.json")

# Instructions whose NaN results are bit-exact (no arithmetic on the value).
BITWISE = frozenset(
    "f32.abs f32.neg f32.copysign f64.abs f64.neg f64.copysign f32.reinterpret_i32 "
    "f64.reinterpret_i64 i32.reinterpret_f32 i64.reinterpret_f64 f32x4.abs f32x4.neg "
    "f64x2.abs f64x2.neg f32x4.splat f64x2.splat f32x4.extract_lane f64x2.extract_lane "
    "f32x4.replace_lane f64x2.replace_lane f32x4.pmin f32x4.pmax f64x2.pmin f64x2.pmax".split()
)
_FLOAT_CMP = frozenset("eq ne lt gt le ge".split())


def function(name: str) -> Callable[..., object]:
    module = simd if opcodes.BY_NAME[name].prefix == opcodes.PREFIX_FD else numerics
    return getattr(module, name.replace(".", "_"))


def to_engine(t: str, bits: int) -> object:
    if t == "f32":
        return numerics.f32_from_bits(bits)
    if t == "f64":
        return numerics.f64_from_bits(bits)
    return bits


def from_engine(t: str, value: object) -> int:
    if t == "f32":
        return numerics.f32_to_bits(value)  # type: ignore[arg-type]
    if t == "f64":
        return numerics.f64_to_bits(value)  # type: ignore[arg-type]
    return value  # type: ignore[return-value]


def call(name: str, imm: object, args: list[int]) -> object:
    """Apply instruction `name` (immediate `imm`) to raw operands; raw result or Trap."""
    op = opcodes.BY_NAME[name]
    fn = function(name)
    if op.imm == "memarg_lane":
        if name.startswith("v128.load"):
            return fn(args[0], args[1], imm)
        return fn(args[0], imm)
    if op.imm in ("memarg",):
        return fn(args[0])
    params = [t.name for t in op.params]
    values = [to_engine(t, a) for t, a in zip(params, args)]
    if op.imm == "shuffle":
        result = fn(values[0], values[1], tuple(imm))  # type: ignore[arg-type]
    elif op.imm == "lane":
        result = fn(*values, imm)
    else:
        result = fn(*values)
    return from_engine(op.results[0].name, result)


def _nan_ok(got: int, want: int, width: int, exact: bool) -> bool:
    exp_bits = 8 if width == 32 else 11
    mant = width - 1 - exp_bits
    exp_all = ((1 << exp_bits) - 1) << mant
    mag_mask = (1 << (width - 1)) - 1

    def is_nan(x: int) -> bool:
        return (x & exp_all) == exp_all and bool(x & ((1 << mant) - 1))

    if got == want:
        return True
    if exact or not (is_nan(got) and is_nan(want)):
        return False
    quiet = 1 << (mant - 1)
    if not got & quiet:
        return False
    canonical = exp_all | quiet
    # The spec demands canonical only where every NaN input was canonical; the reference
    # result being canonical is a proxy for that. Signs of NaN results are free.
    return (want & mag_mask) != canonical or (got & mag_mask) == canonical


def result_ok(name: str, got: int, want: int) -> bool:
    op = opcodes.BY_NAME[name]
    res = op.results[0].name if op.results else "v128"
    exact = name in BITWISE
    if res in ("f32", "f64"):
        return _nan_ok(got, want, 32 if res == "f32" else 64, exact)
    shape, _, rest = name.partition(".")
    if res == "v128" and shape in ("f32x4", "f64x2") and rest not in _FLOAT_CMP:
        width = 32 if shape == "f32x4" else 64
        mask = (1 << width) - 1
        return all(
            _nan_ok((got >> s) & mask, (want >> s) & mask, width, exact)
            for s in range(0, 128, width)
        )
    return got == want


def load_vectors() -> list[tuple[str, object, list[int], int | str]]:
    out = []
    for name, imm, args, want in json.loads(VECTORS.read_text()):
        out.append(
            (
                name,
                imm,
                [int(a, 16) for a in args],
                want if want.startswith("trap:") else int(want, 16),
            )
        )
    return out


def check(name: str, imm: object, args: list[int], want: int | str) -> str | None:
    """None if the function gives `want`, else a description of the mismatch."""
    try:
        got: object = call(name, imm, args)
    except Trap as e:
        got = "trap:" + e.message
    if isinstance(want, str) or isinstance(got, str):
        ok = got == want
    else:
        ok = result_ok(name, got, want)  # type: ignore[arg-type]
    if ok:
        return None
    shown = hex(got) if isinstance(got, int) else got
    shown_want = hex(want) if isinstance(want, int) else want
    return f"{name} {imm} {[hex(a) for a in args]}: got {shown}, want {shown_want}"


# ---- vectors from the spec testsuite ----------------------------------------------------

SPEC_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "spec-testsuite"
_DIRECT_IMMS = frozenset(("none", "lane", "shuffle"))


def _single_instruction(module: object, func_index: int) -> tuple[str, object] | None:
    """(name, immediate) when function `func_index` applies one instruction to its params."""
    funcs = module.funcs  # type: ignore[attr-defined]
    local = func_index - len([i for i in module.imports if i.kind.name == "func"])  # type: ignore[attr-defined]
    if not 0 <= local < len(funcs):
        return None
    func = funcs[local]
    params = module.types[func.type_index].params  # type: ignore[attr-defined]
    body = func.body
    if func.locals or len(body) != len(params) + 2:
        return None
    for i, ins in enumerate(body[: len(params)]):
        if ins.op.name != "local.get" or ins.imm != i:
            return None
    ins = body[len(params)]
    if ins.op.params is None or len(ins.op.params) != len(params):
        return None
    if ins.op.imm in _DIRECT_IMMS or ins.op.name.startswith("v128.load"):
        return ins.op.name, ins.imm
    return None


def _memory_image(module: object) -> bytes:
    """The initial memory of a module with constant-offset active data segments."""
    memories = module.memories  # type: ignore[attr-defined]
    if not memories:
        return b""
    image = bytearray(memories[0].type.limits.min * 65536)
    for data in module.datas:  # type: ignore[attr-defined]
        if data.offset and data.offset[0].op.name == "i32.const":
            start = data.offset[0].imm
            image[start : start + len(data.init)] = data.init
    return bytes(image)


def _memory_operands(
    name: str, imm: object, args: list[int], image: bytes
) -> tuple[object, list[int]] | None:
    """Turn (address[, v128]) into the raw memory int the shaping helper takes, or None
    when the access is out of bounds (a trap: the engine's business, not the helper's)."""
    op = opcodes.BY_NAME[name]
    ea = args[0] + imm[1]  # type: ignore[index]
    size = 1 << op.align  # type: ignore[operator]
    if ea + size > len(image):
        return None
    raw = int.from_bytes(image[ea : ea + size], "little")
    if op.imm == "memarg_lane":
        return imm[2], [raw, args[1]]  # type: ignore[index]
    return None, [raw]


def _raw(value: object) -> int:
    data = getattr(value, "data", None)
    return int.from_bytes(data, "little") if data is not None else value.bits  # type: ignore[attr-defined]


def spec_vectors(filename: str) -> list[tuple[str, object, list[int], object, int]]:
    """(instruction, immediate, raw args, expected, line) for the single-instruction invokes
    of a spec test file; expected is a list of `script` Expected values or "trap:<msg>"."""
    from wasmlite.text import parse_script
    from wasmlite.text.script import AssertReturn, AssertTrap, Invoke, ModuleCommand

    path = SPEC_DIR / filename
    out: list[tuple[str, object, list[int], object, int]] = []
    current: dict[str, tuple[str, object]] = {}
    named: dict[str, dict[str, tuple[str, object]]] = {}
    images: dict[int, bytes] = {}
    for cmd in parse_script(path.read_text(), str(path)):
        if isinstance(cmd, ModuleCommand):
            current = {}
            if cmd.module is not None:
                images[id(current)] = _memory_image(cmd.module)
                for e in cmd.module.exports:
                    if e.kind.name == "func":
                        found = _single_instruction(cmd.module, e.index)
                        if found:
                            current[e.name] = found
            if cmd.name:
                named[cmd.name] = current
            continue
        if isinstance(cmd, AssertReturn | AssertTrap):
            action = cmd.action if isinstance(cmd, AssertReturn) else cmd.action_or_module
            if not isinstance(action, Invoke):
                continue
            table = named.get(action.module_name, {}) if action.module_name else current
            if action.field not in table:
                images.pop(id(table), None)  # it may have written memory: stop reading it
                continue
            name, imm = table[action.field]
            want = cmd.expected if isinstance(cmd, AssertReturn) else "trap:" + cmd.message
            args = [_raw(a) for a in action.args]
            if opcodes.BY_NAME[name].is_memory_access:
                if id(table) not in images:
                    continue
                shaped = _memory_operands(name, imm, args, images[id(table)])
                if shaped is None:
                    continue
                imm, args = shaped
            out.append((name, imm, args, want, cmd.line))
    return out


def check_spec(name: str, imm: object, args: list[int], want: object) -> str | None:
    from wasmlite.text.script import Const, V128Const, matches

    try:
        got = call(name, imm, args)
    except Trap as e:
        got = "trap:" + e.message
    if isinstance(want, str) or isinstance(got, str):
        ok = isinstance(got, str) and isinstance(want, str) and want.startswith(got)
    else:
        res = opcodes.BY_NAME[name].results[0]
        actual = V128Const(got.to_bytes(16, "little")) if res.name == "v128" else Const(res, got)  # type: ignore[union-attr]
        ok = len(want) == 1 and matches(want[0], actual)  # type: ignore[arg-type]
    if ok:
        return None
    shown = hex(got) if isinstance(got, int) else got
    return f"{name} {imm} {[hex(a) for a in args]}: got {shown}, want {want}"
