"""Types of the embedding API: value, function, table, memory and global types, imports, exports.

The value and extern types are the module model's own (`wasmlite.model`), so a type read off
a `Module` compares equal to one built by hand. wasmtime-py's `ValType.i32()` is written
`ValType.i32` here; `FuncType(params, results)` accepts lists or tuples.

For host functions typed from annotations, `I32`, `I64`, `F32`, `F64`, `V128`, `FuncRef`
and `ExternRef` name a wasm type while reading as the matching Python type
(`def add(x: I64, y: I64) -> I64`). A plain `int` means i32 and a plain `float` means f64.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Annotated, Any

from .. import model
from ..model import ExternKind, FuncType, GlobalType, Limits, MemoryType, TableType, ValType
from ..records import FrozenRecord

I32 = Annotated[int, ValType.i32]
I64 = Annotated[int, ValType.i64]
F32 = Annotated[float, ValType.f32]
F64 = Annotated[float, ValType.f64]
V128 = Annotated[int, ValType.v128]
FuncRef = Annotated[Any, ValType.funcref]
ExternRef = Annotated[Any, ValType.externref]

ExternType = FuncType | TableType | MemoryType | GlobalType


def memory_type(minimum: int, maximum: int | None = None) -> MemoryType:
    """A memory type of `minimum` (and at most `maximum`) 64 KiB pages."""
    return MemoryType(Limits(minimum, maximum))


def table_type(element: ValType, minimum: int, maximum: int | None = None) -> TableType:
    """A table type of `element` references (funcref or externref)."""
    return TableType(element, Limits(minimum, maximum))


def global_type(valtype: ValType, mutable: bool = False) -> GlobalType:
    """A global type."""
    return GlobalType(valtype, mutable)


class ImportType(FrozenRecord):
    """One import of a module: `module`, `name` and the `type` it must have."""

    __slots__ = _fields = ("module", "name", "type")
    module: str
    name: str
    type: ExternType

    def __str__(self) -> str:
        return f"{self.module}::{self.name}: {describe_type(self.type)}"


class ExportType(FrozenRecord):
    """One export of a module: its `name` and `type`."""

    __slots__ = _fields = ("name", "type")
    name: str
    type: ExternType

    def __str__(self) -> str:
        return f"{self.name}: {describe_type(self.type)}"


def describe_type(t: ExternType) -> str:
    """A short human-readable description, e.g. `func (i32, i32) -> i32`, `memory 1..`."""
    if isinstance(t, model.FuncType):
        ps = ", ".join(p.name for p in t.params)
        rs = ", ".join(r.name for r in t.results)
        return f"func ({ps}) -> ({rs})"
    if isinstance(t, MemoryType):
        return f"memory {_limits(t.limits)}"
    if isinstance(t, TableType):
        return f"table {t.elem.name} {_limits(t.limits)}"
    return f"global {'mut ' if t.mutable else ''}{t.valtype.name}"


def _limits(limits: Limits) -> str:
    return f"{limits.min}..{'' if limits.max is None else limits.max}"


def import_types(module: model.Module) -> list[ImportType]:
    """The imports of `module` with their types (function imports resolved to FuncType)."""
    out = []
    for imp in module.imports:
        desc = module.types[imp.desc] if imp.kind == ExternKind.func else imp.desc
        out.append(ImportType(imp.module, imp.name, desc))  # type: ignore[arg-type]
    return out


def export_types(module: model.Module) -> list[ExportType]:
    """The exports of `module` with their types."""
    spaces: dict[ExternKind, list[Any]] = {
        ExternKind.func: module.func_types(),
        ExternKind.table: module.table_types(),
        ExternKind.memory: module.memory_types(),
        ExternKind.glob: module.global_types(),
    }
    return [ExportType(e.name, spaces[e.kind][e.index]) for e in module.exports]


# -- function types from Python annotations ----------------------------------------------------

_PLAIN: dict[Any, ValType] = {int: ValType.i32, float: ValType.f64, bool: ValType.i32}


def valtype_of_annotation(annotation: Any) -> ValType:
    """The wasm type a parameter/result annotation stands for (see the module docstring)."""
    if isinstance(annotation, ValType):
        return annotation
    if isinstance(annotation, str) and annotation in model.VALTYPE_BY_NAME:
        return model.VALTYPE_BY_NAME[annotation]
    if typing.get_origin(annotation) is Annotated:
        for extra in annotation.__metadata__:
            if isinstance(extra, ValType):
                return extra
    if annotation in _PLAIN:
        return _PLAIN[annotation]
    raise TypeError(
        f"cannot tell the wasm type of annotation {annotation!r}; "
        "use int, float, or wasmlite.I32/I64/F32/F64/V128/FuncRef/ExternRef"
    )


def functype_of_callable(fn: Callable[..., Any], skip_first: bool = False) -> model.FuncType:
    """The FuncType that `fn`'s annotations describe; every parameter must be annotated
    (except the first when `skip_first`: a host function's `Caller`).

    A return annotation of None (or none at all) means no results; `tuple[I32, F64]`
    means two results.
    """
    import inspect

    signature = list(inspect.signature(fn).parameters.values())
    skip = {signature[0].name} if skip_first and signature else set()
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception:  # e.g. a Caller annotation naming a local import: skip what we skip
        hints = _hints_one_by_one(fn, skip)
    params = []
    for p in signature[1:] if skip_first else signature:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise TypeError(f"{fn!r}: *args/**kwargs cannot be typed; pass an explicit FuncType")
        if p.name not in hints:
            raise TypeError(
                f"{fn!r}: parameter {p.name!r} has no annotation; annotate it or pass a FuncType"
            )
        params.append(valtype_of_annotation(hints[p.name]))
    return model.FuncType(tuple(params), _result_types(hints.get("return", None)))


def _hints_one_by_one(fn: Callable[..., Any], skip: set[str]) -> dict[str, Any]:
    hints = {}
    namespace = getattr(fn, "__globals__", {})
    for name, annotation in getattr(fn, "__annotations__", {}).items():
        if name in skip:
            continue
        try:
            hints[name] = eval(annotation, namespace) if isinstance(annotation, str) else annotation
        except Exception as e:
            raise TypeError(f"cannot read the annotation of {name!r} of {fn!r}: {e}") from None
    return hints


def _result_types(annotation: Any) -> tuple[ValType, ...]:
    if annotation is None or annotation is type(None):
        return ()
    if typing.get_origin(annotation) is tuple:
        return tuple(valtype_of_annotation(a) for a in typing.get_args(annotation))
    return (valtype_of_annotation(annotation),)
