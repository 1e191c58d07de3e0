"""path_* calls inside a preopen (the escape attempts are in test_sandbox.py)."""

from __future__ import annotations

import os
import struct
from pathlib import Path

from .conftest import ALL_RIGHTS, FDFLAGS, FOLLOW, OFLAGS, E, Guest

CREAT, DIRECTORY, EXCL, TRUNC = (OFLAGS.bit(n) for n in ("creat", "directory", "excl", "trunc"))


def test_open_variants(guest: Guest, tree: Path) -> None:
    assert guest.open("f")[0] == 0
    assert guest.open("sub/g")[0] == 0
    assert guest.open("sub/../f")[0] == 0
    assert guest.open("./sub/./g")[0] == 0
    assert guest.open("insub/g")[0] == 0  # symlink to a directory inside
    assert guest.open("insub/up/f")[0] == 0
    assert guest.open("nothere")[0] == E("noent")
    assert guest.open("")[0] == E("noent")
    assert guest.open("f", DIRECTORY)[0] == E("notdir")
    assert guest.open("f/")[0] == E("notdir")
    assert guest.open("sub", 0, ALL_RIGHTS)[0] == E("isdir")  # directories are not writable
    assert guest.open("sub/")[0] == 0
    assert guest.open(".")[0] == 0


def test_open_create_excl_trunc(guest: Guest, tree: Path) -> None:
    e, fd = guest.open("n", CREAT | EXCL, ALL_RIGHTS)
    assert e == 0 and (tree / "pre" / "n").exists()
    assert guest.open("n", CREAT | EXCL, ALL_RIGHTS)[0] == E("exist")
    assert guest.open("f", TRUNC, ALL_RIGHTS)[0] == 0
    assert (tree / "pre" / "f").read_bytes() == b""


def test_open_symlink_follow_and_nofollow(guest: Guest) -> None:
    e, fd = guest.open("sub/glink")
    assert e == 0 and guest.read_fd(fd, 10) == (0, b"inner")
    assert guest.open("sub/glink", follow=False)[0] == E("loop")  # as wasmtime (O_NOFOLLOW)
    assert guest.open("loop")[0] == E("loop")
    assert guest.open("insub", follow=False)[0] == E("loop")


def test_open_append(guest: Guest, tree: Path) -> None:
    e, fd = guest.open("f", 0, ALL_RIGHTS, fdflags=FDFLAGS.bit("append"))
    guest.write(fd, b" world")
    assert (tree / "pre" / "f").read_bytes() == b"hello world"


def test_open_read_only_request_cannot_write(guest: Guest, tree: Path) -> None:
    e, fd = guest.open("f")
    assert guest.write(fd, b"x")[0] == E("badf")
    assert (tree / "pre" / "f").read_bytes() == b"hello"


def test_opened_rights_are_bounded_by_inheriting(guest: Guest) -> None:
    from wasmlite.wasi import rights as R

    e, d = guest.open("sub", DIRECTORY, R.DIRECTORY, inheriting=R.right("fd_read"))
    assert e == 0
    e, fd = guest.open("g", 0, ALL_RIGHTS, dirfd=d)
    assert e == 0
    assert guest.write(fd, b"x")[0] == E("badf")
    out = guest.alloc(24)
    guest.call("fd_fdstat_get", fd, out)
    assert struct.unpack_from("<Q", guest.read(out, 24), 8)[0] == R.right("fd_read")


def test_create_and_remove_directory(guest: Guest, tree: Path) -> None:
    assert guest.path_call("path_create_directory", 3, "d") == 0
    assert (tree / "pre" / "d").is_dir()
    assert guest.path_call("path_create_directory", 3, "d") == E("exist")
    assert guest.path_call("path_create_directory", 3, "d/e/") == 0
    assert guest.path_call("path_remove_directory", 3, "d") == E("notempty")
    assert guest.path_call("path_remove_directory", 3, "d/e") == 0
    assert guest.path_call("path_remove_directory", 3, "d") == 0
    assert guest.path_call("path_remove_directory", 3, "f") == E("notdir")
    assert not (tree / "pre" / "d").exists()


def test_filestat_get(guest: Guest, tree: Path) -> None:
    out = guest.alloc(64)
    assert guest.path_call("path_filestat_get", 3, 0, "sub/g", out) == 0
    ft, nlink, size = struct.unpack_from("<B7xQQ", guest.read(out, 64), 16)
    assert (ft, nlink, size) == (4, 1, 5)
    assert guest.path_call("path_filestat_get", 3, 0, "sub/glink", out) == 0
    assert guest.read(out, 64)[16] == 7
    assert guest.path_call("path_filestat_get", 3, FOLLOW, "sub/glink", out) == 0
    assert guest.read(out, 64)[16] == 4
    assert guest.path_call("path_filestat_get", 3, 0, "f/", out) == E("notdir")
    assert guest.path_call("path_filestat_get", 3, 0, "nope", out) == E("noent")


def test_filestat_set_times(guest: Guest, tree: Path) -> None:
    fst = guest.ctx.spec.flags("fstflags")
    flags = fst.bit("atim") | fst.bit("mtim")
    assert guest.path_call("path_filestat_set_times", 3, 0, "f", 7 * 10**9, 8 * 10**9, flags) == 0
    st = os.stat(tree / "pre" / "f")
    assert (st.st_atime_ns, st.st_mtime_ns) == (7 * 10**9, 8 * 10**9)
    assert guest.path_call("path_filestat_set_times", 3, 0, "f", 0, 0, fst.bit("mtim_now")) == 0
    assert os.stat(tree / "pre" / "f").st_mtime_ns > 8 * 10**9


def test_link(guest: Guest, tree: Path) -> None:
    assert guest.path_call("path_link", 3, 0, "f", 3, "sub/f2") == 0
    assert os.stat(tree / "pre" / "f").st_nlink == 2
    assert guest.path_call("path_link", 3, 0, "f", 3, "sub/f2") == E("exist")
    assert guest.path_call("path_link", 3, FOLLOW, "f", 3, "f3") == E("inval")  # as wasmtime
    assert guest.path_call("path_link", 3, 0, "nope", 3, "f4") == E("noent")


def test_link_and_symlink_names_with_a_trailing_slash(guest: Guest, tree: Path) -> None:
    """As POSIX (and the WASI testsuite) say: a new name ending in `/` is a directory that
    a link cannot be (ENOENT, or EEXIST if it exists); a file named with `/` is ENOTDIR."""
    assert guest.path_call("path_link", 3, 0, "f", 3, "link/") == E("noent")
    assert guest.path_call("path_link", 3, 0, "f/", 3, "link") == E("notdir")
    assert guest.path_call("path_symlink", "f", 3, "target/") == E("noent")
    before = sorted(os.listdir(tree / "pre"))
    assert guest.path_call("path_symlink", "f", 3, "sub/") == E("exist")
    assert sorted(os.listdir(tree / "pre")) == before and "link" not in before


def test_readlink(guest: Guest) -> None:
    buf, out = guest.alloc(64), guest.alloc(4)
    assert guest.path_call("path_readlink", 3, "esc", buf, 64, out) == 0
    assert guest.read(buf, guest.u32(out)) == b"../out/secret"
    assert guest.path_call("path_readlink", 3, "esc", buf, 4, out) == 0
    assert guest.u32(out) == 4 and guest.read(buf, 4) == b"../o"
    assert guest.path_call("path_readlink", 3, "f", buf, 64, out) == E("inval")
    assert guest.path_call("path_readlink", 3, "insub/glink", buf, 64, out) == 0


def test_rename(guest: Guest, tree: Path) -> None:
    assert guest.path_call("path_rename", 3, "f", 3, "sub/moved") == 0
    assert (tree / "pre" / "sub" / "moved").read_bytes() == b"hello"
    assert guest.path_call("path_rename", 3, "f", 3, "x") == E("noent")
    assert guest.path_call("path_rename", 3, "sub/moved/", 3, "x") == E("notdir")


def test_rename_across_writable_preopens(tree: Path) -> None:
    from wasmlite.wasi import WasiConfig

    (tree / "other").mkdir()
    g = Guest(WasiConfig(preopens=[(str(tree / "pre"), "a"), (str(tree / "other"), "b")]))
    assert g.path_call("path_rename", 3, "f", 4, "f") == 0
    assert (tree / "other" / "f").read_bytes() == b"hello"


def test_symlink_and_unlink(guest: Guest, tree: Path) -> None:
    assert guest.path_call("path_symlink", "sub/g", 3, "ln") == 0
    assert os.readlink(tree / "pre" / "ln") == "sub/g"
    e, fd = guest.open("ln")
    assert guest.read_fd(fd, 10) == (0, b"inner")
    assert guest.path_call("path_symlink", "x", 3, "ln") == E("exist")
    assert guest.path_call("path_unlink_file", 3, "ln") == 0
    assert not os.path.lexists(tree / "pre" / "ln")
    assert guest.path_call("path_unlink_file", 3, "sub") == E("isdir")
    assert guest.path_call("path_unlink_file", 3, "f/") == E("notdir")
    assert guest.path_call("path_unlink_file", 3, "sub/g") == 0
    # Unlinking a symlink that points outside removes the link, never the target.
    assert guest.path_call("path_unlink_file", 3, "esc") == 0
    assert (tree / "out" / "secret").exists()


def test_path_calls_need_a_directory_fd(guest: Guest) -> None:
    e, fd = guest.open("f")
    assert guest.path_call("path_create_directory", fd, "x") == E("notdir")
    assert guest.open("x", dirfd=fd)[0] == E("notdir")
    assert guest.path_call("path_unlink_file", 42, "x") == E("badf")


def test_bad_utf8_path(guest: Guest) -> None:
    p, n = guest.data(b"\xff\xfe")
    assert guest.call("path_create_directory", 3, p, n) == E("ilseq")


def test_path_pointer_out_of_bounds(guest: Guest) -> None:
    assert guest.call("path_create_directory", 3, 2 * 65536 - 2, 10) == E("fault")
    assert guest.call("path_open", 3, 0, 0, 1, 0, 0, 0, 0, 2 * 65536) == E("fault")
