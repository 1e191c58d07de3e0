"""`wasmlite compile MODULE -o OUT.cwasm`: precompile once, load fast later with `run`."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from ..errors import WasmError
from .options import add_engine_argument


def add_arguments(name: str, p: argparse.ArgumentParser) -> None:
    p.add_argument("module", metavar="MODULE", help=".wasm or .wat file")
    p.add_argument(
        "-o", "--output", metavar="OUT", help="output file (default: MODULE with .cwasm)"
    )
    add_engine_argument(p)


def main(args: argparse.Namespace) -> int:
    from ..api import Config, Engine, Module
    from .options import engine_name

    output = args.output or os.path.splitext(args.module)[0] + ".cwasm"
    if os.path.abspath(output) == os.path.abspath(args.module):
        raise WasmError(
            f"refusing to overwrite the input module {args.module!r} with compiled code"
        )
    engine = Engine(Config(engine=engine_name(args)))
    # Ahead-of-time: the engine's best code, however long it takes (an engine without
    # tiers has no such mode).
    ahead = getattr(engine.runtime, "ahead_of_time", contextlib.nullcontext)
    with ahead():
        data = Module.from_file(engine, args.module).serialize()
    _write_atomically(output, data)
    print(f"{output}: {len(data)} bytes ({engine.name} engine)", file=sys.stderr)
    return 0


def _write_atomically(path: str, data: bytes) -> None:
    """Write through a temporary file so a failure never leaves half a file at `path`."""
    if path == "/dev/null":
        return
    from ..disk_cache import replace_file

    replace_file(path, data)
