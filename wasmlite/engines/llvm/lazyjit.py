"""The JIT's entry points, without importing llvmlite until code must be compiled.

A warm compile cache needs no LLVM at all (`objload` places cached objects itself), so
the engine and the trampolines import these instead of `jit`.
"""

from __future__ import annotations

from .objload import link as link_object


def compile_ir(ir: str, opt_level: int = 2) -> bytes:
    from .jit import compile_ir as compile_with_llvm

    return compile_with_llvm(ir, opt_level)


__all__ = ["compile_ir", "link_object"]
