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

# Held by every call into LLVM (parsing, optimizing, emitting, linking): llvmlite's global
# context and the one LLJIT are not safe to use from two threads at once.
_lock = threading.RLock()
_names = itertools.count()


@cache
def _target_machine(codegen_opt: int = 2) -> Any:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple()
    # PIC + small code model: the object reaches host symbols through its GOT, wherever
    # the JIT puts it relative to them.
    return target.create_target_machine(
        cpu=llvm.get_host_cpu_name(),
        features=llvm.get_host_cpu_features().flatten(),
        opt=codegen_opt,
        reloc="pic",
        codemodel="small",
    )


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


def compile_ir(ir: str, opt_level: int = 2) -> bytes:
    """Parse, verify, optimize and emit object code.

    `opt_level` 2 is LLVM's O2 pipeline and code generator. 1 is the quick tier for very
    large modules: promote locals to registers, combine instructions, simplify the CFG,
    then the fast (O0) code generator: about 8x less compile time, slower code.
    """
    with _lock:
        tm = _target_machine(2 if opt_level >= 2 else 0)
        mod = llvm.parse_assembly(ir)
        mod.verify()
        if opt_level >= 2:
            pto = llvm.create_pipeline_tuning_options(speed_level=2)
            pb = llvm.create_pass_builder(tm, pto)
            pb.getModulePassManager().run(mod, pb)
        else:
            pb = llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=0))
            mpm = llvm.create_new_module_pass_manager()
            mpm.add_sroa_pass()
            mpm.add_instruction_combine_pass()
            mpm.add_simplify_cfg_pass()
            mpm.run(mod, pb)
        return bytes(tm.emit_object(mod))


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
