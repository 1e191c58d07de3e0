"""sock_* calls, on sockets handed to the guest in WasiConfig.sockets (or accepted from them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import rights as R
from .calls_base import CallsBase
from .errno import WasiError
from .fdtable import FdEntry, socket_entry
from .witx import load_spec

_FDFLAGS = load_spec().flags("fdflags")
_NONBLOCK = _FDFLAGS.bit("nonblock")
_RIFLAGS = load_spec().flags("riflags")
_SDFLAGS = load_spec().flags("sdflags")
_RD, _WR = _SDFLAGS.bit("rd"), _SDFLAGS.bit("wr")

if TYPE_CHECKING:
    import socket  # imported by the calls that need it: most programs never use sockets


class SockCalls(CallsBase):
    def _socket(self, fd: int) -> tuple[FdEntry, socket.socket]:
        entry = self.entry(fd)
        if entry.sock is None:
            raise WasiError("notsock")
        return entry, entry.sock

    def sock_accept(self, fd: int, flags: int) -> int:
        if flags & ~_NONBLOCK:
            raise WasiError("inval")
        entry, sock = self._socket(fd)
        entry.require(R.right("sock_accept"))
        conn, _ = sock.accept()
        conn.setblocking(not flags & _NONBLOCK)
        new = socket_entry(conn)
        new.flags = flags
        return self.fds.add(new)

    def sock_recv(self, fd: int, ri_data: list[tuple[int, int]], ri_flags: int) -> tuple[int, int]:
        if ri_flags & ~_RIFLAGS.all:
            raise WasiError("inval")
        entry, sock = self._socket(fd)
        if not entry.rights_base & R.right("fd_read"):
            raise WasiError("badf")
        import socket

        host_flags = socket.MSG_PEEK if ri_flags & _RIFLAGS.bit("recv_peek") else 0
        host_flags |= socket.MSG_WAITALL if ri_flags & _RIFLAGS.bit("recv_waitall") else 0
        data = sock.recv(self.check_iovs(ri_data), host_flags)
        self.scatter(ri_data, data)
        return len(data), 0

    def sock_send(self, fd: int, si_data: list[tuple[int, int]], si_flags: int) -> int:
        entry, sock = self._socket(fd)
        if not entry.rights_base & R.right("fd_write"):
            raise WasiError("badf")
        return sock.send(self.gather(si_data))

    def sock_shutdown(self, fd: int, how: int) -> None:
        if how & ~(_RD | _WR) or not how:
            raise WasiError("inval")
        entry, sock = self._socket(fd)
        entry.require(R.right("sock_shutdown"))
        import socket

        both = how == _RD | _WR
        sock.shutdown(socket.SHUT_RDWR if both else socket.SHUT_RD if how & _RD else socket.SHUT_WR)
