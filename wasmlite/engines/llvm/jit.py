"""The process-wide LLVM JIT: target machine, O2 pipeline, object emission and linking.

Modules are lowered to textual IR, optimized, emitted as object code (what the compile
cache stores), then linked into ORC LLJIT as their own library. The few host symbols every
library imports (`wl_rt`, `wl_host`, `wl_call`) come from `runtime_state`.
"""

from __future__ import annotations

import itertools
import threading
from functools import cache
from typing import Any

import llvmlite
import llvmlite.binding as llvm

from . import pipeline

# Held by every call into LLVM (parsing, optimizing, emitting, linking): llvmlite's global
# context and the one LLJIT are not safe to use from two threads at once.
_lock = threading.RLock()
_names = itertools.count()


def _target_machine(codegen_opt: int = 2) -> Any:
    return pipeline.target_machine(codegen_opt)


@cache
def _lljit() -> Any:
    return llvm.create_lljit_compiler(_target_machine(), use_jit_link=True)


def target_key() -> str:
    """What compiled code depends on besides the module: for the compile cache's key."""
    with _lock:  # every use of LLVM holds the one lock: it is not thread-safe
        tm = _target_machine()
        return "|".join(
            [
                llvmlite.__version__,
                ".".join(map(str, llvm.llvm_version_info)),
                tm.triple,
                llvm.get_host_cpu_name(),
                llvm.get_host_cpu_features().flatten(),
            ]
        )


def compile_ir(ir: str, opt_level: int = pipeline.O2) -> bytes:
    """Parse, verify, optimize (tier `opt_level`, see `pipeline`) and emit object code."""
    with _lock:
        return pipeline.compile_text(ir, opt_level)


def optimize(mod: Any, tm: Any, opt_level: int) -> None:
    """Run tier `opt_level`'s pipeline on a parsed module (call under `_lock`)."""
    pipeline.optimize(mod, tm, opt_level)


def link_object(obj: bytes | list[bytes], exports: list[str]) -> Any:
    """Load object code (one object, or several that reference each other's symbols) into
    the JIT as one library; returns its resource tracker (keep it alive: it maps each
    exported name to its address)."""
    from .runtime_state import host_symbols

    with _lock:
        builder = llvm.JITLibraryBuilder()
        for o in [obj] if isinstance(obj, bytes) else obj:
            builder.add_object_img(o)
        for name, address in host_symbols().items():
            builder.import_symbol(name, address)
        for name in exports:
            builder.export_symbol(name)
        return builder.link(_lljit(), f"wasm{next(_names)}")
