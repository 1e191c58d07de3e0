"""`wasmlite binfmt install|uninstall|status`: run `.wasm` files directly on Linux.

After `install` (as root), `./prog.wasm args` runs `wasmlite run prog.wasm args`. The guest
gets no directory unless `WASMLITE_DIRS` lists some (`WASMLITE_DIRS=. ./prog.wasm`).
"""

from __future__ import annotations

import argparse

from ..tools import binfmt
from .tools import one_line_errors


def add_arguments(name: str, p: argparse.ArgumentParser) -> None:
    one_line_errors(p)
    p.add_argument("action", choices=("install", "uninstall", "status"))
    p.add_argument(
        "--name", default=binfmt.DEFAULT_NAME, help="binfmt_misc entry name (default: %(default)s)"
    )
    p.add_argument(
        "--launcher",
        default=binfmt.DEFAULT_LAUNCHER,
        help="launcher script to write and register (default: %(default)s)",
    )
    p.epilog = (
        "The launcher preopens the directories listed in WASMLITE_DIRS (':'-separated, "
        "e.g. WASMLITE_DIRS=.), none by default; WASMLITE_ENGINE selects the engine."
    )


def main(args: argparse.Namespace) -> int:
    if args.action == "install":
        line = binfmt.install(args.name, args.launcher)
        print(f"registered {args.name}: {line}")
        print(f"launcher: {args.launcher} (set WASMLITE_DIRS=. to preopen the current directory)")
        return 0
    if args.action == "uninstall":
        if binfmt.uninstall(args.name, args.launcher):
            print(f"unregistered {args.name}")
        else:
            print(f"{args.name}: was not registered")
        return 0
    st = binfmt.status(args.name)
    print(st.describe(args.name))
    return 0 if st.registered else 1
