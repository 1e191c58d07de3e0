"""Rights sets for each kind of descriptor, built from the witx `rights` flag names."""

from __future__ import annotations

from .witx import load_spec

_RIGHTS = load_spec().flags("rights")


def rights(*names: str) -> int:
    """The rights bitmask for the given witx right names."""
    mask = 0
    for name in names:
        mask |= _RIGHTS.bit(name)
    return mask


def right(name: str) -> int:
    return _RIGHTS.bit(name)


ALL = _RIGHTS.all

FILE = rights(
    "fd_datasync", "fd_read", "fd_seek", "fd_fdstat_set_flags", "fd_sync", "fd_tell",
    "fd_write", "fd_advise", "fd_allocate", "fd_filestat_get", "fd_filestat_set_size",
    "fd_filestat_set_times", "poll_fd_readwrite",
)  # fmt: skip

DIRECTORY = rights(
    "fd_fdstat_set_flags", "fd_sync", "fd_advise", "path_create_directory", "path_create_file",
    "path_link_source", "path_link_target", "path_open", "fd_readdir", "path_readlink",
    "path_rename_source", "path_rename_target", "path_filestat_get", "path_filestat_set_size",
    "path_filestat_set_times", "fd_filestat_get", "fd_filestat_set_times", "path_symlink",
    "path_remove_directory", "path_unlink_file",
)  # fmt: skip

# Everything that changes the file system or a file's contents: absent from read-only preopens
# and from everything opened through them. Link/rename *sources* count: a hard link from a
# read-only tree into a writable one would make the file writable.
WRITE = rights(
    "fd_datasync", "fd_sync", "fd_write", "fd_allocate", "fd_filestat_set_size",
    "fd_filestat_set_times", "path_create_directory", "path_create_file", "path_link_source",
    "path_link_target", "path_rename_source", "path_rename_target", "path_filestat_set_size",
    "path_filestat_set_times", "path_symlink", "path_remove_directory", "path_unlink_file",
)  # fmt: skip

# Rights that make path_open open a file for writing (wasi-libc leaves them out for O_RDONLY).
WRITE_DATA = rights("fd_write", "fd_datasync", "fd_allocate", "fd_filestat_set_size")

STDIN = rights("fd_read", "fd_fdstat_set_flags", "fd_filestat_get", "poll_fd_readwrite")
STDOUT = rights("fd_write", "fd_fdstat_set_flags", "fd_filestat_get", "poll_fd_readwrite")

SOCKET = rights(
    "fd_read", "fd_write", "fd_fdstat_set_flags", "fd_filestat_get", "poll_fd_readwrite",
    "sock_shutdown", "sock_accept",
)  # fmt: skip
