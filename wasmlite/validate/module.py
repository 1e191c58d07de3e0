"""Module-level validation: types, imports, limits, globals, segments, exports, start."""

from __future__ import annotations

from ..model import (
    I32,
    Elem,
    Export,
    Expr,
    ExternKind,
    FuncType,
    GlobalType,
    Limits,
    Module,
    SegmentMode,
    TableType,
    ValType,
)
from ..opcodes import BY_NAME, CONST_OPS, END
from .context import Context, fail
from .instructions import validate_func

MAX_PAGES = 65536
MAX_TABLE = 2**32 - 1

_GLOBAL_GET = BY_NAME["global.get"]
_REF_FUNC = BY_NAME["ref.func"]
_REF_NULL = BY_NAME["ref.null"]


def validate_module(module: Module) -> None:
    """Check that `module` is valid (Wasm 2.0); raise `ValidationError` if it is not."""
    types = module.types
    for imp in module.imports:
        _check_import_desc(imp.kind, imp.desc, len(types))
    for func in module.funcs:
        if not 0 <= func.type_index < len(types):
            raise fail(f"unknown type {func.type_index}")
    tables = module.table_types()
    for table in module.tables:
        _check_table_type(table.type)
    memories = module.memory_types()
    for memory in module.memories:
        _check_memory_limits(memory.type.limits)
    if len(memories) > 1:
        raise fail("multiple memories")

    funcs = module.func_types()
    imported_globals = [g for g in module.global_types()[: _num_imported_globals(module)]]
    # Constant expressions see only the imported globals (Wasm 2.0).
    const_ctx = Context(
        types=types,
        funcs=funcs,
        tables=tables,
        num_memories=len(memories),
        globals=imported_globals,
        elems=[e.reftype for e in module.elems],
        num_datas=len(module.datas),
    )
    for glob in module.globals:
        check_const_expr(const_ctx, glob.init, glob.type.valtype)
    for elem in module.elems:
        _check_elem(const_ctx, elem)
    for data in module.datas:
        if data.mode is SegmentMode.active:
            if data.memory != 0 or not memories:
                raise fail(f"unknown memory {data.memory}")
            check_const_expr(const_ctx, data.offset or [], I32)
    _check_exports(module.exports, len(funcs), len(tables), len(memories), module.global_types())
    if module.start is not None:
        if not 0 <= module.start < len(funcs):
            raise fail(f"unknown function {module.start}")
        if funcs[module.start] != FuncType():
            raise fail("start function")

    ctx = Context(
        types=types,
        funcs=funcs,
        tables=tables,
        num_memories=len(memories),
        globals=module.global_types(),
        elems=const_ctx.elems,
        num_datas=len(module.datas),
        refs=declared_refs(module),
    )
    imported = module.num_imported_funcs
    for index, func in enumerate(module.funcs):
        validate_func(ctx, func, funcs[imported + index])


def _num_imported_globals(module: Module) -> int:
    return sum(1 for i in module.imports if i.kind == ExternKind.glob)


def declared_refs(module: Module) -> set[int]:
    """Functions that `ref.func` may name in code: those referenced outside function bodies."""
    refs = {e.index for e in module.exports if e.kind == ExternKind.func}
    exprs: list[Expr] = [g.init for g in module.globals]
    for elem in module.elems:
        exprs.extend(elem.init)
        if elem.offset is not None:
            exprs.append(elem.offset)
    exprs.extend(d.offset for d in module.datas if d.offset is not None)
    for expr in exprs:
        for instr in expr:
            if instr.op is _REF_FUNC:
                refs.add(instr.imm)  # type: ignore[arg-type]
    return refs


def _check_import_desc(kind: ExternKind, desc: object, num_types: int) -> None:
    if kind == ExternKind.func:
        if not isinstance(desc, int) or not 0 <= desc < num_types:
            raise fail(f"unknown type {desc}")
    elif kind == ExternKind.table:
        _check_table_type(desc)  # type: ignore[arg-type]
    elif kind == ExternKind.memory:
        _check_memory_limits(desc.limits)  # type: ignore[union-attr]


def _check_limits(limits: Limits, bound: int, message: str) -> None:
    if limits.min > bound:
        raise fail(message)
    if limits.max is not None:
        if limits.max > bound:
            raise fail(message)
        if limits.min > limits.max:
            raise fail("size minimum must not be greater than maximum")


def _check_table_type(table: TableType) -> None:
    _check_limits(table.limits, MAX_TABLE, "table size must be at most 2^32-1")


def _check_memory_limits(limits: Limits) -> None:
    _check_limits(limits, MAX_PAGES, "memory size must be at most 65536 pages (4GiB)")


def check_const_expr(ctx: Context, expr: Expr, expected: ValType) -> None:
    """Check a constant expression (global initializer, segment offset or element)."""
    stack: list[ValType] = []
    for instr in expr:
        op = instr.op
        if op not in CONST_OPS:
            raise fail("constant expression required")
        if op is END:
            break
        if op is _GLOBAL_GET:
            index = instr.imm
            if not isinstance(index, int) or not 0 <= index < len(ctx.globals):
                raise fail(f"unknown global {index}")
            glob: GlobalType = ctx.globals[index]
            if glob.mutable:
                raise fail("constant expression required")
            stack.append(glob.valtype)
        elif op is _REF_FUNC:
            index = instr.imm
            if not isinstance(index, int) or not 0 <= index < len(ctx.funcs):
                raise fail(f"unknown function {index}")
            stack.append(ValType.funcref)
        elif op is _REF_NULL:
            stack.append(instr.imm)  # type: ignore[arg-type]
        else:
            stack.append(op.results[0])  # type: ignore[index]
    if stack != [expected]:
        raise fail("type mismatch")


def _check_elem(ctx: Context, elem: Elem) -> None:
    for expr in elem.init:
        check_const_expr(ctx, expr, elem.reftype)
    if elem.mode is SegmentMode.active:
        if not 0 <= elem.table < len(ctx.tables):
            raise fail(f"unknown table {elem.table}")
        check_const_expr(ctx, elem.offset or [], I32)
        if ctx.tables[elem.table].elem is not elem.reftype:
            raise fail("type mismatch")


def _check_exports(
    exports: list[Export],
    num_funcs: int,
    num_tables: int,
    num_memories: int,
    globals_: list[GlobalType],
) -> None:
    seen: set[str] = set()
    bounds = {
        ExternKind.func: (num_funcs, "function"),
        ExternKind.table: (num_tables, "table"),
        ExternKind.memory: (num_memories, "memory"),
        ExternKind.glob: (len(globals_), "global"),
    }
    for export in exports:
        if export.name in seen:
            raise fail("duplicate export name")
        seen.add(export.name)
        bound, what = bounds[export.kind]
        if not 0 <= export.index < bound:
            raise fail(f"unknown {what} {export.index}")
