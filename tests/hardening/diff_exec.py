"""Run one module on wasmlite's engines and on wasmtime-py, and compare what they observe.

An `Outcome` records, for each entry point `run0..` called in order, its results or its
trap kind, then the final memory bytes and global values. Floats are compared by bit
pattern, except that any two NaNs agree: the generator (gen_modules.py) only uses
canonical NaN constants, so every NaN is an arithmetic NaN, and which one a conforming
engine produces is unspecified.
"""

from __future__ import annotations

import hashlib
import math
import struct
from dataclasses import dataclass, field
from typing import Any

from wasmlite.binary import encode_module
from wasmlite.errors import Exhaustion, Trap
from wasmlite.model import ExternKind, Module, ValType
from wasmlite.text import parse_module
from wasmlite.validate import validate_module

# Trap kinds by the words each side's message contains (wasmtime's wording differs).
_TRAP_WORDS = (
    ("divide by zero", "div0"),
    ("integer overflow", "overflow"),
    ("invalid conversion", "conversion"),
    ("out of bounds memory", "oob-memory"),
    ("undefined element", "undefined-element"),
    ("uninitialized element", "uninitialized-element"),
    ("indirect call type mismatch", "signature"),
    ("unreachable", "unreachable"),
    ("call stack exhausted", "stack"),
    ("stack overflow", "stack"),
)
_NAN = "nan"


@dataclass
class Outcome:
    calls: list[tuple[str, Any]] = field(default_factory=list)  # ("ok", values) / ("trap", kind)
    memory: str = ""  # sha256 of the final memory
    globals: list[Any] = field(default_factory=list)

    def summary(self) -> str:
        return f"calls={self.calls} memory={self.memory[:12]} globals={self.globals}"


def trap_kind(message: str) -> str:
    low = message.lower()
    for words, kind in _TRAP_WORDS:
        if words in low:
            return kind
    return f"other: {message.splitlines()[0] if message else ''}"


def prepare(src: str) -> tuple[Module, bytes]:
    module = parse_module(src)
    validate_module(module)
    return module, encode_module(module)


def _norm_raw(t: ValType, raw: int) -> Any:
    if t == ValType.f32:
        return _NAN if (raw >> 23) & 0xFF == 0xFF and raw & 0x7FFFFF else ("f32", raw)
    if t == ValType.f64:
        return _NAN if (raw >> 52) & 0x7FF == 0x7FF and raw & ((1 << 52) - 1) else ("f64", raw)
    return raw


def _norm_py(t: str, v: Any) -> Any:
    """A wasmtime-py value in the same form as `_norm_raw`."""
    if t == "f32":
        return _NAN if math.isnan(v) else ("f32", struct.unpack("<I", struct.pack("<f", v))[0])
    if t == "f64":
        return _NAN if math.isnan(v) else ("f64", struct.unpack("<Q", struct.pack("<d", v))[0])
    return v & (0xFFFFFFFF if t == "i32" else (1 << 64) - 1)


def _entries(module: Module) -> list[str]:
    return [e.name for e in module.exports if e.kind == ExternKind.func]


def run_wasmlite(engine_name: str, module: Module, store_kw: dict | None = None) -> Outcome:
    from wasmlite.engines import get_engine
    from wasmlite.runtime import Store

    store = Store(engine_name, **(store_kw or {}))
    inst = get_engine(engine_name).compile(module).instantiate(store, [])
    out = Outcome()
    for name in _entries(module):
        func = inst.exports[name]
        try:
            res = func.call([])
            out.calls.append(("ok", [_norm_raw(t, v) for t, v in zip(func.type.results, res)]))
        except Trap as e:
            out.calls.append(("trap", trap_kind(e.message)))
        except Exhaustion as e:
            out.calls.append(("trap", trap_kind(str(e))))
    mem = inst.exports["mem"]
    out.memory = hashlib.sha256(bytes(mem.view())).hexdigest()
    for e in module.exports:
        if e.kind == ExternKind.glob:
            g = inst.exports[e.name]
            out.globals.append(_norm_raw(g.type.valtype, g.value))
    return out


_wt_engine = None


def run_wasmtime(wasm: bytes, module: Module) -> Outcome:
    import wasmtime

    global _wt_engine
    if _wt_engine is None:
        _wt_engine = wasmtime.Engine()
    store = wasmtime.Store(_wt_engine)
    inst = wasmtime.Instance(store, wasmtime.Module(_wt_engine, wasm), [])
    exports = inst.exports(store)
    out = Outcome()
    for name in _entries(module):
        func = exports[name]
        results = [str(r) for r in func.type(store).results]
        try:
            res = func(store)
            vals = [] if res is None else (list(res) if isinstance(res, (list, tuple)) else [res])
            out.calls.append(("ok", [_norm_py(t, v) for t, v in zip(results, vals)]))
        except wasmtime.Trap as e:
            out.calls.append(("trap", trap_kind(e.message)))
        except wasmtime.WasmtimeError as e:
            out.calls.append(("trap", trap_kind(str(e))))
    mem = exports["mem"]
    out.memory = hashlib.sha256(bytes(mem.read(store, 0, mem.data_len(store)))).hexdigest()
    for e in module.exports:
        if e.kind == ExternKind.glob:
            g = exports[e.name]
            out.globals.append(_norm_py(str(g.type(store).content), g.value(store)))
    return out


def compare(outcomes: dict[str, Outcome]) -> str | None:
    """None when every outcome agrees with the first; else a description of the split."""
    names = list(outcomes)
    ref = outcomes[names[0]]
    for name in names[1:]:
        o = outcomes[name]
        for part in ("calls", "memory", "globals"):
            if getattr(o, part) != getattr(ref, part):
                return (
                    f"{part} differ: {names[0]}: {getattr(ref, part)}\n"
                    f"           {name}: {getattr(o, part)}"
                )
    return None
