"""Native mirrors of the shared runtime objects, so native code reads them directly.

A memory, global or table used by an LLVM instance is switched (once, in place, by
changing its class to a subclass) to a variant that keeps a native copy up to date:

* memory: a descriptor {base address, size in bytes}, refreshed by `grow` (which may
  move the memory when no reservation was possible);
* global: a 16-byte cell that *is* the value (`value` becomes a property over it), so
  every engine and the host see the same value;
* table: a descriptor {entries, size} over an array of (canonical type id, function
  pointer, context pointer) per slot, rebuilt when the `elements` list changes (the list
  becomes a `MirroredList`); call_indirect reads it without calling the host.

The subclasses keep the base classes' behaviour otherwise, so other engines and the
embedding API use these objects unchanged. Limitation: a table is mirrored by replacing its
`elements` list; an engine that cached the old list object before an LLVM instance first
used the table (a Python-engine instance linked earlier) keeps writing to the old list.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

from ...model import FuncType, ValType
from ...runtime.memory import MemoryInstance
from ...runtime.objects import FuncInstance, GlobalInstance, TableInstance
from .refs import from_handle, to_handle

_M64 = (1 << 64) - 1
_type_ids: dict[FuncType, int] = {}
_type_ids_lock = threading.Lock()


def type_id(ft: FuncType) -> int:
    """Canonical id of a function type, the same across modules (0 is reserved for null)."""
    tid = _type_ids.get(ft)
    if tid is None:
        with _type_ids_lock:  # two threads must not give two types one id
            tid = _type_ids.get(ft)
            if tid is None:
                tid = _type_ids[ft] = len(_type_ids) + 1
    return tid


def address_of(obj: Any) -> int:
    return ctypes.addressof(obj)


# -- memories ------------------------------------------------------------------------------


class NativeMemory(MemoryInstance):
    native_desc: Any

    def grow(self, delta: int) -> int:
        old = super().grow(delta)
        self._refresh()
        return old

    def _refresh(self) -> None:
        self.native_desc[0] = self.address
        self.native_desc[1] = self.size


def native_memory(mem: MemoryInstance) -> Any:
    """The memory's descriptor (making the memory native first)."""
    if not isinstance(mem, NativeMemory):
        if type(mem) is not MemoryInstance:
            raise TypeError(f"cannot mirror a {type(mem).__name__}")
        mem.native_desc = (ctypes.c_uint64 * 2)()
        mem.__class__ = NativeMemory
        mem._refresh()  # type: ignore[attr-defined]
    return mem.native_desc  # type: ignore[attr-defined]


# -- globals -------------------------------------------------------------------------------


class NativeGlobal(GlobalInstance):
    cell: Any

    @property  # type: ignore[override]
    def value(self) -> Any:
        t = self.type.valtype
        c = self.cell
        if t is ValType.v128:
            return c[0] | (c[1] << 64)
        if t.is_ref:
            return from_handle(c[0])
        if t in (ValType.i32, ValType.f32):
            return c[0] & 0xFFFFFFFF
        return c[0]

    @value.setter
    def value(self, v: Any) -> None:
        t = self.type.valtype
        c = self.cell
        if t is ValType.v128:
            c[0], c[1] = v & _M64, (v >> 64) & _M64
        elif t.is_ref:
            c[0] = to_handle(v)
        else:
            c[0] = v & _M64


def native_global(g: GlobalInstance) -> Any:
    if not isinstance(g, NativeGlobal):
        if type(g) is not GlobalInstance:
            raise TypeError(f"cannot mirror a {type(g).__name__}")
        value = g.__dict__.pop("value")
        g.cell = (ctypes.c_uint64 * 2)()  # type: ignore[attr-defined]
        g.__class__ = NativeGlobal
        g.value = value
    return g.cell  # type: ignore[attr-defined]


# -- tables --------------------------------------------------------------------------------


def table_entry(value: Any) -> tuple[int, int, int]:
    """(type id, function pointer, context pointer) of a table slot's value."""
    if not isinstance(value, FuncInstance):
        return (0, 0, 0)
    cache = getattr(value, "__dict__", None)
    entry = cache.get("_native_entry") if cache is not None else None
    if entry is None:
        native = getattr(value, "native_entry", None)
        if native is not None:
            entry = native()
        else:
            from .trampolines import glue_for

            adapter = glue_for(value.type.params, value.type.results).adapter
            entry = (type_id(value.type), adapter, to_handle(value))
        if cache is not None:
            cache["_native_entry"] = entry
    return entry


class TableMirror:
    def __init__(self) -> None:
        self.desc = (ctypes.c_uint64 * 2)()
        self.entries: Any = (ctypes.c_uint64 * 3)()
        self.capacity = 1

    def rebuild(self, elements: list[Any]) -> None:
        n = len(elements)
        if n > self.capacity:
            self.capacity = max(n, 2 * self.capacity)
            self.entries = (ctypes.c_uint64 * (3 * self.capacity))()
            self.desc[0] = ctypes.addressof(self.entries)
        flat: list[int] = []
        for v in elements:
            flat.extend(table_entry(v))
        self.entries[: 3 * n] = flat
        self.desc[0] = ctypes.addressof(self.entries)
        self.desc[1] = n

    def set(self, i: int, value: Any) -> None:
        self.entries[3 * i : 3 * i + 3] = table_entry(value)


class MirroredList(list):  # type: ignore[type-arg]
    """A table's element list that keeps the table's native mirror in step."""

    mirror: TableMirror

    def __setitem__(self, i: Any, v: Any) -> None:
        super().__setitem__(i, v)
        if isinstance(i, int):
            self.mirror.set(i if i >= 0 else len(self) + i, v)
        else:
            self.mirror.rebuild(self)

    def _changed(self) -> None:
        self.mirror.rebuild(self)


def _mutator(name: str) -> Any:
    base = getattr(list, name)

    def method(self: MirroredList, *args: Any) -> Any:
        r = base(self, *args)
        self._changed()
        return r

    method.__name__ = name
    return method


for _name in (
    "__delitem__",
    "__iadd__",
    "append",
    "extend",
    "insert",
    "pop",
    "remove",
    "clear",
    "sort",
    "reverse",
):
    setattr(MirroredList, _name, _mutator(_name))


def native_table(table: TableInstance) -> Any:
    """The table's descriptor (mirroring the table first)."""
    elements = table.elements
    if not isinstance(elements, MirroredList):
        mirrored = MirroredList(elements)
        mirrored.mirror = TableMirror()
        mirrored.mirror.rebuild(mirrored)
        table.elements = mirrored
        elements = mirrored
    return elements.mirror.desc
