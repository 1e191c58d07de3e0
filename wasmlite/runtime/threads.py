"""Running guest code on a thread with room for deep recursion.

The Python engine turns wasm calls into Python calls, so deep wasm recursion needs a deep
native stack and a high recursion limit to reach the engine's own exhaustion check (a clean
`Exhaustion` trap) rather than CPython's guard or a stack overflow.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_STACK_MB = 512
DEFAULT_RECURSION_LIMIT = 100_000

# stack_size() and the recursion limit are process-wide: serialize changes to them, and put
# the recursion limit back only when the last big-stack thread is done.
_settings_lock = threading.Lock()
_running = 0
_saved_limit = 0


def run_with_big_stack(
    fn: Callable[[], T], stack_mb: int = DEFAULT_STACK_MB, name: str = "wasmlite-guest"
) -> T:
    """Run `fn()` in a new thread with a `stack_mb` MiB stack and a high recursion limit.

    Returns what `fn` returns; whatever `fn` raises is re-raised in the caller's thread
    unchanged (BaseExceptions such as SystemExit included).
    """
    result: list[Any] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as e:  # re-raised in the caller's thread
            error.append(e)

    global _running, _saved_limit
    with _settings_lock:
        if _running == 0:
            _saved_limit = sys.getrecursionlimit()
        _running += 1
        sys.setrecursionlimit(max(_saved_limit, DEFAULT_RECURSION_LIMIT))
        old_size = threading.stack_size()
        threading.stack_size(stack_mb * 1024 * 1024)
        try:
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
        finally:
            threading.stack_size(old_size)
    try:
        t.join()
    finally:
        with _settings_lock:
            _running -= 1
            if _running == 0:
                sys.setrecursionlimit(_saved_limit)
    if error:
        raise error[0].with_traceback(error[0].__traceback__)
    return result[0]
