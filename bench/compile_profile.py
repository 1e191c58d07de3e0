"""Where the LLVM engine's compile time goes, per module and per plan part.

    python bench/compile_profile.py [--level 2|1|auto] MODULE.wasm...

Prints, for each part of the engine's plan: IR generation (Python), llvmlite parse +
verify, the optimization pipeline and code generation (object emission), in seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def profile(path: str, level: str) -> None:
    import llvmlite.binding as llvm

    from wasmlite.engines.llvm import jit
    from wasmlite.engines.llvm.engine import LLVMEngine, plan_tag
    from wasmlite.engines.llvm.module_ir import module_ir
    from wasmlite.frontend import read_module

    t0 = time.perf_counter()
    module = read_module(path)
    front = time.perf_counter() - t0
    engine = LLVMEngine(None if level == "auto" else int(level))
    plan = engine.plan(module)
    print(f"{os.path.basename(path)}: front end {front:.2f}s, plan {plan_tag(plan)}")
    for opt, part in plan:
        t = time.perf_counter()
        ir = module_ir(module, part)
        t_ir = time.perf_counter() - t
        with jit._lock:
            t = time.perf_counter()
            mod = llvm.parse_assembly(ir)
            mod.verify()
            t_parse = time.perf_counter() - t
            tm = jit._target_machine(2 if opt >= 2 else 0)
            t = time.perf_counter()
            jit.optimize(mod, tm, opt)
            t_opt = time.perf_counter() - t
            t = time.perf_counter()
            obj = tm.emit_object(mod)
            t_cg = time.perf_counter() - t
        n = len(module.funcs) if part is None else len(part)
        print(
            f"  O{opt} x{n} funcs: irgen {t_ir:.2f}  parse {t_parse:.2f}  opt {t_opt:.2f}"
            f"  codegen {t_cg:.2f}  ({len(ir) / 1e6:.1f} MB IR, {len(obj) / 1e3:.0f} kB obj)"
        )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("modules", nargs="+")
    p.add_argument("--level", default="auto")
    args = p.parse_args()
    for path in args.modules:
        profile(path, args.level)


if __name__ == "__main__":
    main()
