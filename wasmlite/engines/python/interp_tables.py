"""The interpreter's table, element segment and data segment instructions.

Each is a function (function state, operand stack, immediate) -> None, with the same
semantics (and the same support functions) as the compiled code of `codegen.py`; they are
rare, so the interpreter calls them through one operation kind rather than one each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .support import memory_init, table_copy, table_fill, table_init

M32 = 0xFFFFFFFF


def _table_get(fs: Any, st: list[Any], table: int) -> None:
    st[-1] = fs.tables[table].get(st[-1])


def _table_set(fs: Any, st: list[Any], table: int) -> None:
    v = st.pop()
    fs.tables[table].set(st.pop(), v)


def _table_size(fs: Any, st: list[Any], table: int) -> None:
    st.append(len(fs.tables[table].elements))


def _table_grow(fs: Any, st: list[Any], table: int) -> None:
    n = st.pop()
    st[-1] = fs.tables[table].grow(n, st[-1]) & M32


def _table_fill(fs: Any, st: list[Any], table: int) -> None:
    n = st.pop()
    v = st.pop()
    table_fill(fs.tables[table], st.pop(), v, n)


def _table_copy(fs: Any, st: list[Any], imm: tuple[int, int]) -> None:
    n = st.pop()
    s = st.pop()
    table_copy(fs.tables[imm[0]], fs.tables[imm[1]], st.pop(), s, n)


def _table_init(fs: Any, st: list[Any], imm: tuple[int, int]) -> None:
    n = st.pop()
    s = st.pop()
    table_init(fs.tables[imm[1]], fs.ns["ELEMS"], imm[0], st.pop(), s, n)


def _elem_drop(fs: Any, st: list[Any], elem: int) -> None:
    fs.ns["ELEMS"][elem] = []


def _memory_init(fs: Any, st: list[Any], imm: tuple[int, int]) -> None:
    n = st.pop()
    s = st.pop()
    memory_init(fs.memory, fs.ns["DATAS"], imm[0], st.pop(), s, n)


def _data_drop(fs: Any, st: list[Any], data: int) -> None:
    fs.ns["DATAS"][data] = b""


TABLE_OPS: dict[str, Callable[[Any, list[Any], Any], None]] = {
    "table.get": _table_get,
    "table.set": _table_set,
    "table.size": _table_size,
    "table.grow": _table_grow,
    "table.fill": _table_fill,
    "table.copy": _table_copy,
    "table.init": _table_init,
    "elem.drop": _elem_drop,
    "memory.init": _memory_init,
    "data.drop": _data_drop,
}
