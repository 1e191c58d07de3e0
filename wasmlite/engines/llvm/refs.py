"""Reference handles: native code holds funcref/externref values as i64 handles.

Handle 0 is null. Every other handle indexes a process-wide list of the objects ever
handed to native code; the objects stay alive as long as the process (references are rare
and small, and a handle may sit in native memory that Python cannot scan).
"""

from __future__ import annotations

import threading
from typing import Any

_objects: list[Any] = [None]
_handles: dict[int, int] = {}  # id(object) -> handle
_lock = threading.Lock()


def to_handle(value: Any) -> int:
    if value is None:
        return 0
    h = _handles.get(id(value))
    if h is None:
        with _lock:  # one handle per object, one object per handle, whatever the threads
            h = _handles.get(id(value))
            if h is None:
                h = len(_objects)
                _objects.append(value)
                _handles[id(value)] = h
    return h


def from_handle(handle: int) -> Any:
    return _objects[handle]
