"""The embedding API, in the spirit of wasmtime-py; docs/api.md is the reference.

Typical use: `engine = Engine()`, `store = Store(engine)`, `module = Module(engine, wat_or_wasm)`,
`instance = Linker(engine).instantiate(store, module)`, then
`instance.exports(store)["add"](store, 2, 3)`. Everything here is re-exported by `wasmlite`.
"""

from ..errors import (
    DecodeError,
    Exhaustion,
    ExitTrap,
    Frame,
    Interrupted,
    LinkError,
    ModuleError,
    ParseError,
    Trap,
    ValidationError,
    WasmError,
)
from ..model import FuncType, GlobalType, Limits, MemoryType, TableType, ValType
from .caller import Caller
from .command import run_command
from .engine import Config, Engine
from .externs import Func, Global, Memory, Table
from .instance import Instance, InstanceExports
from .linker import Linker
from .module import Module
from .store import Store
from .types import (
    F32,
    F64,
    I32,
    I64,
    V128,
    ExportType,
    ExternRef,
    FuncRef,
    ImportType,
    global_type,
    memory_type,
    table_type,
)
from .wasi import WasiConfig

__all__ = [
    "F32",
    "F64",
    "I32",
    "I64",
    "V128",
    "Caller",
    "Config",
    "DecodeError",
    "Engine",
    "Exhaustion",
    "ExitTrap",
    "ExportType",
    "ExternRef",
    "Frame",
    "Func",
    "FuncRef",
    "FuncType",
    "Global",
    "GlobalType",
    "ImportType",
    "Instance",
    "InstanceExports",
    "Interrupted",
    "Limits",
    "LinkError",
    "Linker",
    "Memory",
    "MemoryType",
    "Module",
    "ModuleError",
    "ParseError",
    "Store",
    "Table",
    "TableType",
    "Trap",
    "ValType",
    "ValidationError",
    "WasiConfig",
    "WasmError",
    "global_type",
    "memory_type",
    "run_command",
    "table_type",
]
