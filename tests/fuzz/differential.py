"""Differential targets: wasmlite against wasmtime-py, for accept/reject and parse results.

Not part of the contract (only crashes are), but disagreements point at conformance bugs;
`run_long.py --target binary-diff|text-diff` reports them grouped like crashes. wasmtime
implements proposals beyond Wasm 2.0 and its text parser is lenient in places, so known
benign differences are filtered out in `BENIGN`.
"""

from __future__ import annotations

from wasmlite.binary import decode_module
from wasmlite.errors import WasmError
from wasmlite.model import Instr, Module
from wasmlite.text import parse_module
from wasmlite.validate import validate_module

from .targets import ContractViolation

# Post-2.0 proposals wasmtime enables by default; off so that both sides speak Wasm 2.0.
_PROPOSALS_OFF = (
    "wasm_gc wasm_function_references wasm_exceptions wasm_memory64 wasm_multi_memory "
    "wasm_tail_call wasm_threads wasm_relaxed_simd wasm_wide_arithmetic "
    "wasm_custom_page_sizes wasm_stack_switching"
).split()
# Differences that are wasmtime's, not ours (checked by hand against the spec):
BENIGN = (
    "integer representation too long",  # wasmtime reads limits as u64 LEBs (memory64 code)
    "constant expression required",  # wasmtime always has extended-const
    "malformed import kind",  # kind 0x7f: wasmparser's post-2.0 compact import encoding
)

_engine = None


def _wasmtime():  # type: ignore[no-untyped-def]
    global _engine
    import wasmtime

    if _engine is None:
        config = wasmtime.Config()
        for name in _PROPOSALS_OFF:
            # The options are write-only properties: hasattr() would say False.
            try:
                setattr(config, name, False)
            except AttributeError:
                pass  # an older wasmtime without this proposal
        _engine = wasmtime.Engine(config)
    return wasmtime, _engine


def diff_binary(data: bytes) -> object:
    """wasmlite's decode+validate and wasmtime's validate must agree on validity."""
    wasmtime, engine = _wasmtime()
    try:
        validate_module(decode_module(data))
        ours = None
    except WasmError as e:
        ours = e.message
    try:
        wasmtime.Module.validate(engine, data)
        theirs = None
    except Exception as e:  # noqa: BLE001 - wasmtime raises its own error types
        theirs = str(e).split("\n")[0]
    if (ours is None) != (theirs is None) and not any(b in (ours or "") for b in BENIGN):
        side = f"we reject: {ours}" if ours else f"wasmtime rejects: {theirs[:60]}"
        raise ContractViolation(side)
    return True if ours is None else None


def diff_text(src: str) -> object:
    """Where both parse a text module, they must parse it to the same module."""
    wasmtime, _ = _wasmtime()
    try:
        ours = parse_module(src)
    except WasmError:
        return None
    try:
        theirs = decode_module(wasmtime.wat2wasm(src))
    except Exception:  # noqa: BLE001 - wasmtime's text parser is stricter in places
        return None
    if _normalized(ours) != _normalized(theirs):
        raise ContractViolation("parsed differently from wasmtime")
    return ours


def _normalized(m: Module) -> Module:
    """Drop what legitimately differs: names, and short block types given by type index."""
    m.customs = []
    m.names = None
    for f in m.funcs:
        for k, ins in enumerate(f.body):
            if ins.op.name in ("block", "loop", "if") and isinstance(ins.imm, int):
                t = m.types[ins.imm] if ins.imm < len(m.types) else None
                if t is not None and not t.params and len(t.results) <= 1:
                    f.body[k] = Instr(ins.op, t.results[0] if t.results else None)
    return m
