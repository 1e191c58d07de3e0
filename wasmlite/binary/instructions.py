"""Decoding instruction sequences (function bodies and constant expressions).

Everything about an instruction comes from `opcodes.OPS`; this module only knows how to read
each immediate kind. The loop is the decoder's hot path, so it inlines single-byte LEBs and
shares one `Instr` object per immediate-less opcode.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import DecodeError
from ..model import VALTYPE_BY_BYTE, Instr
from ..opcodes import BLOCK, ELSE, END, IF, LOOP, OPS, PREFIX_FC, PREFIX_FD, Op
from .leb128 import decode_s, decode_u
from .reader import Reader

# Dispatch class of an immediate kind, so the loop tests small ints instead of strings.
_NONE, _INDEX, _I32, _MEMARG, _OTHER = 0, 1, 2, 3, 4
_INDEX_KINDS = frozenset("label func local global table type data elem".split())

_PLAIN: list[Op | None] = [None] * 256
_PREFIXED: dict[int, dict[int, Op]] = {PREFIX_FC: {}, PREFIX_FD: {}}
for _op in OPS:
    if _op.prefix is None:
        _PLAIN[_op.code] = _op
    else:
        _PREFIXED[_op.prefix][_op.code] = _op

_CLASS: dict[Op, int] = {
    op: _NONE
    if op.imm == "none"
    else _INDEX
    if op.imm in _INDEX_KINDS
    else _I32
    if op.imm == "i32"
    else _MEMARG
    if op.imm == "memarg"
    else _OTHER
    for op in OPS
}
_SHARED: dict[Op, Instr] = {op: Instr(op, None) for op in OPS if op.imm == "none"}

# Opcodes that need a data count section (Wasm 2.0: memory.init and data.drop).
_NEEDS_DATA_COUNT = frozenset(op for op in OPS if op.prefix == PREFIX_FC and op.code in (8, 9))


def _blocktype(r: Reader) -> object:
    b = r.peek()
    if b == 0x40:
        r.pos += 1
        return None
    t = VALTYPE_BY_BYTE.get(b) if b is not None else None
    if t is not None:
        r.pos += 1
        return t
    start = r.pos
    x = r.s33()
    if x < 0:
        raise DecodeError("malformed block type", offset=start)
    return x


def _br_table(r: Reader) -> tuple[tuple[int, ...], int]:
    data = r.data
    end = r.end
    targets: list[int] = []
    add = targets.append
    n = r.u32()
    pos = r.pos
    for _ in range(n):
        if pos < end and data[pos] < 0x80:
            add(data[pos])
            pos += 1
        else:
            v, pos = decode_u(data, pos, 32, r.eof, end)
            add(v)
    r.pos = pos
    return tuple(targets), r.u32()


def _memarg(r: Reader) -> tuple[int, int]:
    start = r.pos
    align = r.u32()
    if align >= 32:
        raise DecodeError("malformed memop flags", offset=start)
    return align, r.u32()


def _memarg_lane(r: Reader) -> tuple[int, int, int]:
    align, offset = _memarg(r)
    return align, offset, r.byte()


def _f32(r: Reader) -> int:
    return int.from_bytes(r.bytes(4), "little")


def _f64(r: Reader) -> int:
    return int.from_bytes(r.bytes(8), "little")


def _select_t(r: Reader) -> tuple:
    n = r.u32()
    return tuple(r.valtype() for _ in range(n))


_READERS: dict[str, Callable[[Reader], object]] = {
    "blocktype": _blocktype,
    "br_table": _br_table,
    "call_indirect": lambda r: (r.u32(), r.u32()),
    "memarg": _memarg,
    "memarg_lane": _memarg_lane,
    "lane": Reader.byte,
    "i64": Reader.s64,
    "f32": _f32,
    "f64": _f64,
    "v128": lambda r: r.bytes(16),
    "shuffle": lambda r: tuple(r.bytes(16)),
    "select_t": _select_t,
    "reftype": Reader.reftype,
    "memory": Reader.zero,
    "memory_init": lambda r: (r.u32(), r.zero()),
    "memory_copy": lambda r: (r.zero(), r.zero()),
    "table_init": lambda r: (r.u32(), r.u32()),
    "table_copy": lambda r: (r.u32(), r.u32()),
}
_READER_OF: dict[Op, Callable[[Reader], object]] = {
    op: _READERS[op.imm] for op in OPS if _CLASS[op] == _OTHER
}


def read_expr(
    r: Reader,
    offsets: list[int] | None = None,
    has_data_count: bool = True,
    interned: dict[Op, dict[int, Instr]] | None = None,
    control: list[int] | None = None,
    vector: list[int] | None = None,
) -> list[Instr]:
    """Read instructions up to and including the `end` that closes the expression.

    Appends each instruction's byte offset to `offsets` when given. `interned` lets one
    module share `Instr` objects with the same integer immediate (`local.get 0`, ...),
    which saves both time and memory on large modules. `control` and `vector`, when
    given, receive the positions (indices in the result) of the structured control
    instructions (block, loop, if, else, end) and of the vector (0xFD) ones: a consumer
    that needs only those (the Python engine's interpreter) need not scan the body.
    """
    data = r.data
    end = r.end
    out: list[Instr] = []
    append = out.append
    add_offset = offsets.append if offsets is not None else None
    add_control = control.append if control is not None else None
    # Open constructs: False = block/loop or `if` after its `else`, True = `if` before `else`.
    stack: list[bool] = []
    plain = _PLAIN
    klass = _CLASS
    shared = _SHARED
    if interned is None:
        interned = {}
    new = tuple.__new__  # skips NamedTuple's Python-level __new__
    pos = r.pos
    while True:
        if pos >= end:
            raise DecodeError(r.eof, offset=pos)
        start = pos
        b = data[pos]
        pos += 1
        op = plain[b]
        if op is None:
            table = _PREFIXED.get(b)
            if table is None:
                raise DecodeError("illegal opcode", offset=start)
            sub, pos = decode_u(data, pos, 32, r.eof, end)
            op = table.get(sub)
            if op is None:
                raise DecodeError("illegal opcode", offset=start)
            if not has_data_count and op in _NEEDS_DATA_COUNT:
                raise DecodeError("data count section required", offset=start)
            if b == PREFIX_FD and vector is not None:
                vector.append(len(out))
        c = klass[op]
        if c == _NONE:
            if op is END:
                if add_offset is not None:
                    add_offset(start)
                if add_control is not None:
                    add_control(len(out))
                append(shared[op])
                if not stack:
                    r.pos = pos
                    return out
                stack.pop()
                continue
            if op is ELSE:
                if not stack or not stack[-1]:
                    raise DecodeError("END opcode expected", offset=start)
                stack[-1] = False
                if add_control is not None:
                    add_control(len(out))
            instr = shared[op]
        elif c == _INDEX or c == _I32:
            if pos < end and data[pos] < (0x80 if c == _INDEX else 0x40):
                imm = data[pos]
                pos += 1
            elif c == _INDEX:
                imm, pos = decode_u(data, pos, 32, r.eof, end)
            else:
                imm, pos = decode_s(data, pos, 32, r.eof, end)
            cache = interned.get(op)
            if cache is None:
                cache = interned[op] = {}
            instr = cache.get(imm)
            if instr is None:
                instr = cache[imm] = new(Instr, (op, imm))
        elif c == _MEMARG:
            if pos + 1 < end and data[pos] < 0x20 and data[pos + 1] < 0x80:
                instr = new(Instr, (op, (data[pos], data[pos + 1])))
                pos += 2
            else:
                r.pos = pos
                instr = new(Instr, (op, _memarg(r)))
                pos = r.pos
        else:
            r.pos = pos
            instr = new(Instr, (op, _READER_OF[op](r)))
            pos = r.pos
            if op is BLOCK or op is LOOP:
                stack.append(False)
                if add_control is not None:
                    add_control(len(out))
            elif op is IF:
                stack.append(True)
                if add_control is not None:
                    add_control(len(out))
        if add_offset is not None:
            add_offset(start)
        append(instr)
