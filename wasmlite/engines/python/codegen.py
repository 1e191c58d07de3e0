"""Translate one wasm function into the source of one Python function.

Structured control flow maps onto Python statements:

* a `block`/`if` that some branch targets becomes `while True: ... break`, a targeted
  `loop` becomes `while True: ... break` whose branches are `continue`; untargeted ones are
  inlined (an `if` stays a Python `if`);
* a branch out of several Python loops at once sets `_br` to the target's id and breaks;
  after each loop that such a branch crosses, a check re-breaks or finishes the jump, so
  the flag costs nothing on paths that do not take such branches;
* a branch to the function's own label is a `return`.

The operand stack lives in Python locals `s0, s1, ...` (slot = stack depth) and wasm
locals in `l0, l1, ...`. Pure, non-trapping values are not stored at once: the compile-time
stack keeps their expression text and folds it into the instruction that consumes it (so
`local.get 0; i32.const 1; i32.add; local.set 0` is one line). A pending expression is
written out to its slot before anything it reads changes, and at every control boundary.

Integer values are Python ints kept in range by masking (`& 0xFFFFFFFF`). Chains of the
operations whose low result bits depend only on the low bits of their operands (add, sub,
mul, shl, and, or, xor, rotations) carry an unmasked form (`Entry.raw`) and are masked once,
where a consumer needs the value (see `_modular`).
"""

from __future__ import annotations

import math
from typing import Any

from ...model import F32, F64, FuncType, Module, ValType
from ...opcodes import Op
from .scalar import f32_from_bits, f64_from_bits
from .templates import LOADS, STORES, TEMPLATES

MAX_NEST = 24
# Branch targets nested deeper than this many Python loops become guard-flag blocks (no
# `while`), since CPython allows only 20 nested loops; real loops still count.
LOOP_BUDGET = 10
_CONTROL = frozenset(
    "block loop if else end br br_if br_table return unreachable".split()
)  # fold at most this many operations into one expression


# Plain classes rather than dataclasses: importing `dataclasses` costs ~8 ms per process.
class Entry:
    """A compile-time operand-stack entry: Python expression text and the names it reads."""

    __slots__ = ("expr", "refs", "cond", "nest", "raw")

    def __init__(
        self,
        expr: str,
        refs: frozenset[str] = frozenset(),
        cond: bool = False,
        nest: int = 0,
        raw: str | None = None,
    ):
        self.expr = expr
        self.refs = refs
        self.cond = cond  # a bool standing for an i32 0/1
        self.nest = nest
        # `expr` before its final wrap-around mask (congruent modulo 2**bits): what an
        # add or sub reads instead of `expr`, so that a chain of them masks once
        self.raw = raw


_LOCAL_ENTRIES: dict[int, Entry] = {}  # entries are never changed: one per local index


def _local_entry(index: int) -> Entry:
    """The stack entry of `local.get index`."""
    entry = _LOCAL_ENTRIES.get(index)
    if entry is None:
        name = f"l{index}"
        entry = _LOCAL_ENTRIES[index] = Entry(name, frozenset((name,)))
    return entry


class Ctl:
    """An open construct of the function being translated."""

    def __init__(
        self,
        kind: str,  # "func", "block", "loop", "if" ("exit": see loopgen.py)
        base: int,  # stack height below the construct's params
        nparams: int,
        nresults: int,
        pyloop: bool,  # wrapped in `while True:`
        ident: int,
        indent: int,  # indentation of the construct's body
    ):
        self.kind = kind
        self.base = base
        self.nparams = nparams
        self.nresults = nresults
        self.pyloop = pyloop
        self.ident = ident
        self.indent = indent
        self.body_start = 0  # index in lines where the current body began
        self.escapes: set[int] = set()  # targets of branches crossing this loop
        self.unreachable = False
        self.has_else = False
        self.flag = False  # a targeted block without `while`: branches set `_br` and fall out
        self.flag_used = False  # some branch targets this flag block
        self.flag_escapes: set[int] = set()  # flag targets jumped to from inside
        self.needs_guard = False  # the next statement here must be under `if not _br:`
        self.guard_open = False  # an `if not _br:` is open (indent is one deeper)

    @property
    def arity(self) -> int:
        return self.nparams if self.kind == "loop" else self.nresults


class ModuleInfo:
    """What the generator needs to know about the module, computed once."""

    def __init__(self, module: Module):
        self.module = module
        self.func_types: list[FuncType] = module.func_types()
        self.global_types = module.global_types()
        self.table_types = module.table_types()
        self.consts: dict[tuple[str, int], str] = {}  # (kind, bits) -> namespace name
        self.const_values: dict[str, object] = {}
        self.helpers: set[str] = set()  # SIMD helper names the code uses
        self._targets: dict[int, set[int]] = {}
        self._memory_users: dict[int, bool] = {}

    def body(self, index: int) -> list:
        return self.module.funcs[index - self.module.num_imported_funcs].body

    def targets(self, index: int) -> set[int]:
        """`_targets` of function `index`'s body (computed once: each translated loop of
        a function needs it too)."""
        t = self._targets.get(index)
        if t is None:
            t = self._targets[index] = _targets(self.body(index))
        return t

    def uses_memory(self, index: int) -> bool:
        u = self._memory_users.get(index)
        if u is None:
            u = self._memory_users[index] = any(
                ins.op.is_memory_access or ins.op.name == "memory.grow" for ins in self.body(index)
            )
        return u

    def float_literal(self, kind: ValType, bits: int) -> str:
        x = f32_from_bits(bits) if kind == F32 else f64_from_bits(bits)
        if math.isfinite(x):
            r = repr(x)
            return f"({r})" if r.startswith("-") else r
        key = (kind.name, bits)
        name = self.consts.get(key)
        if name is None:
            name = f"K{len(self.consts)}"
            self.consts[key] = name
            self.const_values[name] = x
        return name

    def block_type(self, imm: object) -> tuple[int, int]:
        if imm is None:
            return 0, 0
        if isinstance(imm, ValType):
            return 0, 1
        t = self.module.types[imm]  # type: ignore[index]
        return len(t.params), len(t.results)


def _zero(t: ValType) -> str:
    if t in (ValType.i32, ValType.i64, ValType.v128):
        return "0"
    if t in (F32, F64):
        return "0.0"
    return "None"


def fuel_costs(body: list) -> dict[int, int]:
    """Fuel charged per poll point: for each `loop` (by instruction index) the instructions
    of its body outside nested loops, and under key -1 those of the function outside all
    loops; one unit per instruction, the way `--fuel` counts."""
    costs: dict[int, int] = {-1: 0}
    stack: list[int] = [-1]  # innermost enclosing loop (or -1) per open construct
    for i, ins in enumerate(body):
        name = ins.op.name
        costs[stack[-1]] += 1
        if name == "loop":
            costs[i] = 0
            stack.append(i)
        elif name in ("block", "if"):
            stack.append(stack[-1])
        elif name == "end" and len(stack) > 1:
            stack.pop()
    return {k: max(v, 1) for k, v in costs.items()}


def _targets(body: list) -> set[int]:
    """Instruction indices of the block/loop/if constructs that some branch targets."""
    stack: list[int] = [-1]
    targeted: set[int] = set()
    for i, ins in enumerate(body):
        name = ins.op.name
        if name in ("block", "loop", "if"):
            stack.append(i)
        elif name == "end":
            stack.pop()
        elif name in ("br", "br_if"):
            targeted.add(stack[-1 - ins.imm])
        elif name == "br_table":
            labels, default = ins.imm
            for label in (*labels, default):
                targeted.add(stack[-1 - label])
    targeted.discard(-1)
    return targeted


class FuncGen:
    """Generates `def f<index>(l0, ...):` for one defined function."""

    def __init__(self, info: ModuleInfo, index: int, poll: bool):
        self.info = info
        self.index = index
        self.poll = poll
        module = info.module
        func = module.funcs[index - module.num_imported_funcs]
        self.func = func
        self.type = info.func_types[index]
        self.local_types = list(self.type.params) + list(func.locals)
        self.lines: list[str] = []
        self.stack: list[Entry] = []
        self.ctls: list[Ctl] = []
        self.ids = 0
        self.uses_memory = info.uses_memory(index)
        self.uses_br = False
        self.skip_depth = 0
        self.current = 0  # index of the instruction being translated
        self.costs = fuel_costs(func.body) if poll else {}
        self.line_instrs: list[int] = []  # instruction index behind each emitted line
        self.head_lines = 0
        self.fresh: tuple[int, str] = (-1, "")  # (line index, slot) of the last slot write
        self._how = _HOW.setdefault(type(self), {})

    # -- output ---------------------------------------------------------------------

    def emit(self, text: str) -> None:
        ctl = self.ctls[-1]
        if ctl.needs_guard:
            self._open_guard(ctl)
        self.lines.append("    " * ctl.indent + text)
        self.line_instrs.append(self.current)

    def _open_guard(self, ctl: Ctl) -> None:
        """Skip the rest of `ctl`'s body while a flag branch is on its way out."""
        ctl.needs_guard = False
        if ctl.guard_open:
            ctl.indent -= 1
        self.lines.append("    " * ctl.indent + "if not _br:")
        self.line_instrs.append(self.current)
        ctl.indent += 1
        ctl.guard_open = True

    @staticmethod
    def _close_guard(ctl: Ctl) -> None:
        ctl.needs_guard = False
        if ctl.guard_open:
            ctl.indent -= 1
            ctl.guard_open = False

    def line_offsets(self) -> list[int | None]:
        """Byte offset of the wasm instruction behind each line of the last `generate()`
        (index = line number - 1); empty when the body has no offsets."""
        offsets = self.func.offsets
        if not offsets:
            return []
        out: list[int | None] = [None] * self.head_lines
        out.extend(offsets[i] if 0 <= i < len(offsets) else None for i in self.line_instrs)
        return out

    def _translate_body(self, body_indent: int) -> None:
        """Translate every reachable instruction of the body (dead code is skipped).

        `body_indent` is the indentation level of the function body's code: 1 inside the
        structured form's `def`, 0 for the flat form, whose states are placed later.
        """
        body = self.func.body
        self.targeted = self.info.targets(self.index)
        self.ctls.append(Ctl("func", 0, 0, len(self.type.results), False, 0, body_indent))
        for i, ins in enumerate(body):
            if self.ctls[-1].unreachable:
                self._skip(ins, i)
                continue
            self.current = i
            self._instr(ins, i)
            if not self.ctls:
                break

    def _prologue(self) -> list[str]:
        """The `def` line and the set-up both forms share: locals, fuel, memory view."""
        nparams = len(self.type.params)
        params = ", ".join(f"l{i}" for i in range(nparams))
        head = [f"def f{self.index}({params}):"]
        for i, t in enumerate(self.local_types[nparams:], nparams):
            head.append(f"    l{i} = {_zero(t)}")
        if self.poll:
            head.append(f"    TICK({self.costs[-1]})")
        if self.uses_memory:
            head.append("    mv = M0.cur")
        return head

    def generate(self) -> str:
        self._translate_body(body_indent=1)
        head = self._prologue()
        if self.uses_br:
            head.append("    _br = 0")
        self.head_lines = len(head)
        return "\n".join(head + self.lines) + "\n"

    # -- unreachable code ----------------------------------------------------------------

    def _skip(self, ins, i: int) -> None:  # type: ignore[no-untyped-def]
        """Skip dead code up to the `else`/`end` of the current construct."""
        name = ins.op.name
        if name in ("block", "loop", "if"):
            self.skip_depth += 1
        elif name in ("end", "else"):
            if not self.skip_depth:
                self._instr(ins, i)
            elif name == "end":
                self.skip_depth -= 1

    # -- the compile-time stack ----------------------------------------------------------

    def push(
        self, expr: str, refs: frozenset[str] = frozenset(), cond: bool = False, nest: int = 0
    ) -> None:
        self.stack.append(Entry(expr, refs, cond, nest))
        if nest > MAX_NEST:
            self.materialize(len(self.stack) - 1)

    def push_slot(self) -> str:
        """Push an entry for a value the caller assigns to the new top slot now."""
        d = len(self.stack)
        name = f"s{d}"
        self.flush_refs(name)
        self.stack.append(Entry(name, frozenset((name,))))
        self.fresh = (len(self.lines), name)  # the line assigning it comes next
        return name

    def assign_local(self, var: str, v: Entry) -> None:
        """`var = v`, retargeting the line that just computed `v` into a slot when it can."""
        before = len(self.lines)
        self.flush_refs(var)
        prefix = f"{v.expr} = "
        if (
            len(self.lines) == before
            and self.fresh == (before - 1, v.expr)
            and not v.cond
            and self.lines[-1].lstrip().startswith(prefix)
        ):
            last = self.lines[-1]
            indent = last[: len(last) - len(last.lstrip())]
            self.lines[-1] = f"{indent}{var} = {last.lstrip()[len(prefix) :]}"
            self.fresh = (-1, "")
            return
        self.emit(f"{var} = {self.value(v)}")

    def pop(self) -> Entry:
        return self.stack.pop()

    @staticmethod
    def value(e: Entry) -> str:
        return f"(1 if {e.expr} else 0)" if e.cond else e.expr

    def materialize(self, i: int) -> None:
        e = self.stack[i]
        name = f"s{i}"
        if e.expr == name and not e.cond:
            return
        for j, other in enumerate(self.stack):
            if j != i and name in other.refs:
                self.materialize(j)
        self.emit(f"{name} = {self.value(e)}")
        self.stack[i] = Entry(name, frozenset((name,)))

    def flush_refs(self, var: str) -> None:
        """Write out every pending entry that reads `var`, before `var` changes."""
        for j, e in enumerate(self.stack):
            if var in e.refs:
                self.materialize(j)

    def materialize_all(self) -> None:
        for i in range(len(self.stack)):
            self.materialize(i)

    def reset_stack(self, height: int) -> None:
        del self.stack[height:]
        while len(self.stack) < height:
            n = f"s{len(self.stack)}"
            self.stack.append(Entry(n, frozenset((n,))))
        for i in range(height):
            n = f"s{i}"
            if self.stack[i].expr != n:
                self.stack[i] = Entry(n, frozenset((n,)))

    def operation(self, template: str, flags: str, nargs: int) -> None:
        stack = self.stack
        if nargs == 2:  # the common cases written out: this runs for most instructions
            b = stack.pop()
            a = stack.pop()
            refs = a.refs | b.refs
            nest = 1 + (a.nest if a.nest > b.nest else b.nest)
            text = template.format(self.value(a), self.value(b))
        elif nargs == 1:
            a = stack.pop()
            refs = a.refs
            nest = 1 + a.nest
            text = template.format(self.value(a))
        else:
            args = [stack.pop() for _ in range(nargs)][::-1]
            refs = frozenset().union(*(a.refs for a in args)) if args else frozenset()
            nest = 1 + max((a.nest for a in args), default=0)
            text = template.format(*(self.value(a) for a in args))
        if "t" in flags:
            name = self.push_slot()
            self.emit(f"{name} = {text}")
        else:
            stack.append(Entry(text, refs, "c" in flags, nest))
            if nest > MAX_NEST:
                self.materialize(len(stack) - 1)

    def simple(self, e: Entry) -> bool:
        return e.expr.isidentifier() or e.expr.isdigit()

    def address(self, offset: int) -> str:
        """Pop an address operand; the effective-address expression (evaluated once)."""
        a = self.pop()
        expr = self.value(a)
        if offset:
            if not self.simple(a):
                t = self.push_slot()
                self.emit(f"{t} = {expr}")
                self.pop()
                expr = t
            return f"{expr} + {offset}"
        return expr

    # -- control -------------------------------------------------------------------------

    def new_ctl(self, kind: str, imm: object, i: int) -> Ctl:
        nparams, nresults = self.info.block_type(imm)
        self.ids += 1
        outer = self.ctls[-1]
        if outer.needs_guard:
            self._open_guard(outer)
        pyloop = i in self.targeted
        ctl = Ctl(
            kind, len(self.stack) - nparams, nparams, nresults, pyloop, self.ids, outer.indent
        )
        return ctl

    def open(self, ctl: Ctl) -> None:
        if ctl.pyloop:
            self.emit("while True:")
            ctl.indent += 1
        self.ctls.append(ctl)
        if ctl.pyloop and ctl.kind == "loop" and self.poll:
            self.emit(f"TICK({self.costs.get(self.current, 1)})")
        ctl.body_start = len(self.lines)

    def ensure_body(self, ctl: Ctl) -> None:
        if len(self.lines) == ctl.body_start:
            self.emit("pass")

    def _flag_pending(self, ident: int) -> None:
        """Record a flag jump to `ident` leaving every construct inside that target."""
        for c in reversed(self.ctls):
            if c.ident == ident:
                break
            c.flag_escapes.add(ident)

    def branch(self, depth: int) -> bool:
        """Emit the jump for `br depth` with the operands on the stack (not popped); True
        when it is a flag jump (the code after it must be guarded)."""
        target = self.ctls[-1 - depth]
        n = target.arity
        vals = [self.value(e) for e in self.stack[len(self.stack) - n :]] if n else []
        if target.kind == "func":
            self.emit(self._return_stmt(vals))
            return False
        slots = [f"s{target.base + k}" for k in range(n)]
        pairs = [(s, v) for s, v in zip(slots, vals) if s != v]
        if pairs:
            self.emit(f"{', '.join(s for s, _ in pairs)} = {', '.join(v for _, v in pairs)}")
        crossed = [c for c in self.ctls[len(self.ctls) - depth :] if c.pyloop]
        target.flag_used |= target.flag  # however the jump travels, it ends at the reset
        if target.flag and not crossed:
            self.uses_br = True
            self.emit(f"_br = {target.ident}")
            self._flag_pending(target.ident)
            return True
        if not crossed:
            self.emit("continue" if target.kind == "loop" else "break")
        else:
            self.uses_br = True
            crossed[-1].escapes.add(target.ident)
            self.emit(f"_br = {target.ident}")
            self.emit("break")
        return False

    @staticmethod
    def _return_stmt(vals: list[str]) -> str:
        if not vals:
            return "return"
        if len(vals) == 1:
            return f"return {vals[0]}"
        return f"return ({', '.join(vals)})"

    def close(self) -> None:
        """The `end` of the innermost construct."""
        ctl = self.ctls[-1]
        if not ctl.unreachable and ctl.kind != "if":  # an `if` did it at the end of each arm
            self.materialize_all()
        self._close_guard(ctl)
        if ctl.kind == "func":
            if not ctl.unreachable:
                vals = (
                    [self.value(e) for e in self.stack[len(self.stack) - ctl.nresults :]]
                    if ctl.nresults
                    else []
                )
                self.emit(self._return_stmt(vals))
            self.ctls.pop()
            return
        self.ensure_body(ctl)
        if ctl.pyloop:
            self.emit("break")
        self.ctls.pop()
        parent = self.ctls[-1]
        if ctl.flag_used:
            # raw line: a pending guard of the parent must not wrap the reset
            self.lines.append("    " * parent.indent + f"if _br == {ctl.ident}:")
            self.lines.append("    " * (parent.indent + 1) + "_br = 0")
            self.line_instrs += [self.current, self.current]
        if ctl.flag_escapes - {ctl.ident}:
            parent.needs_guard = True
        if ctl.escapes:
            self._dispatch(ctl.escapes)
        self.reset_stack(ctl.base + ctl.nresults)

    def _dispatch(self, escapes: set[int]) -> None:
        """After a loop that branches crossed: finish or continue their jumps. Targets
        inside the next enclosing Python loop are flag blocks, reached by guards."""
        here = next((c for c in reversed(self.ctls) if c.pyloop), None)
        limit = here.ident if here is not None else 0
        hit = here is not None and here.ident in escapes
        others = {e for e in escapes if e < limit}
        inner = {e for e in escapes if e > limit}
        outer = self.ctls[-1]
        if hit or others:
            self.emit("if _br:")
            outer.indent += 1
            if hit:
                assert here is not None
                self.emit(f"if _br == {here.ident}:")
                outer.indent += 1
                self.emit("_br = 0")
                self.emit("continue" if here.kind == "loop" else "break")
                outer.indent -= 1
            if others:
                assert here is not None
                here.escapes |= others
                if inner:
                    self.emit(f"if _br < {limit}:")
                    outer.indent += 1
                    self.emit("break")
                    outer.indent -= 1
                else:
                    self.emit("break")
            outer.indent -= 1
        if inner:
            for e in inner:
                self._flag_pending(e)
            outer.needs_guard = True

    # -- instructions --------------------------------------------------------------------

    def _instr(self, ins, i: int) -> None:  # type: ignore[no-untyped-def]
        op: Op = ins.op
        how = self._how.get(op) or _how_to_translate(type(self), op)
        kind = how[0]
        if kind == _TEMPLATE:
            self.operation(how[1], how[2], how[3])
        elif kind == _HANDLER:
            how[1](self, ins, i)
        elif kind == _CONTROL_HANDLER:
            self.fresh = (-1, "")  # a slot written before a control boundary stays a slot
            how[1](self, ins, i)
        elif kind == _SPECIAL:
            if not how[4](self, op.name):
                self.operation(how[1], how[2], how[3])
        else:
            self.op_generic(ins)

    def _cond_op(self, name: str) -> bool:
        """`i32.eqz`/`and`/`or` of conditions stay conditions (no int round trip)."""
        st = self.stack
        if name == "i32.eqz":
            if not st[-1].cond:
                return False
            a = self.pop()
            self.push(f"(not {a.expr})", a.refs, True, a.nest + 1)
            return True
        if not (st[-1].cond and st[-2].cond):
            return False
        b, a = self.pop(), self.pop()
        sym = "&" if name == "i32.and" else "|"
        self.push(f"({a.expr} {sym} {b.expr})", a.refs | b.refs, True, 1 + max(a.nest, b.nest))
        return True

    def _rotate_by_constant(self, name: str) -> bool:
        """A rotation by a constant is written out, its operand in a variable (the helper
        call costs more than the shifts; crypto code rotates by constants all the time)."""
        k = self.stack[-1]
        if k.cond or not k.expr.isdigit():
            return False
        if not self.stack[-2].expr.isidentifier() or self.stack[-2].cond:
            self.materialize(len(self.stack) - 2)  # a slot: the rotation reads it twice
        x = self.stack[-2]
        bits = 32 if name[1] == "3" else 64
        left = int(k.expr) % bits
        if name.endswith("rotr"):
            left = (bits - left) % bits
        self.pop()
        if left:
            self.pop()
            raw = f"(({x.expr} << {left}) | ({x.expr} >> {bits - left}))"
            self._push_wrapped(raw, x.refs, x.nest + 2, name)
        return True

    def _modular(self, name: str) -> bool:
        """Integer add, sub, mul, shl, and, or, xor, masked once per chain.

        Each keeps the low bits of its result a function of the low bits of its operands,
        so the wrap-around mask can wait for whoever needs the true value:
        `(((a * b) & M) + ((c << 3) & M)) & M` is written `((a * b) + (c << 3)) & M`.
        Operands of a multiplication stay masked, which keeps intermediate values within
        about twice the bit width; an `and` with a masked operand is masked already.
        """
        b, a = self.stack[-1], self.stack[-2]
        if a.cond or b.cond:  # `and`/`or` of two conditions stay a condition
            return name in ("i32.and", "i32.or") and self._cond_op(name)
        op = name[4:]
        if op == "mul":
            x, y = a.expr, b.expr
        elif op == "shl":
            bits = 32 if name[1] == "3" else 64
            x = a.raw or a.expr
            k = b.expr
            y = str(int(k) & (bits - 1)) if k.isdigit() else f"({k} & {bits - 1})"
        else:
            x, y = a.raw or a.expr, b.raw or b.expr
        text = f"({x} {_MODULAR_SYMBOLS[op]} {y})"
        refs = a.refs | b.refs
        nest = 1 + (a.nest if a.nest > b.nest else b.nest)
        del self.stack[-2:]
        if (
            op == "and"
            and (a.raw is None or b.raw is None)
            or (op in ("or", "xor") and a.raw is None and b.raw is None)
        ):
            self.push(text, refs, False, nest)  # in range already
        else:
            self._push_wrapped(text, refs, nest, name)
        return True

    def _wrap(self, name: str) -> bool:
        """i32.wrap_i64 masks its operand: the unwrapped form serves (see _modular)."""
        a = self.stack[-1]
        if a.raw is None:
            return False
        self.pop()
        self.push(f"({a.raw} & 0xFFFFFFFF)", a.refs, False, a.nest + 1)
        return True

    def _push_wrapped(self, raw: str, refs: frozenset[str], nest: int, name: str) -> None:
        """Push the value of `raw` wrapped around to the width of instruction `name`."""
        mask = "0xFFFFFFFF" if name[1] == "3" else "0xFFFFFFFFFFFFFFFF"
        stack = self.stack
        stack.append(Entry(f"({raw} & {mask})", refs, False, nest + 1, raw))
        if nest + 1 > MAX_NEST:
            self.materialize(len(stack) - 1)

    # control

    def op_nop(self, ins, i):  # type: ignore[no-untyped-def]
        pass

    def op_unreachable(self, ins, i):  # type: ignore[no-untyped-def]
        self.emit('raise Trap("unreachable")')
        self.ctls[-1].unreachable = True

    def op_block(self, ins, i):  # type: ignore[no-untyped-def]
        self.materialize_all()
        ctl = self.new_ctl("block", ins.imm, i)
        if ctl.pyloop and sum(c.pyloop for c in self.ctls) >= LOOP_BUDGET:
            ctl.pyloop = False
            ctl.flag = True
        self.open(ctl)

    def op_loop(self, ins, i):  # type: ignore[no-untyped-def]
        self.materialize_all()
        self.open(self.new_ctl("loop", ins.imm, i))

    def op_if(self, ins, i):  # type: ignore[no-untyped-def]
        cond = self.pop()
        self.materialize_all()
        ctl = self.new_ctl("if", ins.imm, i)
        if ctl.pyloop:
            self.emit("while True:")
            ctl.indent += 1
        self.ctls.append(ctl)
        self.emit(f"if {cond.expr}:")
        ctl.indent += 1
        ctl.body_start = len(self.lines)

    def op_else(self, ins, i):  # type: ignore[no-untyped-def]
        ctl = self.ctls[-1]
        if not ctl.unreachable:
            self.materialize_all()
        self._close_guard(ctl)
        self.ensure_body(ctl)
        ctl.indent -= 1
        self.emit("else:")
        ctl.indent += 1
        ctl.body_start = len(self.lines)
        ctl.has_else = True
        ctl.else_unreachable = ctl.unreachable  # type: ignore[attr-defined]
        ctl.unreachable = False
        self.reset_stack(ctl.base + ctl.nparams)

    def op_end(self, ins, i):  # type: ignore[no-untyped-def]
        ctl = self.ctls[-1]
        if ctl.kind == "if":
            if not ctl.unreachable:
                self.materialize_all()
            self._close_guard(ctl)
            self.ensure_body(ctl)
            ctl.indent -= 1
            then_dead = getattr(ctl, "else_unreachable", False) if ctl.has_else else False
            if ctl.has_else:
                ctl.unreachable = ctl.unreachable and then_dead
            else:
                ctl.unreachable = False
            ctl.body_start = -1  # the `if` statement itself is the body
        self.close()

    def op_br(self, ins, i):  # type: ignore[no-untyped-def]
        self.branch(ins.imm)
        self.ctls[-1].unreachable = True

    def op_br_if(self, ins, i):  # type: ignore[no-untyped-def]
        cond = self.pop()
        self.emit(f"if {cond.expr}:")
        self.ctls[-1].indent += 1
        flagged = self.branch(ins.imm)
        self.ctls[-1].indent -= 1
        if flagged:
            self.ctls[-1].needs_guard = True

    def op_br_table(self, ins, i):  # type: ignore[no-untyped-def]
        labels, default = ins.imm
        idx = self.pop()
        key = self.value(idx)
        if not self.simple(idx):
            self.emit(f"_k = {key}")
            key = "_k"
        groups: dict[int, list[int]] = {}
        for n, label in enumerate(labels):
            if label != default:
                groups.setdefault(label, []).append(n)
        ctl = self.ctls[-1]
        first = True
        for label, indices in groups.items():
            test = (
                f"{key} == {indices[0]}"
                if len(indices) == 1
                else f"{key} in {_set_literal(indices)}"
            )
            self.emit(f"{'if' if first else 'elif'} {test}:")
            first = False
            ctl.indent += 1
            self.branch(label)
            ctl.indent -= 1
        if not first:
            self.emit("else:")
            ctl.indent += 1
        self.branch(default)
        if not first:
            ctl.indent -= 1
        ctl.unreachable = True

    def op_return(self, ins, i):  # type: ignore[no-untyped-def]
        n = len(self.type.results)
        vals = [self.value(e) for e in self.stack[len(self.stack) - n :]] if n else []
        self.emit(self._return_stmt(vals))
        self.ctls[-1].unreachable = True

    def _call_args(self, n: int) -> str:
        args = [self.pop() for _ in range(n)][::-1]
        return ", ".join(self.value(a) for a in args)

    def _call_results(self, call: str, ftype: FuncType) -> None:
        n = len(ftype.results)
        if n == 0:
            self.emit(call)
        else:
            names = []
            for _ in range(n):
                names.append(self.push_slot())
            self.emit(f"{', '.join(names)} = {call}" if n > 1 else f"{names[0]} = {call}")
        if self.uses_memory:
            self.emit("mv = M0.cur")

    def op_call(self, ins, i):  # type: ignore[no-untyped-def]
        ftype = self.info.func_types[ins.imm]
        args = self._call_args(len(ftype.params))
        self._call_results(f"f{ins.imm}({args})", ftype)

    def op_call_indirect(self, ins, i):  # type: ignore[no-untyped-def]
        type_index, table = ins.imm
        ftype = self.info.module.types[type_index]
        idx = self.pop()
        args = self._call_args(len(ftype.params))
        self._call_results(f"indirect(T{table}e, {self.value(idx)}, TY{type_index})({args})", ftype)

    # parametric

    def op_drop(self, ins, i):  # type: ignore[no-untyped-def]
        self.pop()

    def op_select(self, ins, i):  # type: ignore[no-untyped-def]
        c = self.pop()
        b = self.pop()
        a = self.pop()
        nest = 1 + max(a.nest, b.nest, c.nest)
        self.push(
            f"({self.value(a)} if {c.expr} else {self.value(b)})",
            a.refs | b.refs | c.refs,
            False,
            nest,
        )

    # variables

    def op_local_get(self, ins, i):  # type: ignore[no-untyped-def]
        self.stack.append(_local_entry(ins.imm))

    def op_local_set(self, ins, i):  # type: ignore[no-untyped-def]
        self.assign_local(f"l{ins.imm}", self.pop())

    def op_local_tee(self, ins, i):  # type: ignore[no-untyped-def]
        entry = _local_entry(ins.imm)
        self.assign_local(entry.expr, self.pop())
        self.stack.append(entry)

    def op_global_get(self, ins, i):  # type: ignore[no-untyped-def]
        gt = self.info.global_types[ins.imm]
        if not gt.mutable:
            self.push(f"g{ins.imm}")
            return
        read = f"G{ins.imm}.value"
        if gt.valtype == F32:
            read = f"f32_from_bits({read})"
        elif gt.valtype == F64:
            read = f"f64_from_bits({read})"
        name = self.push_slot()
        self.emit(f"{name} = {read}")

    def op_global_set(self, ins, i):  # type: ignore[no-untyped-def]
        gt = self.info.global_types[ins.imm]
        v = self.value(self.pop())
        if gt.valtype == F32:
            v = f"f32_to_bits({v})"
        elif gt.valtype == F64:
            v = f"f64_to_bits({v})"
        self.emit(f"G{ins.imm}.value = {v}")

    # constants

    def op_i32_const(self, ins, i):  # type: ignore[no-untyped-def]
        self.push(str(ins.imm & 0xFFFFFFFF))

    def op_i64_const(self, ins, i):  # type: ignore[no-untyped-def]
        self.push(str(ins.imm & 0xFFFFFFFFFFFFFFFF))

    def op_f32_const(self, ins, i):  # type: ignore[no-untyped-def]
        self.push(self.info.float_literal(F32, ins.imm))

    def op_f64_const(self, ins, i):  # type: ignore[no-untyped-def]
        self.push(self.info.float_literal(F64, ins.imm))

    def op_v128_const(self, ins, i):  # type: ignore[no-untyped-def]
        self.push(str(int.from_bytes(ins.imm, "little")))

    # memory

    def _load(self, ins, i):  # type: ignore[no-untyped-def]
        self.uses_memory = True
        ea = self.address(ins.imm[1])
        name = self.push_slot()
        self.emit(f"{name} = {LOADS[ins.op.name].format(ea)}")

    def _store(self, ins, i):  # type: ignore[no-untyped-def]
        self.uses_memory = True
        v = self.pop()
        ea = self.address(ins.imm[1])
        name = ins.op.name
        # a narrow store masks the value itself: the unwrapped form serves (see _modular)
        value = v.raw if v.raw is not None and name in _NARROW_STORES else self.value(v)
        self.emit(STORES[name].format(ea, value))

    def op_memory_size(self, ins, i):  # type: ignore[no-untyped-def]
        name = self.push_slot()
        self.emit(f"{name} = M0.pages")

    def op_memory_grow(self, ins, i):  # type: ignore[no-untyped-def]
        n = self.value(self.pop())
        name = self.push_slot()
        self.emit(f"{name} = M0.grow({n}) & 0xFFFFFFFF")
        self.emit("mv = M0.cur")
        self.uses_memory = True

    def op_memory_fill(self, ins, i):  # type: ignore[no-untyped-def]
        n, v, d = self.value(self.pop()), self.value(self.pop()), self.value(self.pop())
        self.emit(f"M0.fill({d}, {v}, {n})")

    def op_memory_copy(self, ins, i):  # type: ignore[no-untyped-def]
        n, s, d = self.value(self.pop()), self.value(self.pop()), self.value(self.pop())
        self.emit(f"M0.copy_within({d}, {s}, {n})")

    def op_memory_init(self, ins, i):  # type: ignore[no-untyped-def]
        n, s, d = self.value(self.pop()), self.value(self.pop()), self.value(self.pop())
        self.emit(f"memory_init(M0, DATAS, {ins.imm[0]}, {d}, {s}, {n})")

    def op_data_drop(self, ins, i):  # type: ignore[no-untyped-def]
        self.emit(f"DATAS[{ins.imm}] = b''")

    # references and tables

    def op_ref_null(self, ins, i):  # type: ignore[no-untyped-def]
        self.push("None")

    def op_ref_is_null(self, ins, i):  # type: ignore[no-untyped-def]
        self.operation("({0} is None)", "c", 1)

    def op_ref_func(self, ins, i):  # type: ignore[no-untyped-def]
        name = self.push_slot()
        self.emit(f"{name} = FUNCS[{ins.imm}]")

    def op_table_get(self, ins, i):  # type: ignore[no-untyped-def]
        idx = self.value(self.pop())
        name = self.push_slot()
        self.emit(f"{name} = T{ins.imm}.get({idx})")

    def op_table_set(self, ins, i):  # type: ignore[no-untyped-def]
        v, idx = self.value(self.pop()), self.value(self.pop())
        self.emit(f"T{ins.imm}.set({idx}, {v})")

    def op_table_size(self, ins, i):  # type: ignore[no-untyped-def]
        name = self.push_slot()
        self.emit(f"{name} = len(T{ins.imm}e)")

    def op_table_grow(self, ins, i):  # type: ignore[no-untyped-def]
        n, v = self.value(self.pop()), self.value(self.pop())
        name = self.push_slot()
        self.emit(f"{name} = T{ins.imm}.grow({n}, {v}) & 0xFFFFFFFF")

    def op_table_fill(self, ins, i):  # type: ignore[no-untyped-def]
        n, v, d = self.value(self.pop()), self.value(self.pop()), self.value(self.pop())
        self.emit(f"table_fill(T{ins.imm}, {d}, {v}, {n})")

    def op_table_copy(self, ins, i):  # type: ignore[no-untyped-def]
        dst, src = ins.imm
        n, s, d = self.value(self.pop()), self.value(self.pop()), self.value(self.pop())
        self.emit(f"table_copy(T{dst}, T{src}, {d}, {s}, {n})")

    def op_table_init(self, ins, i):  # type: ignore[no-untyped-def]
        elem, table = ins.imm
        n, s, d = self.value(self.pop()), self.value(self.pop()), self.value(self.pop())
        self.emit(f"table_init(T{table}, ELEMS, {elem}, {d}, {s}, {n})")

    def op_elem_drop(self, ins, i):  # type: ignore[no-untyped-def]
        self.emit(f"ELEMS[{ins.imm}] = []")

    # SIMD and everything else: a call to a helper named after the instruction

    def op_generic(self, ins) -> None:  # type: ignore[no-untyped-def]
        op: Op = ins.op
        name = op.name
        if op.is_memory_access:
            if name in LOADS:
                self._load(ins, 0)
                return
            if name in STORES:
                self._store(ins, 0)
                return
            self._simd_memory(ins)
            return
        nargs = len(op.params or ())
        fn = "SIMD_" + name.replace(".", "_")
        extra = ""
        if op.imm == "lane":
            extra = f", {ins.imm}"
        elif op.imm == "shuffle":
            extra = f", {tuple(ins.imm)!r}"
        args = [self.pop() for _ in range(nargs)][::-1]
        text = f"{fn}({', '.join(self.value(a) for a in args)}{extra})"
        if op.results:
            name_ = self.push_slot()
            self.emit(f"{name_} = {text}")
        else:
            self.emit(text)
        self.info.helpers.add(fn)

    def _simd_memory(self, ins) -> None:  # type: ignore[no-untyped-def]
        op: Op = ins.op
        self.uses_memory = True
        fn = "SIMDMEM_" + op.name.replace(".", "_")
        if op.imm == "memarg_lane":
            _, offset, lane = ins.imm
            v = self.value(self.pop())
            ea = self.address(offset)
            text = f"{fn}(mv, {ea}, {v}, {lane})"
        else:
            ea = self.address(ins.imm[1])
            text = f"{fn}(mv, {ea})"
        if op.results:
            name = self.push_slot()
            self.emit(f"{name} = {text}")
        else:
            self.emit(text)
        self.info.helpers.add(fn)


# How `_instr` translates an opcode row, per generator class: (kind, ...), where kind is
# _TEMPLATE (+ template, flags, operand count), _SPECIAL (the same + a method trying a
# special case first, see _SPECIALS), _HANDLER or _CONTROL_HANDLER (+ the `op_<name>`
# method) or _GENERIC (op_generic).
_TEMPLATE, _SPECIAL, _HANDLER, _CONTROL_HANDLER, _GENERIC = range(5)
_HOW: dict[type, dict[Op, tuple[Any, ...]]] = {}
# Templates with a special case first: (generator, opcode name) -> True when it applied.
_NARROW_STORES = frozenset(
    ("i32.store8", "i32.store16", "i64.store8", "i64.store16", "i64.store32")
)
_MODULAR_SYMBOLS = {
    "add": "+",
    "sub": "-",
    "mul": "*",
    "shl": "<<",
    "and": "&",
    "or": "|",
    "xor": "^",
}
_SPECIALS: dict[str, Any] = {
    **dict.fromkeys(
        (f"{w}.{op}" for w in ("i32", "i64") for op in _MODULAR_SYMBOLS), FuncGen._modular
    ),
    "i32.eqz": FuncGen._cond_op,
    "i32.wrap_i64": FuncGen._wrap,
    **dict.fromkeys(("i32.rotl", "i32.rotr", "i64.rotl", "i64.rotr"), FuncGen._rotate_by_constant),
}


def _how_to_translate(cls: type, op: Op) -> tuple[Any, ...]:
    name = op.name
    row = TEMPLATES.get(name)
    handler = getattr(cls, "op_" + name.replace(".", "_"), None)
    if row is not None:
        special = _SPECIALS.get(name)
        how: tuple[Any, ...] = (_TEMPLATE, row[0], row[1], len(op.params or ()))
        if special is not None:
            how = (_SPECIAL, *how[1:], special)
    elif handler is None:
        how = (_GENERIC,)
    else:
        how = (_CONTROL_HANDLER if name in _CONTROL else _HANDLER, handler)
    _HOW.setdefault(cls, {})[op] = how
    return how


def _set_literal(values: list[int]) -> str:
    return "{" + ", ".join(map(str, values)) + "}"


class FlatGen(FuncGen):
    """The fallback for functions nested deeper than Python allows (20 loops, 100 indents).

    Control flow becomes a state machine: `while True:` around a binary decision tree on
    `_pc`, one state per branch target (a block's end, a loop's start, an `else`), and a
    branch is `_pc = state; continue`. Slower than the structured form, but flat.
    """

    def __init__(self, info: ModuleInfo, index: int, poll: bool):
        super().__init__(info, index, poll)
        self.states: list[list[str]] = [[]]
        self.cur = 0
        self.state_ids = 1

    def emit(self, text: str) -> None:
        self.states[self.cur].append("    " * self.ctls[-1].indent + text)

    def new_state(self) -> int:
        self.states.append([])
        self.state_ids += 1
        return len(self.states) - 1

    def goto(self, state: int) -> None:
        self.emit(f"_pc = {state}")
        self.emit("continue")

    def begin(self, state: int, fallthrough: bool) -> None:
        """Start emitting `state`, jumping to it from the current one if that falls through."""
        if fallthrough:
            self.goto(state)
        self.cur = state

    def generate(self) -> str:
        self._translate_body(body_indent=0)
        head = self._prologue()
        head.append("    _pc = 0")
        head.append("    while True:")
        tree: list[str] = []
        self._tree(0, len(self.states), 2, tree)
        return "\n".join(head + tree) + "\n"

    def _tree(self, lo: int, hi: int, depth: int, out: list[str]) -> None:
        pad = "    " * depth
        if hi - lo == 1:
            lines = self.states[lo] or ["pass"]
            out.extend(pad + line for line in lines)
            return
        mid = (lo + hi) // 2
        out.append(f"{pad}if _pc < {mid}:")
        self._tree(lo, mid, depth + 1, out)
        out.append(f"{pad}else:")
        self._tree(mid, hi, depth + 1, out)

    def open(self, ctl: Ctl) -> None:
        ctl.indent = 0
        self.ctls.append(ctl)

    def op_block(self, ins, i):  # type: ignore[no-untyped-def]
        self.materialize_all()
        ctl = self.new_ctl("block", ins.imm, i)
        ctl.end_state = self.new_state() if ctl.pyloop else -1  # type: ignore[attr-defined]
        self.open(ctl)

    def op_loop(self, ins, i):  # type: ignore[no-untyped-def]
        self.materialize_all()
        ctl = self.new_ctl("loop", ins.imm, i)
        self.open(ctl)
        if ctl.pyloop:
            start = self.new_state()
            ctl.start_state = start  # type: ignore[attr-defined]
            self.begin(start, True)
            if self.poll:
                self.emit(f"TICK({self.costs.get(self.current, 1)})")

    def op_if(self, ins, i):  # type: ignore[no-untyped-def]
        cond = self.pop()
        self.materialize_all()
        ctl = self.new_ctl("if", ins.imm, i)
        ctl.else_state = self.new_state()  # type: ignore[attr-defined]
        ctl.end_state = self.new_state()  # type: ignore[attr-defined]
        self.open(ctl)
        self.emit(f"if not {cond.expr}:")
        ctl.indent += 1
        self.goto(ctl.else_state)  # type: ignore[attr-defined]
        ctl.indent -= 1

    def op_else(self, ins, i):  # type: ignore[no-untyped-def]
        ctl = self.ctls[-1]
        if not ctl.unreachable:
            self.materialize_all()
            self.goto(ctl.end_state)  # type: ignore[attr-defined]
        self.cur = ctl.else_state  # type: ignore[attr-defined]
        ctl.has_else = True
        ctl.unreachable = False
        self.reset_stack(ctl.base + ctl.nparams)

    def op_end(self, ins, i):  # type: ignore[no-untyped-def]
        ctl = self.ctls[-1]
        if ctl.kind == "func":
            self.close()
            return
        reachable = not ctl.unreachable
        if reachable:
            self.materialize_all()
        if ctl.kind == "if":
            if reachable:
                self.goto(ctl.end_state)  # type: ignore[attr-defined]
            if not ctl.has_else:
                self.cur = ctl.else_state  # type: ignore[attr-defined]
                self.goto(ctl.end_state)  # type: ignore[attr-defined]
            self.cur = ctl.end_state  # type: ignore[attr-defined]
        elif ctl.kind == "block" and ctl.pyloop:
            self.begin(ctl.end_state, reachable)  # type: ignore[attr-defined]
        self.ctls.pop()
        self.reset_stack(ctl.base + ctl.nresults)

    def branch(self, depth: int) -> None:
        target = self.ctls[-1 - depth]
        n = target.arity
        vals = [self.value(e) for e in self.stack[len(self.stack) - n :]] if n else []
        if target.kind == "func":
            self.emit(self._return_stmt(vals))
            return
        slots = [f"s{target.base + k}" for k in range(n)]
        pairs = [(s, v) for s, v in zip(slots, vals) if s != v]
        if pairs:
            self.emit(f"{', '.join(s for s, _ in pairs)} = {', '.join(v for _, v in pairs)}")
        state = target.start_state if target.kind == "loop" else target.end_state  # type: ignore[attr-defined]
        self.goto(state)
