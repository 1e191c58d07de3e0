"""Per-function call paths across the Python/native boundary, with everything bound ahead.

A Python->wasm call and a wasm->Python host call each cost a few attribute lookups and
dispatches that add up to about as much as the native call itself; these closures bind the
struct codecs, the trampoline, the addresses and the lock once, for signatures of plain
numbers (v128 and references take the general path).
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Callable, Sequence
from typing import Any

from . import runtime_state
from .values import SlotCodec


def entry_call(func: Any) -> Callable[[Sequence[Any]], list[Any]] | None:
    """`call(args)` for an `LLVMFunc` of a plain-number signature, else None. Anything
    unusual (wrong arity, values to wrap) goes to the function's general `call`."""
    params: SlotCodec = func._params
    results: SlotCodec = func._results
    if not (params.simple and results.simple):
        return None
    general = func.general_call
    failure = func._failure
    lock = runtime_state.entry_lock
    rt = runtime_state.rt
    enter = runtime_state.enter
    tramp = func._trampoline
    fn, ctx, buf, address = func.address, func.ctx.address, func._buf, func._buf_address
    nparams = len(params.types)
    pack = params.struct.pack_into
    unpack = results.struct.unpack_from

    def call(args: Sequence[Any]) -> list[Any]:
        if len(args) != nparams:
            return general(args)
        with lock:  # see `LLVMFunc.general_call`
            try:
                pack(buf, 0, *args)
            except struct.error:
                return general(args)
            if rt[0] == 0:
                enter()
            code = tramp(fn, ctx, address)
            if code:
                raise failure(code)
            return list(unpack(buf, 0))

    return call


def host_call(func: Any) -> Callable[[int], None]:
    """`run(buf)`: call the function instance with arguments read from the 16-byte slots
    at address `buf`, and write its results there (what `wl_call` does for one handle)."""
    params = SlotCodec(func.type.params)
    results = SlotCodec(func.type.results)
    view_at = (ctypes.c_char * max(params.size, results.size)).from_address
    call = func.call
    if not (params.simple and results.simple):

        def run_general(buf: int) -> None:
            view = view_at(buf)
            out = call(params.unpack_from(view))
            if results.types:
                results.pack_into(view, out)

        return run_general
    unpack = params.struct.unpack_from
    pack = results.struct.pack_into
    if not results.types:

        def run_void(buf: int) -> None:
            call(list(unpack(view_at(buf), 0)))

        return run_void

    def run(buf: int) -> None:
        view = view_at(buf)
        pack(view, 0, *call(list(unpack(view, 0))))

    return run
