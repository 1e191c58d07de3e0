"""The runtime shared by every engine: memories, tables, globals, functions, instances."""

from .instance import Extern, Instance
from .memory import PAGE_SIZE, MemoryInstance
from .objects import FuncInstance, GlobalInstance, HostFunc, RawValue, TableInstance
from .store import Store

__all__ = [
    "PAGE_SIZE",
    "Extern",
    "FuncInstance",
    "GlobalInstance",
    "HostFunc",
    "Instance",
    "MemoryInstance",
    "RawValue",
    "Store",
    "TableInstance",
]
