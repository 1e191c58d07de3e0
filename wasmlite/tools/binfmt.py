"""Linux binfmt_misc registration, so that `./prog.wasm args` runs through `wasmlite run`.

The kernel matches the 8-byte header (`\\0asm` + version 1) and runs the registered
interpreter as `INTERPRETER /path/to/prog.wasm args...`. The interpreter must be a real
executable, so `install` writes a small launcher script (default
/usr/local/bin/wasmlite-binfmt) that execs `python -m wasmlite.cli.main run`.

The launcher preopens no directory unless asked: `WASMLITE_DIRS=.` (a `:`-separated list of
host directories, each preopened under its own name) grants the guest access, e.g.
`WASMLITE_DIRS=. ./prog.wasm file.txt`. `WASMLITE_ENGINE=llvm|python` picks the engine.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from ..errors import WasmError

BINFMT_DIR = "/proc/sys/fs/binfmt_misc"
DEFAULT_NAME = "wasmlite"
DEFAULT_LAUNCHER = "/usr/local/bin/wasmlite-binfmt"
MAGIC = b"\x00asm\x01\x00\x00\x00"
MASK = b"\xff" * len(MAGIC)
LAUNCHER_MARK = "# wasmlite binfmt_misc launcher"


def _escape(raw: bytes) -> str:
    return "".join(f"\\x{b:02x}" for b in raw)


def registration(launcher: str, name: str = DEFAULT_NAME) -> str:
    """The line written to `register`: `:name:type:offset:magic:mask:interpreter:flags`.

    Type M matches magic bytes at offset 0; no flags: the kernel passes the program's path
    as the launcher's first argument and keeps the rest of argv.
    """
    if ":" in name or "/" in name or not name:
        raise WasmError(f"invalid binfmt name {name!r}")
    if ":" in launcher:
        raise WasmError(f"launcher path must not contain ':': {launcher!r}")
    return f":{name}:M::{_escape(MAGIC)}:{_escape(MASK)}:{launcher}:"


def launcher_script(python: str, package_root: str) -> str:
    """The launcher: a Python script, so argument lists pass through without shell quoting."""
    return f"""#!{python}
{LAUNCHER_MARK} (written by `wasmlite binfmt install`).
# Runs `wasmlite run PROG.wasm ARGS...`; WASMLITE_DIRS=dir[:dir...] preopens directories
# (none by default), WASMLITE_ENGINE selects the engine.
import os
import sys

sys.path.insert(0, {package_root!r})
from wasmlite.cli.main import main

argv = ["run"]
for d in filter(None, os.environ.get("WASMLITE_DIRS", "").split(":")):
    argv += ["--dir", d]
if os.environ.get("WASMLITE_ENGINE"):
    argv += ["--engine", os.environ["WASMLITE_ENGINE"]]
sys.exit(main(argv + sys.argv[1:]))
"""


@dataclass
class Status:
    available: bool  # binfmt_misc is mounted
    registered: bool
    enabled: bool = False
    details: str = ""  # the kernel's description of the entry

    def describe(self, name: str = DEFAULT_NAME) -> str:
        if not self.available:
            return f"binfmt_misc is not mounted at {BINFMT_DIR} (mount -t binfmt_misc binfmt_misc {BINFMT_DIR})"
        if not self.registered:
            return f"{name}: not registered"
        state = "enabled" if self.enabled else "disabled"
        return f"{name}: registered, {state}\n{self.details.rstrip()}"


def status(name: str = DEFAULT_NAME, binfmt_dir: str = BINFMT_DIR) -> Status:
    if not os.path.exists(os.path.join(binfmt_dir, "register")):
        return Status(False, False)
    entry = os.path.join(binfmt_dir, name)
    if not os.path.exists(entry):
        return Status(True, False)
    with open(entry, encoding="utf-8", errors="replace") as f:
        text = f.read()
    return Status(True, True, text.startswith("enabled"), text)


def _package_root() -> str:
    here = os.path.dirname(os.path.abspath(__file__))  # .../wasmlite/tools
    return os.path.dirname(os.path.dirname(here))


def write_launcher(path: str, python: str | None = None) -> None:
    if os.path.exists(path) and not is_our_launcher(path):
        raise WasmError(f"{path} exists and was not written by wasmlite; choose another --launcher")
    text = launcher_script(python or sys.executable, _package_root())
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o755)


def is_our_launcher(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return LAUNCHER_MARK in f.read(4096)
    except OSError:
        return False


def _require_writable(binfmt_dir: str) -> str:
    register = os.path.join(binfmt_dir, "register")
    if not os.path.exists(register):
        raise WasmError(Status(False, False).describe())
    if not os.access(register, os.W_OK):
        raise WasmError(f"{register} is not writable (run as root)")
    return register


def install(
    name: str = DEFAULT_NAME, launcher: str = DEFAULT_LAUNCHER, binfmt_dir: str = BINFMT_DIR
) -> str:
    """Write the launcher and register it; an existing registration is replaced."""
    line = registration(launcher, name)
    register = _require_writable(binfmt_dir)
    write_launcher(launcher)
    if status(name, binfmt_dir).registered:
        _unregister(name, binfmt_dir)
    with open(register, "w", encoding="utf-8") as f:
        f.write(line)
    return line


def _unregister(name: str, binfmt_dir: str) -> None:
    with open(os.path.join(binfmt_dir, name), "w", encoding="utf-8") as f:
        f.write("-1")


def uninstall(
    name: str = DEFAULT_NAME, launcher: str = DEFAULT_LAUNCHER, binfmt_dir: str = BINFMT_DIR
) -> bool:
    """Remove the registration and our launcher; False if nothing was registered."""
    was = status(name, binfmt_dir).registered
    if was:
        _require_writable(binfmt_dir)
        _unregister(name, binfmt_dir)
    if is_our_launcher(launcher):
        os.unlink(launcher)
    return was
