"""Options shared by several subcommands, declared once."""

from __future__ import annotations

import argparse
import sys

ENGINES = ("llvm", "python")


def add_engine_argument(p: argparse.ArgumentParser, *, allow_none: bool = False) -> None:
    choices = ENGINES + (("none",) if allow_none else ())
    p.add_argument(
        "--engine",
        choices=choices,
        default=None,
        help="execution engine: llvm (native code, the default), python (pure Python)"
        + (", none (front-end checks only)" if allow_none else ""),
    )


def engine_name(args: argparse.Namespace) -> str | None:
    """The engine the user asked for, or the default one; None for `--engine none`."""
    if args.engine == "none":
        return None
    if args.engine:
        return args.engine
    from ..engines import default_engine_name

    name = default_engine_name()
    if name != "llvm":
        print(
            "wasmlite: the LLVM engine is unavailable (llvmlite does not import); "
            "using the pure-Python engine",
            file=sys.stderr,
        )
    return name
