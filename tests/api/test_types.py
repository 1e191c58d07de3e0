from __future__ import annotations

import pytest

from wasmlite import F32, F64, I32, I64, ExternRef, FuncRef, FuncType, ValType
from wasmlite.api.types import describe_type, export_types, functype_of_callable, import_types
from wasmlite.frontend import load_module

i32, i64, f32, f64 = ValType.i32, ValType.i64, ValType.f32, ValType.f64


def test_functype_accepts_lists_and_stays_hashable() -> None:
    t = FuncType([i32, i64], [f32])
    assert t == FuncType((i32, i64), (f32,))
    assert hash(t) == hash(FuncType((i32, i64), (f32,)))


def test_plain_annotations() -> None:
    def f(x: int, y: float) -> int:
        return 0

    assert functype_of_callable(f) == FuncType([i32, f64], [i32])


def test_explicit_width_annotations() -> None:
    def f(a: I32, b: I64, c: F32, d: F64, e: FuncRef, g: ExternRef) -> tuple[I64, F32]:
        return 0, 0.0

    assert functype_of_callable(f) == FuncType(
        [i32, i64, f32, f64, ValType.funcref, ValType.externref], [i64, f32]
    )


def test_no_return_annotation_means_no_results() -> None:
    def f(x: I64):
        pass

    def g(x: I64) -> None:
        pass

    assert functype_of_callable(f) == FuncType([i64], [])
    assert functype_of_callable(g) == FuncType([i64], [])


def test_unannotated_parameter_is_an_error() -> None:
    def f(x, y: int) -> int:
        return 0

    with pytest.raises(TypeError, match="'x' has no annotation"):
        functype_of_callable(f)


def test_unknown_annotation_is_an_error() -> None:
    def f(x: str) -> int:
        return 0

    with pytest.raises(TypeError, match="cannot tell the wasm type"):
        functype_of_callable(f)


def test_import_and_export_types() -> None:
    m = load_module(
        """(module
        (import "env" "f" (func (param i32) (result i64)))
        (import "env" "mem" (memory 1 2))
        (import "env" "g" (global (mut f64)))
        (table (export "t") 3 funcref)
        (func (export "h") (param f32))
        (export "f2" (func 0))
        (export "mem2" (memory 0)))"""
    )
    imports = import_types(m)
    assert [(i.module, i.name) for i in imports] == [("env", "f"), ("env", "mem"), ("env", "g")]
    assert imports[0].type == FuncType([i32], [ValType.i64])
    assert describe_type(imports[1].type) == "memory 1..2"
    assert describe_type(imports[2].type) == "global mut f64"
    exports = {e.name: e.type for e in export_types(m)}
    assert exports["h"] == FuncType([f32], [])
    assert exports["f2"] == FuncType([i32], [i64])
    assert describe_type(exports["t"]) == "table funcref 3.."
    assert str(imports[0]) == "env::f: func (i32) -> (i64)"
