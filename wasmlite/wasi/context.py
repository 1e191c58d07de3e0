"""WasiContext: the state of one WASI program and its `wasi_snapshot_preview1` imports.

Each WASI function is a method of the same name (in calls_*.py) that takes one Python value
per witx parameter (strings decoded, lists loaded) and returns the witx `ok` value (a tuple
for records and tuples), raising WasiError to fail. adapter.py turns each method into a
core-wasm host function from the witx signature alone.
"""

from __future__ import annotations

import io
from typing import Any, TextIO

from ..errors import WasmError
from ..runtime.memory import MemoryInstance
from ..runtime.objects import HostFunc
from .adapter import host_func
from .calls_fd import FdCalls
from .calls_misc import MiscCalls
from .calls_path import PathCalls
from .calls_sock import SockCalls
from .config import Stdio, WasiConfig
from .fdtable import FdEntry, FdTable, host_stdio_entry, preopen_entry, socket_entry, stream_entry
from .witx import Spec, load_spec

MODULE = "wasi_snapshot_preview1"


class WasiContext(FdCalls, PathCalls, MiscCalls, SockCalls):
    """One WASI program's world: its fd table, args, environment and clocks.

    `trace`: a text stream that receives one line per WASI call (None: no tracing).
    """

    def __init__(self, config: WasiConfig | None = None, trace: TextIO | None = None):
        self.config = config or WasiConfig()
        self.spec: Spec = load_spec()
        self.trace = trace
        self._memory: MemoryInstance | None = None
        self.fds = FdTable()
        self.args = [a.encode() + b"\0" for a in self.config.argv]
        self.environ = [f"{k}={v}".encode() + b"\0" for k, v in self.config.env_pairs()]
        self._open_stdio()
        for p in self.config.preopen_list():
            try:
                entry = preopen_entry(p.host_path, p.guest_path, p.read_only)
            except OSError as exc:
                self.fds.close_all()
                raise WasmError(
                    f"cannot preopen directory {p.host_path!r}: {exc.strerror}"
                ) from None
            self.fds.add(entry)
        for sock in self.config.sockets:
            self.fds.add(socket_entry(sock))
        self._host_funcs: dict[str, HostFunc] = {}  # made when first asked for

    def _open_stdio(self) -> None:
        for n, (choice, is_input) in enumerate(
            [(self.config.stdin, True), (self.config.stdout, False), (self.config.stderr, False)]
        ):
            try:
                self.fds.entries[n] = _stdio_entry(choice, n, is_input)
            except OSError as exc:
                self.fds.close_all()
                name = ("stdin", "stdout", "stderr")[n]
                raise WasmError(f"cannot use {choice!r} as {name}: {exc.strerror}") from None

    # -- embedding ----------------------------------------------------------------------------

    def bind(self, memory: MemoryInstance | None) -> None:
        """Give the context the instance's exported "memory" (call after instantiation)."""
        if not isinstance(memory, MemoryInstance):
            raise WasmError("module does not export a memory named 'memory' (required by WASI)")
        self._memory = memory

    @property
    def memory(self) -> MemoryInstance:
        if self._memory is None:
            raise WasmError("WASI call before bind(): no memory to work on")
        return self._memory

    def imports(self) -> dict[str, HostFunc]:
        """Function name -> host function, for every function of wasi_snapshot_preview1."""
        return {name: self.import_func(name) for name in self.spec.functions}  # type: ignore[misc]

    def import_func(self, name: str) -> HostFunc | None:
        """The host function for the wasi_snapshot_preview1 function `name`, None if there
        is no such function. (Made on first use: a module imports a handful of the 46.)"""
        func = self._host_funcs.get(name)
        if func is None:
            f = self.spec.functions.get(name)
            if f is None:
                return None
            func = self._host_funcs[name] = host_func(self, f)
        return func

    def close(self) -> None:
        """Close every host descriptor the guest still holds."""
        self.fds.close_all()

    # -- helpers shared by the calls ----------------------------------------------------------

    def entry(self, fd: int, needed: int = 0) -> FdEntry:
        entry = self.fds.get(fd)
        entry.require(needed)
        return entry


def _stdio_entry(choice: Stdio, n: int, is_input: bool) -> FdEntry:
    if choice is None:
        return stream_entry(io.BytesIO() if is_input else _Discard(), is_input)
    if choice == "inherit":
        return host_stdio_entry(n, is_input)
    if isinstance(choice, int):
        return host_stdio_entry(choice, is_input)
    if isinstance(choice, (bytes, bytearray)):
        if not is_input:
            raise WasmError("stdout/stderr cannot be bytes (use io.BytesIO to capture output)")
        return stream_entry(io.BytesIO(bytes(choice)), True)
    if isinstance(choice, io.TextIOBase):
        # A text stream such as sys.stdout: WASI moves bytes, so use its binary buffer.
        buffer = getattr(choice, "buffer", None)
        if buffer is None:
            raise WasmError(f"{choice!r} is a text stream without a binary buffer")
        return stream_entry(buffer, is_input)
    return stream_entry(choice, is_input)


class _Discard(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        return len(b)
