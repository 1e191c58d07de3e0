"""State shared by all native code of the process, and the callbacks into Python.

`rt` is the one runtime-state block native code reads through the symbol `wl_rt`:

    rt[0]  the innermost entry trampoline's jump buffer (0 when no wasm runs)
    rt[1]  the native stack limit: a function entered below it traps "call stack exhausted"
    rt[2]  the trap code being raised (0 otherwise)

Native wasm code runs on one thread at a time (one `rt`): entries take `entry_lock`, which
host callbacks re-entering wasm on the same thread already hold.

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

from ...model import FuncType
from .refs import from_handle
from .traps import HOST_EXCEPTION
from .values import SlotCodec

rt = (ctypes.c_uint64 * 4)()
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


def _host(ctx: int, op: int, a: int, b: int, c: int, d: int, e: int) -> int:
    try:
        return ctx_owners[ctx].host_op(op, a, b, c, d, e)
    except BaseException as exc:  # re-raised at the wasm entry
        stash(exc)
        return 0


class _CallCodecs:
    __slots__ = ("params", "results")

    def __init__(self, ft: FuncType):
        self.params = SlotCodec(ft.params)
        self.results = SlotCodec(ft.results)


_codecs: dict[FuncType, _CallCodecs] = {}


def _call(handle: int, buf: int) -> int:
    try:
        func = from_handle(handle)
        codecs = _codecs.get(func.type)
        if codecs is None:
            codecs = _codecs[func.type] = _CallCodecs(func.type)
        size = max(codecs.params.size, codecs.results.size)
        view = (ctypes.c_char * size).from_address(buf)
        results = func.call(codecs.params.unpack_from(view))
        if codecs.results.types:
            codecs.results.pack_into(view, results)
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
