"""The per-instance context block every native function receives as its first argument.

An array of 64-bit words; the fixed header first, then one section per index space, at
offsets fixed by the module (so native code indexes them with constants):

    [0]  pointer to memory 0's descriptor {base address, size in bytes} (shared by every
         instance using that memory, and updated when it grows or moves)
    [1]  poll countdown: decremented at function entries and loop headers; below zero the
         code calls the host, which ticks the store and re-arms it
    [2]  reserved
    [3]  reserved
    types    canonical (process-wide) id of each of the module's types, for call_indirect
    globals  pointer to each global's 16-byte value cell
    imports  (function pointer, context pointer) of each imported function
    tables   pointer to each table's descriptor {entries, size}; an entry is three words:
             canonical type id (0 = null), function pointer, context pointer
"""

from __future__ import annotations

from ...model import Module
from ...records import FrozenRecord

CTX_MEMORY = 0
CTX_COUNTDOWN = 1
HEADER_WORDS = 4


class ContextLayout(FrozenRecord):  # not a dataclass: see records.py
    __slots__ = _fields = ("types", "globals", "imports", "tables", "words")
    types: int
    globals: int
    imports: int
    tables: int
    words: int

    @classmethod
    def of(cls, module: Module) -> ContextLayout:
        types = HEADER_WORDS
        globals_ = types + len(module.types)
        imports = globals_ + len(module.global_types())
        tables = imports + 2 * module.num_imported_funcs
        words = tables + len(module.table_types())
        return cls(types, globals_, imports, tables, words)
