"""Scalar numeric instructions: one lowering per instruction name, built from small tables.

Exactness notes: shifts mask their count; rotates are funnel shifts; min/max are
`llvm.minimum`/`llvm.maximum` (NaN-propagating, -0 < +0, as wasm requires, unlike minnum);
nearest is `llvm.roundeven`; trapping truncations check NaN and range before converting;
saturating ones are `llvm.fpto[su]i.sat`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import traps

if TYPE_CHECKING:
    from .lower import FunctionLowerer

Lowering = Callable[["FunctionLowerer"], None]

_TY = {"i32": "i32", "i64": "i64", "f32": "float", "f64": "double"}
_BITS = {"i32": 32, "i64": 64}
_FSUF = {"f32": "f32", "f64": "f64"}

INT_BIN = {"add": "add", "sub": "sub", "mul": "mul", "and": "and", "or": "or", "xor": "xor"}
INT_SHIFT = {"shl": "shl", "shr_s": "ashr", "shr_u": "lshr"}
INT_CMP = {
    "eq": "eq",
    "ne": "ne",
    "lt_s": "slt",
    "lt_u": "ult",
    "gt_s": "sgt",
    "gt_u": "ugt",
    "le_s": "sle",
    "le_u": "ule",
    "ge_s": "sge",
    "ge_u": "uge",
}
FLOAT_CMP = {"eq": "oeq", "ne": "une", "lt": "olt", "gt": "ogt", "le": "ole", "ge": "oge"}
FLOAT_BIN = {"add": "fadd", "sub": "fsub", "mul": "fmul", "div": "fdiv"}
FLOAT_BIN_INTRINSIC = {"min": "minimum", "max": "maximum", "copysign": "copysign"}
FLOAT_UNARY_INTRINSIC = {
    "abs": "fabs",
    "ceil": "ceil",
    "floor": "floor",
    "trunc": "trunc",
    "nearest": "roundeven",
    "sqrt": "sqrt",
}

TABLE: dict[str, Lowering] = {}


def _binop(t: str, instr: str) -> Lowering:
    ty = _TY[t]

    def lower(L: FunctionLowerer) -> None:
        _, b = L.pop()
        _, a = L.pop()
        L.push(ty, L.op(f"{instr} {ty} {a}, {b}"))

    return lower


def _shift(t: str, instr: str) -> Lowering:
    ty, mask = _TY[t], _BITS[t] - 1

    def lower(L: FunctionLowerer) -> None:
        _, b = L.pop()
        _, a = L.pop()
        n = L.op(f"and {ty} {b}, {mask}")
        L.push(ty, L.op(f"{instr} {ty} {a}, {n}"))

    return lower


def _rotate(t: str, intrinsic: str) -> Lowering:
    ty = _TY[t]

    def lower(L: FunctionLowerer) -> None:
        _, b = L.pop()
        _, a = L.pop()
        L.push(ty, L.call_intrinsic(f"llvm.{intrinsic}.{ty}", ty, [(ty, a), (ty, a), (ty, b)]))

    return lower


def _icmp(t: str, pred: str) -> Lowering:
    ty = _TY[t]

    def lower(L: FunctionLowerer) -> None:
        _, b = L.pop()
        _, a = L.pop()
        c = L.op(f"icmp {pred} {ty} {a}, {b}")
        L.push("i32", L.op(f"zext i1 {c} to i32"))

    return lower


def _eqz(t: str) -> Lowering:
    ty = _TY[t]

    def lower(L: FunctionLowerer) -> None:
        _, a = L.pop()
        c = L.op(f"icmp eq {ty} {a}, 0")
        L.push("i32", L.op(f"zext i1 {c} to i32"))

    return lower


def _bitcount(t: str, intrinsic: str) -> Lowering:
    ty = _TY[t]

    def lower(L: FunctionLowerer) -> None:
        _, a = L.pop()
        args = [(ty, a)] + ([("i1", "false")] if intrinsic != "ctpop" else [])
        L.push(ty, L.call_intrinsic(f"llvm.{intrinsic}.{ty}", ty, args))

    return lower


def _divrem(t: str, kind: str) -> Lowering:
    ty, bits = _TY[t], _BITS[t]
    int_min = -(1 << (bits - 1))

    def lower(L: FunctionLowerer) -> None:
        _, b = L.pop()
        _, a = L.pop()
        zero = L.op(f"icmp eq {ty} {b}, 0")
        L.trap_if(zero, traps.DIV_ZERO)
        if kind == "div_s":
            amin = L.op(f"icmp eq {ty} {a}, {int_min}")
            bneg = L.op(f"icmp eq {ty} {b}, -1")
            both = L.op(f"and i1 {amin}, {bneg}")
            L.trap_if(both, traps.INT_OVERFLOW)
            L.push(ty, L.op(f"sdiv {ty} {a}, {b}"))
        elif kind == "rem_s":
            # x rem -1 is 0 for every x; dividing by 1 instead avoids srem's INT_MIN overflow.
            bneg = L.op(f"icmp eq {ty} {b}, -1")
            safe = L.op(f"select i1 {bneg}, {ty} 1, {ty} {b}")
            L.push(ty, L.op(f"srem {ty} {a}, {safe}"))
        else:
            L.push(ty, L.op(f"{'udiv' if kind == 'div_u' else 'urem'} {ty} {a}, {b}"))

    return lower


def _fbin(t: str, instr: str) -> Lowering:
    ty = _TY[t]

    def lower(L: FunctionLowerer) -> None:
        _, b = L.pop()
        _, a = L.pop()
        a, b = L.opaque_if_const(ty, a), L.opaque_if_const(ty, b)
        L.push(ty, L.op(f"{instr} {ty} {a}, {b}"))

    return lower


def _fbin_intrinsic(t: str, name: str) -> Lowering:
    ty = _TY[t]
    quiet = name != "copysign"

    def lower(L: FunctionLowerer) -> None:
        _, b = L.pop()
        _, a = L.pop()
        r = L.call_intrinsic(f"llvm.{name}.{_FSUF[t]}", ty, [(ty, a), (ty, b)])
        if quiet:
            # minimum/maximum may hand back a signalling NaN operand as is; wasm wants a
            # quiet (arithmetic) NaN, which adding the operands produces.
            nan = L.op(f"fcmp uno {ty} {a}, {b}")
            s = L.op(f"fadd {ty} {a}, {b}")
            r = L.op(f"select i1 {nan}, {ty} {s}, {ty} {r}")
        L.push(ty, r)

    return lower


def _funary_intrinsic(t: str, name: str) -> Lowering:
    ty = _TY[t]

    def lower(L: FunctionLowerer) -> None:
        _, a = L.pop()
        L.push(ty, L.call_intrinsic(f"llvm.{name}.{_FSUF[t]}", ty, [(ty, a)]))

    return lower


def _fneg(t: str) -> Lowering:
    ty = _TY[t]

    def lower(L: FunctionLowerer) -> None:
        _, a = L.pop()
        L.push(ty, L.op(f"fneg {ty} {a}"))

    return lower


def _fcmp(t: str, pred: str) -> Lowering:
    ty = _TY[t]

    def lower(L: FunctionLowerer) -> None:
        _, b = L.pop()
        _, a = L.pop()
        c = L.op(f"fcmp {pred} {ty} {a}, {b}")
        L.push("i32", L.op(f"zext i1 {c} to i32"))

    return lower


def _cast(src: str, dst: str, instr: str) -> Lowering:
    sty, dty = _TY[src], _TY[dst]

    def lower(L: FunctionLowerer) -> None:
        _, a = L.pop()
        L.push(dty, L.op(f"{instr} {sty} {a} to {dty}"))

    return lower


def _demote(L: FunctionLowerer) -> None:
    _, a = L.pop()
    # LLVM folds demote(promote(x)) to x, keeping a signalling NaN that wasm must quiet.
    L.fconsts.add(a)
    a = L.opaque_if_const("double", a)
    L.push("float", L.op(f"fptrunc double {a} to float"))


def _extend_in_place(t: str, bits: int) -> Lowering:
    ty = _TY[t]

    def lower(L: FunctionLowerer) -> None:
        _, a = L.pop()
        n = L.op(f"trunc {ty} {a} to i{bits}")
        L.push(ty, L.op(f"sext i{bits} {n} to {ty}"))

    return lower


# Exclusive float bounds (lo, hi) of each trapping truncation's valid input range: valid
# iff lo < x < hi; the bounds are exact in the source float type.
def _trunc_bounds(dst: str, signed: bool) -> tuple[float, float]:
    bits = _BITS[dst]
    if signed:
        return -(2.0 ** (bits - 1)) - 1.0, 2.0 ** (bits - 1)
    return -1.0, 2.0**bits


def _float_literal(x: float) -> str:
    import struct

    return f"0x{struct.unpack('<Q', struct.pack('<d', x))[0]:016X}"


def _trunc(dst: str, src: str, signed: bool) -> Lowering:
    sty, dty = _TY[src], _TY[dst]
    lo, hi = _trunc_bounds(dst, signed)
    if signed and (src == "f32" or dst == "i64"):
        # -2^(n-1) - 1 is not exact in the source type: use lo <= x with lo = -2^(n-1).
        lo_pred, lo = "oge", -(2.0 ** (_BITS[dst] - 1))
    else:
        lo_pred = "ogt"
    instr = "fptosi" if signed else "fptoui"

    def lower(L: FunctionLowerer) -> None:
        _, a = L.pop()
        nan = L.op(f"fcmp uno {sty} {a}, {a}")
        L.trap_if(nan, traps.INVALID_CONVERSION)
        above = L.op(f"fcmp {lo_pred} {sty} {a}, {_float_literal(lo)}")
        below = L.op(f"fcmp olt {sty} {a}, {_float_literal(hi)}")
        ok = L.op(f"and i1 {above}, {below}")
        bad = L.op(f"xor i1 {ok}, true")
        L.trap_if(bad, traps.INT_OVERFLOW)
        L.push(dty, L.op(f"{instr} {sty} {a} to {dty}"))

    return lower


def _trunc_sat(dst: str, src: str, signed: bool) -> Lowering:
    sty, dty = _TY[src], _TY[dst]
    name = f"llvm.fpto{'s' if signed else 'u'}i.sat.{dty}.{_FSUF[src]}"

    def lower(L: FunctionLowerer) -> None:
        _, a = L.pop()
        L.push(dty, L.call_intrinsic(name, dty, [(sty, a)]))

    return lower


def _build() -> None:
    for t in ("i32", "i64"):
        for name, instr in INT_BIN.items():
            TABLE[f"{t}.{name}"] = _binop(t, instr)
        for name, instr in INT_SHIFT.items():
            TABLE[f"{t}.{name}"] = _shift(t, instr)
        TABLE[f"{t}.rotl"] = _rotate(t, "fshl")
        TABLE[f"{t}.rotr"] = _rotate(t, "fshr")
        for name, pred in INT_CMP.items():
            TABLE[f"{t}.{name}"] = _icmp(t, pred)
        TABLE[f"{t}.eqz"] = _eqz(t)
        TABLE[f"{t}.clz"] = _bitcount(t, "ctlz")
        TABLE[f"{t}.ctz"] = _bitcount(t, "cttz")
        TABLE[f"{t}.popcnt"] = _bitcount(t, "ctpop")
        for kind in ("div_s", "div_u", "rem_s", "rem_u"):
            TABLE[f"{t}.{kind}"] = _divrem(t, kind)
        for src in ("f32", "f64"):
            for s, signed in (("s", True), ("u", False)):
                TABLE[f"{t}.trunc_{src}_{s}"] = _trunc(t, src, signed)
                TABLE[f"{t}.trunc_sat_{src}_{s}"] = _trunc_sat(t, src, signed)
    for t in ("f32", "f64"):
        for name, instr in FLOAT_BIN.items():
            TABLE[f"{t}.{name}"] = _fbin(t, instr)
        for name, intr in FLOAT_BIN_INTRINSIC.items():
            TABLE[f"{t}.{name}"] = _fbin_intrinsic(t, intr)
        for name, intr in FLOAT_UNARY_INTRINSIC.items():
            TABLE[f"{t}.{name}"] = _funary_intrinsic(t, intr)
        TABLE[f"{t}.neg"] = _fneg(t)
        for name, pred in FLOAT_CMP.items():
            TABLE[f"{t}.{name}"] = _fcmp(t, pred)
        for src in ("i32", "i64"):
            TABLE[f"{t}.convert_{src}_s"] = _cast(src, t, "sitofp")
            TABLE[f"{t}.convert_{src}_u"] = _cast(src, t, "uitofp")
    TABLE["i32.wrap_i64"] = _cast("i64", "i32", "trunc")
    TABLE["i64.extend_i32_s"] = _cast("i32", "i64", "sext")
    TABLE["i64.extend_i32_u"] = _cast("i32", "i64", "zext")
    TABLE["f32.demote_f64"] = _demote
    TABLE["f64.promote_f32"] = _cast("f32", "f64", "fpext")
    TABLE["i32.reinterpret_f32"] = _cast("f32", "i32", "bitcast")
    TABLE["i64.reinterpret_f64"] = _cast("f64", "i64", "bitcast")
    TABLE["f32.reinterpret_i32"] = _cast("i32", "f32", "bitcast")
    TABLE["f64.reinterpret_i64"] = _cast("i64", "f64", "bitcast")
    TABLE["i32.extend8_s"] = _extend_in_place("i32", 8)
    TABLE["i32.extend16_s"] = _extend_in_place("i32", 16)
    TABLE["i64.extend8_s"] = _extend_in_place("i64", 8)
    TABLE["i64.extend16_s"] = _extend_in_place("i64", 16)
    TABLE["i64.extend32_s"] = _extend_in_place("i64", 32)


_build()
