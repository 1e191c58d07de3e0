"""Linear memory, shared by every engine and by WASI.

A memory lives in one virtual-address reservation big enough for its maximum size, made
with `mmap(MAP_NORESERVE)`: the host commits pages only when they are touched, and the base
address never moves when the memory grows. That is what lets native code keep a raw pointer
(`address`), and what keeps a `memoryview` of the memory valid across `memory.grow` (the view
still covers the old size; take a new `view()` to see new pages).

Where the reservation cannot be made (a host with strict overcommit), the memory reserves
only what it needs and moves (is copied to a bigger one) when it grows; `address` then
changes and engines must reload it after any call that can grow memory (they read `address`
and `size` through `MemoryInstance` rather than caching them across calls).

The reservation is a Python `mmap` object: CPython unmaps it when the last reference (the
memory, or any view of it) goes, with no Python code involved. A Python-level finalizer
could not run when the garbage collector happened to collect a memory at the recursion
limit (deep wasm recursion): the reservation leaked. And a view that outlives its memory
(or its old reservation, after a move) stays valid instead of dangling.
"""

from __future__ import annotations

import ctypes
import mmap
import struct

from ..errors import Trap
from ..model import MemoryType

PAGE_SIZE = 65536
MAX_PAGES = 65536  # 4 GiB, the Wasm 2.0 limit for 32-bit memories

_MAP_NORESERVE = getattr(mmap, "MAP_NORESERVE", 0x4000)


OUT_OF_BOUNDS = "out of bounds memory access"


def _reserve(nbytes: int) -> mmap.mmap:
    """`nbytes` of zeroed address space, committed by the host only when touched."""
    try:
        return mmap.mmap(
            -1,
            max(nbytes, 1),
            flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _MAP_NORESERVE,
            prot=mmap.PROT_READ | mmap.PROT_WRITE,
        )
    except OSError as e:
        raise MemoryError(f"cannot reserve {nbytes} bytes of address space") from e


class MemoryInstance:
    """A linear memory of 64 KiB pages.

    `limit_pages` caps growth below the type's maximum (a host-side resource limit).
    All accessors check bounds and raise `Trap("out of bounds memory access")`.
    """

    def __init__(self, type: MemoryType, limit_pages: int | None = None):
        self.type = type
        maximum = type.limits.max if type.limits.max is not None else MAX_PAGES
        if limit_pages is not None:
            maximum = min(maximum, limit_pages)
        self.max_pages = max(maximum, type.limits.min)
        self.pages = type.limits.min
        self._reserved = self.max_pages * PAGE_SIZE
        try:
            self._map = _reserve(self._reserved)
        except MemoryError:
            self._reserved = self.pages * PAGE_SIZE
            self._map = _reserve(self._reserved)
        self._view = memoryview(self._map)
        self.address = address_of(self._map)
        # A view of exactly the current size: the Python engine's loads and stores index it
        # with struct, whose own bounds check is then the wasm bounds check. Replaced on grow.
        self.cur = self._view[: self.size]

    @property
    def size(self) -> int:
        """Current size in bytes."""
        return self.pages * PAGE_SIZE

    def grow(self, delta: int) -> int:
        """Grow by `delta` pages; return the old size in pages, or -1 (memory.grow's result)."""
        old = self.pages
        new = old + delta
        if delta < 0 or new > self.max_pages:
            return -1
        if new * PAGE_SIZE > self._reserved:
            if not self._move_to(new * PAGE_SIZE):
                return -1
        self.pages = new
        self.cur = self._view[: self.size]
        return old

    def _move_to(self, nbytes: int) -> bool:
        try:
            new = _reserve(nbytes)
        except MemoryError:
            return False
        view = memoryview(new)
        size = self.size
        view[:size] = self._view[:size]
        # Views of the old reservation keep it alive (stale, but valid memory).
        self._map, self._view, self._reserved = new, view, nbytes
        self.address = address_of(new)
        return True

    # Access from the host (WASI, the embedding API, the Python engine's slow paths).

    def view(self) -> memoryview:
        """A zero-copy view of the current memory (len == size)."""
        return self._view[: self.size]

    @property
    def raw(self) -> memoryview:
        """The whole reservation; index only below `size` (engines check bounds themselves)."""
        return self._view

    def check(self, addr: int, n: int) -> None:
        if addr < 0 or n < 0 or addr + n > self.pages * PAGE_SIZE:
            raise Trap(OUT_OF_BOUNDS)

    def read(self, addr: int, n: int) -> bytes:
        self.check(addr, n)
        return bytes(self._view[addr : addr + n])

    def write(self, addr: int, data: bytes | bytearray | memoryview) -> None:
        self.check(addr, len(data))
        self._view[addr : addr + len(data)] = data

    def fill(self, addr: int, value: int, n: int) -> None:
        self.check(addr, n)
        ctypes.memset(self.address + addr, value & 0xFF, n)

    def copy_within(self, dst: int, src: int, n: int) -> None:
        self.check(dst, n)
        self.check(src, n)
        ctypes.memmove(self.address + dst, self.address + src, n)

    def unpack(self, fmt: struct.Struct, addr: int) -> tuple:
        self.check(addr, fmt.size)
        return fmt.unpack_from(self._view, addr)

    def pack(self, fmt: struct.Struct, addr: int, *values: object) -> None:
        self.check(addr, fmt.size)
        fmt.pack_into(self._view, addr, *values)

    def read_u32(self, addr: int) -> int:
        return self.unpack(_U32, addr)[0]

    def write_u32(self, addr: int, value: int) -> None:
        self.pack(_U32, addr, value & 0xFFFFFFFF)

    def read_u64(self, addr: int) -> int:
        return self.unpack(_U64, addr)[0]

    def write_u64(self, addr: int, value: int) -> None:
        self.pack(_U64, addr, value & 0xFFFFFFFFFFFFFFFF)


def address_of(mapping: mmap.mmap) -> int:
    """The address of a writable mmap object's memory (valid while the object lives)."""
    # from_buffer exports the buffer only while the ctypes object lives (here, briefly)
    return ctypes.addressof(ctypes.c_char.from_buffer(mapping))


_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
