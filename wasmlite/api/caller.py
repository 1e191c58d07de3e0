"""`Caller`: what a host function defined with `access_caller=True` receives first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import WasmError
from ..model import FuncType
from ..runtime.instance import Instance as RuntimeInstance
from ..runtime.objects import HostFunc


class Caller:
    """The instance that imported a host function, seen from inside the call.

    `caller.get("memory")` / `caller["memory"]` return its exports (None / KeyError when
    absent). A Caller may be passed wherever a store is expected (`memory.read(caller,
    ...)`), as in wasmtime-py. `caller.store` is the store, when known.

    The instance is the one that imported the function: with a `Linker`, each
    instantiation gets its own binding; a `Func(..., access_caller=True)` object imported
    by several instances sees the most recently instantiated one, from its start function on.
    """

    __slots__ = ("_instance", "store")

    def __init__(self, store: Any = None) -> None:
        self._instance: RuntimeInstance | None = None
        self.store = store

    def get(self, name: str) -> Any:
        """The caller's export `name` (a Func, Memory, Table or Global), or None."""
        if self._instance is None:
            raise WasmError("the calling instance is not available yet")
        item = self._instance.exports.get(name)
        if item is None:
            return None
        from .externs import wrap_extern

        return wrap_extern(item)

    def __getitem__(self, name: str) -> Any:
        item = self.get(name)
        if item is None:
            raise KeyError(name)
        return item

    def __repr__(self) -> str:
        name = self._instance.name if self._instance is not None else None
        return f"<wasmlite.Caller {name or '?'}>"


def bind_callers(instance: RuntimeInstance) -> None:
    """Tell the Callers of the host functions `instance` imports who their caller is."""
    for func in instance.funcs[: instance.module.num_imported_funcs]:
        caller = getattr(func, "api_caller", None)
        if isinstance(caller, Caller):
            caller._instance = instance


def make_caller_host_func(
    ftype: FuncType, fn: Callable[..., Any], name: str | None = None, store: Any = None
) -> HostFunc:
    """A host function passing a fresh `Caller` to `fn` before the wasm arguments."""
    from .externs import make_host_func

    caller = Caller(store)

    def with_caller(*args: Any) -> Any:
        return fn(caller, *args)

    func = make_host_func(ftype, with_caller, name or getattr(fn, "__name__", None))
    func.api_caller = caller  # type: ignore[attr-defined]
    return func
