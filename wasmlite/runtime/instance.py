"""A module instance: the index spaces a running module sees, and its exports."""

from __future__ import annotations

from typing import Any

from ..model import ExternKind, Module
from .memory import MemoryInstance
from .objects import FuncInstance, GlobalInstance, RawValue, TableInstance

Extern = FuncInstance | TableInstance | MemoryInstance | GlobalInstance
"""What an import is satisfied with, and what an export is."""

EXTERN_CLASSES: dict[ExternKind, type] = {
    ExternKind.func: FuncInstance,
    ExternKind.table: TableInstance,
    ExternKind.memory: MemoryInstance,
    ExternKind.glob: GlobalInstance,
}


class Instance:
    """An instantiated module.

    Index spaces (imports first, then definitions, as in the module): `funcs`, `tables`,
    `memories`, `globals`. `elems[i]` is element segment i's references (empty once
    dropped), `datas[i]` data segment i's bytes (empty once dropped). `exports` maps each
    export name to the object it names. `engine_data` belongs to the engine that built it.
    """

    def __init__(self, module: Module, store: Any, name: str | None = None):
        self.module = module
        self.store = store
        self.name = (
            name
            if name is not None
            else (module.names.module if module.names else None) or module.id
        )
        self.funcs: list[FuncInstance] = []
        self.tables: list[TableInstance] = []
        self.memories: list[MemoryInstance] = []
        self.globals: list[GlobalInstance] = []
        self.elems: list[list[RawValue]] = []
        self.datas: list[bytes] = []
        self.exports: dict[str, Extern] = {}
        self.engine_data: Any = None

    def func_name(self, index: int) -> str | None:
        """The function's name from the name section, else its export name, else None."""
        name = self.module.func_name(index)
        if name is not None:
            return name
        for e in self.module.exports:
            if e.kind == ExternKind.func and e.index == index:
                return e.name
        return None

    @property
    def memory(self) -> MemoryInstance | None:
        """Memory 0, or None (the one WASI uses is the export `memory`, see `exports`)."""
        return self.memories[0] if self.memories else None

    def __repr__(self) -> str:
        return f"<Instance {self.name or '?'} exports={list(self.exports)}>"
