"""`Linker`: resolve a module's imports by name, then instantiate it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import LinkError, WasmError
from ..model import ExternKind, FuncType
from ..records import FrozenRecord
from ..runtime.instance import Instance as RuntimeInstance
from ..runtime.memory import MemoryInstance
from ..wasi import MODULE as WASI_MODULE
from .caller import bind_callers, make_caller_host_func
from .engine import Engine
from .externs import Extern, Func, make_host_func, unwrap_extern, wrap_extern
from .instance import Instance
from .module import Module, check_engine
from .store import Store
from .types import functype_of_callable
from .wasi import WasiConfig


class Linker:
    """Names for imports: `Linker(engine)`, then `define*`, then `instantiate(store, module)`.

    Host functions defined with `define_func` belong to no store and serve every store;
    items passed to `define` / `define_instance` belong to the store they were made in.
    Defining a name twice is a LinkError unless `allow_shadowing` is set.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self.allow_shadowing = False
        self._items: dict[tuple[str, str], Any] = {}  # runtime externs
        self._wasi: WasiConfig | None = None
        self._wasi_defined = False

    # -- definitions -----------------------------------------------------------------------

    def _put(self, module: str, name: str, item: Any) -> None:
        key = (module, name)
        if key in self._items and not self.allow_shadowing:
            raise LinkError(f"import of `{module}::{name}` defined twice")
        self._items[key] = item

    def define(self, store: Store | None, module: str, name: str, item: Extern) -> None:
        """Define `module::name` as `item` (a Func, Memory, Table or Global)."""
        self._put(module, name, unwrap_extern(item))

    def define_func(
        self,
        module: str,
        name: str,
        ty: FuncType | None,
        fn: Callable[..., Any],
        access_caller: bool = False,
    ) -> None:
        """Define `module::name` as the Python callable `fn`, of type `ty` (a FuncType) or,
        when `ty` is None, of the type `fn`'s annotations describe (`wasmlite.api.types`).

        With `access_caller`, `fn(caller, *args)` gets a `Caller` first: the exports of
        the instance that imported it (each instantiation gets its own)."""
        ftype = ty if ty is not None else functype_of_callable(fn, skip_first=access_caller)
        if access_caller:
            self._put(module, name, _CallerDef(ftype, fn, name))
        else:
            self._put(module, name, make_host_func(ftype, fn, name))

    def func(
        self, module: str, name: str | None = None, access_caller: bool = False
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator form of `define_func` typed by annotations: `@linker.func("env")`."""

        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.define_func(module, name or fn.__name__, None, fn, access_caller)
            return fn

        return decorate

    def define_wasi(self, config: WasiConfig | None = None) -> None:
        """Define every `wasi_snapshot_preview1` function.

        Each store gets its own WASI context, from `Store.set_wasi(config)` if called, else
        from `config` here, else a default WasiConfig (no args, env, files; output dropped).
        """
        self._wasi = config
        self._wasi_defined = True

    def define_instance(self, store: Store | None, name: str, instance: Instance) -> None:
        """Define every export of `instance` under the module name `name`."""
        for export, item in instance.runtime.exports.items():
            self._put(name, export, item)

    def define_module(self, store: Store, name: str, module: Module) -> Instance:
        """Instantiate `module` with this linker and define its exports under `name`."""
        instance = self.instantiate(store, module)
        self.define_instance(store, name, instance)
        return instance

    # -- lookups ---------------------------------------------------------------------------

    def get(self, store: Store, module: str, name: str) -> Extern:
        """The item defined as `module::name` (LinkError if there is none)."""
        return wrap_extern(self._resolve(store, module, name))

    def get_default(self, store: Store, module: str) -> Func:
        """The "default" function of an instance defined under `module` ("" or `_start`)."""
        for name in ("", "_start"):
            if (module, name) in self._items:
                return Func._wrap(self._resolve(store, module, name))
        raise LinkError(f'no default function (`_start` or "") defined for `{module}`')

    def _resolve(self, store: Store, module: str, name: str) -> Any:
        item = self._items.get((module, name))
        if isinstance(item, _CallerDef):
            return make_caller_host_func(item.type, item.fn, item.name, store)
        if item is not None:
            return item
        if module == WASI_MODULE and self._wasi_defined:
            func = store.wasi_context(self._wasi).import_func(name)
            if func is not None:
                return func
        raise LinkError(f"unknown import: `{module}::{name}` has not been defined")

    # -- instantiation ---------------------------------------------------------------------

    def instantiate(self, store: Store, module: Module) -> Instance:
        """Instantiate `module` in `store` with its imports resolved by name.

        A module that imports WASI and exports its memory as "memory" gets that memory
        bound to the store's WASI context.
        """
        check_engine(module, store.engine)
        if store.engine is not self.engine and store.engine.name != self.engine.name:
            raise WasmError("linker and store belong to different engines")
        imports = [self._resolve(store, i.module, i.name) for i in module.model.imports]
        binds_wasi = self._wasi_defined and _imports_wasi(module)

        def before_start(runtime: RuntimeInstance) -> None:
            # The start function may already call WASI or Caller-taking host functions.
            bind_callers(runtime)
            if binds_wasi:
                memory = runtime.exports.get("memory")
                if isinstance(memory, MemoryInstance):
                    store.wasi_context(self._wasi).bind(memory)

        runtime = module._compiled.instantiate(
            store.runtime, imports, module.name, before_start=before_start
        )
        return Instance._wrap(runtime)


class _CallerDef(FrozenRecord):
    """A host function wanting a Caller: made anew for each instantiation."""

    __slots__ = _fields = ("type", "fn", "name")
    type: FuncType
    fn: Callable[..., Any]
    name: str


def _imports_wasi(module: Module) -> bool:
    return any(i.module == WASI_MODULE and i.kind == ExternKind.func for i in module.model.imports)
