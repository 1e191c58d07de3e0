"""fd_* calls, called directly against a MemoryInstance."""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

from wasmlite.wasi import WasiConfig
from wasmlite.wasi import rights as R

from .conftest import ALL_RIGHTS, FDFLAGS, OFLAGS, E, Guest

RW = ALL_RIGHTS


def test_write_read_seek_tell(guest: Guest, tree: Path) -> None:
    e, fd = guest.open("new", OFLAGS.bit("creat"), RW)
    assert e == 0
    assert guest.write(fd, b"abcdef") == (0, 6)
    out = guest.alloc(8)
    assert guest.call("fd_seek", fd, 1, 0, out) == 0 and guest.u64(out) == 1
    assert guest.read_fd(fd, 3) == (0, b"bcd")
    assert guest.call("fd_tell", fd, out) == 0 and guest.u64(out) == 4
    assert guest.call("fd_seek", fd, -2, 2, out) == 0 and guest.u64(out) == 4
    assert guest.call("fd_seek", fd, -100, 1, out) == E("inval")
    assert guest.call("fd_seek", fd, 0, 7, out) == E("inval")  # bad whence (wasmtime traps)
    assert (tree / "pre" / "new").read_bytes() == b"abcdef"


def test_scatter_gather(guest: Guest) -> None:
    e, fd = guest.open("f")
    a, b = guest.alloc(2), guest.alloc(10)
    iov = guest.iovs((a, 2), (b, 10))
    out = guest.alloc(4)
    assert guest.call("fd_read", fd, *iov, out) == 0
    assert guest.u32(out) == 5 and guest.read(a, 2) == b"he" and guest.read(b, 3) == b"llo"
    e, fd2 = guest.open("w", OFLAGS.bit("creat"), RW)
    iov = guest.iovs(guest.data(b"ab"), guest.data(b""), guest.data(b"cd"))
    assert guest.call("fd_write", fd2, *iov, out) == 0 and guest.u32(out) == 4


def test_pread_pwrite_do_not_move_the_offset(guest: Guest, tree: Path) -> None:
    e, fd = guest.open("f", 0, RW)
    buf = guest.alloc(3)
    out = guest.alloc(8)
    assert guest.call("fd_pread", fd, *guest.iovs((buf, 3)), 1, out) == 0
    assert guest.read(buf, guest.u32(out)) == b"ell"
    assert guest.call("fd_pwrite", fd, *guest.iovs(guest.data(b"J")), 0, out) == 0
    assert guest.call("fd_tell", fd, out) == 0 and guest.u64(out) == 0
    assert (tree / "pre" / "f").read_bytes() == b"Jello"


def test_stdio_streams() -> None:
    out, err = io.BytesIO(), io.BytesIO()
    g = Guest(WasiConfig(stdin=b"input", stdout=out, stderr=err))
    assert g.write(1, b"to out") == (0, 6)
    assert g.write(2, b"to err") == (0, 6)
    assert g.read_fd(0, 100) == (0, b"input")
    assert g.read_fd(0, 100) == (0, b"")
    assert out.getvalue() == b"to out" and err.getvalue() == b"to err"
    assert g.read_fd(1, 1)[0] == E("badf")  # stdout is not readable
    assert g.write(0, b"x")[0] == E("badf")
    o = g.alloc(8)
    assert g.call("fd_seek", 1, 0, 1, o) == E("spipe")
    assert g.call("fd_tell", 0, o) == E("spipe")


def test_default_stdio_is_empty_and_discarding() -> None:
    g = Guest(WasiConfig())
    assert g.write(1, b"gone") == (0, 4)
    assert g.read_fd(0, 4) == (0, b"")


def test_inherited_host_fd(tmp_path: Path) -> None:
    path = tmp_path / "log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        g = Guest(WasiConfig(stdout=fd))
        assert g.write(1, b"via host fd") == (0, 11)
        assert g.call("fd_close", 1) == 0  # closes our duplicate only
        os.write(fd, b"!")
    finally:
        os.close(fd)
    assert path.read_bytes() == b"via host fd!"


def test_fdstat_get(guest: Guest) -> None:
    out = guest.alloc(24)
    assert guest.call("fd_fdstat_get", 3, out) == 0
    ft, flags, base, inh = struct.unpack("<BxH4xQQ", guest.read(out, 24))
    assert (ft, flags, base, inh) == (3, 0, R.DIRECTORY, R.DIRECTORY | R.FILE)
    assert guest.call("fd_fdstat_get", 4, out) == 0
    ro_base = struct.unpack("<Q", guest.read(out + 8, 8))[0]
    assert ro_base & R.WRITE == 0
    e, fd = guest.open("f", 0, RW, fdflags=FDFLAGS.bit("append"))
    assert guest.call("fd_fdstat_get", fd, out) == 0
    ft, flags, base, inh = struct.unpack("<BxH4xQQ", guest.read(out, 24))
    assert ft == 4 and flags == FDFLAGS.bit("append") and base == R.FILE
    assert guest.call("fd_fdstat_get", 99, out) == E("badf")


def test_fdstat_set_flags_append(guest: Guest, tree: Path) -> None:
    e, fd = guest.open("f", 0, RW)
    assert guest.call("fd_fdstat_set_flags", fd, FDFLAGS.bit("append")) == 0
    guest.write(fd, b"!")
    assert (tree / "pre" / "f").read_bytes() == b"hello!"
    assert guest.call("fd_fdstat_set_flags", fd, FDFLAGS.bit("sync")) == E("inval")


def test_fdstat_set_rights_only_drops(guest: Guest) -> None:
    e, fd = guest.open("f", 0, RW)
    assert guest.call("fd_fdstat_set_rights", fd, R.right("fd_read"), 0) == 0
    assert guest.write(fd, b"x")[0] == E("badf")
    assert guest.read_fd(fd, 1) == (0, b"h")
    out = guest.alloc(8)
    assert guest.call("fd_tell", fd, out) == E("notcapable")
    # Regaining a dropped right is refused, and nothing changes.
    assert guest.call("fd_fdstat_set_rights", fd, R.FILE, 0) == E("notcapable")
    assert guest.call("fd_fdstat_set_rights", fd, R.right("fd_read"), 1) == E("notcapable")
    assert guest.write(fd, b"x")[0] == E("badf")


def test_filestat_get_and_set(guest: Guest, tree: Path) -> None:
    e, fd = guest.open("f", 0, RW)
    out = guest.alloc(64)
    assert guest.call("fd_filestat_get", fd, out) == 0
    dev, ino, ft, nlink, size, atim, mtim, ctim = struct.unpack("<QQB7xQQQQQ", guest.read(out, 64))
    st = os.stat(tree / "pre" / "f")
    assert (dev, ino, ft, nlink, size, mtim) == (st.st_dev, st.st_ino, 4, 1, 5, st.st_mtime_ns)
    assert guest.call("fd_filestat_set_size", fd, 2) == 0
    assert (tree / "pre" / "f").read_bytes() == b"he"
    fst = guest.ctx.spec.flags("fstflags")
    assert (
        guest.call("fd_filestat_set_times", fd, 10**9, 2 * 10**9, fst.bit("atim") | fst.bit("mtim"))
        == 0
    )
    st = os.stat(tree / "pre" / "f")
    assert (st.st_atime_ns, st.st_mtime_ns) == (10**9, 2 * 10**9)
    assert guest.call("fd_filestat_set_times", fd, 0, 5, fst.bit("mtim")) == 0
    assert os.stat(tree / "pre" / "f").st_atime_ns == 10**9
    bad = fst.bit("atim") | fst.bit("atim_now")
    assert guest.call("fd_filestat_set_times", fd, 0, 0, bad) == E("inval")


def test_advise_allocate_sync(guest: Guest, tree: Path) -> None:
    e, fd = guest.open("f", 0, RW)
    assert guest.call("fd_advise", fd, 0, 0, 2) == 0
    assert guest.call("fd_advise", fd, 0, 0, 9) == E("inval")
    assert guest.call("fd_allocate", fd, 0, 100) == 0
    assert (tree / "pre" / "f").stat().st_size == 100
    assert guest.call("fd_datasync", fd) == 0
    assert guest.call("fd_sync", fd) == 0
    e, rfd = guest.open("f")
    assert guest.call("fd_allocate", rfd, 0, 200) == E("notcapable")


def test_close_and_renumber(guest: Guest) -> None:
    e, a = guest.open("f")
    e, b = guest.open("sub/g")
    assert guest.call("fd_renumber", a, b) == 0
    assert guest.read_fd(b, 5) == (0, b"hello")
    assert guest.call("fd_close", a) == E("badf")
    assert guest.call("fd_renumber", b, 99) == E("badf")  # as wasmtime: target must be open
    assert guest.call("fd_renumber", 99, b) == E("badf")
    assert guest.call("fd_close", b) == 0
    assert guest.call("fd_close", b) == E("badf")


def test_fd_numbers_are_reused(guest: Guest) -> None:
    e, a = guest.open("f")
    guest.call("fd_close", a)
    assert guest.open("f")[1] == a


def test_prestat(guest: Guest) -> None:
    out = guest.alloc(8)
    assert guest.call("fd_prestat_get", 3, out) == 0
    assert guest.read(out, 8) == bytes([0, 0, 0, 0, 4, 0, 0, 0])
    name = guest.alloc(16)
    assert guest.call("fd_prestat_dir_name", 3, name, 16) == 0
    assert guest.read(name, 4) == b"/pre"
    assert guest.call("fd_prestat_dir_name", 3, name, 2) == E("nametoolong")
    assert guest.call("fd_prestat_get", 0, out) == E("badf")
    assert guest.call("fd_prestat_get", 5, out) == E("badf")
    e, fd = guest.open("sub")
    assert guest.call("fd_prestat_get", fd, out) == E("badf")


def _dirents(data: bytes) -> list[tuple[int, int, str]]:
    """(d_next, d_type, name) of each complete entry."""
    out, pos = [], 0
    while pos + 24 <= len(data):
        d_next, _ino, namlen, d_type = struct.unpack_from("<QQIB", data, pos)
        name = data[pos + 24 : pos + 24 + namlen]
        if len(name) < namlen:
            break
        out.append((d_next, d_type, name.decode()))
        pos += 24 + namlen
    return out


def test_readdir_lists_with_cookies(guest: Guest) -> None:
    e, fd = guest.open("sub", OFLAGS.bit("directory"))
    buf, out = guest.alloc(1024), guest.alloc(4)
    assert guest.call("fd_readdir", fd, buf, 1024, 0, out) == 0
    entries = _dirents(guest.read(buf, guest.u32(out)))
    assert [n for _, _, n in entries][:2] == [".", ".."]
    assert sorted(n for _, _, n in entries[2:]) == ["g", "glink", "up", "upup"]
    types = {n: t for _, t, n in entries}
    assert types["g"] == 4 and types["glink"] == 7 and types["."] == 3
    assert [c for c, _, _ in entries] == list(range(1, 7))
    # Resume from a cookie.
    assert guest.call("fd_readdir", fd, buf, 1024, 3, out) == 0
    assert [n for _, _, n in _dirents(guest.read(buf, guest.u32(out)))] == [
        n for _, _, n in entries[3:]
    ]
    assert guest.call("fd_readdir", fd, buf, 1024, 100, out) == 0 and guest.u32(out) == 0


def test_readdir_truncates_the_last_entry(guest: Guest) -> None:
    buf, out = guest.alloc(64), guest.alloc(4)
    assert guest.call("fd_readdir", 3, buf, 30, 0, out) == 0
    assert guest.u32(out) == 30  # a full buffer tells the guest to ask again
    data = guest.read(buf, 30)
    assert data[24] == ord(".") and data[25:30] == bytes([2, 0, 0, 0, 0])  # ".."'s d_next, cut


def test_readdir_on_a_file_is_refused(guest: Guest) -> None:
    e, fd = guest.open("f")
    assert guest.call("fd_readdir", fd, 0, 10, 0, guest.alloc(4)) == E("badf")


def test_readdir_guest_buffer_out_of_bounds(guest: Guest) -> None:
    assert guest.call("fd_readdir", 3, 2 * 65536 - 10, 100, 0, guest.alloc(4)) == E("fault")


def test_bad_fd_everywhere(guest: Guest) -> None:
    out = guest.alloc(64)
    for name, args in [
        ("fd_advise", (0, 0, 0)), ("fd_allocate", (0, 1)), ("fd_close", ()), ("fd_datasync", ()),
        ("fd_fdstat_get", (out,)), ("fd_fdstat_set_flags", (0,)), ("fd_fdstat_set_rights", (0, 0)),
        ("fd_filestat_get", (out,)), ("fd_filestat_set_size", (0,)), ("fd_filestat_set_times", (0, 0, 0)),
        ("fd_pread", (out, 0, 0, out)), ("fd_prestat_get", (out,)), ("fd_prestat_dir_name", (out, 1)),
        ("fd_pwrite", (out, 0, 0, out)), ("fd_read", (out, 0, out)), ("fd_readdir", (out, 1, 0, out)),
        ("fd_seek", (0, 0, out)), ("fd_sync", ()), ("fd_tell", (out,)), ("fd_write", (out, 0, out)),
    ]:  # fmt: skip
        assert guest.call(name, 42, *args) == E("badf"), name


def test_transfers_are_capped(guest: Guest, tree: Path, monkeypatch) -> None:
    from wasmlite.wasi import calls_base

    monkeypatch.setattr(calls_base, "MAX_IO", 4)
    e, fd = guest.open("new", OFLAGS.bit("creat"), RW)
    assert guest.write(fd, b"abcdefgh") == (0, 4)  # a short write, as POSIX allows
    e, fd = guest.open("f")
    assert guest.read_fd(fd, 100) == (0, b"hell")


def test_out_of_range_values_are_inval(guest: Guest) -> None:
    e, fd = guest.open("f", 0, RW)
    assert guest.call("fd_advise", fd, (1 << 64) - 1, 0, 0) == E("inval")
    assert guest.call("fd_allocate", fd, 1 << 63, 1) == E("inval")


def test_out_pointer_fault_has_no_side_effect(guest: Guest, tree: Path) -> None:
    p, n = guest.str("created")
    bad = 2 * 65536 - 2
    e = guest.call("path_open", 3, 0, p, n, OFLAGS.bit("creat"), RW, RW, 0, bad)
    assert e == E("fault")
    assert not (tree / "pre" / "created").exists()


def test_overlong_iovec_array_is_inval(guest: Guest) -> None:
    assert guest.call("fd_write", 1, 0, (1 << 16) + 1, guest.alloc(4)) == E("inval")


def test_readdir_non_utf8_name_round_trips(guest: Guest, tree: Path) -> None:
    os.close(os.open(os.fsencode(tree / "pre") + b"/\xff\xfe", os.O_CREAT | os.O_WRONLY))
    buf, out = guest.alloc(4096), guest.alloc(4)
    assert guest.call("fd_readdir", 3, buf, 4096, 0, out) == 0
    data = guest.read(buf, guest.u32(out))
    assert b"\x02\x00\x00\x00\x04\x00\x00\x00\xff\xfe" in data  # namlen, type, raw name
