"""What `wasmlite run` does, as one function of the embedding API: `run_command`."""

from __future__ import annotations

import os
import struct
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from ..errors import Interrupted, WasmError
from ..model import ExternKind, FuncType, ValType
from ..runtime.memory import MemoryInstance
from ..runtime.threads import run_with_big_stack
from ..wasi import MODULE as WASI_MODULE
from .engine import Config, Engine
from .externs import Func
from .linker import Linker
from .module import Module
from .store import Store
from .wasi import WasiConfig

MISSING_MEMORY = "missing required memory export"
INVALID_EXIT_STATUS = 126


def run_command(
    path: str,
    args: Sequence[str] = (),
    *,
    engine: str | None = None,
    env: dict[str, str] | None = None,
    preopens: Sequence[tuple[str, str, bool]] = (),
    invoke: str | None = None,
    fuel: int | None = None,
    timeout: float | None = None,
    max_memory: int | None = None,
    trace: TextIO | None = None,
    use_cache: bool = True,
    timing: dict[str, float] | None = None,
) -> int:
    """Run the module at `path` (.wasm, .wat or .cwasm) as `wasmtime run` would.

    A WASI command gets `argv = [basename(path), *args]`, the environment `env`, the
    directories `preopens` ((host, guest, read_only) triples) and the process's stdio; its
    `_start` runs and the exit status is returned (`proc_exit`'s code, else 0). With
    `invoke`, that export is called instead with `args` parsed by its parameter types, and
    its results are printed one per line.

    `fuel` (about one unit per instruction) and `timeout` (seconds) stop a runaway guest
    with an `Interrupted` trap; `max_memory` caps linear memories (bytes); `trace` receives
    one line per WASI call. `timing`, if given, receives compile_s, instantiate_s and
    run_s. Raises LinkError for imports that cannot be resolved, Trap for traps.
    """
    timing = timing if timing is not None else {}
    config = Config(
        engine=engine, cache=use_cache, consume_fuel=fuel is not None, max_memory_size=max_memory
    )
    eng = Engine(config)

    t0 = time.perf_counter()
    module = Module.from_file(eng, path)
    t1 = time.perf_counter()
    timing["compile_s"] = t1 - t0

    store = Store(eng)
    if fuel is not None:
        store.set_fuel(fuel)
    if timeout is not None:
        store.set_deadline(timeout)  # before instantiating, so that the code polls
    wasi = _wasi_config(path, args if invoke is None else [], env, preopens, trace)
    linker = Linker(eng)
    linker.define_wasi(wasi)
    store.set_wasi(wasi)

    def instantiate_and_run() -> int:
        instance = linker.instantiate(store, module)
        _check_wasi_memory(module, instance.runtime.exports.get("memory"))
        t2 = time.perf_counter()
        timing["instantiate_s"] = t2 - t1
        try:
            return _run(instance, invoke, list(args))
        finally:
            timing["run_s"] = time.perf_counter() - t2

    try:
        return run_with_big_stack(lambda: _explain_limits(instantiate_and_run, fuel, timeout))
    except KeyboardInterrupt:
        store.interrupt()
        raise
    finally:
        sys.stdout.flush()
        store.close()


def _wasi_config(
    path: str,
    args: Sequence[str],
    env: dict[str, str] | None,
    preopens: Sequence[tuple[str, str, bool]],
    trace: TextIO | None,
) -> WasiConfig:
    wasi = WasiConfig().inherit_stdin().inherit_stdout().inherit_stderr()
    wasi.argv = [os.path.basename(path), *args]
    wasi.set_env(env or {})
    for host, guest, read_only in preopens:
        wasi.preopen_dir(host, guest, read_only)
    wasi.trace = trace
    return wasi


def _check_wasi_memory(module: Module, memory: Any) -> None:
    uses_wasi = any(
        i.module == WASI_MODULE and i.kind == ExternKind.func for i in module.model.imports
    )
    if uses_wasi and not isinstance(memory, MemoryInstance):
        raise WasmError(f'{MISSING_MEMORY}: a WASI module must export its memory as "memory"')


def _explain_limits(run: Any, fuel: int | None, timeout: float | None) -> int:
    """Name the limit that stopped the guest (the CLI prints the trap message)."""
    try:
        return run()
    except Interrupted as e:
        if e.trap_code == "out_of_fuel" and fuel is not None:
            raise Interrupted(
                f"{e.message}: the guest ran out of its --fuel {fuel}", e.frames
            ) from None
        if e.trap_code == "interrupt" and timeout is not None:
            raise Interrupted(
                f"{e.message}: the guest ran longer than --timeout {timeout:g}s", e.frames
            ) from None
        raise


def _run(instance: Any, invoke: str | None, args: list[str]) -> int:
    from ..errors import ExitTrap

    exports = instance.exports()
    try:
        if invoke is None:
            start = exports.get("_start")
            if isinstance(start, Func):
                start(None)
            return 0
        init = exports.get("_initialize")
        if isinstance(init, Func):
            init(None)
        target = exports.get(invoke)
        if not isinstance(target, Func):
            raise WasmError(f"failed to find a function export named `{invoke}`")
        results = target(None, *parse_args(target.type(), args))
        print_results(target.type(), results)
        return 0
    except ExitTrap as e:
        if not 0 <= e.code < INVALID_EXIT_STATUS:
            # As wasmtime: statuses >= 126 are reserved by shells (126, 127, signals).
            raise WasmError(
                f"exit with invalid exit status outside of [0..{INVALID_EXIT_STATUS})"
            ) from None
        return e.code


# -- --invoke arguments and results -------------------------------------------------------------


def parse_args(ftype: FuncType, args: Sequence[str]) -> list[Any]:
    """Command-line strings as values of `ftype`'s parameter types."""
    if len(args) != len(ftype.params):
        raise WasmError(f"the function takes {len(ftype.params)} argument(s), {len(args)} given")
    return [_parse_one(t, a) for t, a in zip(ftype.params, args)]


def _parse_one(t: ValType, text: str) -> Any:
    try:
        if t in (ValType.i32, ValType.i64, ValType.v128):
            return int(text.replace("_", ""), 0)
        if t in (ValType.f32, ValType.f64):
            return float(text)
    except ValueError:
        raise WasmError(f"invalid {t.name} argument {text!r}") from None
    if t in (ValType.funcref, ValType.externref) and text == "null":
        return None
    raise WasmError(f"cannot pass a {t.name} argument from the command line")


def print_results(ftype: FuncType, results: Any, out: TextIO | None = None) -> None:
    """One result per line, formatted like wasmtime does."""
    out = out if out is not None else sys.stdout
    values = [] if not ftype.results else ([results] if len(ftype.results) == 1 else list(results))
    for t, v in zip(ftype.results, values):
        print(format_value(t, v), file=out)
    out.flush()


def format_value(t: ValType, v: Any) -> str:
    if t is ValType.f32:
        return _format_float(v, _shortest_f32(v))
    if t is ValType.f64:
        return _format_float(v, repr(v))
    if t is ValType.v128:
        return f"0x{v:032x}"
    if v is None:
        return "null"
    return str(v)


def _format_float(v: float, shortest: str) -> str:
    # Rust's `Display` for floats: shortest round-trip digits, never an exponent.
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    from decimal import Decimal  # only --invoke's float results need it

    text = format(Decimal(shortest), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "-0" if text == "0" and str(v).startswith("-") else text


def _shortest_f32(v: float) -> str:
    if v != v or v in (float("inf"), float("-inf")):
        return repr(v)
    bits = struct.pack("<f", v)
    for digits in range(1, 18):
        text = f"{v:.{digits}g}"
        if struct.pack("<f", float(text)) == bits:
            return text
    return repr(v)
