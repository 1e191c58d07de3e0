"""Small builders for modules made directly from model objects."""

from __future__ import annotations

from wasmlite.model import (
    Func,
    FuncType,
    Instr,
    Limits,
    Memory,
    MemoryType,
    Module,
    Table,
    TableType,
    ValType,
)
from wasmlite.opcodes import BY_NAME, SELECT_T


def ins(name: str, imm: object = None) -> Instr:
    """One instruction by text name; `select_t` names the typed `select`."""
    op = SELECT_T if name == "select_t" else BY_NAME[name]
    return Instr(op, imm)


def code(*items: str | tuple) -> list[Instr]:
    """A body from names or (name, immediate) pairs, with the final `end` added."""
    body = [ins(*item) if isinstance(item, tuple) else ins(item) for item in items]
    return body + [ins("end")]


def func_module(
    body: list[Instr],
    params: tuple[ValType, ...] = (),
    results: tuple[ValType, ...] = (),
    locals_: tuple[ValType, ...] = (),
    memory: bool = False,
    tables: tuple[ValType, ...] = (),
    **fields: object,
) -> Module:
    """A module with one function (type 0) and optionally a memory and tables."""
    module = Module(types=[FuncType(params, results)], funcs=[Func(0, list(locals_), body)])
    if memory:
        module.memories.append(Memory(MemoryType(Limits(1))))
    for elem in tables:
        module.tables.append(Table(TableType(elem, Limits(1))))
    for name, value in fields.items():
        setattr(module, name, value)
    return module
