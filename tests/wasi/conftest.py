"""A guest stand-in: a MemoryInstance and a WasiContext, and helpers to call WASI directly."""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any

import pytest

from wasmlite.model import Limits, MemoryType, ValType
from wasmlite.runtime.memory import MemoryInstance
from wasmlite.wasi import ERRNO, WasiConfig, WasiContext
from wasmlite.wasi import rights as R
from wasmlite.wasi.witx import load_spec

SPEC = load_spec()
OFLAGS = SPEC.flags("oflags")
FDFLAGS = SPEC.flags("fdflags")
FOLLOW = SPEC.flags("lookupflags").bit("symlink_follow")
READ_RIGHTS = R.ALL & ~R.WRITE_DATA  # what wasi-libc asks for with O_RDONLY
ALL_RIGHTS = R.ALL


class Guest:
    def __init__(self, config: WasiConfig, trace: Any = None):
        self.ctx = WasiContext(config, trace=trace)
        self.mem = MemoryInstance(MemoryType(Limits(2)))
        self.ctx.bind(self.mem)
        self.funcs = self.ctx.imports()
        self.top = 0x1000

    def call(self, name: str, *args: int) -> int:
        func = self.funcs[name]
        masks = [0xFFFFFFFF if t == ValType.i32 else (1 << 64) - 1 for t in func.type.params]
        results = func.call([a & m for a, m in zip(args, masks)])
        return results[0] if results else None

    def alloc(self, n: int, align: int = 8) -> int:
        self.top = (self.top + align - 1) // align * align
        addr = self.top
        self.top += max(n, 1)
        return addr

    def data(self, data: bytes) -> tuple[int, int]:
        addr = self.alloc(len(data))
        self.mem.write(addr, data)
        return addr, len(data)

    def str(self, text: str) -> tuple[int, int]:
        return self.data(text.encode())

    def iovs(self, *bufs: tuple[int, int]) -> tuple[int, int]:
        addr = self.alloc(8 * len(bufs))
        for i, (p, n) in enumerate(bufs):
            self.mem.pack(struct.Struct("<II"), addr + 8 * i, p, n)
        return addr, len(bufs)

    def u32(self, addr: int) -> int:
        return self.mem.read_u32(addr)

    def u64(self, addr: int) -> int:
        return self.mem.read_u64(addr)

    def read(self, addr: int, n: int) -> bytes:
        return self.mem.read(addr, n)

    def open(
        self,
        path: str,
        oflags: int = 0,
        rights: int = READ_RIGHTS,
        dirfd: int = 3,
        follow: bool = True,
        fdflags: int = 0,
        inheriting: int = ALL_RIGHTS,
    ) -> tuple[int, int | None]:
        p, n = self.str(path)
        out = self.alloc(4)
        e = self.call(
            "path_open",
            dirfd,
            FOLLOW if follow else 0,
            p,
            n,
            oflags,
            rights,
            inheriting,
            fdflags,
            out,
        )
        return e, (self.u32(out) if e == 0 else None)

    def write(self, fd: int, data: bytes) -> tuple[int, int]:
        iov = self.iovs(self.data(data))
        out = self.alloc(4)
        e = self.call("fd_write", fd, *iov, out)
        return e, self.u32(out)

    def read_fd(self, fd: int, n: int) -> tuple[int, bytes]:
        buf = self.alloc(n)
        iov = self.iovs((buf, n))
        out = self.alloc(4)
        e = self.call("fd_read", fd, *iov, out)
        return e, (self.read(buf, self.u32(out)) if e == 0 else b"")

    def path_call(self, name: str, *args: Any) -> int:
        """Call a path_* function; str arguments become (ptr, len) pairs."""
        flat: list[int] = []
        for a in args:
            flat.extend(self.str(a) if isinstance(a, str) else (a,))
        return self.call(name, *flat)


def E(name: str) -> int:
    return ERRNO[name]


def snapshot(root: Path) -> dict[str, Any]:
    """Everything under root: file contents, symlink targets, directories."""
    tree: dict[str, Any] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if p.is_symlink():
                tree[rel] = ("link", os.readlink(p))
            elif p.is_dir():
                tree[rel] = ("dir",)
            else:
                tree[rel] = ("file", p.read_bytes(), p.stat().st_mtime_ns)
    return tree


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return build_tree(tmp_path)


def build_tree(tmp_path: Path) -> Path:
    """tmp/pre (the preopen: f, sub/g, links), tmp/out (outside: secret), tmp/ro (read-only)."""
    pre = tmp_path / "pre"
    (pre / "sub").mkdir(parents=True)
    (pre / "f").write_bytes(b"hello")
    (pre / "sub" / "g").write_bytes(b"inner")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "secret").write_bytes(b"secret")
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "r").write_bytes(b"readonly")
    os.symlink("../out/secret", pre / "esc")
    os.symlink(str(tmp_path / "out" / "secret"), pre / "abs")
    os.symlink("loop", pre / "loop")
    os.symlink("sub", pre / "insub")
    os.symlink("g", pre / "sub" / "glink")
    os.symlink("..", pre / "sub" / "up")
    os.symlink("../..", pre / "sub" / "upup")
    return tmp_path


@pytest.fixture
def guest(tree: Path) -> Guest:
    """fd 3 = tree/pre as "/pre" (writable), fd 4 = tree/ro as "/ro" (read-only)."""
    g = Guest(WasiConfig(preopens=[(str(tree / "pre"), "/pre"), (str(tree / "ro"), "/ro", True)]))
    yield g
    g.ctx.close()
