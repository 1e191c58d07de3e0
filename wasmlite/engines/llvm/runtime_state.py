"""State shared by all native code of the process, and the callbacks into Python.

`rt` is the one runtime-state block native code reads through the symbol `wl_rt`:

    rt[0]  the innermost entry trampoline's jump buffer (0 when no wasm runs)
    rt[1]  the native stack limit: a function entered below it traps "call stack exhausted"
    rt[2]  the trap code being raised (0 otherwise)
    rt[3]  the table slot an "uninitialized element" trap names
    rt[4]  how many return addresses follow (the backtrace of the last trap, innermost
           first: `wl_walk` in `trampolines` records them walking the frame-pointer chain)

Native wasm code runs on one thread at a time (one `rt`): entries take `entry_lock`, which
host callbacks re-entering wasm on the same thread already hold; the entry reads what a
trap left in `rt` before releasing it.

Two callbacks serve native code: `wl_host(ctx, op, a, b, c, d, e) -> i64` performs the
instructions that need the host (see `HostOp`), `wl_call(handle, buf) -> i32` calls a
function instance that is not native (a host function, another engine's function) with
arguments and results in 16-byte slots. Both catch every Python exception, stash it, set
the HOST_EXCEPTION trap code and let native code unwind; the entry re-raises it unchanged.
"""

from __future__ import annotations

import ctypes
import threading
import weakref
from typing import Any

from .refs import from_handle
from .traps import HOST_EXCEPTION

BT_COUNT = 4
BT_FIRST = 5
BT_MAX = 256  # deeper backtraces keep their innermost frames
rt = (ctypes.c_uint64 * (BT_FIRST + BT_MAX))()
RT_ADDRESS = ctypes.addressof(rt)

# Room left below the stack limit for host callbacks (Python frames) made at the deepest
# wasm call, and for the frames between the limit check and the next check.
STACK_MARGIN = 1 << 20
# At most this much native stack for wasm frames (wasmtime's default is 512 KiB): on a thread
# with a huge stack, runaway recursion then traps before touching hundreds of megabytes.
MAX_WASM_STACK = 64 << 20

entry_lock = threading.RLock()
_pending: list[BaseException] = []
# Context address -> its `InstanceContext`; weak, since native code runs with a context only
# while a function instance holding it is alive.
ctx_owners: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()

_HOST_PROTO = ctypes.CFUNCTYPE(
    ctypes.c_int64,
    ctypes.c_void_p,
    ctypes.c_int32,
    ctypes.c_int64,
    ctypes.c_int64,
    ctypes.c_int64,
    ctypes.c_int64,
    ctypes.c_int64,
)
_CALL_PROTO = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_uint64, ctypes.c_void_p)


def stash(exc: BaseException) -> None:
    _pending.append(exc)
    rt[2] = HOST_EXCEPTION


def take_pending() -> BaseException:
    return _pending.pop()


def trap_addresses() -> list[int]:
    """Return addresses recorded by the last trap's frame walk, innermost first."""
    return rt[BT_FIRST : BT_FIRST + min(rt[BT_COUNT], BT_MAX)]


def _host(ctx: int, op: int, a: int, b: int, c: int, d: int, e: int) -> int:
    try:
        return ctx_owners[ctx].host_op(op, a, b, c, d, e)
    except BaseException as exc:  # re-raised at the wasm entry
        stash(exc)
        return 0


# Handle -> its bound host-call path (`fastcall.host_call`); handles live as long as the
# process, and so may these.
_host_calls: dict[int, Any] = {}


def _call(handle: int, buf: int) -> int:
    try:
        run = _host_calls.get(handle)
        if run is None:
            from .fastcall import host_call

            run = _host_calls[handle] = host_call(from_handle(handle))
        run(buf)
        return 0
    except BaseException as exc:  # re-raised at the wasm entry
        stash(exc)
        return 1


_host_cb = _HOST_PROTO(_host)
_call_cb = _CALL_PROTO(_call)


def host_symbols() -> dict[str, int]:
    return {
        "wl_rt": RT_ADDRESS,
        "wl_host": ctypes.cast(_host_cb, ctypes.c_void_p).value or 0,
        "wl_call": ctypes.cast(_call_cb, ctypes.c_void_p).value or 0,
    }


# -- native stack limit ------------------------------------------------------------------

_libc = ctypes.CDLL(None)
_libc.pthread_self.restype = ctypes.c_ulong
_libc.pthread_getattr_np.argtypes = [ctypes.c_ulong, ctypes.c_void_p]
_libc.pthread_attr_getstack.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
_libc.pthread_attr_destroy.argtypes = [ctypes.c_void_p]
_local = threading.local()


def _thread_stack_limit() -> int:
    attr = ctypes.create_string_buffer(256)
    if _libc.pthread_getattr_np(_libc.pthread_self(), attr) != 0:
        raise OSError("cannot read the thread's stack bounds")
    low, size = ctypes.c_void_p(), ctypes.c_size_t()
    _libc.pthread_attr_getstack(attr, ctypes.byref(low), ctypes.byref(size))
    _libc.pthread_attr_destroy(attr)
    assert low.value is not None
    high = low.value + size.value
    return max(low.value + min(STACK_MARGIN, size.value // 4), high - MAX_WASM_STACK)


def enter() -> None:
    """Before an outermost entry into native code on this thread: set the stack limit."""
    limit = getattr(_local, "limit", None)
    if limit is None:
        limit = _local.limit = _thread_stack_limit()
    rt[1] = limit
