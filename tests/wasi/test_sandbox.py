"""The escape table: every attempt to reach outside a preopen, or to write through a read-only
one, is refused with the errno wasmtime gives, and leaves the host files untouched."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from wasmlite.wasi import rights as R

from .conftest import ALL_RIGHTS, FDFLAGS, FOLLOW, OFLAGS, E, Guest, snapshot

CREAT, TRUNC, DIRECTORY = OFLAGS.bit("creat"), OFLAGS.bit("trunc"), OFLAGS.bit("directory")
FST_MTIM = 4  # fstflags::mtim


def _open(path: str, **kw: object) -> Callable[[Guest], int]:
    return lambda g: g.open(path, **kw)[0]


def _path(name: str, *args: object) -> Callable[[Guest], int]:
    return lambda g: g.path_call(name, *args)


ESCAPES: list[tuple[str, Callable[[Guest], int], str]] = [
    # dot-dot
    ("open ../", _open("../out/secret"), "perm"),
    ("open sub/../../", _open("sub/../../out/secret"), "perm"),
    ("open ..", _open(".."), "perm"),
    ("open ../pre/f (back in)", _open("../pre/f"), "perm"),
    ("creat ../", _open("../out/new", oflags=CREAT, rights=ALL_RIGHTS), "perm"),
    ("mkdir ../", _path("path_create_directory", 3, "../x"), "perm"),
    ("rmdir ../out", _path("path_remove_directory", 3, "../out"), "perm"),
    ("unlink ../", _path("path_unlink_file", 3, "../out/secret"), "perm"),
    ("stat ../", _path("path_filestat_get", 3, 0, "../out/secret", 0x100), "perm"),
    ("readlink ../", _path("path_readlink", 3, "../pre/esc", 0x100, 64, 0x200), "perm"),
    ("utimes ../", _path("path_filestat_set_times", 3, 0, "../out/secret", 0, 0, FST_MTIM), "perm"),
    # absolute paths
    ("open /etc/passwd", _open("/etc/passwd"), "perm"),
    ("open /pre/f", _open("/pre/f"), "perm"),
    ("mkdir /x", _path("path_create_directory", 3, "/x"), "perm"),
    ("symlink to /", _path("path_symlink", "/etc/passwd", 3, "pw"), "perm"),
    # symlinks out of the preopen
    ("open esc", _open("esc"), "perm"),
    ("open esc nofollow", _open("esc", follow=False), "loop"),
    ("open abs", _open("abs"), "perm"),
    ("creat+trunc through esc", _open("esc", oflags=CREAT | TRUNC, rights=ALL_RIGHTS), "perm"),
    ("open sub/upup/out", _open("sub/upup/out/secret"), "perm"),
    ("open insub/up/../out", _open("insub/up/../out/secret"), "perm"),
    ("stat follow esc", _path("path_filestat_get", 3, FOLLOW, "esc", 0x100), "perm"),
    (
        "utimes follow esc",
        _path("path_filestat_set_times", 3, FOLLOW, "esc", 0, 0, FST_MTIM),
        "perm",
    ),
    ("mkdir under esc dir", _path("path_create_directory", 3, "sub/upup/out/d"), "perm"),
    # symlink loops
    ("open loop", _open("loop"), "loop"),
    ("stat follow loop", _path("path_filestat_get", 3, FOLLOW, "loop", 0x100), "loop"),
    ("open through loop", _open("loop/x"), "loop"),
    # hard links and renames out of (or into) the preopen
    ("link ../ source", _path("path_link", 3, 0, "../out/secret", 3, "stolen"), "perm"),
    ("link ../ target", _path("path_link", 3, 0, "f", 3, "../out/planted"), "perm"),
    ("link follow esc", _path("path_link", 3, FOLLOW, "esc", 3, "stolen"), "inval"),
    ("rename ../ source", _path("path_rename", 3, "../out/secret", 3, "stolen"), "perm"),
    ("rename ../ target", _path("path_rename", 3, "f", 3, "../out/f"), "perm"),
    ("rename into read-only", _path("path_rename", 3, "f", 4, "f"), "perm"),
    ("rename out of read-only", _path("path_rename", 4, "r", 3, "r"), "perm"),
    ("link out of read-only", _path("path_link", 4, 0, "r", 3, "r"), "perm"),
    # forged descriptors
    ("read unopened fd", lambda g: g.read_fd(17, 4)[0], "badf"),
    ("write unopened fd", lambda g: g.write(1000, b"x")[0], "badf"),
    ("write to a directory fd", lambda g: g.write(3, b"x")[0], "badf"),
    ("negative fd", lambda g: g.call("fd_close", -1), "badf"),
    ("stdin as a directory", _open("f", dirfd=0), "badf"),
    ("path_open on a forged fd", _open("f", dirfd=77), "badf"),
    # writes through the read-only preopen
    ("ro: open for write", _open("r", dirfd=4, rights=ALL_RIGHTS), "perm"),
    ("ro: creat", _open("n", dirfd=4, oflags=CREAT), "perm"),
    ("ro: trunc", _open("r", dirfd=4, oflags=TRUNC), "perm"),
    ("ro: mkdir", _path("path_create_directory", 4, "d"), "perm"),
    ("ro: unlink", _path("path_unlink_file", 4, "r"), "perm"),
    ("ro: symlink", _path("path_symlink", "r", 4, "l"), "perm"),
    ("ro: utimes", _path("path_filestat_set_times", 4, 0, "r", 0, 0, FST_MTIM), "perm"),
    (
        "ro: set_rights escalation",
        lambda g: g.call("fd_fdstat_set_rights", 4, R.ALL, R.ALL),
        "notcapable",
    ),
]


@pytest.mark.parametrize("name, attempt, errno", ESCAPES, ids=[c[0] for c in ESCAPES])
def test_escape_is_refused(
    guest: Guest, tree: Path, name: str, attempt: Callable[[Guest], int], errno: str
) -> None:
    before = snapshot(tree)
    assert attempt(guest) == E(errno)
    assert snapshot(tree) == before


def _ro_file(guest: Guest) -> int:
    e, fd = guest.open("r", dirfd=4)
    assert e == 0
    return fd


def test_read_only_preopen_still_reads(guest: Guest) -> None:
    fd = _ro_file(guest)
    assert guest.read_fd(fd, 100) == (0, b"readonly")


def test_append_flag_under_read_only_preopen_grants_nothing(guest: Guest, tree: Path) -> None:
    e, fd = guest.open("r", dirfd=4, fdflags=FDFLAGS.bit("append"))  # as wasmtime: allowed
    assert e == 0
    assert guest.call("fd_fdstat_set_flags", fd, FDFLAGS.bit("append")) == 0
    assert guest.write(fd, b"x")[0] == E("badf")
    assert (tree / "ro" / "r").read_bytes() == b"readonly"


@pytest.mark.parametrize(
    "name, attempt, errno",
    [
        ("fd_write", lambda g, fd: g.write(fd, b"x")[0], "badf"),
        (
            "fd_pwrite",
            lambda g, fd: g.call("fd_pwrite", fd, *g.iovs(g.data(b"x")), 0, 0x100),
            "badf",
        ),
        ("fd_filestat_set_size", lambda g, fd: g.call("fd_filestat_set_size", fd, 0), "perm"),
        (
            "fd_filestat_set_times",
            lambda g, fd: g.call("fd_filestat_set_times", fd, 0, 0, FST_MTIM),
            "perm",
        ),
        ("fd_allocate", lambda g, fd: g.call("fd_allocate", fd, 0, 100), "perm"),
        (
            "set_rights + write",
            lambda g, fd: g.call("fd_fdstat_set_rights", fd, R.FILE, 0),
            "notcapable",
        ),
    ],
)
def test_read_only_file_refuses_writes(
    guest: Guest, tree: Path, name: str, attempt: Callable[[Guest, int], int], errno: str
) -> None:
    fd = _ro_file(guest)
    before = snapshot(tree)
    assert attempt(guest, fd) == E(errno)
    assert snapshot(tree) == before


def test_subdirectory_fd_is_its_own_root(guest: Guest, tree: Path) -> None:
    e, sub = guest.open("sub", DIRECTORY)
    assert e == 0
    assert guest.open("g", dirfd=sub)[0] == 0
    assert guest.open("../f", dirfd=sub)[0] == E("perm")
    assert guest.open("up/f", dirfd=sub)[0] == E("perm")  # symlink to .. of this fd


def test_symlink_created_by_guest_cannot_be_followed_out(guest: Guest, tree: Path) -> None:
    assert guest.path_call("path_symlink", "../out/secret", 3, "mine") == 0  # as wasmtime
    assert guest.open("mine")[0] == E("perm")
    assert guest.open("mine", oflags=CREAT | TRUNC, rights=ALL_RIGHTS)[0] == E("perm")
    assert (tree / "out" / "secret").read_bytes() == b"secret"


def test_hard_link_to_an_escaping_symlink_links_the_symlink(guest: Guest, tree: Path) -> None:
    assert guest.path_call("path_link", 3, 0, "esc", 3, "esc2") == 0
    assert os.readlink(tree / "pre" / "esc2") == "../out/secret"
    assert guest.open("esc2")[0] == E("perm")


def test_long_symlink_chain_is_a_loop(guest: Guest, tree: Path) -> None:
    for i in range(40):
        os.symlink(f"c{i + 1}", tree / "pre" / f"c{i}")
    (tree / "pre" / "c40").write_bytes(b"end")
    assert guest.open("c0")[0] == E("loop")
    assert guest.open("c20")[0] == 0


def test_symlink_swapped_for_a_directory_component(guest: Guest, tree: Path) -> None:
    # An intermediate component that is a symlink is expanded and re-checked, never followed
    # by the kernel: replacing "sub" with a link to the outside is caught on the next call.
    os.rename(tree / "pre" / "sub", tree / "pre" / "sub.old")
    os.symlink("../out", tree / "pre" / "sub")
    assert guest.open("sub/secret")[0] == E("perm")


def test_directories_opened_under_a_read_only_preopen_stay_read_only(
    guest: Guest, tree: Path
) -> None:
    (tree / "ro" / "d").mkdir()
    e, d = guest.open("d", DIRECTORY, dirfd=4)
    assert e == 0
    before = snapshot(tree)
    assert guest.path_call("path_create_directory", d, "x") == E("perm")
    assert guest.open("new", CREAT, ALL_RIGHTS, dirfd=d)[0] == E("perm")
    assert guest.path_call("path_rename", d, ".", 3, "stolen") == E("perm")
    assert snapshot(tree) == before
