"""Linear memories: growth, the reservation's lifetime, and the moving fallback."""

from __future__ import annotations

import gc
import sys
import weakref

import pytest

from wasmlite.model import Limits, MemoryType
from wasmlite.runtime import memory as memory_module
from wasmlite.runtime.memory import PAGE_SIZE, MemoryInstance


def _memory(min_pages: int = 1, max_pages: int | None = None) -> MemoryInstance:
    return MemoryInstance(MemoryType(Limits(min_pages, max_pages)))


def test_grow_keeps_the_address_and_old_views() -> None:
    mem = _memory(1, 4)
    view = mem.view()
    address = mem.address
    mem.write(10, b"abc")
    assert mem.grow(2) == 1 and mem.size == 3 * PAGE_SIZE
    assert mem.address == address
    assert bytes(view[10:13]) == b"abc" and len(view) == PAGE_SIZE
    assert mem.grow(2) == -1  # past the maximum


def test_a_memory_collected_at_the_recursion_limit_is_unmapped() -> None:
    """No Python code runs to unmap a reservation: collecting it at the recursion limit
    (deep wasm recursion) frees it like anywhere else."""
    mem = _memory()
    cycle: list = [mem]
    cycle.append(cycle)
    reservation = weakref.ref(mem._map)
    del mem, cycle

    def deep() -> None:
        try:
            deep()
        except RecursionError:
            gc.collect()

    gc.disable()
    try:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(2000)
        try:
            deep()
        finally:
            sys.setrecursionlimit(limit)
    finally:
        gc.enable()
    assert reservation() is None


def test_without_a_reservation_growth_moves_the_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a host that refuses big reservations the memory reserves what it needs and is
    copied on growth; views of the old place stay readable."""
    real = memory_module._reserve

    def small_only(nbytes: int):  # type: ignore[no-untyped-def]
        if nbytes > 4 * PAGE_SIZE:
            raise MemoryError("no")
        return real(nbytes)

    monkeypatch.setattr(memory_module, "_reserve", small_only)
    mem = _memory(1)
    assert len(mem.raw) == PAGE_SIZE
    mem.write(PAGE_SIZE - 3, b"xyz")
    old_view = mem.view()
    assert mem.grow(2) == 1  # fits in 4 pages: moved to a reservation of 3
    assert mem.read(PAGE_SIZE - 3, 3) == b"xyz" and mem.size == 3 * PAGE_SIZE
    mem.write(2 * PAGE_SIZE, b"new")
    assert bytes(old_view[PAGE_SIZE - 3 :]) == b"xyz"
    assert mem.grow(2) == -1  # 5 pages cannot be reserved: memory.grow fails, no trap
    assert mem.read(2 * PAGE_SIZE, 3) == b"new"
