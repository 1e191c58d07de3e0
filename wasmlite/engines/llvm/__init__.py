"""The LLVM engine: wasm -> textual LLVM IR -> O2 -> object code -> ORC LLJIT (JITLink).

How the pieces fit:

* `engine`: `LLVMEngine.compile` (through the on-disk object `cache`), instantiation hooks,
  `LLVMFunc.call` (Python -> native through a per-signature entry trampoline);
* `module_ir`, `lower`, `dispatch`, `numeric`, `memory`, `tables`, `simd*`: the lowering;
  every native function is `R f<index>(ptr ctx, params...)`;
* `layout`: the per-instance context block (`ctx`) native code reads memory, globals,
  imports, tables and type ids through;
* `natives`: native mirrors of shared memories, globals and tables;
* `objload`, `lazyjit`, `hostkey`: object code (cached or fresh) is placed in memory by
  our own small ELF loader, LLJIT only when it cannot; with a warm cache a run never
  imports llvmlite (`hostkey` builds the cache key without it);
* `runtime_state`, `trampolines`, `traps`, `host_ops`: traps unwind with
  `llvm.eh.sjlj.longjmp` to the entry trampoline; calls into Python go through two
  ctypes callbacks, whose Python exceptions are re-raised unchanged at the entry;
* `backtrace`: a trap walks the frame-pointer chain natively (wasm functions keep frame
  pointers and are not inlined) and the entry maps the return addresses to wasm frames;
* `fastcall`: call paths bound per function for plain-number signatures (Python -> wasm
  entry, wasm -> Python host call);
* threads: native code runs on one thread at a time (`runtime_state.entry_lock`, under
  which the entry also fills and reads its buffers and `rt`); every use of LLVM holds
  `jit._lock`; per-signature glue and type ids are created once under their own locks;
* polling: a countdown in `ctx` at function entries and loop headers calls the host
  (`store.tick(1000)`) every 1000 poll points when the store polls (fuel, deadline,
  interrupt), so one fuel unit is one function entry or loop iteration. Only the code
  instantiated in such stores has poll points: a compiled module makes that variant on
  first use (`LLVMCompiledModule.variant`); stores without limits run code without them.
"""

from __future__ import annotations

from .engine import LLVMCompiledModule, LLVMEngine, LLVMFunc

__all__ = ["LLVMCompiledModule", "LLVMEngine", "LLVMFunc"]
