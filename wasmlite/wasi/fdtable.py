"""The guest's file descriptor table: what each WASI fd number stands for."""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING, BinaryIO

from ..records import Record
from . import rights as R
from .errno import WasiError
from .witx import load_spec

if TYPE_CHECKING:
    import socket  # imported by socket_entry: most programs never use sockets

_FILETYPE = load_spec().enum("filetype")
FT_UNKNOWN = _FILETYPE.value("unknown")
FT_BLOCK = _FILETYPE.value("block_device")
FT_CHAR = _FILETYPE.value("character_device")
FT_DIR = _FILETYPE.value("directory")
FT_FILE = _FILETYPE.value("regular_file")
FT_DGRAM = _FILETYPE.value("socket_dgram")
FT_STREAM = _FILETYPE.value("socket_stream")
FT_SYMLINK = _FILETYPE.value("symbolic_link")

MAX_FDS = 1 << 20  # a resource limit on the guest's table, far above what programs need


def filetype_of_mode(mode: int) -> int:
    if stat.S_ISDIR(mode):
        return FT_DIR
    if stat.S_ISREG(mode):
        return FT_FILE
    if stat.S_ISLNK(mode):
        return FT_SYMLINK
    if stat.S_ISCHR(mode):
        return FT_CHAR
    if stat.S_ISBLK(mode):
        return FT_BLOCK
    if stat.S_ISSOCK(mode):
        return FT_STREAM
    return FT_UNKNOWN


class FdEntry(Record):
    """One open descriptor.

    Exactly one of `host_fd` (an OS descriptor this table owns), `stream` (a Python binary
    stream for stdio) or `sock` (a socket) is set. Directories are always `host_fd`s: every
    path operation starts from one of them (see sandbox.py).
    """

    # A plain class rather than a dataclass: cheaper to define on every WASI program's start.
    _fields = (
        *("filetype", "rights_base", "rights_inheriting", "flags", "host_fd", "stream", "sock"),
        *("preopen", "read_only", "dir_listing"),
    )
    _not_shown = frozenset({"dir_listing"})

    def __init__(
        self,
        filetype: int,
        rights_base: int,
        rights_inheriting: int,
        flags: int = 0,  # fdflags
        host_fd: int | None = None,
        stream: BinaryIO | None = None,
        sock: socket.socket | None = None,
        preopen: str | None = None,  # the guest path, for preopened directories
        read_only: bool = False,  # under a read-only preopen: every write is refused with EPERM
        dir_listing: list[tuple[str, int, int]] | None = None,
    ):
        self.filetype = filetype
        self.rights_base = rights_base
        self.rights_inheriting = rights_inheriting
        self.flags = flags
        self.host_fd = host_fd
        self.stream = stream
        self.sock = sock
        self.preopen = preopen
        self.read_only = read_only
        self.dir_listing = dir_listing

    def close(self) -> None:
        if self.host_fd is not None:
            os.close(self.host_fd)
            self.host_fd = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        # Streams belong to the embedder: never closed here.

    def require(self, needed: int) -> None:
        """Raise ENOTCAPABLE unless this descriptor holds every right in `needed`."""
        if needed & ~self.rights_base:
            raise WasiError("notcapable")


class FdTable:
    def __init__(self) -> None:
        self.entries: dict[int, FdEntry] = {}

    def get(self, fd: int) -> FdEntry:
        entry = self.entries.get(fd)
        if entry is None:
            raise WasiError("badf")
        return entry

    def add(self, entry: FdEntry) -> int:
        fd = 0
        while fd in self.entries:
            fd += 1
        if fd >= MAX_FDS:
            entry.close()
            raise WasiError("mfile")
        self.entries[fd] = entry
        return fd

    def close(self, fd: int) -> None:
        self.get(fd).close()
        del self.entries[fd]

    def renumber(self, fd: int, to: int) -> None:
        entry = self.get(fd)
        self.get(to)  # as wasmtime: the target must be open too
        if fd == to:
            return
        self.entries[to].close()
        self.entries[to] = entry
        del self.entries[fd]

    def close_all(self) -> None:
        for entry in self.entries.values():
            entry.close()
        self.entries.clear()


def stream_entry(stream: BinaryIO, is_input: bool) -> FdEntry:
    base = R.STDIN if is_input else R.STDOUT
    return FdEntry(FT_UNKNOWN, base, 0, stream=stream)


def host_stdio_entry(host_fd: int, is_input: bool) -> FdEntry:
    """An inherited host descriptor (duplicated, so closing it in the guest is harmless)."""
    dup = os.dup(host_fd)
    mode = os.fstat(dup).st_mode
    ft = filetype_of_mode(mode)
    base = R.STDIN if is_input else R.STDOUT
    if ft == FT_FILE:
        base |= R.right("fd_seek") | R.right("fd_tell")
    return FdEntry(ft, base, 0, host_fd=dup)


def preopen_entry(host_path: str, guest_path: str, read_only: bool) -> FdEntry:
    fd = os.open(host_path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    base, inheriting = R.DIRECTORY, R.DIRECTORY | R.FILE
    if read_only:
        base &= ~R.WRITE
        inheriting &= ~R.WRITE
    return FdEntry(FT_DIR, base, inheriting, host_fd=fd, preopen=guest_path, read_only=read_only)


def socket_entry(sock: socket.socket) -> FdEntry:
    import socket

    ft = FT_DGRAM if sock.type == socket.SOCK_DGRAM else FT_STREAM
    return FdEntry(ft, R.SOCKET, R.SOCKET, sock=sock)
