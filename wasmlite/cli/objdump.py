"""`wasmlite objdump`: headers (-h), details (-x), disassembly (-d) and raw section
contents (-s), as wabt's wasm-objdump."""

from __future__ import annotations

import argparse
import os
import sys

from ..frontend import WASM_MAGIC
from .tools import one_line_errors


def add_arguments(name: str, p: argparse.ArgumentParser) -> None:
    one_line_errors(p)
    # `-h` means headers here, as in wasm-objdump; help stays available as --help.
    for container in (p, p._optionals):
        container.conflict_handler = "resolve"
    p.add_argument("-h", "--headers", action="store_true", help="print section headers")
    p.add_argument("-x", "--details", action="store_true", help="print section details")
    p.add_argument("-d", "--disassemble", action="store_true", help="disassemble function bodies")
    p.add_argument(
        "-s", "--full-contents", action="store_true", help="hexdump of every section's contents"
    )
    p.add_argument(
        "-j", "--section", metavar="SECTION", help="only this section (e.g. Code, Data, name)"
    )
    p.add_argument(
        "modules",
        nargs="+",
        metavar="MODULE",
        help=".wasm file (a .wat file is assembled first, with its names)",
    )
    p.epilog = "With none of -h/-x/-d/-s, prints the section headers."


def _binary(path: str) -> bytes:
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(WASM_MAGIC):
        return data
    from ..tools.convert import wat_to_wasm

    return wat_to_wasm(data, debug_names=True, validate=False)


def main(args: argparse.Namespace) -> int:
    from ..tools.objdump import objdump

    show_headers = args.headers or not (args.details or args.disassemble or args.full_contents)
    for path in args.modules:
        text = objdump(
            _binary(path),
            os.path.basename(path),
            show_headers=show_headers,
            show_details=args.details,
            disassemble=args.disassemble,
            show_contents=args.full_contents,
            section=args.section,
        )
        sys.stdout.write(text)
    return 0
