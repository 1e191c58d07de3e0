"""The baseline tier: an interpreter for functions until they are hot.

Translating a function to Python source and compiling it costs ~4 us per static
instruction, while most of a short program's code runs once (libc start-up, printf) and
only a few instructions per static one. So a function starts here: its body is mapped to
two flat lists (an operation kind and a ready argument per instruction; the structure at
once, the rest a straight run at a time when first reached), then interpreted. It is
translated (`PyCompiledModule._load`) once it has run enough instructions, and a loop
that has is translated on its own into a "loop function" (`loopgen.py`) that the
interpreter calls in place of the loop.

Same observable behaviour as the compiled code: the numeric, load and store semantics
are the very expressions of `templates.py` (as functions, in `interp_ops.py`); fuel is
charged at the same points (function entry, each iteration of a branched-to loop) with
the same costs; traps surface the same exceptions, which `function.py` turns into wasm
errors; a trap's backtrace reads the interpreted function and instruction off this
module's frames.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress, count
from operator import itemgetter
from typing import Any

from ...errors import Trap
from ...model import F32, F64
from .interp_ops import OPS as OP_FUNCTIONS
from .interp_tables import TABLE_OPS
from .scalar import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits
from .support import indirect
from .templates import LOADS, TEMPLATES

# Tier-up: translating costs ~50x interpreting one instruction, per static instruction. A
# function is translated once HEAT x its size instructions of it have been interpreted, a
# loop once its iterations have interpreted HEAT x its size: run-once code stays
# interpreted, and hot code is compiled once interpreting it has cost about half as much
# as compiling it would. (Instructions are counted per straight run, at each jump.)
HEAT = 24
OUTER_LOOP_SPAN = 5  # see _defer_to_outer_loop
LOOP_CALL_WORK = 8  # what calling a translated loop counts as, in instructions
ENABLED = True  # False: translate every function on its first call (the old behaviour)

# Operation kinds (numbered for the plan builder's tests; run() tests them by frequency).
(
    LGET,
    LSET,
    LTEE,
    BR_IF,
    BR,
    CONST,
    BIN,
    UN,
    LOAD,
    STORE,
    BLOCK,
    END,
    CALL,
    LOOP,
    IF,
    ELSE,
    SELECT,
    DROP,
    GGET,
    GSET,
    BR_TABLE,
    RETURN,
    CALL_IND,
    MSIZE,
    MGROW,
    MFILL,
    MCOPY,
    REFNULL,
    REFISNULL,
    REFFUNC,
    NOP,
    UNREACHABLE,
    TABLE,  # table, element and data segment instructions (see TABLE_OPS)
    PLAN,  # not prepared yet (see Plan.fill)
) = range(34)

_FIXED_KINDS = {
    "local.get": LGET,
    "local.set": LSET,
    "local.tee": LTEE,
    "i32.const": CONST,
    "i64.const": CONST,
    "f32.const": CONST,
    "f64.const": CONST,
    "br_if": BR_IF,
    "block": BLOCK,
    "loop": LOOP,
    "if": IF,
    "else": ELSE,
    "end": END,
    "br": BR,
    "br_table": BR_TABLE,
    "return": RETURN,
    "call": CALL,
    "call_indirect": CALL_IND,
    "select": SELECT,
    "drop": DROP,
    "global.get": GGET,
    "global.set": GSET,
    "memory.size": MSIZE,
    "memory.grow": MGROW,
    "memory.fill": MFILL,
    "memory.copy": MCOPY,
    "ref.null": REFNULL,
    "ref.is_null": REFISNULL,
    "ref.func": REFFUNC,
    "nop": NOP,
    "unreachable": UNREACHABLE,
}

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF


class Unsupported(Exception):
    """The body uses an instruction the interpreter leaves to the compiler (vector ones)."""


_BY_OP: dict[Any, tuple[int, Any]] = {}  # opcode row -> (kind, function), filled lazily
_CONSTS: dict[str, Callable[[Any], Any]] = {
    "i32.const": lambda v: v & M32,
    "i64.const": lambda v: v & M64,
    "f32.const": f32_from_bits,
    "f64.const": f64_from_bits,
}


def _classify(op: Any) -> tuple[int, Any]:
    """(kind, operation function or constant conversion) of an opcode row."""
    name = op.name
    kind = _FIXED_KINDS.get(name)
    if kind is not None:
        entry = (kind, _CONSTS.get(name))
    elif name in TABLE_OPS:
        entry = (TABLE, TABLE_OPS[name])
    elif name in OP_FUNCTIONS:
        if name in TEMPLATES:
            kind = BIN if len(op.params) == 2 else UN
        else:
            kind = LOAD if name in LOADS else STORE
        entry = (kind, OP_FUNCTIONS[name])
    else:
        raise Unsupported(name)
    _BY_OP[op] = entry
    return entry


# -- the per-function plan ---------------------------------------------------------------


_ROW = itemgetter(0)  # an instruction's opcode row
_STRUCTURE = {"block": BLOCK, "loop": LOOP, "if": IF, "else": ELSE, "end": END}
_SPECIAL: set[Any] = set()  # rows the structural pass stops at: structure, unsupported


def _special_rows() -> set[Any]:
    if not _SPECIAL:
        from ...opcodes import OPS

        for op in OPS:
            name = op.name
            if name in _STRUCTURE or not (
                name in _FIXED_KINDS or name in OP_FUNCTIONS or name in TABLE_OPS
            ):
                _SPECIAL.add(op)
    return _SPECIAL


class Plan:
    """A function body ready to interpret; built once per compiled module and function.

    Only the structure (blocks, their ends, loop costs) is read at once; the other
    instructions are prepared a straight run at a time when first reached (`fill`), since
    a short program runs only 15-30% of the code of the functions it calls.
    """

    __slots__ = (
        "index",
        "info",
        "body",
        "ops",
        "args",
        "zeros",
        "nparams",
        "nresults",
        "costs",
        "_ticks",
        "hot",
        "offsets",
    )

    def __init__(self, info: Any, index: int):
        module = info.module
        func = module.funcs[index - module.num_imported_funcs]
        ftype = info.func_types[index]
        self.index = index
        self.info = info
        self.nparams = len(ftype.params)
        self.nresults = len(ftype.results)
        self.zeros = [_zero(t) for t in func.locals]
        self.offsets = func.offsets
        self._ticks: dict[int, int] | None = None
        body = self.body = func.body
        if func.vector:
            raise Unsupported("vector instructions")
        marks = func.control
        # not recorded by the decoder, or not for this body (the last mark is its `end`)
        if marks is None or func.vector is None or not marks or marks[-1] != len(body) - 1:
            special = _special_rows()
            # the indices of the special rows, iterating at C speed (~40 ns per instruction)
            marks = list(compress(count(), map(special.__contains__, map(_ROW, body))))
        ops = [PLAN] * len(body)
        args: list[Any] = [None] * len(body)
        opens: list[int] = []  # indices of the open block/loop/if
        elses: dict[int, int] = {}  # open `if` -> its `else`
        nested = [0]  # per open loop (and the body): instructions in loops nested in it
        costs: dict[int, int] = {}  # fuel charged at entry (-1) and per loop iteration
        for i in marks:
            op = body[i].op
            kind = _STRUCTURE.get(op.name)
            if kind is None:
                raise Unsupported(op.name)
            if kind == END:
                if opens:
                    start = opens.pop()
                    np, nr = args[start]
                    if ops[start] == IF:
                        els = elses.pop(start, -1)
                        args[start] = (i, np, nr, els)
                        if els >= 0:
                            args[els] = i  # the then-arm ends: to the `end`
                    elif ops[start] == LOOP:
                        span = i - start
                        costs[start] = max(span - nested.pop(), 1)
                        nested[-1] += span
                        # interpreted instructions that make the loop hot
                        args[start] = (i, np, nr, HEAT * (span + 1))
                    else:
                        args[start] = (i, np, nr)
            elif kind == ELSE:
                elses[opens[-1]] = i
            else:
                opens.append(i)
                if kind == LOOP:
                    nested.append(0)
                args[i] = info.block_type(body[i].imm)  # completed at the matching `end`
            ops[i] = kind
        costs[-1] = max(len(body) - nested[0], 1)
        self.costs = costs
        self.hot = HEAT * len(body)
        self.ops = ops
        self.args = args

    @property
    def ticks(self) -> dict[int, int]:
        """What compiled code polls with: at entry and in the loops that branches target."""
        if self._ticks is None:
            targeted = self.info.targets(self.index)
            self._ticks = {k: v for k, v in self.costs.items() if k < 0 or k in targeted}
        return self._ticks

    def fill(self, start: int) -> None:
        """Prepare the instructions from `start` up to the next prepared one."""
        ops = self.ops
        args = self.args
        body = self.body
        info = self.info
        by_op = _BY_OP
        i = start
        n = len(ops)
        while i < n and ops[i] == PLAN:
            op, imm = body[i]
            kind, fn = by_op.get(op) or _classify(op)
            if kind <= BR:
                arg: Any = imm
            elif kind <= UN:
                arg = fn if kind != CONST else fn(imm)
            elif kind <= STORE:
                arg = (fn, imm[1])
            elif kind == CALL:
                t = info.func_types[imm]
                arg = (f"f{imm}", len(t.params), len(t.results))
            elif kind == CALL_IND:
                t = info.module.types[imm[0]]
                arg = (imm[1], t, len(t.params), len(t.results))
            elif kind == GGET or kind == GSET:
                vt = info.global_types[imm].valtype
                if kind == GGET:
                    conv = f32_from_bits if vt == F32 else f64_from_bits if vt == F64 else None
                else:
                    conv = f32_to_bits if vt == F32 else f64_to_bits if vt == F64 else None
                arg = (imm, conv)
            elif kind == TABLE:
                arg = (fn, imm)
            else:
                arg = None if kind == MGROW or kind == MSIZE else imm
            args[i] = arg  # before its kind: another thread may be reading this plan
            ops[i] = kind
            i += 1


def _zero(t: Any) -> Any:
    return 0.0 if t in (F32, F64) else None if t.name in ("funcref", "externref") else 0


# -- per instance and function state -------------------------------------------------------


class FuncState:
    """What an interpreted function needs of its instance, and its heat."""

    __slots__ = (
        "plan",
        "ns",
        "memory",
        "globals",
        "tables",
        "funcs",
        "tick",
        "work",
        "heat",
        "marks",
        "loops",
        "owner",
    )

    def __init__(self, plan: Plan, ns: dict[str, Any], instance: Any, owner: Any, poll: bool):
        self.plan = plan
        self.ns = ns
        self.memory = instance.memories[0] if instance.memories else None
        self.globals = instance.globals
        self.tables = instance.tables
        self.funcs = instance.funcs
        self.tick = ns["TICK"] if poll else None
        self.work = 0  # instructions interpreted (counted at jumps and exits)
        self.heat: dict[int, int] = {}  # loop -> instructions interpreted in its iterations
        self.marks: dict[int, int] = {}  # loop -> `work` when its current iteration began
        self.loops: dict[int, Any] = {}  # loop index -> (function, reads, writes) or None
        self.owner = owner  # (compiled module, instance, poll): for tiering up


# Entry makers per arity; the common ones written out (compiling one costs ~0.1 ms).
def _make0(run: Any, fs: FuncState) -> Callable[..., Any]:
    def entry() -> Any:
        return run(fs, [])

    return entry


def _make1(run: Any, fs: FuncState) -> Callable[..., Any]:
    def entry(a0: Any) -> Any:
        return run(fs, [a0])

    return entry


def _make2(run: Any, fs: FuncState) -> Callable[..., Any]:
    def entry(a0: Any, a1: Any) -> Any:
        return run(fs, [a0, a1])

    return entry


def _make3(run: Any, fs: FuncState) -> Callable[..., Any]:
    def entry(a0: Any, a1: Any, a2: Any) -> Any:
        return run(fs, [a0, a1, a2])

    return entry


def _make4(run: Any, fs: FuncState) -> Callable[..., Any]:
    def entry(a0: Any, a1: Any, a2: Any, a3: Any) -> Any:
        return run(fs, [a0, a1, a2, a3])

    return entry


_FACTORIES: dict[int, Callable[..., Any]] = {
    0: _make0,
    1: _make1,
    2: _make2,
    3: _make3,
    4: _make4,
}


def entry_function(fs: FuncState) -> Callable[..., Any]:
    """A function of the wasm function's exact arity that interprets it (an exact-arity
    Python function, so that CPython calls it without growing the C stack)."""
    n = fs.plan.nparams
    make = _FACTORIES.get(n)
    if make is None:
        params = ", ".join(f"a{i}" for i in range(n))
        src = (
            "def make(run, fs):\n"
            f"    def entry({params}):\n"
            f"        return run(fs, [{params}])\n"
            "    return entry\n"
        )
        scope: dict[str, Any] = {}
        exec(compile(src, "<wasm entry>", "exec"), scope)
        make = _FACTORIES[n] = scope["make"]
    return make(run, fs)


# -- the interpreter -----------------------------------------------------------------------


def run(fs: FuncState, L: list[Any]) -> Any:  # noqa: C901 - one loop, for speed
    plan = fs.plan
    if fs.work > plan.hot:
        fn = fs.owner.tier_up(plan.index)
        if fn is not None:
            return fn(*L)
    if plan.zeros:
        L += plan.zeros
    tick = fs.tick
    if tick is not None:
        ticks = plan.ticks
        tick(ticks[-1])
    ops = plan.ops
    args = plan.args
    st: list[Any] = []
    # labels: (continuation, stack height, arity, loop index or -1); [0] is the function's
    labels: list[tuple[int, int, int, int]] = [(-1, 0, plan.nresults, -1)]
    M0 = fs.memory
    mv = M0.cur if M0 is not None else None
    ns = fs.ns
    pc = seg = 0  # seg: where the current straight run of instructions began
    while True:
        op = ops[pc]
        a = args[pc]
        pc += 1
        if op == LGET:
            st.append(L[a])
        elif op == BIN:
            b = st.pop()
            st[-1] = a(st[-1], b)
        elif op == CONST:
            st.append(a)
        elif op == LSET:
            L[a] = st.pop()
        elif op == LTEE:
            L[a] = st[-1]
        elif op == LOAD:
            st[-1] = a[0](mv, st[-1] + a[1])
        elif op == BR_IF:
            if st.pop():
                fs.work += pc - seg
                pc = seg = _branch(fs, st, labels, L, a)
                if pc < 0:
                    return _results(st, plan.nresults)
                mv = M0.cur if M0 is not None else None
        elif op == STORE:
            v = st.pop()
            a[0](mv, st.pop() + a[1], v)
        elif op == UN:
            st[-1] = a(st[-1])
        elif op == BLOCK:
            labels.append((a[0] + 1, len(st) - a[1], a[2], -1))
        elif op == END:
            labels.pop()
            if not labels:
                fs.work += pc - seg
                return _results(st, plan.nresults)
        elif op == CALL:
            fn = ns[a[0]]
            n = a[1]
            if n == 0:
                r = fn()
            elif n == 1:
                r = fn(st.pop())
            elif n == 2:
                y = st.pop()
                r = fn(st.pop(), y)
            elif n == 3:
                z = st.pop()
                y = st.pop()
                r = fn(st.pop(), y, z)
            else:
                xs = st[-n:]
                del st[-n:]
                r = fn(*xs)
            if a[2] == 1:
                st.append(r)
            elif a[2]:
                st.extend(r)
            if M0 is not None:
                mv = M0.cur
        elif op == BR:
            fs.work += pc - seg
            pc = seg = _branch(fs, st, labels, L, a)
            if pc < 0:
                return _results(st, plan.nresults)
            mv = M0.cur if M0 is not None else None
        elif op == LOOP:
            labels.append((pc, len(st) - a[1], a[1], pc - 1))
            loop = fs.loops.get(pc - 1)
            if loop is not None:
                fs.work += pc - seg
                pc = seg = _run_loop(fs, loop, st, labels, L)
                if pc < 0:
                    return _results(st, plan.nresults)
                mv = M0.cur if M0 is not None else None
            else:
                fs.marks[pc - 1] = fs.work + pc - seg
                if tick is not None and pc - 1 in ticks:
                    tick(ticks[pc - 1])
        elif op == IF:
            labels.append((a[0] + 1, len(st) - 1 - a[1], a[2], -1))
            if not st.pop():
                fs.work += pc - seg
                pc = seg = a[3] + 1 if a[3] >= 0 else a[0]  # the else-arm, or the `end`
        elif op == ELSE:
            fs.work += pc - seg
            pc = seg = a  # the then-arm ends: to the `end`, which pops the label
        elif op == SELECT:
            c = st.pop()
            b = st.pop()
            if not c:
                st[-1] = b
        elif op == DROP:
            st.pop()
        elif op == GGET:
            v = fs.globals[a[0]].value
            st.append(v if a[1] is None else a[1](v))
        elif op == GSET:
            v = st.pop()
            fs.globals[a[0]].value = v if a[1] is None else a[1](v)
        elif op == BR_TABLE:
            k = st.pop()
            labels_, default = a
            fs.work += pc - seg
            pc = seg = _branch(fs, st, labels, L, labels_[k] if k < len(labels_) else default)
            if pc < 0:
                return _results(st, plan.nresults)
            mv = M0.cur if M0 is not None else None
        elif op == RETURN:
            fs.work += pc - seg
            return _results(st, plan.nresults)
        elif op == CALL_IND:
            table, ftype, n, nr = a
            fn = indirect(fs.tables[table].elements, st.pop(), ftype)
            # exact-arity calls: CPython runs them without growing the C stack
            if n == 0:
                r = fn()
            elif n == 1:
                r = fn(st.pop())
            elif n == 2:
                y = st.pop()
                r = fn(st.pop(), y)
            elif n == 3:
                z = st.pop()
                y = st.pop()
                r = fn(st.pop(), y, z)
            else:
                xs = st[-n:]
                del st[-n:]
                r = fn(*xs)
            if nr == 1:
                st.append(r)
            elif nr:
                st.extend(r)
            if M0 is not None:
                mv = M0.cur
        elif op == MSIZE:
            st.append(M0.pages)
        elif op == MGROW:
            st[-1] = M0.grow(st[-1]) & M32
            mv = M0.cur
        elif op == MFILL:
            n = st.pop()
            v = st.pop()
            M0.fill(st.pop(), v, n)
        elif op == MCOPY:
            n = st.pop()
            s = st.pop()
            M0.copy_within(st.pop(), s, n)
        elif op == REFNULL:
            st.append(None)
        elif op == REFISNULL:
            st[-1] = 1 if st[-1] is None else 0
        elif op == REFFUNC:
            st.append(fs.funcs[a])
        elif op == NOP:
            pass
        elif op == UNREACHABLE:
            raise Trap("unreachable")
        elif op == TABLE:
            a[0](fs, st, a[1])
        elif op == PLAN:
            pc -= 1
            plan.fill(pc)
        else:  # pragma: no cover - every kind is handled above
            raise AssertionError(op)


def _results(st: list[Any], n: int) -> Any:
    if n == 1:
        return st[-1]
    if n == 0:
        return None
    return tuple(st[len(st) - n :])


def _branch(
    fs: FuncState, st: list[Any], labels: list[tuple[int, int, int, int]], L: list[Any], d: int
) -> int:
    """`br d`: the pc to continue at, or -1 when it leaves the function (results on `st`)."""
    cont, height, arity, loop = labels[-1 - d]
    if cont < 0:
        return -1
    if len(st) != height + arity:
        if arity:
            st[height:] = st[len(st) - arity :]
        else:
            del st[height:]
    if loop < 0:
        del labels[len(labels) - 1 - d :]
        return cont
    # a loop's next iteration
    if d:
        del labels[len(labels) - d :]
    work = fs.work
    heat = fs.heat
    h = heat[loop] = heat.get(loop, 0) + work - fs.marks.get(loop, work)
    fs.marks[loop] = work
    hot = fs.plan.args[loop][3]
    if h >= hot:
        compiled = fs.loops.get(loop, False)
        if compiled is False and h < 2 * hot and _defer_to_outer_loop(fs, labels, loop):
            compiled = None  # for now
        elif compiled is False:
            end = fs.plan.args[loop][0]
            around = [label[2] for label in labels[1:-1]]
            compiled = fs.owner.loop_function(fs.plan.index, loop, end, height, around)
            fs.loops[loop] = compiled
        if compiled is not None:
            return _run_loop(fs, compiled, st, labels, L)
    if fs.tick is not None:
        fs.tick(fs.plan.ticks[loop])
    return cont


def _defer_to_outer_loop(fs: FuncState, labels: list[tuple[int, int, int, int]], loop: int) -> bool:
    """Make hot the outermost loop around `loop` (on top of `labels`) that has already
    iterated, so will likely iterate again, and is at most OUTER_LOOP_SPAN times as long;
    say whether there is one.

    Its translation, at its next iteration, covers this loop too: translating this one
    now as well would be wasted (~4 us per instruction). Until then this loop stays
    interpreted, up to twice its own heat (in case the outer loop does not come round).
    """
    heat = fs.heat
    args = fs.plan.args
    longest = OUTER_LOOP_SPAN * (args[loop][0] - loop)
    for label in labels[1:-1]:
        outer = label[3]
        if (
            outer >= 0
            and heat.get(outer, 0) > 0
            and args[outer][0] - outer <= longest
            and fs.loops.get(outer, False) is False
        ):
            heat[outer] = max(heat[outer], args[outer][3])
            return True
    return False


def _run_loop(
    fs: FuncState,
    loop: tuple[Callable[..., Any], list[int], list[int]],
    st: list[Any],
    labels: list[tuple[int, int, int, int]],
    L: list[Any],
) -> int:
    """Run a translated loop from the start of an iteration (its label on top of `labels`);
    the pc to continue at, or -1 when the function returns (results on `st`)."""
    fn, reads, writes = loop
    _, height, _, start = labels.pop()
    fs.work += LOOP_CALL_WORK
    r = fn(*[L[i] for i in reads], *st[height:])
    del st[height:]
    k = len(writes) + 1
    for j, i in enumerate(writes, 1):
        L[i] = r[j]
    st.extend(r[k:])
    code = r[0]
    if code == 0:  # out through the loop's `end`
        return fs.plan.args[start][0] + 1
    return _branch(fs, st, labels, L, code - 1)
