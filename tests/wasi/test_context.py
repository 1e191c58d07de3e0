"""WasiContext: imports, bind, tracing, the errno table, stdio configuration."""

from __future__ import annotations

import errno as host_errno
import io
from pathlib import Path

import pytest

from wasmlite.errors import ExitTrap, WasmError
from wasmlite.model import FuncType, ValType
from wasmlite.wasi import MODULE, Preopen, WasiConfig, WasiContext
from wasmlite.wasi.errno import ERRNO, HOST_TO_WASI, from_oserror

from .conftest import Guest

I32, I64 = ValType.i32, ValType.i64


def test_imports_cover_every_function_with_lowered_types() -> None:
    funcs = WasiContext().imports()
    assert MODULE == "wasi_snapshot_preview1"
    assert len(funcs) == 46
    assert funcs["fd_write"].type == FuncType((I32, I32, I32, I32), (I32,))
    assert funcs["fd_seek"].type == FuncType((I32, I64, I32, I32), (I32,))
    assert funcs["path_open"].type == FuncType(
        (I32, I32, I32, I32, I32, I64, I64, I32, I32), (I32,)
    )
    assert funcs["proc_exit"].type == FuncType((I32,), ())

    assert funcs["sched_yield"].type == FuncType((), (I32,))
    assert all(f.name == n for n, f in funcs.items())


def test_bind_requires_a_memory() -> None:
    ctx = WasiContext()
    with pytest.raises(WasmError, match="does not export a memory named 'memory'"):
        ctx.bind(None)


def test_call_before_bind_is_a_clear_error() -> None:
    with pytest.raises(WasmError, match="before bind"):
        WasiContext().imports()["fd_write"].call([1, 0, 0, 0])


def test_proc_exit_works_without_memory() -> None:
    with pytest.raises(ExitTrap):
        WasiContext().imports()["proc_exit"].call([0])


def test_trace_lines() -> None:
    log = io.StringIO()
    g = Guest(WasiConfig(argv=["p"], stdout=io.BytesIO()), trace=log)
    g.mem.write(0x100, b"hello world")
    iov = g.iovs((0x100, 11))
    g.call("fd_write", 1, *iov, g.alloc(4))
    g.call("fd_fdstat_get", 7, g.alloc(24))
    g.call("fd_write", 1, 2 * 65536, 1, 0)
    out = g.alloc(8)
    g.call("args_sizes_get", out, out + 4)
    g.path_call("path_open", 3, 1, "x", 0, 2, 0, 0, g.alloc(4))
    with pytest.raises(ExitTrap):
        g.call("proc_exit", 0)
    lines = log.getvalue().splitlines()
    assert lines[0] == "fd_write(fd=1, iovs=[(0x100, 11)]) -> errno=success size=11"
    assert lines[1] == "fd_fdstat_get(fd=7) -> errno=badf"
    assert lines[2] == "fd_write(fd=1, iovs=<0x20000, 1>) -> errno=fault"
    assert lines[3] == "args_sizes_get() -> errno=success size0=1 size1=2"
    assert lines[4].startswith("path_open(fd=3, dirflags=symlink_follow, path='x', oflags=0, ")
    assert "fs_rights_base=fd_read" in lines[4] and lines[4].endswith("-> errno=badf")
    assert lines[5] == "proc_exit(rval=0)"


def test_trace_decodes_records(guest: Guest) -> None:
    log = io.StringIO()
    guest.ctx.trace = log
    guest.call("fd_fdstat_get", 3, guest.alloc(24))
    guest.call("fd_prestat_get", 3, guest.alloc(8))
    lines = log.getvalue().splitlines()
    assert lines[0].startswith(
        "fd_fdstat_get(fd=3) -> errno=success fdstat={fs_filetype=directory, fs_flags=0,"
    )
    assert lines[1] == "fd_prestat_get(fd=3) -> errno=success prestat=dir:(4)"


def test_errno_table_is_derived_from_the_witx() -> None:
    assert HOST_TO_WASI[host_errno.ENOENT] == ERRNO["noent"]
    assert HOST_TO_WASI[host_errno.EACCES] == ERRNO["acces"]
    assert HOST_TO_WASI[host_errno.E2BIG] == ERRNO["2big"]
    assert HOST_TO_WASI[host_errno.EOPNOTSUPP] == ERRNO["notsup"]
    assert HOST_TO_WASI[host_errno.EWOULDBLOCK] == ERRNO["again"]
    assert from_oserror(OSError(host_errno.ENOMEDIUM, "x")) == ERRNO["io"]
    assert from_oserror(OSError("no errno")) == ERRNO["io"]
    assert len(HOST_TO_WASI) >= 70


@pytest.mark.parametrize(
    "host, wasi",
    [
        (host_errno.ENOSPC, "nospc"),
        (host_errno.EXDEV, "xdev"),
        (host_errno.ENAMETOOLONG, "nametoolong"),
    ],
)
def test_host_errors_reach_the_guest_mapped(
    guest: Guest, host: int, wasi: str, monkeypatch
) -> None:
    import os

    def fail(*a: object, **k: object) -> None:
        raise OSError(host, os.strerror(host))

    monkeypatch.setattr(os, "mkdir", fail)
    assert guest.path_call("path_create_directory", 3, "d") == ERRNO[wasi]


def test_config_forms(tmp_path: Path) -> None:
    cfg = WasiConfig(
        argv=["a"],
        env=[("K", "V")],
        preopens=[Preopen(str(tmp_path), "."), (str(tmp_path), "/x", True)],
    )
    g = Guest(cfg)
    name = g.alloc(8)
    assert g.call("fd_prestat_dir_name", 3, name, 1) == 0 and g.read(name, 1) == b"."
    assert g.call("fd_prestat_dir_name", 4, name, 2) == 0 and g.read(name, 2) == b"/x"
    with pytest.raises(WasmError):
        WasiContext(WasiConfig(stdout=b"not a sink"))


def test_missing_preopen_directory_fails_at_creation(tmp_path: Path) -> None:
    with pytest.raises(WasmError, match="cannot preopen directory .*nope.*No such file"):
        WasiContext(WasiConfig(preopens=[(str(tmp_path / "nope"), "/")]))


def test_close_releases_host_descriptors(tmp_path: Path) -> None:
    import os

    before = len(os.listdir("/proc/self/fd"))
    ctx = WasiContext(WasiConfig(preopens=[(str(tmp_path), "/")] * 5))
    ctx.close()
    assert len(os.listdir("/proc/self/fd")) == before


def test_text_stream_uses_its_binary_buffer() -> None:
    raw = io.BytesIO()
    text = io.TextIOWrapper(raw, encoding="utf-8")
    g = Guest(WasiConfig(stdout=text))
    assert g.write(1, "é".encode()) == (0, 2)
    assert raw.getvalue() == "é".encode()
    with pytest.raises(WasmError, match="text stream"):
        WasiContext(WasiConfig(stdout=io.StringIO()))


def test_closed_host_fd_as_stdio_is_a_clear_error() -> None:
    import os

    r, w = os.pipe()
    os.close(r)
    os.close(w)
    with pytest.raises(WasmError, match="as stdin"):
        WasiContext(WasiConfig(stdin=r))


def test_host_functions_are_made_once_when_first_asked_for() -> None:
    ctx = WasiContext()
    fd_write = ctx.import_func("fd_write")
    assert fd_write is not None and ctx.import_func("fd_write") is fd_write
    assert ctx.import_func("fd_frobnicate") is None
    assert ctx.imports()["fd_write"] is fd_write
