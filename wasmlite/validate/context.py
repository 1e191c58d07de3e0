"""The validation context: what a module declares, as the instruction checks need it."""

from __future__ import annotations

from ..errors import ValidationError
from ..model import FuncType, GlobalType, TableType, ValType
from ..records import Record


class Context(Record):
    """The spec's context C, minus the per-function parts (locals, labels, return).
    (Not a dataclass: see records.py.)"""

    _fields = ("types", "funcs", "tables", "num_memories", "globals", "elems", "num_datas", "refs")

    def __init__(
        self,
        types: list[FuncType],
        funcs: list[FuncType],  # the function index space, by type
        tables: list[TableType],
        num_memories: int,
        globals: list[GlobalType],
        elems: list[ValType],  # reference type of each element segment
        num_datas: int,
        refs: set[int] | None = None,  # functions declared for `ref.func`
    ):
        self.types = types
        self.funcs = funcs
        self.tables = tables
        self.num_memories = num_memories
        self.globals = globals
        self.elems = elems
        self.num_datas = num_datas
        self.refs: set[int] = set() if refs is None else refs


def fail(message: str, offset: int | None = None) -> ValidationError:
    """The error to raise; a function so that callers write `raise fail(...)`."""
    return ValidationError(message, offset=offset)
