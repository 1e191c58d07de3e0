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

_lock = threading.RLock()
_names = itertools.count()


@cache
def _target_machine() -> Any:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple()
    # PIC + small code model: the object reaches host symbols through its GOT, wherever
    # the JIT puts it relative to them.
    return target.create_target_machine(
        cpu=llvm.get_host_cpu_name(),
        features=llvm.get_host_cpu_features().flatten(),
        opt=2,
        reloc="pic",
        codemodel="small",
    )


@cache
def _lljit() -> Any:
    return llvm.create_lljit_compiler(_target_machine(), use_jit_link=True)


def target_key() -> str:
    """What compiled code depends on besides the module: for the compile cache's key."""
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


def compile_ir(ir: str) -> bytes:
    """Parse, verify, optimize at O2 and emit object code."""
    with _lock:
        tm = _target_machine()
        mod = llvm.parse_assembly(ir)
        mod.verify()
        pto = llvm.create_pipeline_tuning_options(speed_level=2)
        pb = llvm.create_pass_builder(tm, pto)
        pb.getModulePassManager().run(mod, pb)
        return bytes(tm.emit_object(mod))


def link_object(obj: bytes, exports: list[str]) -> Any:
    """Load object code into the JIT; returns the library's resource tracker (keep it alive:
    it maps each exported name to its address)."""
    from .runtime_state import host_symbols

    with _lock:
        builder = llvm.JITLibraryBuilder().add_object_img(obj)
        for name, address in host_symbols().items():
            builder.import_symbol(name, address)
        for name in exports:
            builder.export_symbol(name)
        return builder.link(_lljit(), f"wasm{next(_names)}")
