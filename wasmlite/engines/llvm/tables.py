"""Reference and table instructions. References are i64 handles; table operations other
than call_indirect go to the host, which keeps each table's native mirror up to date."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import host_ops

if TYPE_CHECKING:
    from .lower import FunctionLowerer

Lowering = Callable[["FunctionLowerer", object], None]


def _z(L: FunctionLowerer, v: str) -> str:
    return L.op(f"zext i32 {v} to i64")


def ref_null(L: FunctionLowerer, _imm: object) -> None:
    L.push("i64", "0")


def ref_is_null(L: FunctionLowerer, _imm: object) -> None:
    _, v = L.pop()
    c = L.op(f"icmp eq i64 {v}, 0")
    L.push("i32", L.op(f"zext i1 {c} to i32"))


def ref_func(L: FunctionLowerer, index: object) -> None:
    L.push("i64", L.host(host_ops.REF_FUNC, str(index)))


def table_get(L: FunctionLowerer, table: object) -> None:
    _, i = L.pop()
    L.push("i64", L.host(host_ops.TABLE_GET, str(table), _z(L, i)))


def table_set(L: FunctionLowerer, table: object) -> None:
    _, v = L.pop()
    _, i = L.pop()
    L.host(host_ops.TABLE_SET, str(table), _z(L, i), v)


def table_size(L: FunctionLowerer, table: object) -> None:
    r = L.host(host_ops.TABLE_SIZE, str(table))
    L.push("i32", L.op(f"trunc i64 {r} to i32"))


def table_grow(L: FunctionLowerer, table: object) -> None:
    _, n = L.pop()
    _, v = L.pop()
    r = L.host(host_ops.TABLE_GROW, str(table), v, _z(L, n))
    L.push("i32", L.op(f"trunc i64 {r} to i32"))


def table_fill(L: FunctionLowerer, table: object) -> None:
    _, n = L.pop()
    _, v = L.pop()
    _, i = L.pop()
    L.host(host_ops.TABLE_FILL, str(table), _z(L, i), v, _z(L, n))


def table_copy(L: FunctionLowerer, imm: object) -> None:
    dst_t, src_t = imm  # type: ignore[misc]
    _, n = L.pop()
    _, s = L.pop()
    _, d = L.pop()
    L.host(host_ops.TABLE_COPY, str(dst_t), str(src_t), _z(L, d), _z(L, s), _z(L, n))


def table_init(L: FunctionLowerer, imm: object) -> None:
    seg, table = imm  # type: ignore[misc]
    _, n = L.pop()
    _, s = L.pop()
    _, d = L.pop()
    L.host(host_ops.TABLE_INIT, str(seg), str(table), _z(L, d), _z(L, s), _z(L, n))


def elem_drop(L: FunctionLowerer, seg: object) -> None:
    L.host(host_ops.ELEM_DROP, str(seg))


TABLE: dict[str, Lowering] = {
    "ref.null": ref_null,
    "ref.is_null": ref_is_null,
    "ref.func": ref_func,
    "table.get": table_get,
    "table.set": table_set,
    "table.size": table_size,
    "table.grow": table_grow,
    "table.fill": table_fill,
    "table.copy": table_copy,
    "table.init": table_init,
    "elem.drop": elem_drop,
}
