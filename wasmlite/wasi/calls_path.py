"""The path_* calls: every path is resolved inside its directory fd by sandbox.resolve."""

from __future__ import annotations

import os
import stat

from . import rights as R
from .calls_base import CallsBase, filestat, new_times
from .errno import WasiError
from .fdtable import FT_DIR, FdEntry, filetype_of_mode
from .sandbox import Resolved, resolve
from .witx import load_spec

_LOOKUP_FOLLOW = load_spec().flags("lookupflags").bit("symlink_follow")
_OFLAGS = load_spec().flags("oflags")
_CREAT, _DIRECTORY = _OFLAGS.bit("creat"), _OFLAGS.bit("directory")
_EXCL, _TRUNC = _OFLAGS.bit("excl"), _OFLAGS.bit("trunc")
_FDFLAGS = load_spec().flags("fdflags")
_HOST_FDFLAGS = {
    _FDFLAGS.bit("append"): os.O_APPEND,
    _FDFLAGS.bit("dsync"): os.O_DSYNC,
    _FDFLAGS.bit("nonblock"): os.O_NONBLOCK,
    _FDFLAGS.bit("rsync"): os.O_RSYNC,
    _FDFLAGS.bit("sync"): os.O_SYNC,
}


class PathCalls(CallsBase):
    def _dir(self, fd: int, right: str, write: bool = False) -> FdEntry:
        """The directory entry `fd`, checked for `right`; EPERM for writes under a read-only
        preopen (before the rights check, so the errno matches wasmtime's)."""
        entry = self.entry(fd)
        if entry.host_fd is None:
            raise WasiError("badf")  # stdio and sockets, as wasmtime
        if entry.filetype != FT_DIR:
            raise WasiError("notdir")
        if write and entry.read_only:
            raise WasiError("perm")
        entry.require(R.right(right))
        return entry

    def _resolve(self, entry: FdEntry, path: str, follow: bool) -> Resolved:
        assert entry.host_fd is not None
        return resolve(entry.host_fd, path, follow)

    def _lookup(self, entry: FdEntry, path: str, flags: int) -> Resolved:
        """Resolve for a lookup: a trailing slash follows a final symlink, as in POSIX."""
        return self._resolve(entry, path, bool(flags & _LOOKUP_FOLLOW) or path.endswith("/"))

    def path_open(
        self,
        fd: int,
        dirflags: int,
        path: str,
        oflags: int,
        fs_rights_base: int,
        fs_rights_inheriting: int,
        fdflags: int,
    ) -> int:
        if oflags & ~_OFLAGS.all or fdflags & ~_FDFLAGS.all:
            raise WasiError("inval")
        directory = self._dir(fd, "path_open")
        # O_APPEND alone changes nothing: without write rights the file is opened read-only.
        modifies = bool(oflags & _TRUNC)
        if directory.read_only and (fs_rights_base & R.WRITE_DATA or modifies or oflags & _CREAT):
            raise WasiError("perm")
        # Never more than the directory may hand out: the open mode follows the granted rights.
        granted = fs_rights_base & directory.rights_inheriting
        writes = bool(granted & R.WRITE_DATA) or modifies
        if oflags & _CREAT:
            directory.require(R.right("path_create_file"))
        if oflags & _TRUNC:
            directory.require(R.right("path_filestat_set_size"))
        flags = os.O_CLOEXEC | os.O_NOFOLLOW
        for bit, host in _HOST_FDFLAGS.items():
            if fdflags & bit:
                flags |= host
        if oflags & _CREAT:
            flags |= os.O_CREAT
        if oflags & _EXCL:
            flags |= os.O_EXCL
        if oflags & _TRUNC:
            flags |= os.O_TRUNC
        if writes:
            flags |= os.O_RDWR if granted & R.right("fd_read") else os.O_WRONLY
        with self._lookup(directory, path, dirflags) as r:
            if oflags & _DIRECTORY or r.must_be_dir:
                flags |= os.O_DIRECTORY
            host = os.open(r.name, flags, 0o666, dir_fd=r.dir_fd)
        try:
            ft = filetype_of_mode(os.fstat(host).st_mode)
        except OSError:
            os.close(host)
            raise
        base = granted & (R.DIRECTORY if ft == FT_DIR else R.FILE)
        if not writes:
            base &= ~R.WRITE_DATA
        inheriting = fs_rights_inheriting & directory.rights_inheriting
        entry = FdEntry(
            ft, base, inheriting, flags=fdflags, host_fd=host, read_only=directory.read_only
        )
        return self.fds.add(entry)

    def path_create_directory(self, fd: int, path: str) -> None:
        directory = self._dir(fd, "path_create_directory", write=True)
        with self._resolve(directory, path, False) as r:
            os.mkdir(r.name, 0o777, dir_fd=r.dir_fd)

    def path_filestat_get(self, fd: int, flags: int, path: str) -> tuple[int, ...]:
        directory = self._dir(fd, "path_filestat_get")
        with self._lookup(directory, path, flags) as r:
            st = os.stat(r.name, dir_fd=r.dir_fd, follow_symlinks=False)
            if r.must_be_dir and not stat.S_ISDIR(st.st_mode):
                raise WasiError("notdir")
        return filestat(st)

    def path_filestat_set_times(
        self, fd: int, flags: int, path: str, atim: int, mtim: int, fst_flags: int
    ) -> None:
        directory = self._dir(fd, "path_filestat_set_times", write=True)
        with self._lookup(directory, path, flags) as r:
            st = os.stat(r.name, dir_fd=r.dir_fd, follow_symlinks=False)
            times = new_times(st, atim, mtim, fst_flags)
            os.utime(r.name, ns=times, dir_fd=r.dir_fd, follow_symlinks=False)

    def path_link(
        self, old_fd: int, old_flags: int, old_path: str, new_fd: int, new_path: str
    ) -> None:
        if old_flags & _LOOKUP_FOLLOW:
            raise WasiError("inval")  # as wasmtime: links are made to the symlink itself
        src = self._dir(old_fd, "path_link_source", write=True)
        dst = self._dir(new_fd, "path_link_target", write=True)
        with self._resolve(src, old_path, False) as o, self._resolve(dst, new_path, False) as n:
            os.link(
                _as_given(o),
                _as_given(n),
                src_dir_fd=o.dir_fd,
                dst_dir_fd=n.dir_fd,
                follow_symlinks=False,
            )

    def path_readlink(self, fd: int, path: str, buf: int, buf_len: int) -> int:
        directory = self._dir(fd, "path_readlink")
        with self._resolve(directory, path, False) as r:
            target = os.readlink(r.name, dir_fd=r.dir_fd)
        data = target.encode("utf-8", "surrogateescape")[:buf_len]
        self.memory.write(buf, data)
        return len(data)

    def path_remove_directory(self, fd: int, path: str) -> None:
        directory = self._dir(fd, "path_remove_directory", write=True)
        with self._resolve(directory, path, False) as r:
            if r.must_be_dir and _is_symlink(r):
                raise WasiError("inval")  # "link/": as wasmtime (Linux would say ENOTDIR)
            os.rmdir(r.name, dir_fd=r.dir_fd)

    def path_rename(self, fd: int, old_path: str, new_fd: int, new_path: str) -> None:
        src = self._dir(fd, "path_rename_source", write=True)
        dst = self._dir(new_fd, "path_rename_target", write=True)
        with self._resolve(src, old_path, False) as o, self._resolve(dst, new_path, False) as n:
            if o.must_be_dir or n.must_be_dir:
                st = os.stat(o.name, dir_fd=o.dir_fd, follow_symlinks=False)
                if not stat.S_ISDIR(st.st_mode):
                    raise WasiError("notdir")
            os.rename(o.name, n.name, src_dir_fd=o.dir_fd, dst_dir_fd=n.dir_fd)

    def path_symlink(self, old_path: str, fd: int, new_path: str) -> None:
        directory = self._dir(fd, "path_symlink", write=True)
        if old_path.startswith("/"):
            raise WasiError("perm")  # could only ever point outside the sandbox
        if "\0" in old_path:
            raise WasiError("ilseq")
        with self._resolve(directory, new_path, False) as r:
            os.symlink(old_path, _as_given(r), dir_fd=r.dir_fd)

    def path_unlink_file(self, fd: int, path: str) -> None:
        directory = self._dir(fd, "path_unlink_file", write=True)
        if path.endswith("/"):
            # Never a file; which error depends on what the path names (links followed).
            with self._lookup(directory, path, 0) as r:
                st = os.stat(r.name, dir_fd=r.dir_fd, follow_symlinks=False)
            raise WasiError("isdir" if stat.S_ISDIR(st.st_mode) else "notdir")
        with self._resolve(directory, path, False) as r:
            os.unlink(r.name, dir_fd=r.dir_fd)


def _as_given(r: Resolved) -> str:
    """The last component with the trailing slash the guest's path had, if any: creating a
    link named `name/` fails as POSIX says (ENOENT, or EEXIST if it exists), and so does
    linking to `file/` (ENOTDIR). The component stays inside `r.dir_fd`."""
    return r.name + "/" if r.must_be_dir else r.name


def _is_symlink(r: Resolved) -> bool:
    try:
        return stat.S_ISLNK(os.stat(r.name, dir_fd=r.dir_fd, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        return False
