"""Which lowering each instruction gets; skips unreachable code up to its enclosing end."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ...errors import WasmError
from ...model import Instr
from . import memory, numeric, tables

if TYPE_CHECKING:
    from .lower import FunctionLowerer

_STRUCTURED = frozenset(("block", "loop", "if"))


def _const(L: FunctionLowerer, instr: Instr) -> None:
    name, imm = instr.op.name, instr.imm
    if name == "i32.const":
        L.push("i32", str(imm))
    elif name == "i64.const":
        L.push("i64", str(imm))
    elif name == "f32.const":
        v = L.op(f"bitcast i32 {imm} to float")
        L.fconsts.add(v)
        L.push("float", v)
    elif name == "f64.const":
        v = imm - (1 << 64) if imm >= (1 << 63) else imm  # type: ignore[operator]
        d = L.op(f"bitcast i64 {v} to double")
        L.fconsts.add(d)
        L.push("double", d)
    else:  # v128.const
        lo, hi = struct.unpack("<qq", imm)  # type: ignore[arg-type]
        L.push("<2 x i64>", f"<i64 {lo}, i64 {hi}>")


def _simple(L: FunctionLowerer, instr: Instr) -> bool:
    """Control, variables and calls; False when the instruction is not one of them."""
    name, imm = instr.op.name, instr.imm
    if name == "local.get":
        L.local_get(imm)  # type: ignore[arg-type]
    elif name == "local.set":
        L.local_set(imm)  # type: ignore[arg-type]
    elif name == "local.tee":
        L.local_tee(imm)  # type: ignore[arg-type]
    elif name.endswith(".const"):
        _const(L, instr)
    elif name == "call":
        L.do_call(imm)  # type: ignore[arg-type]
    elif name == "br_if":
        L.do_br_if(imm)  # type: ignore[arg-type]
    elif name == "br":
        L.do_br(imm)  # type: ignore[arg-type]
    elif name == "block":
        L.begin_block(imm)
    elif name == "loop":
        L.begin_loop(imm)
    elif name == "if":
        L.begin_if(imm)
    elif name == "else":
        L.do_else()
    elif name == "end":
        L.do_end()
    elif name == "global.get":
        L.global_get(imm)  # type: ignore[arg-type]
    elif name == "global.set":
        L.global_set(imm)  # type: ignore[arg-type]
    elif name == "select":
        L.select()
    elif name == "drop":
        L.pop()
    elif name == "nop":
        pass
    elif name == "br_table":
        L.do_br_table(imm)  # type: ignore[arg-type]
    elif name == "return":
        L.do_return()
    elif name == "call_indirect":
        L.do_call_indirect(imm)  # type: ignore[arg-type]
    elif name == "unreachable":
        from . import traps

        L.trap(traps.UNREACHABLE)
        L.go_dead()
    else:
        return False
    return True


def lower_instr(L: FunctionLowerer, instr: Instr) -> None:
    name = instr.op.name
    if L.dead:
        if name in _STRUCTURED:
            L.dead_depth += 1
            return
        if L.dead_depth:
            if name == "end":
                L.dead_depth -= 1
            return
        if name not in ("else", "end"):
            return
    if _simple(L, instr):
        return
    fn = numeric.TABLE.get(name)
    if fn is not None:
        fn(L)
        return
    mfn = memory.TABLE.get(name) or tables.TABLE.get(name)
    if mfn is None:
        from . import simd

        mfn = simd.TABLE.get(name)
    if mfn is None:
        raise WasmError(f"the LLVM engine cannot compile instruction {name}")
    mfn(L, instr.imm)
