"""A Guest-compatible driver for wasmtime-py's WASI, for differential tests.

wasmtime only runs WASI calls from inside wasm, so a generated module imports every
wasi_snapshot_preview1 function (signatures from our witx lowering) and exports a wrapper
for each, plus its memory.
"""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path
from typing import Any

from wasmlite.wasi.witx import load_spec

from .conftest import Guest


def wrapper_wat() -> str:
    imports, funcs = [], []
    for f in load_spec().functions.values():
        params = " ".join(p.valtype for p in f.core_params)
        results = " ".join(f.core_results)
        sig = (f"(param {params})" if params else "") + (f" (result {results})" if results else "")
        imports.append(f'(import "wasi_snapshot_preview1" "{f.name}" (func ${f.name} {sig}))')
        gets = " ".join(f"local.get {i}" for i in range(len(f.core_params)))
        funcs.append(f'(func (export "{f.name}") {sig} {gets} call ${f.name})')
    return (
        "(module\n"
        + "\n".join(imports)
        + '\n(memory (export "memory") 2)\n'
        + "\n".join(funcs)
        + ")"
    )


@cache
def _compiled() -> tuple[Any, Any]:
    """One engine and wrapper module for the whole session (compiling is the slow part)."""
    import wasmtime

    engine = wasmtime.Engine()
    return engine, wasmtime.Module(engine, wrapper_wat())


class _Memory:
    def __init__(self, g: WasmtimeGuest):
        self.g = g

    def _mem(self) -> Any:
        return self.g.instance.exports(self.g.store)["memory"]

    def write(self, addr: int, data: bytes) -> None:
        self._mem().write(self.g.store, bytes(data), addr)

    def read(self, addr: int, n: int) -> bytes:
        return bytes(self._mem().read(self.g.store, addr, addr + n))

    def read_u32(self, addr: int) -> int:
        return struct.unpack("<I", self.read(addr, 4))[0]

    def read_u64(self, addr: int) -> int:
        return struct.unpack("<Q", self.read(addr, 8))[0]

    def pack(self, fmt: struct.Struct, addr: int, *values: Any) -> None:
        self.write(addr, fmt.pack(*values))


class WasmtimeGuest(Guest):
    """The same helpers as Guest, calling wasmtime's implementation. A trap returns "trap"."""

    def __init__(self, preopens: list[tuple[Path, str, bool]]):
        import wasmtime

        engine, module = _compiled()
        self.store = wasmtime.Store(engine)
        config = wasmtime.WasiConfig()
        for host, guest, read_only in preopens:
            config.preopen_dir(str(host), guest, not read_only)
        self.store.set_wasi(config)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        self.instance = linker.instantiate(self.store, module)
        self.mem = _Memory(self)
        self.top = 0x1000

    def call(self, name: str, *args: int) -> Any:
        import wasmtime

        signed = [a - (1 << 64) if a >= 1 << 63 else a for a in args]
        try:
            return self.instance.exports(self.store)[name](self.store, *signed)
        except wasmtime.WasmtimeError:
            return "trap"
