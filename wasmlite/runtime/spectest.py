"""The `spectest` host module that the spec testsuite's scripts import from."""

from __future__ import annotations

import struct
from typing import Any

from ..model import (
    F32,
    F64,
    FUNCREF,
    I32,
    I64,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    Module,
    TableType,
)
from .instance import Instance
from .memory import MemoryInstance
from .objects import GlobalInstance, HostFunc, TableInstance


def _f32_bits(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def _f64_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def _ignore(*args: Any) -> None:
    """The reference interpreter prints its arguments; the tests never look at them."""


_PRINTS = {
    "print": (),
    "print_i32": (I32,),
    "print_i64": (I64,),
    "print_f32": (F32,),
    "print_f64": (F64,),
    "print_i32_f32": (I32, F32),
    "print_f64_f64": (F64, F64),
}


def make_spectest(store: Any) -> Instance:
    """A fresh `spectest` instance: print*, global_{i32,i64,f32,f64}, table, memory."""
    inst = Instance(Module(), store, "spectest")
    for name, params in _PRINTS.items():
        inst.exports[name] = HostFunc(FuncType(params, ()), _ignore, name)
    inst.exports["global_i32"] = GlobalInstance(GlobalType(I32), 666)
    inst.exports["global_i64"] = GlobalInstance(GlobalType(I64), 666)
    inst.exports["global_f32"] = GlobalInstance(GlobalType(F32), _f32_bits(666.6))
    inst.exports["global_f64"] = GlobalInstance(GlobalType(F64), _f64_bits(666.6))
    inst.exports["table"] = TableInstance(TableType(FUNCREF, Limits(10, 20)))
    inst.exports["memory"] = MemoryInstance(MemoryType(Limits(1, 2)))
    return inst
