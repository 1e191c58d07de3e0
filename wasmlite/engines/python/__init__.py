"""The pure-Python engine: each wasm function becomes one generated Python function, once it
is hot; until then it is interpreted (`interpreter.py`), and its hot loops translated alone."""

from __future__ import annotations

from ...model import Module
from ..base import CompiledModule, Engine


class PythonEngine(Engine):
    name = "python"

    def compile(self, module: Module, cache: bool = True) -> CompiledModule:
        """Translate lazily (each function on its first call); with `cache`, reuse and
        save the compiled functions of big modules on disk (see `cache.py`)."""
        from . import cache as code_cache
        from .compiled import PyCompiledModule

        key = code_cache.cache_key(module) if cache else None
        return PyCompiledModule(self, module, key)


__all__ = ["PythonEngine"]
