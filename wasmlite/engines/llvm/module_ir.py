"""A whole module's IR: runtime declarations, the trap helper, every defined function."""

from __future__ import annotations

from ...model import Module
from .irgen import MODULE_METADATA, Intrinsics
from .layout import ContextLayout
from .lower import FunctionLowerer
from .trampolines import RUNTIME_DECLS

_TRAP_HELPER = """
define internal void @wl_trap(i32 %c) noinline noreturn cold {
  %c64 = zext i32 %c to i64
  store i64 %c64, ptr getelementptr (i64, ptr @wl_rt, i64 2)
  %jb = load ptr, ptr @wl_rt
  call void @llvm.eh.sjlj.longjmp(ptr %jb)
  unreachable
}
"""


def function_symbol(index: int) -> str:
    return f"f{index}"


def module_ir(module: Module) -> str:
    intrinsics = Intrinsics()
    layout = ContextLayout.of(module)
    func_types = module.func_types()
    first = module.num_imported_funcs
    parts = [RUNTIME_DECLS, _TRAP_HELPER]
    for i, func in enumerate(module.funcs):
        lowerer = FunctionLowerer(module, layout, first + i, func, intrinsics, func_types)
        parts.append(lowerer.lower())
    parts.append(intrinsics.render())
    parts.append(MODULE_METADATA)
    return "\n".join(parts)
