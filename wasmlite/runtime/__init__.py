"""The runtime shared by every engine: memories, tables, globals, functions, instances."""

from .memory import PAGE_SIZE, MemoryInstance
from .objects import FuncInstance, GlobalInstance, HostFunc, RawValue, TableInstance

__all__ = ["PAGE_SIZE", "FuncInstance", "GlobalInstance", "HostFunc", "MemoryInstance", "RawValue", "TableInstance"]
