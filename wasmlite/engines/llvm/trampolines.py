"""Per-signature glue between Python and native code, compiled once per process.

* An *entry trampoline* `i32 tramp(ptr fn, ptr ctx, ptr buf)` sets up a jump buffer with
  `llvm.eh.sjlj.setjmp`, calls `fn(ctx, args...)` with the arguments read from `buf`'s
  16-byte slots, writes the results back to `buf` and returns 0, or returns the trap code
  when native code traps (longjmps here).
* A *host adapter* `R adapter(ptr handle, args...)` has the native wasm calling
  convention and forwards the call to a non-native function instance through `wl_call`;
  it is what an import slot or table entry points at when the callee is not native.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Sequence
from typing import Any

from ...model import ValType
from .lazyjit import compile_ir, link_object
from .runtime_state import BT_COUNT, BT_FIRST, BT_MAX
from .values import LLTYPE, SLOT, ret_type, sig_key

# On every function that may be on the stack when a trap unwinds (see `WALK_HELPER`): keep
# a frame pointer, and a frame (no sibling calls: a tail call would drop its caller's frame
# from the backtrace).
FRAME_POINTER = '"frame-pointer"="all" "disable-tail-calls"="true"'

TRAMPOLINE_PROTO = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)

RUNTIME_DECLS = f"""\
@wl_rt = external global [{BT_FIRST + BT_MAX} x i64]
declare i64 @wl_host(ptr, i32, i64, i64, i64, i64, i64)
declare i32 @wl_call(i64, ptr)
declare i32 @llvm.eh.sjlj.setjmp(ptr)
declare void @llvm.eh.sjlj.longjmp(ptr) noreturn
declare ptr @llvm.frameaddress.p0(i32)
declare ptr @llvm.stacksave.p0()
"""

# `wl_walk(fp)`, called with its caller's frame address just before a trap unwinds: records
# the return address of every frame from there up to the innermost entry trampoline (whose
# frame address is word 0 of its jump buffer) in `wl_rt` (see `runtime_state`). Wasm
# functions keep frame pointers, so the saved-rbp chain links exactly the wasm frames; the
# walk stops early at anything that does not look like that chain (addresses must rise).
WALK_HELPER = f"""
define internal void @wl_walk(ptr %start) noinline cold {{
entry:
  %jb = load ptr, ptr @wl_rt
  %topp = load ptr, ptr %jb
  %top = ptrtoint ptr %topp to i64
  br label %loop
loop:
  %fp = phi ptr [ %start, %entry ], [ %next, %rec ]
  %n = phi i64 [ 0, %entry ], [ %n1, %rec ]
  %fpi = ptrtoint ptr %fp to i64
  %next = load volatile ptr, ptr %fp, align 8
  %nexti = ptrtoint ptr %next to i64
  %rises = icmp ugt i64 %nexti, %fpi
  %inside = icmp ult i64 %nexti, %top
  %room = icmp ult i64 %n, {BT_MAX}
  %c1 = and i1 %rises, %inside
  %go = and i1 %c1, %room
  br i1 %go, label %rec, label %done
rec:
  %rap = getelementptr ptr, ptr %fp, i64 1
  %ra = load volatile i64, ptr %rap, align 8
  %k = add i64 %n, {BT_FIRST}
  %slot = getelementptr i64, ptr @wl_rt, i64 %k
  store i64 %ra, ptr %slot, align 8
  %n1 = add i64 %n, 1
  br label %loop
done:
  store i64 %n, ptr getelementptr (i64, ptr @wl_rt, i64 {BT_COUNT}), align 8
  ret void
}}
"""


def _trampoline_ir(params: Sequence[ValType], results: Sequence[ValType]) -> str:
    rt = ret_type(results)
    loads, args = [], ["ptr %ctx"]
    for i, t in enumerate(params):
        ty = LLTYPE[t]
        loads.append(f"  %ap{i} = getelementptr i8, ptr %buf, i64 {i * SLOT}")
        loads.append(f"  %a{i} = load {ty}, ptr %ap{i}, align 8")
        args.append(f"{ty} %a{i}")
    call = f"call {rt} %fn({', '.join(args)})"
    stores = []
    if rt == "void":
        stores.append(f"  {call}")
    else:
        stores.append(f"  %res = {call}")
        for i, t in enumerate(results):
            ty = LLTYPE[t]
            value = "%res"
            if len(results) > 1:
                stores.append(f"  %r{i} = extractvalue {rt} %res, {i}")
                value = f"%r{i}"
            stores.append(f"  %rp{i} = getelementptr i8, ptr %buf, i64 {i * SLOT}")
            stores.append(f"  store {ty} {value}, ptr %rp{i}, align 8")
    body = "\n".join(loads + stores)
    return f"""{RUNTIME_DECLS}
define i32 @tramp(ptr %fn, ptr %ctx, ptr %buf) noinline {{
entry:
  %jb = alloca [5 x ptr], align 16
  %prevslot = alloca ptr, align 8
  %prev = load ptr, ptr @wl_rt
  store volatile ptr %prev, ptr %prevslot
  %fa = call ptr @llvm.frameaddress.p0(i32 0)
  store ptr %fa, ptr %jb
  %ss = call ptr @llvm.stacksave.p0()
  %jbsp = getelementptr ptr, ptr %jb, i64 2
  store ptr %ss, ptr %jbsp
  %sj = call i32 @llvm.eh.sjlj.setjmp(ptr %jb)
  %ok = icmp eq i32 %sj, 0
  br i1 %ok, label %body, label %trapped
body:
  store ptr %jb, ptr @wl_rt
{body}
  %p1 = load volatile ptr, ptr %prevslot
  store ptr %p1, ptr @wl_rt
  ret i32 0
trapped:
  %p2 = load volatile ptr, ptr %prevslot
  store ptr %p2, ptr @wl_rt
  %cp = getelementptr i64, ptr @wl_rt, i64 2
  %code = load i64, ptr %cp
  store i64 0, ptr %cp
  %c32 = trunc i64 %code to i32
  ret i32 %c32
}}
"""


def _adapter_ir(params: Sequence[ValType], results: Sequence[ValType]) -> str:
    rt = ret_type(results)
    nslots = max(len(params), len(results), 1)
    plist = ", ".join(["ptr %h"] + [f"{LLTYPE[t]} %a{i}" for i, t in enumerate(params)])
    lines = [f"  %buf = alloca [{nslots * SLOT} x i8], align 16"]
    for i, t in enumerate(params):
        lines.append(f"  %ap{i} = getelementptr i8, ptr %buf, i64 {i * SLOT}")
        lines.append(f"  store {LLTYPE[t]} %a{i}, ptr %ap{i}, align 8")
    lines += [
        "  %hi = ptrtoint ptr %h to i64",
        "  %st = call i32 @wl_call(i64 %hi, ptr %buf)",
        "  %bad = icmp ne i32 %st, 0",
        "  br i1 %bad, label %throw, label %ok",
        "throw:",
        "  %fa = call ptr @llvm.frameaddress.p0(i32 0)",
        "  call void @wl_walk(ptr %fa)",
        "  %jb = load ptr, ptr @wl_rt",
        "  call void @llvm.eh.sjlj.longjmp(ptr %jb)",
        "  unreachable",
        "ok:",
    ]
    if rt == "void":
        lines.append("  ret void")
    else:
        for i, t in enumerate(results):
            lines.append(f"  %rp{i} = getelementptr i8, ptr %buf, i64 {i * SLOT}")
            lines.append(f"  %r{i} = load {LLTYPE[t]}, ptr %rp{i}, align 8")
        if len(results) == 1:
            lines.append(f"  ret {rt} %r0")
        else:
            agg = "undef"
            for i in range(len(results)):
                lines.append(f"  %s{i} = insertvalue {rt} {agg}, {LLTYPE[results[i]]} %r{i}, {i}")
                agg = f"%s{i}"
            lines.append(f"  ret {rt} {agg}")
    body = "\n".join(lines)
    return (
        f"{RUNTIME_DECLS}\ndefine {rt} @adapter({plist}) {FRAME_POINTER} {{\nentry:\n{body}\n}}\n"
    )


class _Glue:
    __slots__ = ("tracker", "trampoline", "adapter")

    def __init__(self, key: str, params: Sequence[ValType], results: Sequence[ValType]):
        self.tracker: Any = link_object(_glue_object(key, params, results), ["tramp", "adapter"])
        self.trampoline = TRAMPOLINE_PROTO(self.tracker["tramp"])
        self.adapter: int = self.tracker["adapter"]


def _glue_object(key: str, params: Sequence[ValType], results: Sequence[ValType]) -> bytes:
    """Object code of one signature's glue, from the compile cache when possible (a process
    needs glue for every import signature: compiling it each time would dominate startup)."""
    from . import cache

    cache_key = cache.cache_key(f"glue:{key}".encode()) if cache.enabled() else None
    obj = cache.load(cache_key) if cache_key else None
    if obj is None:
        ir = (
            _trampoline_ir(params, results)
            + _adapter_ir(params, results).replace(RUNTIME_DECLS, "")
            + WALK_HELPER
        )
        obj = compile_ir(ir)
        if cache_key:
            cache.store(cache_key, obj)
    return obj


_glue: dict[str, _Glue] = {}
# Two threads building the same signature's glue at once would each link a copy, and the
# copy replaced in `_glue` would be unmapped while its trampoline is still in use.
_glue_lock = threading.Lock()


def glue_for(params: Sequence[ValType], results: Sequence[ValType]) -> _Glue:
    """The signature's glue; it lives as long as the process (callers keep a reference)."""
    key = sig_key(params, results)
    g = _glue.get(key)
    if g is None:
        with _glue_lock:
            g = _glue.get(key)
            if g is None:
                g = _glue[key] = _Glue(key, params, results)
    return g
