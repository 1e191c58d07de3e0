"""The LLVM engine: wasm -> LLVM IR (textual) -> O2 -> object code -> ORC LLJIT.

See `engine` for the entry points, `layout` for the context block native code receives,
`runtime_state` for traps and host callbacks, `lower`/`numeric`/`memory`/`tables`/`simd`
for the lowering, `cache` for the on-disk object cache.
"""

from __future__ import annotations

from .engine import LLVMCompiledModule, LLVMEngine, LLVMFunc

__all__ = ["LLVMCompiledModule", "LLVMEngine", "LLVMFunc"]
