"""Instructions of the text format, plain and folded, with their immediates."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

from .. import opcodes
from ..model import FUNCREF, FuncType, Instr, ValType
from .numbers import parse_float, parse_int, parse_uint
from .stream import NAN_PATTERNS, NUMBER_START, U32_MAX

if TYPE_CHECKING:
    from .parser import ModuleParser

_OP = opcodes.BY_NAME
_END = Instr(opcodes.END)
_HEAPTYPES = {"func": FUNCREF, "extern": ValType.externref}
_V128_SHAPES = {
    "i8x16": (16, "i", 8),
    "i16x8": (8, "i", 16),
    "i32x4": (4, "i", 32),
    "i64x2": (2, "i", 64),
    "f32x4": (4, "f", 32),
    "f64x2": (2, "f", 64),
}

_Rule = Generator["_Rule", None, None]


def _drive(rule: _Rule) -> None:
    """Run a rule whose sub-rules are yielded generators, depth-first, without recursion."""
    stack = [rule]
    while stack:
        try:
            stack.append(next(stack[-1]))
        except StopIteration:
            stack.pop()


class InstrParser:
    """Instructions of one function body or constant expression."""

    def __init__(self, mp: ModuleParser, locals_: dict[str, int]) -> None:
        self.mp = mp
        self.ts = mp.ts
        self.locals = locals_
        self.labels: list[str | None] = []

    # Nesting depth is unbounded in valid text (10^5 nested blocks parse fine elsewhere), so
    # the three recursive rules are generators that `yield` a sub-rule instead of calling
    # it, and `_drive` runs them on an explicit stack rather than Python's.

    def instrs(self, out: list[Instr]) -> None:
        """Instructions up to a `)` or a structured `end`/`else`, which are not consumed."""
        _drive(self._instrs(out))

    def folded(self, out: list[Instr]) -> None:
        _drive(self._folded(out))

    def plain(self, out: list[Instr]) -> None:
        _drive(self._plain(out))

    def _instrs(self, out: list[Instr]) -> _Rule:
        ts = self.ts
        while True:
            t = ts.peek()
            if t[0] == "(":
                yield self._folded(out)
            elif t[0] == "atom":
                if t[1] in ("end", "else"):
                    return
                if t[1] in ("block", "loop", "if"):
                    yield self._plain(out)
                else:
                    out.append(self.operator())
            elif t[0] == ")" or t[0] == "eof":
                return
            else:
                raise ts.unexpected(t)

    def _folded(self, out: list[Instr]) -> _Rule:
        ts = self.ts
        ts.lp()
        t = ts.peek()
        if t[0] != "atom":
            raise ts.unexpected(t)
        word = t[1]
        if word in ("block", "loop"):
            ts.next()
            op = _OP[word]
            label = ts.opt_id()
            bt = self.blocktype()
            out.append(Instr(op, bt))
            self.labels.append(label)
            yield self._instrs(out)
            self.labels.pop()
            ts.rp()
            out.append(_END)
            return
        if word == "if":
            ts.next()
            label = ts.opt_id()
            bt = self.blocktype()
            while ts.peek()[0] == "(" and not ts.is_lp("then"):
                yield self._folded(out)
            out.append(Instr(opcodes.IF, bt))
            self.labels.append(label)
            ts.lp("then")
            yield self._instrs(out)
            ts.rp()
            if ts.is_lp("else"):
                ts.lp("else")
                out.append(Instr(opcodes.ELSE))
                yield self._instrs(out)
                ts.rp()
            self.labels.pop()
            ts.rp()
            out.append(_END)
            return
        instr = self.operator()
        while ts.peek()[0] == "(":
            yield self._folded(out)
        ts.rp()
        out.append(instr)

    def _plain(self, out: list[Instr]) -> _Rule:
        ts = self.ts
        t = ts.peek()
        word = t[1]
        if word in ("block", "loop", "if"):
            ts.next()
            label = ts.opt_id()
            bt = self.blocktype()
            out.append(Instr(_OP[word], bt))
            self.labels.append(label)
            yield self._instrs(out)
            if word == "if" and ts.peek()[1] == "else" and ts.peek()[0] == "atom":
                ts.next()
                self._end_label(label)
                out.append(Instr(opcodes.ELSE))
                yield self._instrs(out)
            t = ts.peek()
            if t[0] != "atom" or t[1] != "end":
                raise ts.unexpected(t)
            ts.next()
            self._end_label(label)
            self.labels.pop()
            out.append(_END)
            return
        out.append(self.operator())

    def _end_label(self, label: str | None) -> None:
        ts = self.ts
        t = ts.peek()
        ident = ts.opt_id()
        if ident is not None and ident != label:
            raise ts.error("mismatching label", t)

    def blocktype(self) -> object:
        ts = self.ts
        mp = self.mp
        if ts.is_lp("type"):
            index, _ = mp.typeuse(allow_names=False)
            ftype = mp.m.types[index] if index < len(mp.m.types) else None
            # A type use with the shape of a short block type is encoded short, as wabt does.
            if ftype is not None and not ftype.params and len(ftype.results) <= 1:
                return ftype.results[0] if ftype.results else None
            return index
        start = ts.peek()
        params, _ = mp.params(allow_names=False)
        results = mp.results()
        if ts.is_lp("param"):
            raise ts.error("unexpected token", start)
        if not params and len(results) <= 1:
            return results[0] if results else None
        return mp.implicit_type(FuncType(tuple(params), tuple(results)))

    # ---- one operator with its immediates -------------------------------------------------

    def operator(self) -> Instr:
        ts = self.ts
        t = ts.next()
        op = _OP.get(t[1]) if t[0] == "atom" else None
        if op is None or op.name in ("block", "loop", "if", "else", "end"):
            raise ts.unexpected(t)
        kind = op.imm
        if kind == "none":
            if op.name == "select" and ts.is_lp("result"):
                return Instr(opcodes.SELECT_T, tuple(self.mp.results()))
            return Instr(op)
        return Instr(op, getattr(self, "_imm_" + kind)(op))

    def _number(self, parse, bits: int) -> int:  # type: ignore[no-untyped-def]
        ts = self.ts
        t = ts.next()
        if t[0] != "atom" or t[1] in NAN_PATTERNS:
            raise ts.error("unexpected token", t)
        try:
            return parse(t[1], bits)
        except ValueError as e:
            msg = str(e)
            if msg == "unknown operator":
                msg = "unknown operator " + t[1]
            raise ts.error(msg, t) from None

    def _imm_i32(self, op: object) -> int:
        return self._number(parse_int, 32)

    def _imm_i64(self, op: object) -> int:
        return self._number(parse_int, 64)

    def _imm_f32(self, op: object) -> int:
        return self._number(parse_float, 32)

    def _imm_f64(self, op: object) -> int:
        return self._number(parse_float, 64)

    def _imm_v128(self, op: object) -> bytes:
        ts = self.ts
        t = ts.next()
        if t[0] != "atom" or t[1] not in _V128_SHAPES:
            raise ts.unexpected(t)
        count, kind, bits = _V128_SHAPES[t[1]]
        out = bytearray()
        n = 0
        while ts.peek(n)[0] == "atom" and NUMBER_START.match(ts.peek(n)[1]):
            n += 1
        if n != count:
            raise ts.error("wrong number of lane literals")
        for _ in range(count):
            if kind == "i":
                v = self._number(parse_int, bits) & ((1 << bits) - 1)
            else:
                v = self._number(parse_float, bits)
            out += v.to_bytes(bits // 8, "little")
        return bytes(out)

    def _imm_shuffle(self, op: object) -> tuple[int, ...]:
        ts = self.ts
        lanes = []
        while ts.peek()[0] == "atom" and NUMBER_START.match(ts.peek()[1]):
            t = ts.next()
            value = parse_uint(t[1])
            if value is None or value > 255:
                raise ts.error("malformed lane index", t)
            lanes.append(value)
        if len(lanes) != 16:
            raise ts.error("invalid lane length")
        return tuple(lanes)

    def _lane_value(self) -> int:
        ts = self.ts
        t = ts.next()
        if t[0] != "atom":
            raise ts.unexpected(t)
        value = parse_uint(t[1])
        if value is None:
            raise ts.error("unexpected token", t)
        if value > 255:
            raise ts.error("malformed lane index", t)
        return value

    def _imm_lane(self, op: object) -> int:
        return self._lane_value()

    def _memarg(self, op: opcodes.Op) -> tuple[int, int]:
        ts = self.ts
        offset = 0
        align = op.align or 0
        t = ts.peek()
        if t[0] == "atom" and t[1].startswith("offset="):
            ts.next()
            value = parse_uint(t[1][7:])
            if value is None:
                raise ts.error("unknown operator " + t[1], t)
            if value > U32_MAX:
                raise ts.error("i32 constant out of range", t)
            offset = value
            t = ts.peek()
        if t[0] == "atom" and t[1].startswith("align="):
            ts.next()
            value = parse_uint(t[1][6:])
            if value is None:
                raise ts.error("unknown operator " + t[1], t)
            if value > U32_MAX:
                raise ts.error("i32 constant out of range", t)
            if value == 0 or value & (value - 1):
                raise ts.error("alignment must be a power of two", t)
            align = value.bit_length() - 1
        return align, offset

    def _imm_memarg(self, op: opcodes.Op) -> tuple[int, int]:
        return self._memarg(op)

    def _imm_memarg_lane(self, op: opcodes.Op) -> tuple[int, int, int]:
        align, offset = self._memarg(op)
        return align, offset, self._lane_value()

    def _imm_blocktype(self, op: object) -> object:
        return self.blocktype()

    def _label(self) -> int:
        ts = self.ts
        t = ts.next()
        if t[0] == "atom":
            if t[1].startswith("$"):
                for depth, name in enumerate(reversed(self.labels)):
                    if name == t[1]:
                        return depth
                raise ts.error("unknown label", t)
            value = parse_uint(t[1])
            if value is not None:
                if value > U32_MAX:  # as in `index()`: unencodable otherwise
                    raise ts.error("i32 constant out of range", t)
                return value
        raise ts.unexpected(t)

    def _imm_label(self, op: object) -> int:
        return self._label()

    def _imm_br_table(self, op: object) -> tuple[tuple[int, ...], int]:
        ts = self.ts
        targets = [self._label()]
        while ts.peek()[0] == "atom" and (
            ts.peek()[1].startswith("$") or parse_uint(ts.peek()[1]) is not None
        ):
            targets.append(self._label())
        return tuple(targets[:-1]), targets[-1]

    def _imm_func(self, op: object) -> int:
        return self.mp.index("func")

    def _imm_global(self, op: object) -> int:
        return self.mp.index("global")

    def _imm_table(self, op: object) -> int:
        index = self.mp.opt_index("table")
        return 0 if index is None else index

    def _imm_memory(self, op: object) -> int:
        index = self.mp.opt_index("memory")
        return 0 if index is None else index

    def _imm_data(self, op: object) -> int:
        self.mp.uses_data_index = True
        return self.mp.index("data")

    def _imm_elem(self, op: object) -> int:
        return self.mp.index("elem")

    def _imm_type(self, op: object) -> int:
        return self.mp.type_index()

    def _imm_local(self, op: object) -> int:
        ts = self.ts
        t = ts.next()
        if t[0] == "atom":
            if t[1].startswith("$"):
                index = self.locals.get(t[1])
                if index is None:
                    raise ts.error("unknown local", t)
                return index
            value = parse_uint(t[1])
            if value is not None:
                if value > U32_MAX:
                    raise ts.error("i32 constant out of range", t)
                return value
        raise ts.unexpected(t)

    def _imm_call_indirect(self, op: object) -> tuple[int, int]:
        table = self.mp.opt_index("table")
        type_index, _ = self.mp.typeuse(allow_names=False)
        return type_index, 0 if table is None else table

    def _imm_select_t(self, op: object) -> tuple[ValType, ...]:
        return tuple(self.mp.results())

    def _imm_reftype(self, op: object) -> ValType:
        ts = self.ts
        t = ts.next()
        if t[0] == "atom" and t[1] in _HEAPTYPES:
            return _HEAPTYPES[t[1]]
        raise ts.unexpected(t)

    def _imm_memory_init(self, op: object) -> tuple[int, int]:
        self.mp.uses_data_index = True
        if self._two_indices():
            memory = self.mp.index("memory")
            return self.mp.index("data"), memory
        return self.mp.index("data"), 0

    def _two_indices(self) -> bool:
        ts = self.ts
        a, b = ts.peek(), ts.peek(1)
        # Both must be indices: `memory.copy local.get 1` has no immediates.
        return a[0] == "atom" and b[0] == "atom" and _is_index(a[1]) and _is_index(b[1])

    def _imm_memory_copy(self, op: object) -> tuple[int, int]:
        if self._two_indices():
            return self.mp.index("memory"), self.mp.index("memory")
        return 0, 0

    def _imm_table_init(self, op: object) -> tuple[int, int]:
        if self._two_indices():
            table = self.mp.index("table")
            return self.mp.index("elem"), table
        return self.mp.index("elem"), 0

    def _imm_table_copy(self, op: object) -> tuple[int, int]:
        if self._two_indices():
            return self.mp.index("table"), self.mp.index("table")
        return 0, 0


def _is_index(text: str) -> bool:
    return text.startswith("$") or parse_uint(text) is not None
