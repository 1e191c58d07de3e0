"""The things instances import and export: `Func`, `Memory`, `Table`, `Global`.

Each wraps a runtime object (`wasmlite.runtime`) and takes the store as its first argument,
as in wasmtime-py. Values are Python values (see `wasmlite.api.convert`).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import WasmError
from ..model import FuncType, GlobalType, MemoryType, TableType
from ..runtime.memory import PAGE_SIZE, MemoryInstance
from ..runtime.objects import FuncInstance, GlobalInstance, HostFunc, TableInstance
from .convert import call_method, from_raw, host_adapter_factory, host_call_factory, to_raw
from .types import functype_of_callable

if TYPE_CHECKING:
    from .store import Store


class Func:
    """A function: exported by an instance, or made from a Python callable.

    `Func(store, ty, fn, access_caller=False)` wraps `fn` as a host function of type `ty`
    (a FuncType, or None to read the type from `fn`'s annotations, see
    `wasmlite.api.types`). `fn` receives and returns Python values; exceptions it raises
    propagate out of the wasm call unchanged. With `access_caller`, `fn` gets a `Caller`
    (the importing instance's exports) before the wasm arguments.

    `func(store, *args)` calls it: ints (taken modulo 2**width), floats, None/objects for
    references; returns None, one value, or a list for several results. Integer results
    are signed, as in wasmtime-py.

    Every `Func` is an instance of a subclass made once per signature, whose `__call__`
    is generated code converting exactly that signature's values.
    """

    __slots__ = ("_func", "_raw_call")

    def __new__(
        cls,
        store: Store | None,
        ty: FuncType | None,
        fn: Callable[..., Any],
        access_caller: bool = False,
    ) -> Func:
        ftype = ty if ty is not None else functype_of_callable(fn, skip_first=access_caller)
        if access_caller:
            from .caller import make_caller_host_func

            return cls._wrap(make_caller_host_func(ftype, fn, store=store))
        return cls._wrap(make_host_func(ftype, fn))

    def __init__(
        self,
        store: Store | None,
        ty: FuncType | None,
        fn: Callable[..., Any],
        access_caller: bool = False,
    ):
        pass  # all done in __new__

    @classmethod
    def _wrap(cls, func: FuncInstance) -> Func:
        self = object.__new__(_func_class(func.type))
        self._func = func
        self._raw_call = func.call
        return self

    def __call__(self, store: Any, *args: Any) -> Any:  # replaced per signature
        raise NotImplementedError

    def type(self, store: Any = None) -> FuncType:
        """The function's FuncType."""
        return self._func.type

    @property
    def param_arity(self) -> int:
        """How many parameters the function takes."""
        return len(self._func.type.params)

    @property
    def result_arity(self) -> int:
        """How many results the function returns."""
        return len(self._func.type.results)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Func) and other._func is self._func

    def __hash__(self) -> int:
        return id(self._func)

    def __repr__(self) -> str:
        return f"<wasmlite.Func {getattr(self._func, 'name', None) or '?'} {self._func.type}>"


@lru_cache(maxsize=1024)
def _func_class(ftype: FuncType) -> type[Func]:
    return type("Func", (Func,), {"__slots__": (), "__call__": call_method(ftype)})


def make_host_func(ftype: FuncType, fn: Callable[..., Any], name: str | None = None) -> HostFunc:
    """A runtime HostFunc calling `fn` with Python values (converters compiled once)."""
    if not callable(fn):
        raise TypeError(f"host function must be callable, got {type(fn).__name__}")
    func = HostFunc(ftype, host_adapter_factory(ftype)(fn), name or getattr(fn, "__name__", None))
    # Engines call `func.call(raw_args)`: answer that with one generated function.
    func.call = host_call_factory(ftype)(fn)  # type: ignore[method-assign]
    return func


class Memory:
    """A linear memory. `Memory(store, MemoryType)` makes a new one.

    Zero-copy access: `buffer(store)` / `view()` return a memoryview of the current size,
    `data_ptr(store)` a ctypes pointer. A memory reserves address space for its whole
    maximum up front, so its base address does not move when it grows: views and pointers
    taken earlier stay valid (a view still covers the old size; take a new one to reach the
    new pages). Only on a host that refuses such reservations (strict overcommit, see
    `wasmlite.runtime.memory`) can a grow move the memory; views and pointers taken before
    that grow then point at released memory, so on such hosts take them afresh after every
    call that may grow memory.
    """

    __slots__ = ("_mem",)

    def __init__(self, store: Store, ty: MemoryType):
        self._mem = MemoryInstance(ty, store.engine.config.max_memory_pages)

    @classmethod
    def _wrap(cls, mem: MemoryInstance) -> Memory:
        self = cls.__new__(cls)
        self._mem = mem
        return self

    def type(self, store: Any = None) -> MemoryType:
        """The memory's type (its declared limits)."""
        return self._mem.type

    def size(self, store: Any = None) -> int:
        """Current size in 64 KiB pages."""
        return self._mem.pages

    def data_len(self, store: Any = None) -> int:
        """Current size in bytes."""
        return self._mem.size

    def grow(self, store: Any, delta: int) -> int:
        """Grow by `delta` pages; return the old size in pages. Raises WasmError on failure."""
        old = self._mem.grow(delta)
        if old < 0:
            raise WasmError(f"failed to grow memory by {delta} pages (limit {self._mem.max_pages})")
        return old

    def data_ptr(self, store: Any = None) -> ctypes.POINTER(ctypes.c_ubyte):  # type: ignore[valid-type]
        """A ctypes pointer to byte 0 (valid while the memory lives; see the class notes)."""
        return ctypes.cast(self._mem.address, ctypes.POINTER(ctypes.c_ubyte))

    def buffer(self, store: Any = None) -> memoryview:
        """A writable zero-copy memoryview of the whole current memory."""
        return self._mem.view()

    def view(self) -> memoryview:
        """Same as `buffer()`."""
        return self._mem.view()

    def read(self, store: Any, start: int = 0, stop: int | None = None) -> bytearray:
        """A copy of bytes [start, stop) (negative indices count from the end)."""
        size = self._mem.size
        start, stop, _ = slice(start, stop).indices(size)
        if stop < start:
            return bytearray()
        return bytearray(self._mem.read(start, stop - start))

    def write(self, store: Any, value: bytes | bytearray | memoryview, start: int = 0) -> int:
        """Copy `value` into memory at `start`; return the number of bytes written.

        Raises `Trap("out of bounds memory access")` if it does not fit.
        """
        if start < 0:
            start += self._mem.size
        self._mem.write(start, value)
        return len(value)

    def __repr__(self) -> str:
        return f"<wasmlite.Memory {self._mem.pages} pages ({self._mem.pages * PAGE_SIZE} bytes)>"


class Table:
    """A table of references. `Table(store, TableType, init)` makes a new one filled with `init`."""

    __slots__ = ("_table",)

    def __init__(self, store: Store, ty: TableType, init: Any = None):
        self._table = TableInstance(
            ty, to_raw(ty.elem, init), store.engine.config.max_table_elements
        )

    @classmethod
    def _wrap(cls, table: TableInstance) -> Table:
        self = cls.__new__(cls)
        self._table = table
        return self

    def type(self, store: Any = None) -> TableType:
        """The table's type (element type and declared limits)."""
        return self._table.type

    def size(self, store: Any = None) -> int:
        """The current number of elements."""
        return self._table.size

    def get(self, store: Any, index: int) -> Any:
        """The element at `index` (a Func, None, or an externref's object)."""
        return from_raw(self._table.type.elem, self._table.get(index))

    def set(self, store: Any, index: int, value: Any) -> None:
        """Set the element at `index` (a Func or None; any object for externref)."""
        self._table.set(index, to_raw(self._table.type.elem, value))

    def grow(self, store: Any, delta: int, init: Any = None) -> int:
        """Grow by `delta` elements set to `init`; return the old size. WasmError on failure."""
        old = self._table.grow(delta, to_raw(self._table.type.elem, init))
        if old < 0:
            raise WasmError(f"failed to grow table by {delta} elements")
        return old

    def __repr__(self) -> str:
        return f"<wasmlite.Table {self._table.type.elem.name} size={self._table.size}>"


class Global:
    """A global variable. `Global(store, GlobalType, value)` makes a new one."""

    __slots__ = ("_global",)

    def __init__(self, store: Store, ty: GlobalType, value: Any):
        self._global = GlobalInstance(ty, to_raw(ty.valtype, value))

    @classmethod
    def _wrap(cls, glob: GlobalInstance) -> Global:
        self = cls.__new__(cls)
        self._global = glob
        return self

    def type(self, store: Any = None) -> GlobalType:
        """The global's type (value type and mutability)."""
        return self._global.type

    def value(self, store: Any = None) -> Any:
        """The current value, as a Python value."""
        return from_raw(self._global.type.valtype, self._global.value)

    def set_value(self, store: Any, value: Any) -> None:
        """Set a mutable global (WasmError for an immutable one)."""
        if not self._global.type.mutable:
            raise WasmError("cannot set an immutable global")
        self._global.value = to_raw(self._global.type.valtype, value)

    def __repr__(self) -> str:
        t = self._global.type
        return f"<wasmlite.Global {'mut ' if t.mutable else ''}{t.valtype.name}>"


Extern = Func | Memory | Table | Global

_WRAPPERS: dict[type, Callable[[Any], Extern]] = {
    MemoryInstance: Memory._wrap,
    TableInstance: Table._wrap,
    GlobalInstance: Global._wrap,
}


def wrap_extern(obj: Any) -> Extern:
    """The API object for a runtime extern."""
    if isinstance(obj, FuncInstance):
        return Func._wrap(obj)
    for cls, wrap in _WRAPPERS.items():
        if isinstance(obj, cls):
            return wrap(obj)
    raise TypeError(f"not an extern: {obj!r}")


def unwrap_extern(item: Any) -> Any:
    """The runtime extern behind an API object (runtime objects pass through)."""
    if isinstance(item, Func):
        return item._func
    if isinstance(item, Memory):
        return item._mem
    if isinstance(item, Table):
        return item._table
    if isinstance(item, Global):
        return item._global
    if isinstance(item, (FuncInstance, MemoryInstance, TableInstance, GlobalInstance)):
        return item
    raise TypeError(
        f"cannot use {type(item).__name__} as an import (Func, Memory, Table or Global)"
    )


__all__ = [
    "Extern",
    "Func",
    "Global",
    "Memory",
    "Table",
    "make_host_func",
    "unwrap_extern",
    "wrap_extern",
]
