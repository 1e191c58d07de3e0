"""Import WebAssembly modules like Python ones: `import wasmlite.loader`, then `import foo`
finds `foo.wasm` or `foo.wat` on `sys.path` (after any Python module of that name).

Each import of the wasm module is resolved from the Python module of the same name
(`(import "env" "log" ...)` takes `env.log`, importing `env` first): a Python callable
becomes a host function of the import's type, a `Func`/`Memory`/`Table`/`Global` is used as
it is, and another wasm module loaded this way provides its exports. Imports from
`wasi_snapshot_preview1` get WASI with this process's argv and stdio (no environment, no
directories).

The loaded module's attributes are its exports: functions as plain callables taking and
returning Python values, memories, tables and globals as the API's objects (whose methods
take the store `__wasm_store__`). All modules loaded this way share one store, on the
default engine (set `WASMLITE_ENGINE=python` or `llvm` to choose it).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from .api import Config, Engine, Func, Linker, Module, Store, WasiConfig
from .api.externs import make_host_func, unwrap_extern
from .errors import LinkError
from .model import ExternKind
from .wasi import MODULE as WASI_MODULE

EXTENSIONS = (".wasm", ".wat")

_shared: dict[str, Any] = {}


def shared_store() -> Store:
    """The store every loader-imported module lives in (made on first use)."""
    if "store" not in _shared:
        engine = Engine(Config(engine=os.environ.get("WASMLITE_ENGINE") or None))
        store = Store(engine)
        store.set_wasi(
            WasiConfig().inherit_argv().inherit_stdin().inherit_stdout().inherit_stderr()
        )
        _shared["store"] = store
    return _shared["store"]


class WasmFinder(importlib.abc.MetaPathFinder):
    """Finds `name.wasm` / `name.wat` on the search path (sys.path, or a package's path)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        leaf = fullname.rpartition(".")[2]
        for entry in path if path is not None else sys.path:
            for ext in EXTENSIONS:
                candidate = os.path.join(entry or ".", leaf + ext)
                if os.path.isfile(candidate):
                    return importlib.util.spec_from_file_location(
                        fullname, candidate, loader=WasmLoader(candidate)
                    )
        return None


class WasmLoader(importlib.abc.Loader):
    """Compiles, links and instantiates one wasm file as a Python module."""

    def __init__(self, path: str):
        self.path = path

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        store = shared_store()
        wasm = Module.from_file(store.engine, self.path)
        linker = Linker(store.engine)
        linker.define_wasi()
        for imp in wasm.model.imports:
            if imp.module != WASI_MODULE:
                linker.allow_shadowing = True
                linker.define(store, imp.module, imp.name, _resolve(wasm, imp))
        instance = linker.instantiate(store, wasm)
        module.__dict__["__wasm_store__"] = store
        module.__dict__["__wasm_instance__"] = instance
        for name, item in instance.exports(store).items():
            module.__dict__[name] = _bind(item, store, name)


def _resolve(wasm: Module, imp: Any) -> Any:
    source = importlib.import_module(imp.module)
    try:
        value = getattr(source, imp.name)
    except AttributeError:
        raise LinkError(
            f"unknown import: `{imp.module}::{imp.name}` has not been defined "
            f"(module {imp.module!r} has no attribute {imp.name!r})"
        ) from None
    wasm_func = getattr(value, "__wasm_func__", None)
    if wasm_func is not None:
        return wasm_func
    if imp.kind == ExternKind.func and not isinstance(value, Func) and callable(value):
        return make_host_func(wasm.model.types[imp.desc], value, imp.name)
    return unwrap_extern(value)


def _bind(item: Any, store: Store, name: str) -> Any:
    if not isinstance(item, Func):
        return item

    def call(*args: Any) -> Any:
        return item(store, *args)

    call.__wasm_func__ = item  # type: ignore[attr-defined]  (lets other wasm modules import it)
    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"wasm function {item.type()}"
    return call


def install() -> None:
    """Add the finder to `sys.meta_path` (done on import of this module; idempotent)."""
    if not any(isinstance(f, WasmFinder) for f in sys.meta_path):
        sys.meta_path.append(WasmFinder())


install()
