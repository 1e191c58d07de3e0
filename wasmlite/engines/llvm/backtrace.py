"""Trap backtraces: return addresses recorded by the trap's frame walk, as wasm frames.

Every compiled module registers where its functions start. A recorded return address lies
inside a live wasm function (its frame was on the stack), so the function is the one with
the greatest start address below it, over all live modules: no function sizes needed.
Costs nothing until a trap: the walk itself runs in native code only when one unwinds.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from typing import Any

from ...errors import Frame


class CodeMap:
    """Function start addresses of one compiled module, sorted."""

    def __init__(self, starts: dict[int, int]):
        """`starts` maps function index -> address."""
        pairs = sorted((address, index) for index, address in starts.items())
        self.starts = [a for a, _ in pairs]
        self.indices = [i for _, i in pairs]

    def lookup(self, address: int) -> tuple[int, int] | None:
        """(start, function index) of the last function starting at or before `address`."""
        k = bisect.bisect_right(self.starts, address) - 1
        return (self.starts[k], self.indices[k]) if k >= 0 else None


# Live compiled modules; each has `function_starts() -> dict[int, int]`, asked on the first
# trap only (symbol lookups for every function would slow down every compile).
_modules: weakref.WeakSet[Any] = weakref.WeakSet()
_maps: weakref.WeakKeyDictionary[Any, CodeMap] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def register(compiled: Any) -> None:
    with _lock:
        _modules.add(compiled)


def _code_maps() -> list[tuple[Any, CodeMap]]:
    with _lock:
        modules = list(_modules)
        out = []
        for m in modules:
            cm = _maps.get(m)
            if cm is None:
                cm = _maps[m] = CodeMap(m.function_starts())
            out.append((m, cm))
        return out


def locate(
    return_address: int, maps: list[tuple[Any, CodeMap]] | None = None
) -> tuple[Any, int] | None:
    """(compiled module, function index) of the function a return address lies in."""
    at = return_address - 1  # the call instruction, which may end the function
    best: tuple[int, Any, int] | None = None
    for owner, cm in _code_maps() if maps is None else maps:
        hit = cm.lookup(at)
        if hit is not None and (best is None or hit[0] > best[0]):
            best = (hit[0], owner, hit[1])
    return (best[1], best[2]) if best else None


def frames(addresses: list[int], entry: Any) -> list[Frame]:
    """Wasm frames, innermost first, for recorded return addresses; `entry` (the function
    wasm was entered at) names the instance of frames in its own module, whose instance is
    not recorded. Falls back to the entry's frame alone."""
    out: list[Frame] = []
    instance = entry.ctx.instance
    maps = _code_maps() if addresses else []
    for address in addresses:
        found = locate(address, maps)
        if found is None:
            continue
        owner, index = found
        if owner is entry._compiled and instance is not None:
            out.append(Frame(instance.name, index, instance.func_name(index)))
        else:
            out.append(Frame(None, index, owner.module.func_name(index)))
    return out or [entry.frame()]
