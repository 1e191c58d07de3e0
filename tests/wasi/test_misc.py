"""args, environ, clocks, random, sched, proc, poll_oneoff."""

from __future__ import annotations

import os
import socket
import struct
import time

import pytest

from wasmlite.errors import ExitTrap, WasmError
from wasmlite.wasi import WasiConfig

from .conftest import E, Guest

_SUB = struct.Struct("<QB7xIxxxxQQH6x")  # subscription with a clock payload (48 bytes)
_SUB_FD = struct.Struct("<QB7xI28x")  # subscription with an fd payload
_EVENT = struct.Struct("<QHBxxxxxQH6x")  # event (32 bytes)


def test_args() -> None:
    g = Guest(WasiConfig(argv=["prog", "a b", "ü"]))
    out = g.alloc(8)
    assert g.call("args_sizes_get", out, out + 4) == 0
    count, size = g.u32(out), g.u32(out + 4)
    assert (count, size) == (3, 5 + 4 + 3)
    argv, buf = g.alloc(4 * count), g.alloc(size)
    assert g.call("args_get", argv, buf) == 0
    ptrs = [g.u32(argv + 4 * i) for i in range(count)]
    assert ptrs[0] == buf
    assert g.read(buf, size) == b"prog\0a b\0\xc3\xbc\0"
    assert g.call("args_get", 2 * 65536 - 2, buf) == E("fault")


def test_environ() -> None:
    g = Guest(WasiConfig(env={"A": "1", "PATH": "/bin"}))
    out = g.alloc(8)
    assert g.call("environ_sizes_get", out, out + 4) == 0
    assert (g.u32(out), g.u32(out + 4)) == (2, 4 + 10)
    env, buf = g.alloc(8), g.alloc(14)
    assert g.call("environ_get", env, buf) == 0
    assert g.read(buf, 14) == b"A=1\0PATH=/bin\0"
    assert g.u32(env + 4) == buf + 4


def test_empty_args_and_env() -> None:
    g = Guest(WasiConfig())
    out = g.alloc(8)
    assert g.call("args_sizes_get", out, out + 4) == 0 and g.read(out, 8) == bytes(8)
    assert g.call("args_get", 0, 0) == 0


@pytest.mark.parametrize("clock", [0, 1, 2, 3])
def test_clocks(clock: int) -> None:
    g = Guest(WasiConfig())
    out = g.alloc(8)
    assert g.call("clock_res_get", clock, out) == 0 and g.u64(out) >= 1
    assert g.call("clock_time_get", clock, 0, out) == 0
    first = g.u64(out)
    assert g.call("clock_time_get", clock, 0, out) == 0
    assert g.u64(out) >= first


def test_realtime_is_unix_time() -> None:
    g = Guest(WasiConfig())
    out = g.alloc(8)
    g.call("clock_time_get", 0, 1, out)
    assert abs(g.u64(out) - time.time_ns()) < 10**9 * 5


def test_bad_clock() -> None:
    g = Guest(WasiConfig())
    assert g.call("clock_res_get", 4, g.alloc(8)) == E("inval")  # wasmtime traps
    assert g.call("clock_time_get", 9, 0, g.alloc(8)) == E("inval")
    assert g.call("clock_time_get", 0, 0, 2 * 65536 - 4) == E("fault")


def test_random_get() -> None:
    g = Guest(WasiConfig())
    buf = g.alloc(64)
    assert g.call("random_get", buf, 64) == 0
    assert g.read(buf, 64) != bytes(64)
    assert g.call("random_get", buf, 0) == 0
    assert g.call("random_get", 2 * 65536 - 8, 64) == E("fault")


def test_sched_yield_and_proc_raise() -> None:
    g = Guest(WasiConfig())
    assert g.call("sched_yield") == 0
    assert g.call("proc_raise", 15) == E("notsup")
    assert g.call("proc_raise", 99) == E("inval")


def test_proc_exit_raises_exit_trap() -> None:
    g = Guest(WasiConfig())
    with pytest.raises(ExitTrap) as info:
        g.call("proc_exit", 3)
    assert info.value.code == 3
    assert g.funcs["proc_exit"].type.results == ()


@pytest.mark.parametrize("status", [126, 200, 0xFFFFFFFF])
def test_proc_exit_with_a_reserved_status_is_an_error(status: int) -> None:
    g = Guest(WasiConfig())
    with pytest.raises(WasmError, match=r"invalid exit status outside of \[0\.\.126\)") as info:
        g.call("proc_exit", status)
    assert not isinstance(info.value, ExitTrap)


def _clock_sub(g: Guest, userdata: int, timeout_ns: int, flags: int = 0, clock: int = 1) -> bytes:
    return _SUB.pack(userdata, 0, clock, timeout_ns, 0, flags)


def _poll(g: Guest, subs: list[bytes]) -> tuple[int, list[tuple]]:
    inp = g.data(b"".join(subs))[0]
    out = g.alloc(32 * len(subs))
    nout = g.alloc(4)
    e = g.call("poll_oneoff", inp, out, len(subs), nout)
    n = g.u32(nout) if e == 0 else 0
    return e, [_EVENT.unpack(g.read(out + 32 * i, 32)) for i in range(n)]


def test_poll_clock_relative_sleeps() -> None:
    g = Guest(WasiConfig())
    start = time.monotonic()
    e, events = _poll(g, [_clock_sub(g, 7, 20_000_000)])
    assert e == 0 and time.monotonic() - start >= 0.018
    assert events == [(7, 0, 0, 0, 0)]


def test_poll_clock_absolute_in_the_past() -> None:
    g = Guest(WasiConfig())
    e, events = _poll(g, [_clock_sub(g, 1, 5, flags=1)])
    assert e == 0 and [ev[0] for ev in events] == [1]


def test_poll_only_the_earliest_clock_fires() -> None:
    g = Guest(WasiConfig())
    e, events = _poll(g, [_clock_sub(g, 1, 10**10), _clock_sub(g, 2, 1_000_000)])
    assert e == 0 and [ev[0] for ev in events] == [2]


def test_poll_fd_ready_without_waiting(guest: Guest) -> None:
    e, fd = guest.open("f")
    subs = [_SUB_FD.pack(5, 1, fd), _SUB_FD.pack(6, 2, 1), _clock_sub(guest, 9, 10**10)]
    start = time.monotonic()
    e, events = _poll(guest, subs)
    assert e == 0 and time.monotonic() - start < 5
    assert sorted((ev[0], ev[1], ev[2], ev[3]) for ev in events) == [(5, 0, 1, 5), (6, 0, 2, 0)]


def test_poll_bad_fd_reports_an_error_event() -> None:
    g = Guest(WasiConfig())
    e, events = _poll(g, [_SUB_FD.pack(3, 1, 42)])
    assert e == 0 and events == [(3, E("badf"), 1, 0, 0)]
    e, events = _poll(g, [_SUB_FD.pack(4, 1, 1)])  # stdout cannot be read
    assert events == [(4, E("badf"), 1, 0, 0)]


def test_poll_bad_input() -> None:
    g = Guest(WasiConfig())
    assert g.call("poll_oneoff", 0, 0x100, 0, 0x200) == E("inval")
    assert g.call("poll_oneoff", 2 * 65536 - 10, 0x100, 1, 0x200) == E("fault")
    inp = g.data(struct.pack("<QB", 1, 7) + bytes(39))[0]
    assert g.call("poll_oneoff", inp, 0x100, 1, 0x200) == E("inval")  # bad eventtype


def test_poll_socket_readiness() -> None:
    a, b = socket.socketpair()
    with a, b:
        g = Guest(WasiConfig(sockets=[a]))
        e, events = _poll(g, [_SUB_FD.pack(1, 1, 3), _clock_sub(g, 2, 30_000_000)])
        assert [ev[0] for ev in events] == [2]  # nothing to read yet: the clock fires
        b.send(b"x")
        e, events = _poll(g, [_SUB_FD.pack(1, 1, 3), _clock_sub(g, 2, 10**10)])
        assert [ev[0] for ev in events] == [1]


def test_poll_inherited_pipe() -> None:
    r, w = os.pipe()
    try:
        g = Guest(WasiConfig(stdin=r))
        os.write(w, b"data")
        e, events = _poll(g, [_SUB_FD.pack(1, 1, 0)])
        assert e == 0 and events[0][:3] == (1, 0, 1)
        assert g.read_fd(0, 10) == (0, b"data")
    finally:
        os.close(r)
        os.close(w)
