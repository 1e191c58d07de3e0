"""Memory instructions: bounds-checked loads and stores, memory.size/grow, bulk memory.

Every access computes `zext(addr) + offset + width` in i64 (no overflow possible) and
traps when it exceeds the current size; the address is a GEP off the memory base.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import host_ops, traps
from .irgen import TBAA_MEM

if TYPE_CHECKING:
    from .lower import FunctionLowerer

Lowering = Callable[["FunctionLowerer", object], None]

# name -> (value type, memory type, extension)  extension: "s", "u" or "" (full width)
LOADS = {
    "i32.load": ("i32", "i32", ""),
    "i64.load": ("i64", "i64", ""),
    "f32.load": ("float", "float", ""),
    "f64.load": ("double", "double", ""),
    "i32.load8_s": ("i32", "i8", "s"),
    "i32.load8_u": ("i32", "i8", "u"),
    "i32.load16_s": ("i32", "i16", "s"),
    "i32.load16_u": ("i32", "i16", "u"),
    "i64.load8_s": ("i64", "i8", "s"),
    "i64.load8_u": ("i64", "i8", "u"),
    "i64.load16_s": ("i64", "i16", "s"),
    "i64.load16_u": ("i64", "i16", "u"),
    "i64.load32_s": ("i64", "i32", "s"),
    "i64.load32_u": ("i64", "i32", "u"),
}
STORES = {
    "i32.store": ("i32", "i32"),
    "i64.store": ("i64", "i64"),
    "f32.store": ("float", "float"),
    "f64.store": ("double", "double"),
    "i32.store8": ("i32", "i8"),
    "i32.store16": ("i32", "i16"),
    "i64.store8": ("i64", "i8"),
    "i64.store16": ("i64", "i16"),
    "i64.store32": ("i64", "i32"),
}
WIDTH = {"i8": 1, "i16": 2, "i32": 4, "i64": 8, "float": 4, "double": 8, "<2 x i64>": 16}


def address(L: FunctionLowerer, addr: str, offset: int, width: int) -> str:
    """Bounds-check an access of `width` bytes at `addr + offset`; return its pointer."""
    base, size = L.memory()
    a64 = L.op(f"zext i32 {addr} to i64")
    # A 32-bit address plus a 32-bit offset cannot wrap in 64 bits: `nuw` lets LLVM rewrite
    # and hoist the check; once it passed, the access lies inside the memory (`inbounds`).
    end = L.op(f"add nuw nsw i64 {a64}, {offset + width}")
    oob = L.op(f"icmp ugt i64 {end}, {size}")
    L.trap_if(oob, traps.MEMORY_OOB)
    eff = L.op(f"add nuw nsw i64 {a64}, {offset}") if offset else a64
    return L.op(f"getelementptr inbounds i8, ptr {base}, i64 {eff}")


def load(L: FunctionLowerer, mty: str, memarg: object) -> str:
    _, offset = memarg  # type: ignore[misc]
    _, addr = L.pop()
    p = address(L, addr, offset, WIDTH[mty])
    return L.op(f"load {mty}, ptr {p}, align 1, {TBAA_MEM}")


def _load(name: str) -> Lowering:
    vty, mty, ext = LOADS[name]

    def lower(L: FunctionLowerer, memarg: object) -> None:
        v = load(L, mty, memarg)
        if ext:
            v = L.op(f"{'sext' if ext == 's' else 'zext'} {mty} {v} to {vty}")
        L.push(vty, v)

    return lower


def store(L: FunctionLowerer, mty: str, value: str, memarg: object) -> None:
    _, offset = memarg  # type: ignore[misc]
    _, addr = L.pop()
    p = address(L, addr, offset, WIDTH[mty])
    L.emit(f"store {mty} {value}, ptr {p}, align 1, {TBAA_MEM}")


def _store(name: str) -> Lowering:
    vty, mty = STORES[name]

    def lower(L: FunctionLowerer, memarg: object) -> None:
        _, v = L.pop()
        if mty != vty:
            v = L.op(f"trunc {vty} {v} to {mty}")
        store(L, mty, v, memarg)

    return lower


def memory_size(L: FunctionLowerer, _imm: object) -> None:
    _, size = L.memory()
    pages = L.op(f"lshr i64 {size}, 16")
    L.push("i32", L.op(f"trunc i64 {pages} to i32"))


def memory_grow(L: FunctionLowerer, _imm: object) -> None:
    _, delta = L.pop()
    d64 = L.op(f"zext i32 {delta} to i64")
    r = L.host(host_ops.MEMORY_GROW, d64)
    L.reload_memory()
    L.push("i32", L.op(f"trunc i64 {r} to i32"))


def _range_check(L: FunctionLowerer, start: str, n64: str, size: str) -> None:
    s64 = L.op(f"zext i32 {start} to i64")
    end = L.op(f"add i64 {s64}, {n64}")
    oob = L.op(f"icmp ugt i64 {end}, {size}")
    L.trap_if(oob, traps.MEMORY_OOB)


def memory_fill(L: FunctionLowerer, _imm: object) -> None:
    _, n = L.pop()
    _, val = L.pop()
    _, dst = L.pop()
    base, size = L.memory()
    n64 = L.op(f"zext i32 {n} to i64")
    _range_check(L, dst, n64, size)
    d64 = L.op(f"zext i32 {dst} to i64")
    p = L.op(f"getelementptr i8, ptr {base}, i64 {d64}")
    b = L.op(f"trunc i32 {val} to i8")
    fn = L.intrinsics.use("llvm.memset.p0.i64", "void", "ptr, i8, i64, i1")
    L.emit(f"call void {fn}(ptr {p}, i8 {b}, i64 {n64}, i1 false)")


def memory_copy(L: FunctionLowerer, _imm: object) -> None:
    _, n = L.pop()
    _, src = L.pop()
    _, dst = L.pop()
    base, size = L.memory()
    n64 = L.op(f"zext i32 {n} to i64")
    _range_check(L, src, n64, size)
    _range_check(L, dst, n64, size)
    d64 = L.op(f"zext i32 {dst} to i64")
    s64 = L.op(f"zext i32 {src} to i64")
    pd = L.op(f"getelementptr i8, ptr {base}, i64 {d64}")
    ps = L.op(f"getelementptr i8, ptr {base}, i64 {s64}")
    fn = L.intrinsics.use("llvm.memmove.p0.p0.i64", "void", "ptr, ptr, i64, i1")
    L.emit(f"call void {fn}(ptr {pd}, ptr {ps}, i64 {n64}, i1 false)")


def memory_init(L: FunctionLowerer, imm: object) -> None:
    seg, _mem = imm  # type: ignore[misc]
    _, n = L.pop()
    _, src = L.pop()
    _, dst = L.pop()
    args = [L.op(f"zext i32 {v} to i64") for v in (dst, src, n)]
    L.host(host_ops.MEMORY_INIT, str(seg), *args)


def data_drop(L: FunctionLowerer, seg: object) -> None:
    L.host(host_ops.DATA_DROP, str(seg))


TABLE: dict[str, Lowering] = {name: _load(name) for name in LOADS}
TABLE.update({name: _store(name) for name in STORES})
TABLE.update(
    {
        "memory.size": memory_size,
        "memory.grow": memory_grow,
        "memory.fill": memory_fill,
        "memory.copy": memory_copy,
        "memory.init": memory_init,
        "data.drop": data_drop,
    }
)
