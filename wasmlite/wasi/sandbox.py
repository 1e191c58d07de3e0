"""Capability-safe path resolution: a guest path never reaches outside its directory fd.

The guest names files by (directory fd, relative path). Instead of joining strings and checking
prefixes (which symlinks defeat), the path is walked one component at a time from the
directory's own OS descriptor:

* intermediate directories are opened with `O_DIRECTORY | O_NOFOLLOW` relative to the previous
  one, so the kernel never follows a link on our behalf;
* every symlink met is read with `readlink(dir_fd=...)` and expanded here, with a loop limit;
* `..` pops the stack of opened directories and is refused at the starting directory;
* absolute paths and absolute symlink targets are refused.

The result is a directory descriptor plus a single final name (no `/`), which callers hand to
the `*at` system calls with symlink following off. Refusals are EPERM, as wasmtime returns.
"""

from __future__ import annotations

import errno
import os
from collections import deque
from types import TracebackType

from .errno import WasiError

MAX_SYMLINKS = 32  # Linux's MAXSYMLINKS is 40; wasmtime uses a similar fixed limit
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class Resolved:
    """A resolved path: `dir_fd` and `name` for an `*at` call; closes what it opened.

    `must_be_dir` is set when the guest path ended in `/`.
    """

    def __init__(self, dir_fd: int, name: str, owned: list[int], must_be_dir: bool):
        self.dir_fd = dir_fd
        self.name = name
        self.must_be_dir = must_be_dir
        self._owned = owned

    def close(self) -> None:
        for fd in self._owned:
            os.close(fd)
        self._owned = []

    def __enter__(self) -> Resolved:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _split(path: str) -> list[str]:
    if "\0" in path:
        raise WasiError("ilseq")
    return path.split("/")


def resolve(root_fd: int, path: str, follow_final: bool) -> Resolved:
    """Resolve `path` beneath `root_fd` (see the module docstring).

    `follow_final`: expand a symlink in the last component too. A trailing `/` does not imply
    it here: lookups (open, stat) pass `follow_final=True` for such paths themselves, while
    operations on the entry itself (rmdir, unlink, rename) must see the link, as POSIX does.
    """
    if path == "":
        raise WasiError("noent")
    if path.startswith("/"):
        raise WasiError("perm")
    must_be_dir = path.endswith("/")
    parts = deque(_split(path.rstrip("/") or "."))
    stack = [root_fd]  # stack[0] is borrowed, the rest are ours
    links = 0
    try:
        while True:
            part = parts.popleft()
            last = not parts
            if part in ("", "."):
                if last:
                    return Resolved(stack[-1], ".", stack[1:], must_be_dir)
                continue
            if part == "..":
                if len(stack) == 1:
                    raise WasiError("perm")
                os.close(stack.pop())
                if last:
                    return Resolved(stack[-1], ".", stack[1:], must_be_dir)
                continue
            if last and not follow_final:
                return Resolved(stack[-1], part, stack[1:], must_be_dir)
            target = _readlink(stack[-1], part)
            if target is None:
                if last:
                    return Resolved(stack[-1], part, stack[1:], must_be_dir)
                stack.append(os.open(part, _DIR_FLAGS, dir_fd=stack[-1]))
                continue
            links += 1
            if links > MAX_SYMLINKS:
                raise WasiError("loop")
            if target.startswith("/"):
                raise WasiError("perm")
            if target == "":
                raise WasiError("noent")
            parts.extendleft(reversed(_split(target)))
    except BaseException:
        for fd in stack[1:]:
            os.close(fd)
        raise


def _readlink(dir_fd: int, name: str) -> str | None:
    """The target if `name` is a symlink, None if it is anything else or does not exist."""
    try:
        return os.readlink(name, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.EINVAL, errno.ENOENT):
            return None
        raise
