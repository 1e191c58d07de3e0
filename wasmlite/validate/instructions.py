"""Typing of function bodies.

This is the operand-stack / control-frame algorithm of the spec's validation appendix. An
operand of unknown type (the "bottom" type, popped from the polymorphic stack of unreachable
code) is represented by `None`.

Speed matters here (modules of tens of megabytes): every opcode row is classified once into
a small integer kind, instructions with a fixed signature share one inline path, and messages
are only built when an error is raised.
"""

from __future__ import annotations

from ..model import FUNCREF, I32, V128, Func, FuncType, ValType
from ..opcodes import OPS, Op
from .context import Context, fail

# Instruction kinds. Kinds below _SPECIAL share the fixed-signature typing after their
# immediate checks; kinds from _SPECIAL on are typed entirely by hand.
_PLAIN = 0
_MEMARG = 1
_MEMARG_LANE = 2
_LANE = 3
_MEMORY = 4
_MEMORY_INIT = 5
_MEMORY_COPY = 6
_DATA = 7
_ELEM = 8
_SHUFFLE = 9
_SPECIAL = 20
_BLOCK = 20
_LOOP = 21
_IF = 22
_ELSE = 23
_END = 24
_BR = 25
_BR_IF = 26
_BR_TABLE = 27
_RETURN = 28
_UNREACHABLE = 29
_CALL = 30
_CALL_INDIRECT = 31
_DROP = 32
_SELECT = 33
_SELECT_T = 34
_LOCAL_GET = 35
_LOCAL_SET = 36
_LOCAL_TEE = 37
_GLOBAL_GET = 38
_GLOBAL_SET = 39
_TABLE_GET = 40
_TABLE_SET = 41
_TABLE_SIZE = 42
_TABLE_GROW = 43
_TABLE_FILL = 44
_TABLE_COPY = 45
_TABLE_INIT = 46
_REF_NULL = 47
_REF_IS_NULL = 48
_REF_FUNC = 49

_BY_NAME_KIND = {
    "block": _BLOCK,
    "loop": _LOOP,
    "if": _IF,
    "else": _ELSE,
    "end": _END,
    "br": _BR,
    "br_if": _BR_IF,
    "br_table": _BR_TABLE,
    "return": _RETURN,
    "unreachable": _UNREACHABLE,
    "call": _CALL,
    "call_indirect": _CALL_INDIRECT,
    "drop": _DROP,
    "local.get": _LOCAL_GET,
    "local.set": _LOCAL_SET,
    "local.tee": _LOCAL_TEE,
    "global.get": _GLOBAL_GET,
    "global.set": _GLOBAL_SET,
    "table.get": _TABLE_GET,
    "table.set": _TABLE_SET,
    "table.size": _TABLE_SIZE,
    "table.grow": _TABLE_GROW,
    "table.fill": _TABLE_FILL,
    "table.copy": _TABLE_COPY,
    "table.init": _TABLE_INIT,
    "ref.null": _REF_NULL,
    "ref.is_null": _REF_IS_NULL,
    "ref.func": _REF_FUNC,
}

_BY_IMM_KIND = {
    "memarg": _MEMARG,
    "memarg_lane": _MEMARG_LANE,
    "lane": _LANE,
    "memory": _MEMORY,
    "memory_init": _MEMORY_INIT,
    "memory_copy": _MEMORY_COPY,
    "data": _DATA,
    "elem": _ELEM,
    "shuffle": _SHUFFLE,
}


def _kind(op: Op) -> int:
    if op.name == "select":
        return _SELECT_T if op.imm == "select_t" else _SELECT
    if op.params is None:
        return _BY_NAME_KIND[op.name]
    return _BY_IMM_KIND.get(op.imm, _PLAIN)


KINDS: dict[Op, int] = {op: _kind(op) for op in OPS}
# Fixed signatures with the parameters reversed, in pop order.
SIGS: dict[Op, tuple[tuple[ValType, ...], tuple[ValType, ...]]] = {
    op: (tuple(reversed(op.params)), op.results)
    for op in OPS
    if op.params is not None and op.results is not None
}

_MISMATCH = "type mismatch"


def validate_func(ctx: Context, func: Func, ftype: FuncType) -> None:
    """Check one function body against its type; raise `ValidationError` if invalid."""
    body = func.body
    offsets = func.offsets
    locals_ = list(ftype.params) + list(func.locals)
    num_locals = len(locals_)
    types = ctx.types
    funcs = ctx.funcs
    tables = ctx.tables
    globals_ = ctx.globals
    has_memory = ctx.num_memories > 0
    kinds = KINDS
    sigs = SIGS
    results = ftype.results
    refs = ctx.refs

    def err(message: str) -> Exception:
        return fail(message, offsets[i] if offsets is not None and 0 <= i < len(offsets) else None)

    def block_type(imm: object) -> tuple[tuple[ValType, ...], tuple[ValType, ...]]:
        if imm is None:
            return (), ()
        if isinstance(imm, ValType):
            return (), (imm,)
        if isinstance(imm, int) and 0 <= imm < len(types):
            t = types[imm]
            return t.params, t.results
        raise err(f"unknown type {imm}")

    # Operand stack; `None` is the unknown type.
    vals: list[ValType | None] = []
    # Control frames: [kind, start types, end types, height, unreachable].
    ctrls: list[list] = [[_BLOCK, (), results, 0, False]]
    height = 0
    unreach = False

    def pop(expect: ValType | None) -> ValType | None:
        """Pop one operand, checking it against `expect` (None: any)."""
        if len(vals) == height:
            if unreach:
                return None
            raise err(_MISMATCH)
        actual = vals.pop()
        if actual is not expect and actual is not None and expect is not None:
            raise err(_MISMATCH)
        return actual

    def pop_vals(ts: tuple[ValType, ...]) -> list[ValType | None]:
        popped = [pop(t) for t in reversed(ts)]
        popped.reverse()
        return popped

    def label_types(depth: object) -> tuple[ValType, ...]:
        if not isinstance(depth, int) or not 0 <= depth < len(ctrls):
            raise err("unknown label")
        frame = ctrls[-1 - depth]
        return frame[1] if frame[0] == _LOOP else frame[2]

    def check_memory(index: object) -> None:
        if index != 0 or not has_memory:
            raise err(f"unknown memory {index}")

    def check_table(index: object) -> ValType:
        if not isinstance(index, int) or not 0 <= index < len(tables):
            raise err(f"unknown table {index}")
        return tables[index].elem

    def check_elem(index: object) -> ValType:
        if not isinstance(index, int) or not 0 <= index < len(ctx.elems):
            raise err(f"unknown elem segment {index}")
        return ctx.elems[index]

    def check_data(index: object) -> None:
        if not isinstance(index, int) or not 0 <= index < ctx.num_datas:
            raise err(f"unknown data segment {index}")

    def check_memarg(op: Op, imm: tuple) -> None:
        check_memory(0)
        if imm[0] > op.align:  # type: ignore[operator]
            raise err("alignment must not be larger than natural")

    def check_local(index: object) -> ValType:
        if not isinstance(index, int) or not 0 <= index < num_locals:
            raise err(f"unknown local {index}")
        return locals_[index]

    def check_global(index: object) -> int:
        if not isinstance(index, int) or not 0 <= index < len(globals_):
            raise err(f"unknown global {index}")
        return index

    def check_func(index: object) -> FuncType:
        if not isinstance(index, int) or not 0 <= index < len(funcs):
            raise err(f"unknown function {index}")
        return funcs[index]

    i = 0
    n = len(body)
    for i, (op, imm) in enumerate(body):  # noqa: B007 - `i` locates errors in `err`
        k = kinds[op]
        if k < _SPECIAL:
            if k != _PLAIN:
                if k == _MEMARG:
                    check_memarg(op, imm)  # type: ignore[arg-type]
                elif k == _MEMARG_LANE:
                    check_memarg(op, imm)  # type: ignore[arg-type]
                    if imm[2] >= op.lanes:  # type: ignore[index]
                        raise err("invalid lane index")
                elif k == _LANE:
                    if imm >= op.lanes:  # type: ignore[operator]
                        raise err("invalid lane index")
                elif k == _MEMORY:
                    check_memory(imm)
                elif k == _MEMORY_INIT:
                    check_memory(imm[1])  # type: ignore[index]
                    check_data(imm[0])  # type: ignore[index]
                elif k == _MEMORY_COPY:
                    check_memory(imm[0])  # type: ignore[index]
                    check_memory(imm[1])  # type: ignore[index]
                elif k == _DATA:
                    check_data(imm)
                elif k == _ELEM:
                    check_elem(imm)
                elif k == _SHUFFLE:
                    if any(lane >= 32 for lane in imm):  # type: ignore[attr-defined]
                        raise err("invalid lane index")
            params, res = sigs[op]
            for t in params:
                if len(vals) > height:
                    a = vals.pop()
                    if a is not t and a is not None:
                        raise err(_MISMATCH)
                elif not unreach:
                    raise err(_MISMATCH)
            if res:
                vals += res
        elif k == _LOCAL_GET:
            if type(imm) is int and 0 <= imm < num_locals:
                vals.append(locals_[imm])
            else:
                check_local(imm)
        elif k == _LOCAL_SET:
            pop(check_local(imm))
        elif k == _LOCAL_TEE:
            t = check_local(imm)
            pop(t)
            vals.append(t)
        elif k == _GLOBAL_GET:
            vals.append(globals_[check_global(imm)].valtype)
        elif k == _GLOBAL_SET:
            g = globals_[check_global(imm)]
            if not g.mutable:
                raise err("global is immutable")
            pop(g.valtype)
        elif k == _END:
            frame = ctrls[-1]
            if frame[0] == _IF and frame[1] != frame[2]:
                # An `if` without `else` passes its inputs through as its outputs.
                raise err(_MISMATCH)
            pop_vals(frame[2])
            if len(vals) != height:
                raise err(_MISMATCH)
            ctrls.pop()
            if not ctrls:
                if i != n - 1:
                    raise err("operators remaining after end of function")
                return
            vals += frame[2]
            frame = ctrls[-1]
            height = frame[3]
            unreach = frame[4]
        elif k == _BLOCK or k == _LOOP or k == _IF:
            ins, outs = block_type(imm)
            if k == _IF:
                pop(I32)
            pop_vals(ins)
            height = len(vals)
            unreach = False
            ctrls.append([k, ins, outs, height, False])
            vals += ins
        elif k == _ELSE:
            frame = ctrls[-1]
            if frame[0] != _IF:
                raise err("else without if")
            pop_vals(frame[2])
            if len(vals) != height:
                raise err(_MISMATCH)
            frame[0] = _ELSE
            frame[4] = unreach = False
            vals += frame[1]
        elif k == _BR:
            pop_vals(label_types(imm))
            del vals[height:]
            ctrls[-1][4] = unreach = True
        elif k == _BR_IF:
            pop(I32)
            labels = label_types(imm)
            pop_vals(labels)
            vals += labels
        elif k == _BR_TABLE:
            pop(I32)
            targets, default = imm  # type: ignore[misc]
            arity = len(label_types(default))
            for target in targets:
                labels = label_types(target)
                if len(labels) != arity:
                    raise err(_MISMATCH)
                vals += pop_vals(labels)
            pop_vals(label_types(default))
            del vals[height:]
            ctrls[-1][4] = unreach = True
        elif k == _RETURN:
            pop_vals(results)
            del vals[height:]
            ctrls[-1][4] = unreach = True
        elif k == _UNREACHABLE:
            del vals[height:]
            ctrls[-1][4] = unreach = True
        elif k == _CALL:
            ft = check_func(imm)
            pop_vals(ft.params)
            vals += ft.results
        elif k == _CALL_INDIRECT:
            type_index, table_index = imm  # type: ignore[misc]
            if check_table(table_index) is not FUNCREF:
                raise err(_MISMATCH)
            if not 0 <= type_index < len(types):
                raise err(f"unknown type {type_index}")
            ft = types[type_index]
            pop(I32)
            pop_vals(ft.params)
            vals += ft.results
        elif k == _DROP:
            pop(None)
        elif k == _SELECT:
            pop(I32)
            t1 = pop(None)
            t2 = pop(None)
            if not _selectable(t1) or not _selectable(t2):
                raise err(_MISMATCH)
            if t1 is not t2 and t1 is not None and t2 is not None:
                raise err(_MISMATCH)
            vals.append(t2 if t1 is None else t1)
        elif k == _SELECT_T:
            if len(imm) != 1:  # type: ignore[arg-type]
                raise err("invalid result arity")
            (t,) = imm  # type: ignore[misc]
            pop(I32)
            pop(t)
            pop(t)
            vals.append(t)
        elif k == _TABLE_GET:
            t = check_table(imm)
            pop(I32)
            vals.append(t)
        elif k == _TABLE_SET:
            t = check_table(imm)
            pop(t)
            pop(I32)
        elif k == _TABLE_SIZE:
            check_table(imm)
            vals.append(I32)
        elif k == _TABLE_GROW:
            t = check_table(imm)
            pop(I32)
            pop(t)
            vals.append(I32)
        elif k == _TABLE_FILL:
            t = check_table(imm)
            pop(I32)
            pop(t)
            pop(I32)
        elif k == _TABLE_COPY:
            dst, src = imm  # type: ignore[misc]
            if check_table(dst) is not check_table(src):
                raise err(_MISMATCH)
            pop(I32)
            pop(I32)
            pop(I32)
        elif k == _TABLE_INIT:
            elem, table = imm  # type: ignore[misc]
            if check_table(table) is not check_elem(elem):
                raise err(_MISMATCH)
            pop(I32)
            pop(I32)
            pop(I32)
        elif k == _REF_NULL:
            vals.append(imm)  # type: ignore[arg-type]
        elif k == _REF_IS_NULL:
            t = pop(None)
            if t is not None and not t.is_ref:
                raise err(_MISMATCH)
            vals.append(I32)
        elif k == _REF_FUNC:
            check_func(imm)
            if imm not in refs:
                raise err("undeclared function reference")
            vals.append(FUNCREF)
        else:  # pragma: no cover - every row has a kind
            raise err(f"unhandled instruction {op.name}")
    i = n - 1
    raise err("unexpected end of function body")


def _selectable(t: ValType | None) -> bool:
    """Untyped `select` takes only numeric and vector operands."""
    return t is None or t.is_num or t is V128
