"""`WasiConfig`: what a WASI program gets (arguments, environment, directories, stdio).

A builder in the style of wasmtime-py's, turned into a fresh `wasmlite.wasi.WasiContext` for
each store (`Store.set_wasi(config)` or `Linker.define_wasi(config)`), so one config can serve
many stores. Captured output is per store: `Store.wasi_stdout()` / `Store.wasi_stderr()`.
"""

from __future__ import annotations

import io
import os
import sys
from typing import Any, BinaryIO, TextIO

from ..wasi import Preopen, WasiContext
from ..wasi import WasiConfig as ContextConfig

_CAPTURE = "capture"


class _Capture(io.BytesIO):
    """A capture buffer that stays readable after the guest (or the store) closes it."""

    def close(self) -> None:
        pass


class WasiConfig:
    """Arguments, environment, preopened directories and stdio of a WASI program.

    By default the guest gets no arguments, an empty environment, no directories, empty
    stdin, and its output is discarded.
    """

    def __init__(self) -> None:
        self.argv: list[str] = []
        self.env: list[tuple[str, str]] = []
        self.preopens: list[Preopen] = []
        self.trace: TextIO | None = None
        self._stdin: Any = None  # None | "inherit" | bytes | ("file", path)
        self._stdout: Any = None  # None | "inherit" | "capture" | ("file", path) | BinaryIO
        self._stderr: Any = None

    # -- arguments and environment -------------------------------------------------------

    def inherit_argv(self) -> WasiConfig:
        """Give the guest this process's `sys.argv`."""
        self.argv = list(sys.argv)
        return self

    def set_env(self, env: dict[str, str] | list[tuple[str, str]]) -> WasiConfig:
        """Replace the environment with `env` (a dict or (name, value) pairs)."""
        self.env = list(env.items()) if isinstance(env, dict) else list(env)
        return self

    def inherit_env(self) -> WasiConfig:
        """Give the guest this process's environment."""
        self.env = list(os.environ.items())
        return self

    # -- directories ---------------------------------------------------------------------

    def preopen_dir(
        self, host_path: str, guest_path: str | None = None, read_only: bool = False
    ) -> WasiConfig:
        """Let the guest use the host directory `host_path`, under the name `guest_path`
        (default: the same path); `read_only` forbids every change below it."""
        if not os.path.isdir(host_path):
            raise FileNotFoundError(f"preopen_dir: no such directory: {host_path!r}")
        self.preopens.append(
            Preopen(host_path, guest_path if guest_path is not None else host_path, read_only)
        )
        return self

    # -- stdio -----------------------------------------------------------------------------

    def stdin_bytes(self, data: bytes) -> WasiConfig:
        """The guest reads `data` from stdin, then end of file."""
        self._stdin = bytes(data)
        return self

    def stdin_file(self, path: str) -> WasiConfig:
        """The guest reads the host file `path` as stdin."""
        self._stdin = ("file", os.fspath(path))
        return self

    def inherit_stdin(self) -> WasiConfig:
        """The guest reads this process's stdin."""
        self._stdin = "inherit"
        return self

    def inherit_stdout(self) -> WasiConfig:
        """The guest writes to this process's stdout."""
        self._stdout = "inherit"
        return self

    def inherit_stderr(self) -> WasiConfig:
        """The guest writes to this process's stderr."""
        self._stderr = "inherit"
        return self

    def stdout_file(self, path: str) -> WasiConfig:
        """The guest's stdout goes to the host file `path` (created or truncated)."""
        self._stdout = ("file", os.fspath(path))
        return self

    def stderr_file(self, path: str) -> WasiConfig:
        """The guest's stderr goes to the host file `path` (created or truncated)."""
        self._stderr = ("file", os.fspath(path))
        return self

    def stdout_capture(self) -> WasiConfig:
        """Keep the guest's stdout in memory; read it with `Store.wasi_stdout()`."""
        self._stdout = _CAPTURE
        return self

    def stderr_capture(self) -> WasiConfig:
        """Keep the guest's stderr in memory; read it with `Store.wasi_stderr()`."""
        self._stderr = _CAPTURE
        return self

    def stdout_stream(self, stream: BinaryIO) -> WasiConfig:
        """The guest's stdout goes to a Python binary stream (shared by every store)."""
        self._stdout = stream
        return self

    def stderr_stream(self, stream: BinaryIO) -> WasiConfig:
        """The guest's stderr goes to a Python binary stream (shared by every store)."""
        self._stderr = stream
        return self

    # -- making contexts -------------------------------------------------------------------

    def make_context(self, trace: TextIO | None = None) -> WasiContext:
        """A fresh WASI context for one program run (files opened, capture buffers made)."""
        config = ContextConfig(
            argv=list(self.argv),
            env=list(self.env.items()) if isinstance(self.env, dict) else list(self.env),
            preopens=list(self.preopens),
            stdin=_input(self._stdin),
            stdout=_output(self._stdout),
            stderr=_output(self._stderr),
        )
        return WasiContext(config, trace=trace if trace is not None else self.trace)

    @staticmethod
    def captured(context: WasiContext, stream: str) -> bytes:
        """The bytes captured on `stream` ("stdout" or "stderr") of `context`, or b""."""
        buf = getattr(context.config, stream)
        return buf.getvalue() if isinstance(buf, _Capture) else b""


def _input(choice: Any) -> Any:
    if isinstance(choice, tuple):
        return open(choice[1], "rb")  # noqa: SIM115 (the WASI context owns and closes it)
    return choice


def _output(choice: Any) -> Any:
    if choice == _CAPTURE:
        return _Capture()
    if isinstance(choice, tuple):
        return open(choice[1], "wb")  # noqa: SIM115 (the WASI context owns and closes it)
    return choice
