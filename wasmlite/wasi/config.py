"""What a WASI program is given: arguments, environment, preopened directories, stdio."""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO, Literal

from ..records import FrozenRecord, Record

if TYPE_CHECKING:
    import socket

# A stdio stream is one of:
#   None          stdin: empty; stdout/stderr: discarded
#   "inherit"     the host process's own descriptor (0, 1 or 2)
#   int           a host file descriptor (duplicated; the caller keeps theirs)
#   bytes         stdin only: the whole input
#   BinaryIO      a Python binary stream (io.BytesIO to capture output, an open file, ...)
Stdio = None | Literal["inherit"] | int | bytes | bytearray | BinaryIO

# Plain classes rather than dataclasses: they are defined on every WASI program's start
# (see records.py).


class Preopen(FrozenRecord):
    """A host directory the guest sees as `guest_path`."""

    __slots__ = _fields = ("host_path", "guest_path", "read_only")
    _defaults = (False,)
    host_path: str
    guest_path: str
    read_only: bool


class WasiConfig(Record):
    """Configuration of one WASI program instance (see WasiContext).

    `preopens` accepts `Preopen`s or (host_path, guest_path[, read_only]) tuples; they get fds
    3, 4, ... in order, followed by `sockets` (listening or connected sockets the guest may
    use with the sock_* calls).
    """

    _fields = ("argv", "env", "preopens", "stdin", "stdout", "stderr", "sockets")

    def __init__(
        self,
        argv: list[str] | None = None,
        env: dict[str, str] | list[tuple[str, str]] | None = None,
        preopens: list[Preopen | tuple] | None = None,
        stdin: Stdio = None,
        stdout: Stdio = None,
        stderr: Stdio = None,
        sockets: list[socket.socket] | None = None,
    ):
        self.argv: list[str] = [] if argv is None else argv
        self.env: dict[str, str] | list[tuple[str, str]] = {} if env is None else env
        self.preopens: list[Preopen | tuple] = [] if preopens is None else preopens
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.sockets: list[socket.socket] = [] if sockets is None else sockets

    def preopen_list(self) -> list[Preopen]:
        return [p if isinstance(p, Preopen) else Preopen(*p) for p in self.preopens]

    def env_pairs(self) -> list[tuple[str, str]]:
        return list(self.env.items()) if isinstance(self.env, dict) else list(self.env)
