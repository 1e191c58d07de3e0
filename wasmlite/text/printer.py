"""Module -> WAT text that parses back to an equal module.

Every type use is printed as an explicit `(type N)` so that re-parsing creates no implicit
types; floats are printed as exact hex literals. Function and local names from
`module.names` become `$ids` where they are valid, unique identifiers. Instructions are
printed flat, one per line, indented by block depth.
"""

from __future__ import annotations

import re

from .. import opcodes
from ..model import (
    ExternKind,
    Func,
    FuncType,
    GlobalType,
    Instr,
    Limits,
    Module,
    SegmentMode,
    TableType,
    ValType,
)
from .lexer import quote_bytes
from .numbers import float_text

_ID_RE = re.compile(r"[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+\Z")
_KIND_WORD = {
    ExternKind.func: "func",
    ExternKind.table: "table",
    ExternKind.memory: "memory",
    ExternKind.glob: "global",
}
_HEAP = {ValType.funcref: "func", ValType.externref: "extern"}
_MAX_INDENT = 40


def _usable_names(names: dict[int, str]) -> dict[int, str]:
    """Only names that are valid, unique identifiers."""
    seen: dict[str, int] = {}
    for i, n in names.items():
        if _ID_RE.match(n):
            seen[n] = -1 if n in seen else i
    return {i: "$" + n for n, i in seen.items() if i >= 0}


class _Printer:
    def __init__(self, module: Module) -> None:
        self.m = module
        names = module.names
        self.func_ids = _usable_names(names.funcs) if names else {}
        self.local_ids = {f: _usable_names(ls) for f, ls in names.locals.items()} if names else {}
        self.lines: list[str] = []

    def emit(self, depth: int, text: str) -> None:
        # Capped so that hostile nesting (10^5 blocks) gives output linear in its size.
        self.lines.append("  " * min(depth, _MAX_INDENT) + text)

    def func_ref(self, index: int) -> str:
        return self.func_ids.get(index, str(index))

    def print(self) -> str:
        m = self.m
        head = "(module"
        if m.id is not None and m.id.startswith("$") and _ID_RE.match(m.id):
            head += " " + m.id
        self.emit(0, head)
        for i, t in enumerate(m.types):
            self.emit(1, f"(type (;{i};) (func{_sig(t)}))")
        func_index = 0
        for imp in m.imports:
            desc = imp.desc
            if imp.kind == ExternKind.func:
                ident = self.func_ids.get(func_index, "")
                func_index += 1
                body = f"(func {ident} (type {desc}))".replace("  ", " ")
            elif imp.kind == ExternKind.table:
                body = f"(table {_tabletype(desc)})"  # type: ignore[arg-type]
            elif imp.kind == ExternKind.memory:
                body = f"(memory {_limits(desc.limits)})"  # type: ignore[union-attr]
            else:
                body = f"(global {_globaltype(desc)})"  # type: ignore[arg-type]
            self.emit(1, f"(import {_q(imp.module)} {_q(imp.name)} {body})")
        for f in m.funcs:
            self.func(func_index, f)
            func_index += 1
        for t in m.tables:
            self.emit(1, f"(table {_tabletype(t.type)})")
        for mem in m.memories:
            self.emit(1, f"(memory {_limits(mem.type.limits)})")
        for g in m.globals:
            self.emit(1, f"(global {_globaltype(g.type)} {self.inline_expr(g.init)})")
        for e in m.exports:
            index = self.func_ref(e.index) if e.kind == ExternKind.func else e.index
            self.emit(1, f"(export {_q(e.name)} ({_KIND_WORD[e.kind]} {index}))")
        if m.start is not None:
            self.emit(1, f"(start {self.func_ref(m.start)})")
        for el in m.elems:
            items = " ".join(f"(item {self.inline_expr(x)})" for x in el.init)
            if el.mode == SegmentMode.active:
                assert el.offset is not None
                where = f"(table {el.table}) (offset {self.inline_expr(el.offset)}) "
            elif el.mode == SegmentMode.declarative:
                where = "declare "
            else:
                where = ""
            self.emit(1, f"(elem {where}{el.reftype.name} {items})".replace(" )", ")"))
        for d in m.datas:
            where = ""
            if d.mode == SegmentMode.active:
                assert d.offset is not None
                where = f"(memory {d.memory}) (offset {self.inline_expr(d.offset)}) "
            self.emit(1, f"(data {where}{quote_bytes(d.init)})")
        self.lines[-1] += ")"
        return "\n".join(self.lines) + "\n"

    def func(self, index: int, f: Func) -> None:
        ident = self.func_ids.get(index)
        head = f"(func {ident + ' ' if ident else ''}(type {f.type_index})"
        local_ids = self.local_ids.get(index, {})
        ftype = self.m.types[f.type_index] if f.type_index < len(self.m.types) else None
        nparams = len(ftype.params) if ftype else 0
        if ftype is not None and any(i < nparams for i in local_ids):
            # Parameters are named only when spelled out; they must match the type exactly.
            params = " ".join(
                f"(param {local_ids[i]} {t.name})" if i in local_ids else f"(param {t.name})"
                for i, t in enumerate(ftype.params)
            )
            results = " ".join(t.name for t in ftype.results)
            head += f" {params}" + (f" (result {results})" if results else "")
        else:
            local_ids = {i: n for i, n in local_ids.items() if i >= nparams}
        self.emit(1, head)
        for i, t in enumerate(f.locals):
            ident = local_ids.get(nparams + i)
            self.emit(2, f"(local {ident + ' ' if ident else ''}{t.name})")
        self.instrs(f.body[:-1], 2, local_ids)
        self.lines[-1] += ")"

    def instrs(self, body: list[Instr], depth: int, local_ids: dict[int, str]) -> None:
        for ins in body:
            op = ins.op
            if op is opcodes.END or op is opcodes.ELSE:
                depth -= 1
            self.emit(depth, self.instr(ins, local_ids))
            if op in (opcodes.BLOCK, opcodes.LOOP, opcodes.IF, opcodes.ELSE):
                depth += 1

    def inline_expr(self, expr: list[Instr]) -> str:
        return " ".join(self.instr(i, {}) for i in expr[:-1])

    def instr(self, ins: Instr, local_ids: dict[int, str]) -> str:
        op, imm = ins.op, ins.imm
        text = _imm_text(op, imm, self, local_ids)
        return f"{op.name} {text}" if text else op.name


def _imm_text(op: opcodes.Op, imm: object, p: _Printer, local_ids: dict[int, str]) -> str:
    kind = op.imm
    if kind == "none":
        return ""
    if kind == "blocktype":
        if imm is None:
            return ""
        if isinstance(imm, ValType):
            return f"(result {imm.name})"
        return f"(type {imm})"
    if kind == "memory":
        # Wasm 2.0 text has no memory index (tools without multi-memory reject one).
        return "" if imm == 0 else str(imm)
    if kind in ("label", "global", "table", "type", "data", "elem", "lane"):
        return str(imm)
    if kind == "func":
        return p.func_ref(imm)  # type: ignore[arg-type]
    if kind == "local":
        return local_ids.get(imm, str(imm))  # type: ignore[call-overload]
    if kind == "br_table":
        targets, default = imm  # type: ignore[misc]
        return " ".join(str(t) for t in (*targets, default))
    if kind == "call_indirect":
        type_index, table = imm  # type: ignore[misc]
        return f"{table} (type {type_index})"
    if kind in ("memarg", "memarg_lane"):
        align, offset = imm[0], imm[1]  # type: ignore[index]
        text = f"offset={offset} align={1 << align}"
        return text + (f" {imm[2]}" if kind == "memarg_lane" else "")  # type: ignore[index]
    if kind in ("i32", "i64"):
        return str(imm)
    if kind == "f32":
        return float_text(imm, 32)  # type: ignore[arg-type]
    if kind == "f64":
        return float_text(imm, 64)  # type: ignore[arg-type]
    if kind == "v128":
        lanes = [int.from_bytes(imm[i : i + 4], "little") for i in range(0, 16, 4)]  # type: ignore[index]
        return "i32x4 " + " ".join(f"0x{v:08x}" for v in lanes)
    if kind == "shuffle":
        return " ".join(str(v) for v in imm)  # type: ignore[attr-defined]
    if kind == "select_t":
        return "(result " + " ".join(t.name for t in imm) + ")"  # type: ignore[attr-defined]
    if kind == "reftype":
        return _HEAP[imm]  # type: ignore[index]
    if kind in ("memory_init", "table_init"):
        seg, where = imm  # type: ignore[misc]
        return str(seg) if kind == "memory_init" and where == 0 else f"{where} {seg}"
    if kind in ("memory_copy", "table_copy"):
        dst, src = imm  # type: ignore[misc]
        return "" if kind == "memory_copy" and dst == src == 0 else f"{dst} {src}"
    raise AssertionError(kind)


def _q(name: str) -> str:
    return quote_bytes(name.encode("utf-8"))


def _sig(t: FuncType) -> str:
    out = ""
    if t.params:
        out += " (param " + " ".join(p.name for p in t.params) + ")"
    if t.results:
        out += " (result " + " ".join(r.name for r in t.results) + ")"
    return out


def _limits(limits: Limits) -> str:
    return str(limits.min) if limits.max is None else f"{limits.min} {limits.max}"


def _tabletype(t: TableType) -> str:
    return f"{_limits(t.limits)} {t.elem.name}"


def _globaltype(t: GlobalType) -> str:
    return f"(mut {t.valtype.name})" if t.mutable else t.valtype.name


def print_module(module: Module) -> str:
    """Readable WAT for `module`; parsing it gives back an equal module."""
    return _Printer(module).print()
