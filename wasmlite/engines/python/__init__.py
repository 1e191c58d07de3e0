"""The pure-Python engine: each wasm function becomes one generated Python function."""

from __future__ import annotations

from ...model import Module
from ..base import CompiledModule, Engine


class PythonEngine(Engine):
    name = "python"

    def compile(self, module: Module) -> CompiledModule:
        from .compiled import PyCompiledModule

        return PyCompiledModule(self, module)


__all__ = ["PythonEngine"]
