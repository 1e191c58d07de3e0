"""What a WASI program is given: arguments, environment, preopened directories, stdio."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import BinaryIO, Literal

# A stdio stream is one of:
#   None          stdin: empty; stdout/stderr: discarded
#   "inherit"     the host process's own descriptor (0, 1 or 2)
#   int           a host file descriptor (duplicated; the caller keeps theirs)
#   bytes         stdin only: the whole input
#   BinaryIO      a Python binary stream (io.BytesIO to capture output, an open file, ...)
Stdio = None | Literal["inherit"] | int | bytes | bytearray | BinaryIO


@dataclass(frozen=True)
class Preopen:
    host_path: str
    guest_path: str
    read_only: bool = False


@dataclass
class WasiConfig:
    """Configuration of one WASI program instance (see WasiContext).

    `preopens` accepts `Preopen`s or (host_path, guest_path[, read_only]) tuples; they get fds
    3, 4, ... in order, followed by `sockets` (listening or connected sockets the guest may
    use with the sock_* calls).
    """

    argv: list[str] = field(default_factory=list)
    env: dict[str, str] | list[tuple[str, str]] = field(default_factory=dict)
    preopens: list[Preopen | tuple] = field(default_factory=list)
    stdin: Stdio = None
    stdout: Stdio = None
    stderr: Stdio = None
    sockets: list[socket.socket] = field(default_factory=list)

    def preopen_list(self) -> list[Preopen]:
        return [p if isinstance(p, Preopen) else Preopen(*p) for p in self.preopens]

    def env_pairs(self) -> list[tuple[str, str]]:
        return list(self.env.items()) if isinstance(self.env, dict) else list(self.env)
