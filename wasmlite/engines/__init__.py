"""Execution engines behind one interface (see `base`): "llvm" (native code) and "python"."""

from __future__ import annotations

from .base import CompiledModule, Engine

ENGINE_NAMES = ("llvm", "python")

_engines: dict[str, Engine] = {}


def get_engine(name: str) -> Engine:
    """The engine called `name` ("python" or "llvm"); one shared object per name."""
    if name not in _engines:
        if name == "python":
            from .python import PythonEngine

            _engines[name] = PythonEngine()
        elif name == "llvm":
            from .llvm import LLVMEngine  # type: ignore[attr-defined]

            _engines[name] = LLVMEngine()
        else:
            from ..errors import WasmError

            raise WasmError(f"unknown engine {name!r} (choose from {', '.join(ENGINE_NAMES)})")
    return _engines[name]


def default_engine_name() -> str:
    """ "llvm" when its native dependency imports and it is present, else "python"."""
    try:
        import importlib.util

        # find_spec, not import: a run served by the compile cache never loads llvmlite
        if importlib.util.find_spec("llvmlite") is None:
            raise ImportError("llvmlite")
        from . import llvm  # noqa: F401

        if hasattr(llvm, "LLVMEngine"):
            return "llvm"
    except ImportError:
        pass
    return "python"


__all__ = ["ENGINE_NAMES", "CompiledModule", "Engine", "default_engine_name", "get_engine"]
