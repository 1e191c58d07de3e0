"""Module-level rules: limits, memories, globals, segments, exports, start."""

from __future__ import annotations

import pytest

from wasmlite.errors import ValidationError
from wasmlite.model import (
    EXTERNREF,
    F32,
    FUNCREF,
    I32,
    Data,
    Elem,
    Export,
    ExternKind,
    Func,
    FuncType,
    Global,
    GlobalType,
    Import,
    Limits,
    Memory,
    MemoryType,
    Module,
    SegmentMode,
    Table,
    TableType,
)
from wasmlite.validate import validate_module

from .builders import code, func_module


def invalid(module: Module, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_module(module)
    assert message in info.value.message


def test_empty_module_is_valid() -> None:
    validate_module(Module())


def test_function_type_index() -> None:
    invalid(Module(funcs=[Func(0, [], code())]), "unknown type")
    imports = [Import("m", "f", ExternKind.func, 3)]
    invalid(Module(imports=imports), "unknown type")


def test_memory_limits() -> None:
    too_big = "memory size must be at most 65536 pages (4GiB)"
    invalid(Module(memories=[Memory(MemoryType(Limits(65537)))]), too_big)
    invalid(Module(memories=[Memory(MemoryType(Limits(0, 65537)))]), too_big)
    validate_module(Module(memories=[Memory(MemoryType(Limits(0, 65536)))]))
    bounds = "size minimum must not be greater than maximum"
    invalid(Module(memories=[Memory(MemoryType(Limits(2, 1)))]), bounds)
    imports = [Import("m", "mem", ExternKind.memory, MemoryType(Limits(70000)))]
    invalid(Module(imports=imports), too_big)


def test_table_limits() -> None:
    table = Table(TableType(FUNCREF, Limits(10, 1)))
    invalid(Module(tables=[table]), "size minimum must not be greater than maximum")


def test_multiple_memories() -> None:
    memory = Memory(MemoryType(Limits(0)))
    invalid(Module(memories=[memory, memory]), "multiple memories")
    imports = [Import("m", "mem", ExternKind.memory, MemoryType(Limits(0)))]
    invalid(Module(imports=imports, memories=[memory]), "multiple memories")


def test_multiple_tables_are_fine() -> None:
    table = Table(TableType(FUNCREF, Limits(0)))
    validate_module(Module(tables=[table, table]))


def test_global_initializer_types() -> None:
    validate_module(Module(globals=[Global(GlobalType(I32), code(("i32.const", 1)))]))
    invalid(Module(globals=[Global(GlobalType(I32), code(("f32.const", 0)))]), "type mismatch")
    invalid(Module(globals=[Global(GlobalType(I32), code())]), "type mismatch")
    two = code(("i32.const", 0), ("i32.const", 0))
    invalid(Module(globals=[Global(GlobalType(I32), two)]), "type mismatch")


def test_constant_expression_required() -> None:
    body = code(("i32.const", 0), "i32.eqz")
    invalid(Module(globals=[Global(GlobalType(I32), body)]), "constant expression required")
    invalid(Module(globals=[Global(GlobalType(I32), code("nop"))]), "constant expression required")


def test_global_get_in_initializer_sees_imported_immutable_globals() -> None:
    imported = [
        Import("m", "c", ExternKind.glob, GlobalType(I32)),
        Import("m", "v", ExternKind.glob, GlobalType(I32, mutable=True)),
    ]
    validate_module(
        Module(imports=imported, globals=[Global(GlobalType(I32), code(("global.get", 0)))])
    )
    invalid(
        Module(imports=imported, globals=[Global(GlobalType(I32), code(("global.get", 1)))]),
        "constant expression required",
    )
    defined = [
        Global(GlobalType(I32), code(("i32.const", 0))),
        Global(GlobalType(I32), code(("global.get", 0))),
    ]
    invalid(Module(globals=defined), "unknown global 0")


def test_ref_func_in_initializer() -> None:
    module = func_module(code(), globals=[Global(GlobalType(FUNCREF), code(("ref.func", 0)))])
    validate_module(module)
    module.globals[0].init = code(("ref.func", 1))
    invalid(module, "unknown function 1")


def test_elem_segments() -> None:
    table = [Table(TableType(FUNCREF, Limits(1)))]
    active = Elem(
        FUNCREF, [code(("ref.null", FUNCREF))], SegmentMode.active, 0, code(("i32.const", 0))
    )
    validate_module(Module(tables=table, elems=[active]))
    invalid(Module(elems=[active]), "unknown table 0")
    wrong_offset = Elem(FUNCREF, [], SegmentMode.active, 0, code(("i64.const", 0)))
    invalid(Module(tables=table, elems=[wrong_offset]), "type mismatch")
    wrong_init = Elem(FUNCREF, [code(("ref.null", EXTERNREF))])
    invalid(Module(elems=[wrong_init]), "type mismatch")
    wrong_table = Elem(EXTERNREF, [], SegmentMode.active, 0, code(("i32.const", 0)))
    invalid(Module(tables=table, elems=[wrong_table]), "type mismatch")


def test_data_segments() -> None:
    memory = [Memory(MemoryType(Limits(1)))]
    active = Data(b"x", SegmentMode.active, 0, code(("i32.const", 0)))
    validate_module(Module(memories=memory, datas=[active]))
    invalid(Module(datas=[active]), "unknown memory 0")
    wrong = Data(b"x", SegmentMode.active, 0, code(("f32.const", 0)))
    invalid(Module(memories=memory, datas=[wrong]), "type mismatch")
    validate_module(Module(datas=[Data(b"x")]))


def test_exports() -> None:
    module = func_module(code(), exports=[Export("a", ExternKind.func, 0)])
    validate_module(module)
    module.exports.append(Export("a", ExternKind.func, 0))
    invalid(module, "duplicate export name")
    invalid(Module(exports=[Export("f", ExternKind.func, 0)]), "unknown function 0")
    invalid(Module(exports=[Export("t", ExternKind.table, 0)]), "unknown table 0")
    invalid(Module(exports=[Export("m", ExternKind.memory, 1)]), "unknown memory 1")
    invalid(Module(exports=[Export("g", ExternKind.glob, 1)]), "unknown global 1")


def test_start_function() -> None:
    validate_module(func_module(code(), start=0))
    invalid(func_module(code(), start=1), "unknown function 1")
    invalid(func_module(code(("i32.const", 0)), results=(I32,), start=0), "start function")
    module = func_module(code(), params=(F32,), start=0)
    invalid(module, "start function")
    assert module.types == [FuncType((F32,), ())]
