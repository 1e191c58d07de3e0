"""What every group of WASI calls (calls_*.py) can use from the context, plus shared helpers."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from . import rights as R
from .errno import WasiError
from .fdtable import FdEntry, FdTable, filetype_of_mode
from .witx import load_spec

if TYPE_CHECKING:
    from ..runtime.memory import MemoryInstance
    from .config import WasiConfig
    from .witx import Spec

_FST = load_spec().flags("fstflags")
ATIM, ATIM_NOW = _FST.bit("atim"), _FST.bit("atim_now")
MTIM, MTIM_NOW = _FST.bit("mtim"), _FST.bit("mtim_now")

# One read or write moves at most this much: short transfers are allowed by POSIX, and the
# guest's iovecs may overlap, so their total length can exceed its memory many times over.
MAX_IO = 64 << 20

# Rights whose absence means "this fd is not open for that", which POSIX and wasmtime report
# as EBADF rather than ENOTCAPABLE.
_ACCESS_RIGHTS = {name: R.right(name) for name in ("fd_read", "fd_write", "fd_readdir")}


class CallsBase:
    """Attributes of WasiContext the call groups rely on."""

    config: WasiConfig
    spec: Spec
    fds: FdTable

    @property
    def memory(self) -> MemoryInstance:
        raise NotImplementedError

    def entry(self, fd: int, needed: int = 0) -> FdEntry:
        raise NotImplementedError

    def gather(self, iovs: list[tuple[int, int]]) -> bytes:
        """The bytes of a ciovec list, read from guest memory (at most MAX_IO of them)."""
        mem = self.memory
        for buf, n in iovs:
            mem.check(buf, n)
        parts, total = [], 0
        for buf, n in iovs:
            n = min(n, MAX_IO - total)
            parts.append(mem.read(buf, n))
            total += n
        return b"".join(parts)

    def check_iovs(self, iovs: list[tuple[int, int]]) -> int:
        """Check every buffer of an iovec list is in bounds; return how much to transfer."""
        mem = self.memory
        for buf, n in iovs:
            mem.check(buf, n)
        return min(sum(n for _, n in iovs), MAX_IO)

    def scatter(self, iovs: list[tuple[int, int]], data: bytes) -> None:
        """Write `data` across the iovec buffers in order."""
        mem = self.memory
        pos = 0
        for buf, n in iovs:
            if pos >= len(data):
                break
            chunk = data[pos : pos + n]
            mem.write(buf, chunk)
            pos += len(chunk)


def require_access(entry: FdEntry, name: str) -> None:
    """Check one of the access rights (fd_read, fd_write, fd_readdir): EBADF without it."""
    if not entry.rights_base & _ACCESS_RIGHTS[name]:
        raise WasiError("badf")


def host_fd(entry: FdEntry) -> int:
    """The OS descriptor behind `entry`; ESPIPE for Python streams (they cannot seek etc.)."""
    if entry.host_fd is not None:
        return entry.host_fd
    if entry.sock is not None:
        return entry.sock.fileno()
    raise WasiError("spipe")


def filestat(st: os.stat_result) -> tuple[int, ...]:
    """A witx `filestat` record from a host stat result."""
    return (
        st.st_dev,
        st.st_ino,
        filetype_of_mode(st.st_mode),
        st.st_nlink,
        st.st_size,
        st.st_atime_ns,
        st.st_mtime_ns,
        st.st_ctime_ns,
    )


def new_times(st: os.stat_result, atim: int, mtim: int, flags: int) -> tuple[int, int]:
    """The (atime, mtime) in ns to set, per witx `fstflags` (unset ones are kept)."""
    if flags & ~(ATIM | ATIM_NOW | MTIM | MTIM_NOW):
        raise WasiError("inval")
    if (flags & ATIM and flags & ATIM_NOW) or (flags & MTIM and flags & MTIM_NOW):
        raise WasiError("inval")
    now = time.time_ns()
    a = atim if flags & ATIM else now if flags & ATIM_NOW else st.st_atime_ns
    m = mtim if flags & MTIM else now if flags & MTIM_NOW else st.st_mtime_ns
    return a, m


def enum_value(spec: Spec, name: str, value: int) -> str:
    """The case name of enum `name` for `value`; EINVAL when out of range (wasmtime traps)."""
    cases = spec.enum(name).cases
    if not 0 <= value < len(cases):
        raise WasiError("inval")
    return cases[value]
