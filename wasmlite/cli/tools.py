"""Module tools: `validate`, `inspect`, `wat2wasm`, `wasm2wat`, `strip` (one module, several
subcommands: `add_arguments`/`main` dispatch on the subcommand name)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from typing import NoReturn

from ..errors import ModuleError, WasmError
from ..frontend import WASM_MAGIC


def one_line_errors(p: argparse.ArgumentParser) -> None:
    """Make flag errors (unknown, missing or bad arguments) one `error:` line and exit 1,
    like every other failure of the tools, instead of argparse's usage block and exit 2."""

    def error(message: str) -> NoReturn:
        print(f"error: {p.prog}: {message} (see --help)", file=sys.stderr)
        sys.exit(1)

    parse_known = p.parse_known_args

    def parse_known_args(args=None, namespace=None):  # type: ignore[no-untyped-def]
        ns, extras = parse_known(args, namespace)
        if extras:
            error(f"unrecognized arguments: {' '.join(extras)}")
        return ns, extras

    p.error = error  # type: ignore[method-assign]
    p.parse_known_args = parse_known_args  # type: ignore[method-assign]


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _read_binary(path: str) -> bytes:
    data = _read(path)
    if not data.startswith(WASM_MAGIC):
        raise WasmError(f"{path}: not a WebAssembly binary (magic header not detected)")
    return data


def write_file(path: str, data: bytes) -> None:
    """Write through a temporary file, so a failure never leaves a truncated output (and
    an output that is also the input is only replaced once the new bytes are complete)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".wasmlite-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# -- validate ---------------------------------------------------------------------------


def _add_validate(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-v", "--verbose", action="store_true", help="print `PATH: ok` for valid modules"
    )
    p.add_argument("modules", nargs="+", metavar="MODULE", help=".wasm or .wat file")


def _validate(args: argparse.Namespace) -> int:
    from ..frontend import read_module

    status = 0
    for path in args.modules:
        prefix = f"{path}: " if len(args.modules) > 1 else ""
        try:
            read_module(path)
        except (ModuleError, OSError) as e:
            reason = f"{e.strerror}: {e.filename}" if isinstance(e, OSError) else str(e)
            print(f"error: {prefix}{reason}", file=sys.stderr)
            status = 1
            continue
        if args.verbose:
            print(f"{path}: ok")
    return status


# -- inspect ----------------------------------------------------------------------------


def _add_inspect(p: argparse.ArgumentParser) -> None:
    p.add_argument("module", metavar="MODULE", help=".wasm or .wat file")


def _inspect(args: argparse.Namespace) -> int:
    from ..binary import decode_module
    from ..errors import ValidationError
    from ..tools.convert import wat_to_wasm
    from ..tools.inspect import inspect_module
    from ..tools.sections import scan_sections
    from ..validate import validate_module

    data = _read(args.module)
    if not data.startswith(WASM_MAGIC):  # a text module: summarize its binary form
        data = wat_to_wasm(data, debug_names=True)
    module = decode_module(data)
    try:
        validate_module(module)
        problem = None
    except ValidationError as e:  # still worth summarizing: say what is wrong with it
        problem = str(e)
    summary = inspect_module(module, scan_sections(data), len(data), args.module, problem)
    sys.stdout.write(summary)
    return 0


# -- wat2wasm / wasm2wat ----------------------------------------------------------------


def _add_wat2wasm(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", metavar="IN.wat", help="WebAssembly text module")
    p.add_argument(
        "-o", "--output", metavar="OUT.wasm", help="output file (default: IN with .wasm)"
    )
    p.add_argument(
        "--debug-names", action="store_true", help="write a `name` section, as wabt's wat2wasm"
    )
    p.add_argument("--no-check", action="store_true", help="do not validate the module")


def _default_output(path: str, suffix: str) -> str:
    out = os.path.splitext(path)[0] + suffix
    if os.path.abspath(out) == os.path.abspath(path):
        raise WasmError(f"{path}: give an output file with -o (the input is never overwritten)")
    return out


def _wat2wasm(args: argparse.Namespace) -> int:
    from ..tools.convert import wat_to_wasm

    source = _read(args.input)
    if source.startswith(WASM_MAGIC):
        raise WasmError(f"{args.input}: is a binary module already (use wasm2wat to print it)")
    data = wat_to_wasm(source, debug_names=args.debug_names, validate=not args.no_check)
    write_file(args.output or _default_output(args.input, ".wasm"), data)
    return 0


def _add_wasm2wat(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", metavar="IN.wasm", help="binary module")
    p.add_argument(
        "-o", "--output", metavar="OUT.wat", help="output file (default: standard output)"
    )
    p.add_argument("--no-check", action="store_true", help="do not validate the module")


def _wasm2wat(args: argparse.Namespace) -> int:
    from ..tools.convert import wasm_to_wat

    text = wasm_to_wat(_read_binary(args.input), validate=not args.no_check)
    if args.output:
        write_file(args.output, text.encode("utf-8"))
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


# -- strip ------------------------------------------------------------------------------


def _add_strip(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", metavar="MODULE", help="binary module")
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        required=True,
        help="output file (required: the input is only replaced if OUT names it)",
    )
    p.add_argument(
        "--keep-name", action="store_true", help="keep the `name` section (function names in traps)"
    )


def _strip(args: argparse.Namespace) -> int:
    from ..binary import decode_module
    from ..tools.strip import strip_custom

    data = _read_binary(args.input)
    decode_module(data)  # refuse malformed input rather than copy it
    result = strip_custom(data, frozenset({"name"}) if args.keep_name else frozenset())
    write_file(args.output, result.data)
    removed = ", ".join(f'"{n}"' for n in result.removed) or "none"
    print(
        f"{args.output}: removed {len(result.removed)} custom section(s) ({removed}); "
        f"{len(data)} -> {len(result.data)} bytes, saved {result.saved(len(data))}"
    )
    return 0


_COMMANDS = {
    "validate": (_add_validate, _validate),
    "inspect": (_add_inspect, _inspect),
    "wat2wasm": (_add_wat2wasm, _wat2wasm),
    "wasm2wat": (_add_wasm2wat, _wasm2wat),
    "strip": (_add_strip, _strip),
}


def add_arguments(name: str, p: argparse.ArgumentParser) -> None:
    one_line_errors(p)
    _COMMANDS[name][0](p)
    p.set_defaults(_tool=name)


def main(args: argparse.Namespace) -> int:
    return _COMMANDS[args._tool][1](args)
