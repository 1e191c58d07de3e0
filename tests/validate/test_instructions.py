"""Function-body typing: the operand stack, control frames and instruction immediates."""

from __future__ import annotations

import pytest

from wasmlite.errors import ValidationError
from wasmlite.model import (
    EXTERNREF,
    F32,
    F64,
    FUNCREF,
    I32,
    I64,
    V128,
    Elem,
    Export,
    ExternKind,
    FuncType,
    Global,
    GlobalType,
    Import,
)
from wasmlite.validate import validate_module

from .builders import code, func_module


def invalid(module, message: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_module(module)
    assert message in info.value.message
    return info.value


def test_fixed_signature_ok() -> None:
    body = code(("i32.const", 1), ("i32.const", 2), "i32.add")
    validate_module(func_module(body, results=(I32,)))


def test_fixed_signature_operand_mismatch() -> None:
    body = code(("i32.const", 1), ("i64.const", 2), "i32.add")
    invalid(func_module(body, results=(I32,)), "type mismatch")


def test_missing_operand() -> None:
    invalid(func_module(code(("i32.const", 1), "i32.add"), results=(I32,)), "type mismatch")


def test_leftover_value_at_end() -> None:
    invalid(func_module(code(("i32.const", 1))), "type mismatch")


def test_wrong_result_type() -> None:
    invalid(func_module(code(("f32.const", 0)), results=(I32,)), "type mismatch")


def test_error_offset_from_func_offsets() -> None:
    module = func_module(code(("i64.const", 1), "i32.eqz", "drop"))
    module.funcs[0].offsets = [10, 12, 13, 14]
    assert invalid(module, "type mismatch").offset == 12


def test_unreachable_makes_stack_polymorphic() -> None:
    body = code("unreachable", "i32.add", "drop", "f32.neg")
    validate_module(func_module(body, results=(F32,)))


def test_polymorphic_stack_still_checks_known_types() -> None:
    body = code("unreachable", ("i64.const", 0), "i32.add")
    invalid(func_module(body, results=(I32,)), "type mismatch")


def test_br_makes_rest_of_block_polymorphic() -> None:
    body = code(("block", I32), ("i32.const", 1), ("br", 0), "f64.add", "drop", "end")
    validate_module(func_module(body, results=(I32,)))


def test_return_checks_results() -> None:
    validate_module(func_module(code(("i32.const", 1), "return"), results=(I32,)))
    invalid(func_module(code(("i64.const", 1), "return"), results=(I32,)), "type mismatch")


def test_unknown_label() -> None:
    invalid(func_module(code(("block", None), ("br", 2), "end")), "unknown label")


def test_loop_label_takes_params() -> None:
    module = func_module(
        code(("i32.const", 0), ("loop", 1), ("br", 0), "end", "drop"),
    )
    module.types.append(FuncType((I32,), (I32,)))
    validate_module(module)


def test_multi_value_block_type() -> None:
    module = func_module(
        code(("i32.const", 1), ("i64.const", 2), ("block", 1), "end", "drop"),
        results=(I32,),
    )
    module.types.append(FuncType((I32, I64), (I32, I64)))
    validate_module(module)


def test_block_type_unknown_type() -> None:
    invalid(func_module(code(("block", 5), "end")), "unknown type")


def test_if_without_else_needs_equal_types() -> None:
    body = code(("i32.const", 0), ("if", I32), ("i32.const", 1), "end", "drop")
    invalid(func_module(body), "type mismatch")


def test_if_else() -> None:
    body = code(("i32.const", 0), ("if", I32), ("i32.const", 1), "else", ("i32.const", 2), "end")
    validate_module(func_module(body, results=(I32,)))


def test_if_needs_condition() -> None:
    invalid(func_module(code(("if", None), "end")), "type mismatch")


def test_else_branch_type_checked() -> None:
    body = code(("i32.const", 0), ("if", I32), ("i32.const", 1), "else", "end")
    invalid(func_module(body, results=(I32,)), "type mismatch")


def test_br_if_keeps_operands() -> None:
    body = code(("block", I32), ("i32.const", 1), ("i32.const", 0), ("br_if", 0), "end")
    validate_module(func_module(body, results=(I32,)))


def test_br_table_arity_mismatch() -> None:
    body = code(
        ("block", I32),
        ("block", None),
        ("i32.const", 0),
        ("i32.const", 0),
        ("br_table", ((0,), 1)),
        "end",
        ("i32.const", 0),
        "end",
    )
    invalid(func_module(body, results=(I32,)), "type mismatch")


def test_br_table_polymorphic_different_label_types() -> None:
    # With a polymorphic stack, each target's label is matched by the bottom type.
    body = code(
        ("block", F32),
        ("block", I32),
        "unreachable",
        ("br_table", ((0,), 1)),
        "end",
        "drop",
        ("f32.const", 0),
        "end",
        "drop",
    )
    validate_module(func_module(body))


def test_select_untyped() -> None:
    body = code(("i32.const", 1), ("i32.const", 2), ("i32.const", 0), "select")
    validate_module(func_module(body, results=(I32,)))
    body = code(("i32.const", 1), ("i64.const", 2), ("i32.const", 0), "select", "drop")
    invalid(func_module(body), "type mismatch")


def test_select_untyped_rejects_references() -> None:
    body = code(("ref.null", FUNCREF), ("ref.null", FUNCREF), ("i32.const", 0), "select", "drop")
    invalid(func_module(body), "type mismatch")


def test_select_untyped_after_unreachable() -> None:
    validate_module(func_module(code("unreachable", "select"), results=(V128,)))


def test_select_typed() -> None:
    body = code(
        ("ref.null", EXTERNREF),
        ("ref.null", EXTERNREF),
        ("i32.const", 0),
        ("select_t", (EXTERNREF,)),
    )
    validate_module(func_module(body, results=(EXTERNREF,)))
    invalid(func_module(code("unreachable", ("select_t", ()))), "invalid result arity")


def test_locals() -> None:
    body = code(("local.get", 0), ("local.tee", 1), ("local.set", 0))
    validate_module(func_module(body, params=(I32,), locals_=(I32,)))
    invalid(func_module(code(("local.get", 2), "drop"), params=(I32,)), "unknown local 2")
    body = code(("local.get", 0), ("local.set", 1))
    invalid(func_module(body, params=(I32,), locals_=(F64,)), "type mismatch")


def test_globals() -> None:
    imported = Import("m", "g", ExternKind.glob, GlobalType(I64, mutable=False))
    body = code(("global.get", 0), "drop", ("i32.const", 1), ("global.set", 1))
    module = func_module(body, imports=[imported])
    module.globals.append(Global(GlobalType(I32, True), code(("i32.const", 0))))
    validate_module(module)
    module.funcs[0].body = code(("i64.const", 1), ("global.set", 0))
    invalid(module, "global is immutable")
    module.funcs[0].body = code(("global.get", 2), "drop")
    invalid(module, "unknown global 2")


def test_calls() -> None:
    module = func_module(code(("i32.const", 1), ("call", 0)), params=(I32,))
    validate_module(module)
    invalid(func_module(code(("call", 7))), "unknown function 7")
    invalid(func_module(code(("call", 0)), params=(I32,)), "type mismatch")


def test_call_indirect() -> None:
    body = code(("i32.const", 0), ("call_indirect", (0, 0)))
    validate_module(func_module(body, tables=(FUNCREF,)))
    invalid(func_module(body), "unknown table")
    invalid(func_module(body, tables=(EXTERNREF,)), "type mismatch")
    body = code(("i32.const", 0), ("call_indirect", (3, 0)))
    invalid(func_module(body, tables=(FUNCREF,)), "unknown type")


def test_memory_access_needs_memory() -> None:
    body = code(("i32.const", 0), ("i32.load", (2, 0)), "drop")
    validate_module(func_module(body, memory=True))
    invalid(func_module(body), "unknown memory")
    invalid(func_module(code(("memory.size", 0), "drop")), "unknown memory 0")


def test_alignment_at_most_natural() -> None:
    body = code(("i32.const", 0), ("i32.load16_u", (2, 0)), "drop")
    invalid(func_module(body, memory=True), "alignment must not be larger than natural")


def test_lane_indices() -> None:
    body = code(("v128.const", bytes(16)), ("i32x4.extract_lane", 4), "drop")
    invalid(func_module(body), "invalid lane index")
    body = code(("v128.const", bytes(16)), ("i32x4.extract_lane", 3), "drop")
    validate_module(func_module(body))
    shuffle = tuple(range(15)) + (32,)
    body = code(("v128.const", bytes(16)), ("v128.const", bytes(16)), ("i8x16.shuffle", shuffle))
    invalid(func_module(body, results=(V128,)), "invalid lane index")
    body = code(
        ("i32.const", 0), ("v128.const", bytes(16)), ("v128.load64_lane", (3, 0, 2)), "drop"
    )
    invalid(func_module(body, memory=True), "invalid lane index")


def test_bulk_memory_segments() -> None:
    body = code(("i32.const", 0), ("i32.const", 0), ("i32.const", 0), ("memory.init", (0, 0)))
    invalid(func_module(body, memory=True), "unknown data segment 0")
    invalid(func_module(code(("data.drop", 1))), "unknown data segment 1")
    invalid(func_module(code(("elem.drop", 4))), "unknown elem segment 4")


def test_references() -> None:
    body = code(("ref.null", EXTERNREF), "ref.is_null")
    validate_module(func_module(body, results=(I32,)))
    invalid(func_module(code(("i32.const", 0), "ref.is_null"), results=(I32,)), "type mismatch")


def test_ref_func_must_be_declared() -> None:
    body = code(("ref.func", 0))
    invalid(func_module(body, results=(FUNCREF,)), "undeclared function reference")
    exported = [Export("f", ExternKind.func, 0)]
    validate_module(func_module(body, results=(FUNCREF,), exports=exported))
    declared = [Elem(FUNCREF, [code(("ref.func", 0))])]
    validate_module(func_module(body, results=(FUNCREF,), elems=declared))


def test_table_instructions() -> None:
    body = code(("i32.const", 0), ("table.get", 0), ("i32.const", 1), ("table.grow", 0), "drop")
    validate_module(func_module(body, tables=(EXTERNREF,)))
    body = code(("i32.const", 0), ("ref.null", FUNCREF), ("table.set", 0))
    invalid(func_module(body, tables=(EXTERNREF,)), "type mismatch")
    body = code(("i32.const", 0), ("i32.const", 0), ("i32.const", 0), ("table.copy", (0, 1)))
    invalid(func_module(body, tables=(EXTERNREF, FUNCREF)), "type mismatch")
    invalid(func_module(code(("table.size", 0), "drop")), "unknown table 0")
    body = code(("i32.const", 0), ("i32.const", 0), ("i32.const", 0), ("table.init", (0, 0)))
    segments = [Elem(FUNCREF, [])]
    invalid(func_module(body, tables=(EXTERNREF,), elems=segments), "type mismatch")
    validate_module(func_module(body, tables=(FUNCREF,), elems=segments))


@pytest.mark.parametrize("valtype", [I32, I64, F32, F64, V128, FUNCREF, EXTERNREF])
def test_drop_any_type(valtype) -> None:
    validate_module(func_module(code(("local.get", 0), "drop"), params=(valtype,)))


def test_else_without_if() -> None:
    invalid(func_module(code("else")), "else")
