"""Compiling with or without the code cache, and an engine's precompiled code as bytes.

Engines may offer these hooks (all optional):

    engine.compile(module, cache=False)        compile without reading/writing a code cache
    compiled.serialize() -> bytes              the engine's own precompiled form
    engine.deserialize(module, code) -> CompiledModule

Until the llvm engine has them, its object code is reached through its module-level
functions (`module_ir`, `compile_ir`, `link_object`), the same steps its `compile` takes.
Anything that does not fit falls back to plain `engine.compile(module)`.
"""

from __future__ import annotations

from typing import Any

from ..model import Module


def compile_module(runtime: Any, module: Module, use_cache: bool) -> Any:
    """`runtime.compile(module)`, skipping the engine's code cache when `use_cache` is false."""
    if use_cache:
        return runtime.compile(module)
    import inspect  # not on the usual path: importing it costs a few ms

    if "cache" in inspect.signature(runtime.compile).parameters:
        return runtime.compile(module, cache=False)
    if runtime.name == "llvm":
        compiled = _llvm_compile(runtime, module, None)
        if compiled is not None:
            return compiled
    return runtime.compile(module)


def code_of(runtime: Any, compiled: Any) -> bytes:
    """The engine's precompiled form of `compiled`, or b"" when it has none."""
    serialize = getattr(compiled, "serialize", None)
    if serialize is not None:
        return serialize()
    if runtime.name == "llvm":
        return _llvm_object_code(compiled.module)
    return b""


def from_code(runtime: Any, module: Module, code: bytes) -> Any:
    """A compiled module from `code_of`'s bytes (compiled afresh when that cannot be done)."""
    deserialize = getattr(runtime, "deserialize", None)
    if deserialize is not None:
        return deserialize(module, code)
    if runtime.name == "llvm" and code:
        compiled = _llvm_compile(runtime, module, code)
        if compiled is not None:
            return compiled
    return runtime.compile(module)


def code_target(runtime: Any) -> str:
    """What precompiled code depends on besides the module (CPU, LLVM, code conventions):
    code made for another target is not loaded but compiled again."""
    target = getattr(runtime, "code_target", None)
    if callable(target):
        return str(target())
    if runtime.name == "llvm":
        try:
            from ..engines.llvm import cache
            from ..engines.llvm.jit import target_key
        except ImportError:
            return ""
        return f"{getattr(cache, 'FORMAT_VERSION', '')}|{target_key()}"
    return ""


def _llvm_object_code(module: Module) -> bytes:
    try:
        from ..engines.llvm import cache
        from ..engines.llvm.engine import _module_identity
        from ..engines.llvm.jit import compile_ir
        from ..engines.llvm.module_ir import module_ir
    except ImportError:
        return b""
    # The engine has just compiled this module: its object code is usually in the cache.
    if cache.enabled():
        obj = cache.load(cache.cache_key(_module_identity(module)))
        if obj is not None:
            return obj
    return compile_ir(module_ir(module))


def _llvm_compile(runtime: Any, module: Module, obj: bytes | None) -> Any:
    try:
        from ..engines.llvm.engine import LLVMCompiledModule
        from ..engines.llvm.jit import compile_ir, link_object
        from ..engines.llvm.module_ir import function_symbol, module_ir
    except ImportError:
        return None
    if obj is None:
        obj = compile_ir(module_ir(module))
    first = module.num_imported_funcs
    exports = [function_symbol(first + i) for i in range(len(module.funcs))]
    return LLVMCompiledModule(runtime, module, link_object(obj, exports))
