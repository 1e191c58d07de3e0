"""sock_* calls on sockets handed to the guest through WasiConfig.sockets."""

from __future__ import annotations

import socket

from wasmlite.wasi import WasiConfig

from .conftest import E, Guest


def test_accept_recv_send_shutdown() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    with listener, client:
        g = Guest(WasiConfig(sockets=[listener]))
        out = g.alloc(8)
        assert g.call("sock_accept", 3, 0, out) == 0
        conn = g.u32(out)
        client.sendall(b"ping")
        buf = g.alloc(16)
        assert g.call("sock_recv", conn, *g.iovs((buf, 16)), 0, out, out + 4) == 0
        assert g.read(buf, g.u32(out)) == b"ping" and g.u32(out + 4) == 0
        assert g.call("sock_send", conn, *g.iovs(g.data(b"pong")), 0, out) == 0
        assert g.u32(out) == 4 and client.recv(4) == b"pong"
        assert g.call("sock_shutdown", conn, 2) == 0
        assert client.recv(4) == b""
        assert g.call("sock_shutdown", conn, 0) == E("inval")
        assert g.call("fd_close", conn) == 0


def test_recv_peek() -> None:
    a, b = socket.socketpair()
    with a, b:
        g = Guest(WasiConfig(sockets=[a]))
        b.send(b"abc")
        buf, out = g.alloc(8), g.alloc(8)
        assert g.call("sock_recv", 3, *g.iovs((buf, 8)), 1, out, out + 4) == 0
        assert g.call("sock_recv", 3, *g.iovs((buf, 8)), 0, out, out + 4) == 0
        assert g.read(buf, g.u32(out)) == b"abc"
        # fd_read and fd_write work on sockets too
        b.send(b"z")
        assert g.read_fd(3, 4) == (0, b"z")
        assert g.write(3, b"w") == (0, 1) and b.recv(1) == b"w"


def test_nonblocking_accept_with_nothing_pending() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    with listener:
        g = Guest(WasiConfig(sockets=[listener]))
        assert g.call("sock_accept", 3, 4, g.alloc(4)) == E("again")
        assert g.call("sock_accept", 3, 1, g.alloc(4)) == E("inval")


def test_sock_calls_on_non_sockets(guest: Guest) -> None:
    out = guest.alloc(8)
    e, fd = guest.open("f")
    assert guest.call("sock_accept", fd, 0, out) == E("notsock")
    assert guest.call("sock_recv", 1, 0, 0, 0, out, out + 4) == E("notsock")
    assert guest.call("sock_send", 3, 0, 0, 0, out) == E("notsock")
    assert guest.call("sock_shutdown", fd, 3) == E("notsock")
    assert guest.call("sock_shutdown", 77, 3) == E("badf")
    assert guest.call("sock_accept", 77, 0, out) == E("badf")
