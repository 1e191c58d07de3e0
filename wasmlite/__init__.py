"""wasmlite: a WebAssembly + WASI runtime in Python.

The embedding API (`wasmlite.api`, documented in docs/api.md) is available from here:
`from wasmlite import Engine, Store, Module, Linker, WasiConfig`. It is imported on first
use, so that `import wasmlite` stays cheap for the command line.
"""

from typing import Any

__version__ = "0.1.0"

_API_NAMES = frozenset(
    {
        "F32", "F64", "I32", "I64", "V128", "Caller", "Config", "DecodeError", "Engine", "Exhaustion",
        "ExitTrap", "ExportType", "ExternRef", "Frame", "Func", "FuncRef", "FuncType", "Global",
        "GlobalType", "ImportType", "Instance", "InstanceExports", "Interrupted", "Limits",
        "LinkError", "Linker", "Memory", "MemoryType", "Module", "ModuleError", "ParseError",
        "Store", "Table", "TableType", "Trap", "ValType", "ValidationError", "WasiConfig",
        "WasmError", "global_type", "memory_type", "run_command", "table_type",
    }
)  # fmt: skip

__all__ = ["__version__", *sorted(_API_NAMES)]


def __getattr__(name: str) -> Any:
    if name in _API_NAMES:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'wasmlite' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _API_NAMES)
