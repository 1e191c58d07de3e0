"""Conversions between WAST script values and the runtime's raw values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import EXTERNREF, FUNCREF, ValType
from ..runtime.objects import FuncInstance
from ..text import script as wast


@dataclass(frozen=True)
class HostRef:
    """The host value behind `(ref.extern N)`: equal when N is."""

    n: int


def to_raw(value: wast.Value, store: Any = None) -> Any:
    """A script argument as a raw runtime value."""
    if isinstance(value, wast.Const):
        return value.bits
    if isinstance(value, wast.V128Const):
        return int.from_bytes(value.data, "little")
    if isinstance(value, wast.RefNull):
        return None
    if isinstance(value, wast.RefExtern):
        return HostRef(value.n if value.n is not None else 0)
    raise TypeError(f"cannot pass {value!r} as an argument")


def _expected_type(expected: wast.Expected) -> ValType:
    return expected.type


def from_raw(raw: Any, expected_type: ValType) -> wast.Value:
    """A raw runtime result as a script value, read as the expected result's type."""
    if raw is None:
        return wast.RefNull(expected_type if expected_type in (FUNCREF, EXTERNREF) else FUNCREF)
    if isinstance(raw, FuncInstance):
        return wast.RefFunc(None)
    if isinstance(raw, HostRef):
        return wast.RefExtern(raw.n)
    if expected_type == ValType.v128:
        return wast.V128Const(int(raw).to_bytes(16, "little"))
    if isinstance(raw, int):
        return wast.Const(expected_type, raw)
    return wast.RefExtern(id(raw))  # some other host object


def matches(expected: wast.Expected, raw: Any) -> bool:
    return wast.matches(expected, from_raw(raw, _expected_type(expected)))


def describe(raw: Any) -> str:
    if raw is None:
        return "null"
    if isinstance(raw, int):
        return hex(raw)
    return repr(raw)
