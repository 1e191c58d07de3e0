"""`wasmlite` command line: dispatches to one module per subcommand.

Every subcommand turns wasmlite's own errors into one line on stderr and exit status 1;
a Python traceback only ever means a bug in wasmlite.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module under wasmlite.cli, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("run", "run a WebAssembly module (WASI command or --invoke an export)"),
    "wast": ("wast", "run WebAssembly spec test scripts (.wast)"),
    "compile": ("compile", "precompile a module to native code (.cwasm)"),
    "validate": ("tools", "validate modules"),
    "inspect": ("tools", "summarize a module: imports, exports, limits, section sizes"),
    "objdump": ("objdump", "print section headers, details and disassembly"),
    "wat2wasm": ("tools", "assemble WebAssembly text to binary"),
    "wasm2wat": ("tools", "disassemble a binary module to text"),
    "strip": ("tools", "remove custom sections"),
    "binfmt": ("binfmt", "register wasmlite to run .wasm files directly (Linux binfmt_misc)"),
}


def _build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand, or with `only` that one: a command line that names
    its subcommand never pays for importing and declaring the others (`run` is on every
    benchmark's start-up path)."""
    parser = argparse.ArgumentParser(
        prog="wasmlite", description="A WebAssembly + WASI runtime in Python."
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (modname, help_text) in SUBCOMMANDS.items():
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(f"wasmlite.cli.{modname}")
        except ImportError:
            continue  # a subcommand whose module is not there yet
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(name, p)
        p.set_defaults(_handler=module.main)
    return parser


def _subcommand(args: list[str]) -> str | None:
    """The subcommand a command line names, when it surely names one (None: build them all,
    for `--help`, a usage error or no command at all)."""
    for arg in args:
        if arg.startswith("-"):
            if arg in ("-h", "--help"):
                return None
            continue
        return arg if arg in SUBCOMMANDS else None
    return None


def _looks_like_module(arg: str) -> bool:
    return arg.endswith((".wasm", ".wat", ".cwasm"))


def main(argv: list[str] | None = None) -> int:
    from ..errors import ExitTrap, WasmError

    args_list = list(sys.argv[1:] if argv is None else argv)
    # `wasmlite prog.wasm ...` is `wasmlite run prog.wasm ...`, as with wasmtime.
    if args_list and args_list[0] not in SUBCOMMANDS and _looks_like_module(args_list[0]):
        args_list.insert(0, "run")
    parser = _build_parser(_subcommand(args_list))
    args = parser.parse_args(args_list)
    if args.version:
        from .. import __version__

        print(f"wasmlite {__version__}")
        return 0
    if not getattr(args, "_handler", None):
        parser.print_help()
        return 2
    try:
        return int(args._handler(args) or 0)
    except ExitTrap as e:
        return e.code
    except WasmError as e:
        print(f"error: {_one_line(str(e))}", file=sys.stderr)
        return 1
    except OSError as e:
        print(
            f"error: {e.strerror or e}: {e.filename}" if e.filename else f"error: {e}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130


def _one_line(message: str) -> str:
    first, _, rest = message.partition("\n")
    return first if not rest else f"{first} ({rest.count(chr(10)) + 1} more lines)"


if __name__ == "__main__":
    sys.exit(main())
