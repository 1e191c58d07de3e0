"""The validation context: what a module declares, as the instruction checks need it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ValidationError
from ..model import FuncType, GlobalType, TableType, ValType


@dataclass
class Context:
    """The spec's context C, minus the per-function parts (locals, labels, return)."""

    types: list[FuncType]
    funcs: list[FuncType]  # the function index space, by type
    tables: list[TableType]
    num_memories: int
    globals: list[GlobalType]
    elems: list[ValType]  # reference type of each element segment
    num_datas: int
    refs: set[int] = field(default_factory=set)  # functions declared for `ref.func`


def fail(message: str, offset: int | None = None) -> ValidationError:
    """The error to raise; a function so that callers write `raise fail(...)`."""
    return ValidationError(message, offset=offset)
