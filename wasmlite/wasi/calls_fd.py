"""The fd_* calls of wasi_snapshot_preview1."""

from __future__ import annotations

import fcntl
import os
import struct

from . import rights as R
from .calls_base import CallsBase, enum_value, filestat, host_fd, new_times, require_access
from .errno import WasiError
from .fdtable import FT_DIR, FT_FILE, FT_SYMLINK, FT_UNKNOWN, FdEntry, filetype_of_mode

_SEEK, _TELL = R.right("fd_seek"), R.right("fd_tell")
_DIRENT_HEADER = struct.Struct("<QQIB3x")  # the witx `dirent` layout: 24 bytes
_ADVICE = {
    "normal": os.POSIX_FADV_NORMAL,
    "sequential": os.POSIX_FADV_SEQUENTIAL,
    "random": os.POSIX_FADV_RANDOM,
    "willneed": os.POSIX_FADV_WILLNEED,
    "dontneed": os.POSIX_FADV_DONTNEED,
    "noreuse": os.POSIX_FADV_NOREUSE,
}


class FdCalls(CallsBase):
    def _fdflags(self) -> dict[str, int]:
        f = self.spec.flags("fdflags")
        return {n: f.bit(n) for n in f.names}

    # -- reading and writing ------------------------------------------------------------------

    def fd_read(self, fd: int, iovs: list[tuple[int, int]]) -> int:
        entry = self.entry(fd)
        require_access(entry, "fd_read")
        data = _read(entry, self.check_iovs(iovs))
        self.scatter(iovs, data)
        return len(data)

    def fd_pread(self, fd: int, iovs: list[tuple[int, int]], offset: int) -> int:
        entry = self.entry(fd)
        require_access(entry, "fd_read")
        if entry.stream is not None:
            raise WasiError("spipe")
        entry.require(_SEEK)
        total = self.check_iovs(iovs)
        data = os.pread(host_fd(entry), total, offset)
        self.scatter(iovs, data)
        return len(data)

    def fd_write(self, fd: int, iovs: list[tuple[int, int]]) -> int:
        entry = self.entry(fd)
        require_access(entry, "fd_write")
        return _write(entry, self.gather(iovs))

    def fd_pwrite(self, fd: int, iovs: list[tuple[int, int]], offset: int) -> int:
        entry = self.entry(fd)
        require_access(entry, "fd_write")
        if entry.stream is not None:
            raise WasiError("spipe")
        entry.require(_SEEK)
        return os.pwrite(host_fd(entry), self.gather(iovs), offset)

    def fd_seek(self, fd: int, offset: int, whence: int) -> int:
        how = enum_value(self.spec, "whence", whence)
        entry = self.entry(fd)
        if entry.stream is not None:
            raise WasiError("spipe")
        if offset == 0 and how == "cur":
            if not entry.rights_base & (_SEEK | _TELL):
                raise WasiError("notcapable")
        else:
            entry.require(_SEEK)
        host = {"set": os.SEEK_SET, "cur": os.SEEK_CUR, "end": os.SEEK_END}[how]
        return os.lseek(host_fd(entry), offset, host)

    def fd_tell(self, fd: int) -> int:
        entry = self.entry(fd)
        if entry.stream is not None:
            raise WasiError("spipe")
        entry.require(_TELL)
        return os.lseek(host_fd(entry), 0, os.SEEK_CUR)

    # -- descriptor state ---------------------------------------------------------------------

    def fd_close(self, fd: int) -> None:
        self.fds.close(fd)

    def fd_renumber(self, fd: int, to: int) -> None:
        self.fds.renumber(fd, to)

    def fd_fdstat_get(self, fd: int) -> tuple[int, int, int, int]:
        e = self.entry(fd)
        return e.filetype, e.flags, e.rights_base, e.rights_inheriting

    def fd_fdstat_set_flags(self, fd: int, flags: int) -> None:
        entry = self.entry(fd, R.right("fd_fdstat_set_flags"))
        bits = self._fdflags()
        settable = bits["append"] | bits["nonblock"]
        if flags & ~settable:
            raise WasiError("inval")  # as wasmtime: sync modes are fixed when the file is opened
        if entry.stream is None:  # Python streams have no OS-level flags to change
            os_fd = host_fd(entry)
            host = fcntl.fcntl(os_fd, fcntl.F_GETFL) & ~(os.O_APPEND | os.O_NONBLOCK)
            host |= os.O_APPEND if flags & bits["append"] else 0
            host |= os.O_NONBLOCK if flags & bits["nonblock"] else 0
            fcntl.fcntl(os_fd, fcntl.F_SETFL, host)
        entry.flags = flags

    def fd_fdstat_set_rights(self, fd: int, base: int, inheriting: int) -> None:
        entry = self.entry(fd)
        if base & ~entry.rights_base or inheriting & ~entry.rights_inheriting:
            raise WasiError("notcapable")  # rights can only be dropped, never regained
        entry.rights_base, entry.rights_inheriting = base, inheriting

    # -- file metadata ------------------------------------------------------------------------

    def fd_filestat_get(self, fd: int) -> tuple[int, ...]:
        entry = self.entry(fd, R.right("fd_filestat_get"))
        if entry.host_fd is None and entry.sock is None:
            return (0, 0, entry.filetype, 0, 0, 0, 0, 0)
        return filestat(os.fstat(host_fd(entry)))

    def fd_filestat_set_size(self, fd: int, size: int) -> None:
        entry = self._writable(fd, "fd_filestat_set_size")
        os.ftruncate(host_fd(entry), size)

    def fd_filestat_set_times(self, fd: int, atim: int, mtim: int, fst_flags: int) -> None:
        entry = self._writable(fd, "fd_filestat_set_times")
        h = host_fd(entry)
        os.utime(h, ns=new_times(os.fstat(h), atim, mtim, fst_flags))

    def fd_advise(self, fd: int, offset: int, len: int, advice: int) -> None:
        how = enum_value(self.spec, "advice", advice)
        entry = self.entry(fd, R.right("fd_advise"))
        os.posix_fadvise(host_fd(entry), offset, len, _ADVICE[how])

    def fd_allocate(self, fd: int, offset: int, len: int) -> None:
        entry = self._writable(fd, "fd_allocate")
        os.posix_fallocate(host_fd(entry), offset, len)

    def fd_datasync(self, fd: int) -> None:
        os.fdatasync(host_fd(self.entry(fd, R.right("fd_datasync"))))

    def fd_sync(self, fd: int) -> None:
        os.fsync(host_fd(self.entry(fd, R.right("fd_sync"))))

    def _writable(self, fd: int, right: str) -> FdEntry:
        entry = self.entry(fd)
        if entry.read_only:
            raise WasiError("perm")
        entry.require(R.right(right))
        return entry

    # -- preopens and directories -------------------------------------------------------------

    def fd_prestat_get(self, fd: int) -> tuple[int, tuple[int]]:
        entry = self.entry(fd)
        if entry.preopen is None:
            raise WasiError("badf")
        return 0, (len(entry.preopen.encode()),)

    def fd_prestat_dir_name(self, fd: int, path: int, path_len: int) -> None:
        entry = self.entry(fd)
        if entry.preopen is None:
            raise WasiError("badf")
        name = entry.preopen.encode()
        if path_len < len(name):
            raise WasiError("nametoolong")
        self.memory.write(path, name)

    def fd_readdir(self, fd: int, buf: int, buf_len: int, cookie: int) -> int:
        entry = self.entry(fd)
        require_access(entry, "fd_readdir")
        if entry.filetype != FT_DIR or entry.host_fd is None:
            raise WasiError("notdir")
        self.memory.check(buf, buf_len)
        if cookie == 0 or entry.dir_listing is None:
            entry.dir_listing = _listing(entry.host_fd)
        out = bytearray()
        for index in range(cookie, len(entry.dir_listing)):
            if len(out) >= buf_len:
                break
            name, ino, ftype = entry.dir_listing[index]
            encoded = name.encode("utf-8", "surrogateescape")
            out += _DIRENT_HEADER.pack(index + 1, ino, len(encoded), ftype) + encoded
        # The last entry may not fit: the guest sees a full buffer and asks again from that
        # entry's cookie with a bigger buffer (the witx contract for truncation).
        data = bytes(out[:buf_len])
        self.memory.write(buf, data)
        return len(data)


def _read(entry: FdEntry, n: int) -> bytes:
    if entry.stream is not None:
        return entry.stream.read(n) or b""
    if entry.sock is not None:
        return entry.sock.recv(n)
    return os.read(host_fd(entry), n)


def _write(entry: FdEntry, data: bytes) -> int:
    if entry.stream is not None:
        written = entry.stream.write(data)
        flush = getattr(entry.stream, "flush", None)
        if flush is not None:
            flush()
        return len(data) if written is None else written
    if entry.sock is not None:
        return entry.sock.send(data)
    return os.write(host_fd(entry), data)


def _listing(dir_fd: int) -> list[tuple[str, int, int]]:
    """The entries of a directory as (name, inode, witx filetype), "." and ".." first."""
    own = os.fstat(dir_fd).st_ino
    # ".." reports the directory's own inode, as wasmtime does: the parent of a preopen is
    # outside the sandbox and its inode is none of the guest's business.
    entries = [(".", own, FT_DIR), ("..", own, FT_DIR)]
    with os.scandir(dir_fd) as it:
        for e in it:
            if e.is_symlink():
                ft = FT_SYMLINK
            elif e.is_dir(follow_symlinks=False):
                ft = FT_DIR
            elif e.is_file(follow_symlinks=False):
                ft = FT_FILE
            else:
                try:
                    ft = filetype_of_mode(e.stat(follow_symlinks=False).st_mode)
                except OSError:
                    ft = FT_UNKNOWN
            entries.append((e.name, e.inode(), ft))
    return entries
