"""Helpers several test packages share: which engines can run here, and WAT -> instance.

Test modules import it as `wasm_helpers` (pytest puts `tests/` on the path for the
packages below it).
"""

from __future__ import annotations

import functools
from typing import Any

import pytest


@functools.cache
def llvm_unavailable_reason() -> str | None:
    """Why the llvm engine cannot be used here, or None when it can."""
    try:
        from wasmlite.engines import get_engine

        get_engine("llvm")
    except Exception as e:  # ImportError (no llvmlite), or the engine failing to start
        return f"llvm engine not importable: {type(e).__name__}: {e}"
    return None


def llvm_available() -> bool:
    return llvm_unavailable_reason() is None


needs_llvm = pytest.mark.skipif(not llvm_available(), reason=str(llvm_unavailable_reason()))

# Parametrize a test over every engine; the llvm case is skipped (with the reason) where
# llvmlite is missing.
ENGINE_PARAMS = [
    pytest.param("python", id="python"),
    pytest.param("llvm", id="llvm", marks=needs_llvm),
]


def compile_wat(engine: str, wat: str) -> Any:
    """A module in the text format, validated and compiled by `engine` ("python"/"llvm")."""
    from wasmlite.engines import get_engine
    from wasmlite.text import parse_module
    from wasmlite.validate import validate_module

    module = parse_module(wat)
    validate_module(module)
    return get_engine(engine).compile(module)


def instantiate_wat(engine: str, wat: str, imports: list | None = None, store: Any = None) -> Any:
    """A runtime instance of `wat` (in a fresh store of `engine` unless `store` is given)."""
    from wasmlite.runtime import Store

    return compile_wat(engine, wat).instantiate(store or Store(engine), imports or [])


def call(instance: Any, name: str, *args: int) -> list:
    """Call export `name` with raw arguments; the raw results."""
    return instance.exports[name].call(list(args))
