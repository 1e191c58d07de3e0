"""A whole module's IR: runtime declarations, the trap helper, every defined function."""

from __future__ import annotations

from collections.abc import Collection

from ...model import Module
from .layout import ContextLayout
from .trampolines import RUNTIME_DECLS, WALK_HELPER
from .values import LLTYPE, ret_type

_TRAP_HELPER = """
define internal void @wl_trap(i32 %c) noinline noreturn cold {
  %fa = call ptr @llvm.frameaddress.p0(i32 0)
  call void @wl_walk(ptr %fa)
  %c64 = zext i32 %c to i64
  store i64 %c64, ptr getelementptr (i64, ptr @wl_rt, i64 2)
  %jb = load ptr, ptr @wl_rt
  call void @llvm.eh.sjlj.longjmp(ptr %jb)
  unreachable
}
"""


def function_symbol(index: int) -> str:
    return f"f{index}"


def module_ir(module: Module, only: Collection[int] | None = None, polls: bool = False) -> str:
    """IR of the module's defined functions (all, or the `only` ones, given as positions in
    `module.funcs`); the others are declared, to be linked from another part's object.
    `polls`: count down and call the host at function entries and loop headers (for stores
    with fuel, a deadline or interrupts; see `runtime.store`)."""
    # The lowering is imported here: a run served by the compile cache never needs it.
    from .irgen import MODULE_METADATA, Intrinsics
    from .lower import FunctionLowerer

    intrinsics = Intrinsics()
    layout = ContextLayout.of(module)
    func_types = module.func_types()
    first = module.num_imported_funcs
    parts = [RUNTIME_DECLS, _TRAP_HELPER, WALK_HELPER]
    for i, func in enumerate(module.funcs):
        if only is None or i in only:
            lowerer = FunctionLowerer(
                module, layout, first + i, func, intrinsics, func_types, polls
            )
            parts.append(lowerer.lower())
        else:
            ft = module.types[func.type_index]
            params = ", ".join(["ptr"] + [LLTYPE[t] for t in ft.params])
            parts.append(f"declare {ret_type(ft.results)} @{function_symbol(first + i)}({params})")
    parts.append(intrinsics.render())
    parts.append(MODULE_METADATA)
    return "\n".join(parts)
