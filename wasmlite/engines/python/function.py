"""Function instances of the Python engine and the host -> wasm boundary.

Calls between wasm functions are plain Python calls with internal values; only `call`
(the host entering wasm) converts values and turns what escaped into wasm errors:
`struct.error`/`IndexError` from a load or store past the end of memory become
`Trap("out of bounds memory access")`, `RecursionError` becomes `Exhaustion`. The
backtrace is read off the Python traceback: each generated function's code object is
named `f<index>` and its globals are the instance's namespace.
"""

from __future__ import annotations

import struct
import sys
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from ...errors import Exhaustion, Frame, Trap
from ...model import FuncType
from ...runtime.objects import FuncInstance, RawValue
from .support import MEMORY_OOB, from_raw_converter, to_raw_converter

RECURSION_LIMIT = 100_000  # Python frames; wasm calls deeper than this exhaust the stack
# Host -> wasm entries nested inside each other (wasm -> host -> wasm ...): each one goes
# through the C stack, which the recursion limit does not protect, so count them apart.
MAX_NESTED_ENTRIES = 1_000
_entries = threading.local()  # `.depth`: host -> wasm entries open on this thread
# The recursion limit is process-wide: raise it when the first thread enters wasm and put
# it back only when the last one leaves (one thread restoring it under another thread's
# deep recursion made that thread's legal calls exhaust the stack).
_limit_lock = threading.Lock()
_threads_inside = 0
_saved_limit = 0
MAX_FRAMES = 100  # frames kept in a backtrace (innermost first)
GENERATED_FILE = "<wasm>"


class PyFunc(FuncInstance):
    """A wasm function compiled by the Python engine; `pyfn` is bound by `link`."""

    def __init__(self, type: FuncType, instance: Any, index: int):
        self.type = type
        self.instance = instance
        self.index = index
        self.name = instance.func_name(index)
        self.pyfn = None
        self._args_in = from_raw_converter(type.params)
        self._results_out = to_raw_converter(type.results)
        self._nresults = len(type.results)

    def call(self, args: Sequence[RawValue]) -> list[RawValue]:
        fn = self.pyfn
        if fn is None:
            raise Trap("function called before its instance was linked")
        if self._args_in is not None:
            args = self._args_in(args)
        depth = getattr(_entries, "depth", 0)
        if depth >= MAX_NESTED_ENTRIES:
            raise Exhaustion()
        if depth == 0:
            _first_entry()
        _entries.depth = depth + 1
        try:
            result = fn(*args)
        except Trap as e:
            # The outermost entry sees the whole traceback; inner ones only fill in a
            # first backtrace (walking it at every level would be quadratic).
            if depth == 0 or not e.frames:
                e.frames = backtrace(e.__traceback__) or e.frames
            raise
        except (struct.error, IndexError) as e:
            raise _with_frames(Trap(MEMORY_OOB), e.__traceback__) from None
        except RecursionError as e:
            raise _with_frames(Exhaustion(), e.__traceback__) from None
        finally:
            _entries.depth = depth
            if depth == 0:
                _last_exit()
        n = self._nresults
        if n == 0:
            return []
        results = [result] if n == 1 else list(result)
        if self._results_out is not None:
            results = self._results_out(results)
        return results

    def __repr__(self) -> str:
        return f"<wasm function {self.name or self.index} {self.type}>"


def _first_entry() -> None:
    global _threads_inside, _saved_limit
    with _limit_lock:
        if _threads_inside == 0:
            _saved_limit = sys.getrecursionlimit()
            if _saved_limit < RECURSION_LIMIT:
                sys.setrecursionlimit(RECURSION_LIMIT)
        _threads_inside += 1


def _last_exit() -> None:
    global _threads_inside
    with _limit_lock:
        _threads_inside -= 1
        if _threads_inside == 0 and _saved_limit < RECURSION_LIMIT:
            sys.setrecursionlimit(_saved_limit)


def _with_frames(trap: Trap, tb: TracebackType | None) -> Trap:
    trap.frames = backtrace(tb)
    return trap.with_traceback(tb)


def backtrace(tb: TracebackType | None) -> list[Frame]:
    """The wasm frames of a traceback, innermost first: generated functions (`f<index>`),
    interpreted ones (the interpreter's `run`) and translated loops (`f<index>_L<start>`,
    which stand for the interpreted frame that called them)."""
    from .interpreter import run

    frames: list[Frame] = []
    interpreted = run.__code__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == GENERATED_FILE:
            name = code.co_name
            if name[1:].isdigit():
                frames.append(_frame(tb))
            elif "_L" in name:
                index, start = (int(x) for x in name[1:].split("_L"))
                frame = _frame(tb, index, start)
                if frames and frames[-1].func_index == index:
                    frames[-1] = frame
                else:
                    frames.append(frame)
        elif code is interpreted:
            # without a `pc`, the interpreter handed the call over to the compiled code at
            # once (tier-up), whose frame comes next
            if "pc" in tb.tb_frame.f_locals:
                frames.append(_interpreted_frame(tb))
        tb = tb.tb_next
    frames.reverse()
    if len(frames) > MAX_FRAMES:
        frames = frames[:MAX_FRAMES]
    return frames


def _frame(tb: TracebackType, index: int | None = None, start: int | None = None) -> Frame:
    f = tb.tb_frame
    if index is None:
        index = int(f.f_code.co_name[1:])
    instance = f.f_globals.get("INSTANCE")
    if instance is None:
        return Frame(None, index, None)
    offset = None
    compiled = f.f_globals.get("COMPILED")
    if compiled is not None:
        key = (f.f_globals.get("POLL", False), index)
        lines = compiled.line_offsets.get(key if start is None else (*key, start))
        if lines and 0 < tb.tb_lineno <= len(lines):
            offset = lines[tb.tb_lineno - 1]
    return Frame(instance.name, index, instance.func_name(index), offset)


def _interpreted_frame(tb: TracebackType) -> Frame:
    fs = tb.tb_frame.f_locals["fs"]
    index = fs.plan.index
    instance = fs.owner.instance
    offsets = fs.plan.offsets
    pc = tb.tb_frame.f_locals.get("pc", 0) - 1  # the instruction being executed
    offset = offsets[pc] if offsets and 0 <= pc < len(offsets) else None
    return Frame(instance.name, index, instance.func_name(index), offset)
