"""Operation numbers of `wl_host(ctx, op, a, b, c, d, e)`: what native code asks Python for.

Arguments and results are i64; references travel as handles (see `refs`).
"""

from __future__ import annotations

from typing import Any

from ...errors import Trap
from .refs import from_handle, to_handle

TABLE_OOB = "out of bounds table access"
MEMORY_OOB = "out of bounds memory access"
POLL_COST = 1000  # poll points between two ticks (the countdown `engine.POLL_INTERVAL` re-arms)

POLL = 1  # () -> 0: tick the store (fuel, deadline, interrupt), re-arm the countdown
MEMORY_GROW = 2  # (delta pages) -> old pages or -1 (as i32)
MEMORY_INIT = 3  # (segment, dst, src, n)
DATA_DROP = 4  # (segment)
TABLE_GET = 5  # (table, index) -> handle
TABLE_SET = 6  # (table, index, handle)
TABLE_SIZE = 7  # (table) -> size
TABLE_GROW = 8  # (table, handle, delta) -> old size or -1 (as i32)
TABLE_FILL = 9  # (table, index, handle, n)
TABLE_COPY = 10  # (dst table, src table, dst, src, n)
TABLE_INIT = 11  # (segment, table, dst, src, n)
ELEM_DROP = 12  # (segment)
REF_FUNC = 13  # (function index) -> handle


def _i32(v: int) -> int:
    return v & 0xFFFFFFFF


def dispatch_host_op(
    ctx: Any, instance: Any, op: int, a: int, b: int, c: int, d: int, e: int
) -> int:
    """Perform `op` for native code of `instance` (ctx is its `InstanceContext`)."""
    if op == POLL:
        instance.store.tick(POLL_COST)
        ctx.rearm()
        return 0
    if op == MEMORY_GROW:
        return _i32(instance.memories[0].grow(a))
    if op == TABLE_GET:
        return to_handle(instance.tables[a].get(b))
    if op == TABLE_SET:
        instance.tables[a].set(b, from_handle(c))
        return 0
    if op == TABLE_SIZE:
        return instance.tables[a].size
    if op == TABLE_GROW:
        return _i32(instance.tables[a].grow(c, from_handle(b)))
    if op == TABLE_FILL:
        table = instance.tables[a]
        if b + d > table.size:
            raise Trap(TABLE_OOB)
        if d:
            table.elements[b : b + d] = [from_handle(c)] * d
        return 0
    if op == TABLE_COPY:
        dst, src = instance.tables[a], instance.tables[b]
        if c + e > dst.size or d + e > src.size:
            raise Trap(TABLE_OOB)
        if e:
            dst.elements[c : c + e] = src.elements[d : d + e]
        return 0
    if op == TABLE_INIT:
        refs = instance.elems[a]
        table = instance.tables[b]
        if d + e > len(refs) or c + e > table.size:
            raise Trap(TABLE_OOB)
        if e:
            table.elements[c : c + e] = refs[d : d + e]
        return 0
    if op == ELEM_DROP:
        instance.elems[a] = []
        return 0
    if op == MEMORY_INIT:
        data = instance.datas[a]
        mem = instance.memories[0]
        if c + d > len(data) or b + d > mem.size:
            raise Trap(MEMORY_OOB)
        if d:
            mem.raw[b : b + d] = data[c : c + d]
        return 0
    if op == DATA_DROP:
        instance.datas[a] = b""
        return 0
    if op == REF_FUNC:
        return to_handle(instance.funcs[a])
    raise AssertionError(f"unknown host operation {op}")
