"""Runtime objects every engine shares: functions, tables, globals.

Values cross engine boundaries (host calls, exported calls, globals, table slots) in the
*raw* representation:

    i32, i64, f32, f64, v128   int: the unsigned bit pattern (f32 1.0 is 0x3F800000)
    funcref                    None (null) or a FuncInstance
    externref                  None (null) or any other Python object

Engines keep whatever representation they like inside, and convert at these boundaries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import LinkError, Trap
from ..model import FuncType, GlobalType, TableType, ValType

RawValue = Any  # int | None | FuncInstance | object, see the module docstring

MAX_TABLE_SIZE = 10_000_000  # host-side cap on table elements (a resource limit)

_MASKS = {
    ValType.i32: 0xFFFFFFFF,
    ValType.i64: (1 << 64) - 1,
    ValType.f32: 0xFFFFFFFF,
    ValType.f64: (1 << 64) - 1,
    ValType.v128: (1 << 128) - 1,
}


def wrap_raw(t: ValType, value: RawValue) -> RawValue:
    """Bring a host-provided value into raw form (masks integers to their width)."""
    mask = _MASKS.get(t)
    return value & mask if mask is not None else value


class FuncInstance:
    """A function of some instance or of the host. Call with raw values, get raw values."""

    type: FuncType
    name: str | None = None
    # The Python engine's internal-convention callable for this function (its own code,
    # or a cached adapter around `call` for functions of other engines and the host).
    pyfn: Callable[..., Any] | None = None

    def call(self, args: Sequence[RawValue]) -> list[RawValue]:
        raise NotImplementedError


class HostFunc(FuncInstance):
    """A function implemented in Python.

    `fn(*args)` receives raw values and returns None, one raw value, or a tuple/list of them
    (ints are masked to the result type's width). Exceptions other than wasmlite's own
    propagate through wasm frames to the caller unchanged.
    """

    def __init__(self, type: FuncType, fn: Callable[..., Any], name: str | None = None):
        self.type = type
        self.fn = fn
        self.name = name or getattr(fn, "__name__", None)

    def call(self, args: Sequence[RawValue]) -> list[RawValue]:
        result = self.fn(*args)
        results = self.type.results
        if not results:
            return []
        if len(results) == 1:
            if isinstance(result, (tuple, list)):
                result = result[0]
            return [wrap_raw(results[0], result)]
        return [wrap_raw(t, v) for t, v in zip(results, result)]

    def __repr__(self) -> str:
        return f"<host function {self.name} {self.type}>"


class TableInstance:
    def __init__(self, type: TableType, init: RawValue = None, limit: int | None = None):
        self.type = type
        cap = MAX_TABLE_SIZE if limit is None else min(limit, MAX_TABLE_SIZE)
        if type.limits.min > cap:
            # Checked before allocating: a declared minimum of 10^9 would be an 8 GB list.
            raise LinkError(
                f"table minimum size of {type.limits.min} elements exceeds the host limit"
                f" of {cap} elements"
            )
        self.elements: list[RawValue] = [init] * type.limits.min
        declared = type.limits.max if type.limits.max is not None else 0xFFFFFFFF
        self.max = max(min(declared, cap), type.limits.min)

    @property
    def size(self) -> int:
        return len(self.elements)

    def grow(self, delta: int, init: RawValue) -> int:
        """Grow by `delta` slots set to `init`; return the old size or -1 (table.grow)."""
        old = len(self.elements)
        if delta < 0 or old + delta > self.max:
            return -1
        self.elements.extend([init] * delta)
        return old

    def get(self, index: int) -> RawValue:
        if not 0 <= index < len(self.elements):
            raise Trap("out of bounds table access")
        return self.elements[index]

    def set(self, index: int, value: RawValue) -> None:
        if not 0 <= index < len(self.elements):
            raise Trap("out of bounds table access")
        self.elements[index] = value


class GlobalInstance:
    def __init__(self, type: GlobalType, value: RawValue):
        self.type = type
        self.value = value
