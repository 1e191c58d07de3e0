"""The binary encoder: `model.Module` -> bytes, with minimal LEB128 encodings."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..model import (
    CustomSection,
    Data,
    Elem,
    Expr,
    ExternKind,
    Func,
    GlobalType,
    Instr,
    Limits,
    MemoryType,
    Module,
    Names,
    SegmentMode,
    TableType,
    ValType,
)
from ..opcodes import BY_NAME, OPS, Op
from .leb128 import encode_s, encode_u
from .names import decode_names, encode_names

MAGIC_VERSION = b"\x00asm\x01\x00\x00\x00"

# Standard sections in the order they must appear: (id, ...).
SECTION_ORDER = (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11)

_REF_FUNC = BY_NAME["ref.func"]
_END = BY_NAME["end"]
_ENCODING: dict[Op, bytes] = {op: op.encoding for op in OPS}


def encode_module(module: Module, *, names: bool = True) -> bytes:
    """Encode `module`. Its custom sections go back where they were decoded from.

    With `names`, `module.names` is written as a `name` section: in place of a decoded one
    (kept byte for byte unless the names were changed), else after the last section.
    Without it, no `name` section is written.
    """
    m = module
    bodies = {sid: _SECTIONS[sid](m) for sid in SECTION_ORDER}
    customs = [c for c in m.customs if names or c.name != "name"]
    if names and m.names is not None:
        # Only the section the names came from is rewritten; other copies stay as they are.
        target = _names_source(customs)
        customs = [_updated_names(c, m.names) if i == target else c for i, c in enumerate(customs)]
        if not any(c.name == "name" for c in customs):
            present = [sid for sid in SECTION_ORDER if bodies[sid] is not None]
            after = present[-1] if present else 0
            customs.append(CustomSection("name", encode_names(m.names), after))
    out = bytearray(MAGIC_VERSION)
    _customs_after(out, customs, 0)
    positions = {c.after for c in customs}
    for sid in SECTION_ORDER:
        body = bodies[sid]
        if body is None and sid in positions and sid not in (8, 12):
            body = b"\x00"  # an empty vector section, so custom sections keep their place
        if body is not None:
            _section(out, sid, body)
        _customs_after(out, customs, sid)
    return bytes(out)


def _names_source(customs: list[CustomSection]) -> int | None:
    """Index of the `name` section the decoder took `names` from: the last well-formed one."""
    found = None
    for i, c in enumerate(customs):
        if c.name == "name" and (found is None or decode_names(c.data) is not None):
            found = i
    return found


def _updated_names(c: CustomSection, names: Names) -> CustomSection:
    if decode_names(c.data) == names:
        return c
    return CustomSection(c.name, encode_names(names), c.after)


def _customs_after(out: bytearray, customs: list[CustomSection], sid: int) -> None:
    for c in customs:
        if c.after == sid:
            _section(out, 0, _name(c.name) + c.data)


def _section(out: bytearray, sid: int, body: bytes) -> None:
    out.append(sid)
    out += encode_u(len(body))
    out += body


def _name(s: str) -> bytes:
    raw = s.encode("utf-8")
    return encode_u(len(raw)) + raw


def _vec(items: Iterable, enc: Callable[[object], bytes]) -> bytes:
    parts = [enc(x) for x in items]
    return encode_u(len(parts)) + b"".join(parts)


def _limits(lim: Limits) -> bytes:
    if lim.max is None:
        return b"\x00" + encode_u(lim.min)
    return b"\x01" + encode_u(lim.min) + encode_u(lim.max)


def _tabletype(t: TableType) -> bytes:
    return bytes((t.elem.value,)) + _limits(t.limits)


def _memtype(t: MemoryType) -> bytes:
    return _limits(t.limits)


def _globaltype(t: GlobalType) -> bytes:
    return bytes((t.valtype.value, int(t.mutable)))


# -- instructions ------------------------------------------------------------------------


def _imm(op: Op, imm: object) -> bytes:
    kind = op.imm
    if kind in ("label", "func", "local", "global", "table", "type", "data", "elem"):
        return encode_u(imm)  # type: ignore[arg-type]
    if kind == "i32" or kind == "i64":
        return encode_s(imm)  # type: ignore[arg-type]
    if kind == "blocktype":
        if imm is None:
            return b"\x40"
        if isinstance(imm, ValType):
            return bytes((imm.value,))
        return encode_s(imm)  # type: ignore[arg-type]
    if kind == "br_table":
        targets, default = imm  # type: ignore[misc]
        return _vec(targets, encode_u) + encode_u(default)
    if kind in ("call_indirect", "table_init", "table_copy"):
        a, b = imm  # type: ignore[misc]
        return encode_u(a) + encode_u(b)
    if kind == "memarg":
        align, offset = imm  # type: ignore[misc]
        return encode_u(align) + encode_u(offset)
    if kind == "memarg_lane":
        align, offset, lane = imm  # type: ignore[misc]
        return encode_u(align) + encode_u(offset) + bytes((lane,))
    if kind == "lane":
        return bytes((imm,))  # type: ignore[arg-type]
    if kind == "f32":
        return imm.to_bytes(4, "little")  # type: ignore[attr-defined]
    if kind == "f64":
        return imm.to_bytes(8, "little")  # type: ignore[attr-defined]
    if kind in ("v128", "shuffle"):
        return bytes(imm)  # type: ignore[arg-type]
    if kind == "select_t":
        return _vec(imm, lambda t: bytes((t.value,)))  # type: ignore[arg-type,attr-defined]
    if kind == "reftype":
        return bytes((imm.value,))  # type: ignore[attr-defined]
    if kind == "memory":
        return encode_u(imm)  # type: ignore[arg-type]
    if kind == "memory_init":
        data, mem = imm  # type: ignore[misc]
        return encode_u(data) + encode_u(mem)
    if kind == "memory_copy":
        dst, src = imm  # type: ignore[misc]
        return encode_u(dst) + encode_u(src)
    raise AssertionError(f"unknown immediate kind {kind}")


def _instr_bytes(instr: Instr) -> bytes:
    op, imm = instr
    return _ENCODING[op] if op.imm == "none" else _ENCODING[op] + _imm(op, imm)


def encode_expr(expr: Expr, memo: dict[Instr, bytes] | None = None) -> bytes:
    """The bytes of an instruction sequence (including its final `end`).

    `memo` caches the bytes of each distinct instruction across a module's functions.
    """
    if memo is None:
        memo = {}
    parts = []
    add = parts.append
    for instr in expr:
        try:
            b = memo.get(instr)
        except TypeError:  # an unhashable immediate built by hand (e.g. a list)
            b = _instr_bytes(instr)
        else:
            if b is None:
                b = memo[instr] = _instr_bytes(instr)
        add(b)
    return b"".join(parts)


# -- sections ----------------------------------------------------------------------------


def _types(m: Module) -> bytes | None:
    if not m.types:
        return None
    return _vec(
        m.types,
        lambda t: (
            b"\x60"
            + _vec(t.params, lambda v: bytes((v.value,)))
            + _vec(t.results, lambda v: bytes((v.value,)))
        ),
    )


def _import_desc(kind: ExternKind, desc: object) -> bytes:
    if kind == ExternKind.func:
        return b"\x00" + encode_u(desc)  # type: ignore[arg-type]
    if kind == ExternKind.table:
        return b"\x01" + _tabletype(desc)  # type: ignore[arg-type]
    if kind == ExternKind.memory:
        return b"\x02" + _memtype(desc)  # type: ignore[arg-type]
    return b"\x03" + _globaltype(desc)  # type: ignore[arg-type]


def _imports(m: Module) -> bytes | None:
    if not m.imports:
        return None
    return _vec(m.imports, lambda i: _name(i.module) + _name(i.name) + _import_desc(i.kind, i.desc))


def _funcs(m: Module) -> bytes | None:
    return _vec(m.funcs, lambda f: encode_u(f.type_index)) if m.funcs else None


def _tables(m: Module) -> bytes | None:
    return _vec(m.tables, lambda t: _tabletype(t.type)) if m.tables else None


def _memories(m: Module) -> bytes | None:
    return _vec(m.memories, lambda t: _memtype(t.type)) if m.memories else None


def _globals(m: Module) -> bytes | None:
    if not m.globals:
        return None
    return _vec(m.globals, lambda g: _globaltype(g.type) + encode_expr(g.init))


def _exports(m: Module) -> bytes | None:
    if not m.exports:
        return None
    return _vec(m.exports, lambda e: _name(e.name) + bytes((int(e.kind),)) + encode_u(e.index))


def _start(m: Module) -> bytes | None:
    return None if m.start is None else encode_u(m.start)


def _func_index(expr: Expr) -> int | None:
    """The function index of a `ref.func x; end` element, None for any other expression."""
    if len(expr) == 2 and expr[0].op is _REF_FUNC and expr[1].op is _END:
        return expr[0].imm  # type: ignore[return-value]
    return None


def _elem_flags(e: Elem) -> int:
    """The flags to encode `e` with: its decoded form if still valid, else canonical."""
    indices_ok = e.reftype == ValType.funcref and all(_func_index(x) is not None for x in e.init)
    if e.mode == SegmentMode.active:
        allowed = [0, 4] if e.table == 0 and e.reftype == ValType.funcref else []
        allowed += [2, 6]
    elif e.mode == SegmentMode.passive:
        allowed = [1, 5]
    else:
        allowed = [3, 7]
    if not indices_ok:
        allowed = [f for f in allowed if f & 4]
    if e.encoding in allowed:
        return e.encoding  # type: ignore[return-value]
    return allowed[0]


def _elem(e: Elem) -> bytes:
    flags = _elem_flags(e)
    out = bytearray(encode_u(flags))
    if e.mode == SegmentMode.active:
        if flags & 2:
            out += encode_u(e.table)
        out += encode_expr(e.offset or [])
    if flags & 4:
        if flags & 3:
            out.append(e.reftype.value)
        out += _vec(e.init, encode_expr)  # type: ignore[arg-type]
    else:
        if flags & 3:
            out.append(0x00)  # elemkind funcref
        out += _vec(e.init, lambda x: encode_u(_func_index(x)))  # type: ignore[arg-type]
    return bytes(out)


def _elems(m: Module) -> bytes | None:
    return _vec(m.elems, _elem) if m.elems else None  # type: ignore[arg-type]


def _data_count(m: Module) -> bytes | None:
    return None if m.data_count is None else encode_u(m.data_count)


def _code(f: Func, memo: dict[Instr, bytes]) -> bytes:
    groups: list[list] = []
    for t in f.locals:
        if groups and groups[-1][1] == t:
            groups[-1][0] += 1
        else:
            groups.append([1, t])
    body = _vec(groups, lambda g: encode_u(g[0]) + bytes((g[1].value,))) + encode_expr(f.body, memo)
    return encode_u(len(body)) + body


def _codes(m: Module) -> bytes | None:
    if not m.funcs:
        return None
    memo: dict[Instr, bytes] = {}
    return _vec(m.funcs, lambda f: _code(f, memo))  # type: ignore[arg-type]


def _data(d: Data) -> bytes:
    if d.mode == SegmentMode.active:
        flags = 2 if d.memory != 0 or d.encoding == 2 else 0
    else:
        flags = 1
    out = bytearray(encode_u(flags))
    if flags == 2:
        out += encode_u(d.memory)
    if flags != 1:
        out += encode_expr(d.offset or [])
    out += encode_u(len(d.init)) + d.init
    return bytes(out)


def _datas(m: Module) -> bytes | None:
    return _vec(m.datas, _data) if m.datas else None  # type: ignore[arg-type]


_SECTIONS: dict[int, Callable[[Module], bytes | None]] = {
    1: _types,
    2: _imports,
    3: _funcs,
    4: _tables,
    5: _memories,
    6: _globals,
    7: _exports,
    8: _start,
    9: _elems,
    12: _data_count,
    10: _codes,
    11: _datas,
}
