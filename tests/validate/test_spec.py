"""The spec testsuite's validation commands: every `assert_invalid` module must be rejected
with the expected message, every module the script defines must be accepted."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from wasmlite.errors import ModuleError, ParseError, ValidationError
from wasmlite.model import Module
from wasmlite.validate import validate_module

SUITE = Path(__file__).resolve().parents[3] / "shared" / "spec-testsuite"
SCRIPTS = sorted(SUITE.glob("*.wast"))
# Commands whose module must be valid (it is then linked, run or instantiated).
VALID_KINDS = {"ModuleCommand", "AssertUnlinkable", "AssertUninstantiable"}


def _optional(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _build(cmd: Any) -> Module:
    """The module of a module command, from whichever form the script gave."""
    if getattr(cmd, "module", None) is not None:
        return cmd.module
    if getattr(cmd, "binary", None) is not None:
        decode_module = _optional("wasmlite.binary", "decode_module")
        if decode_module is None:
            pytest.skip("wasmlite.binary.decode_module not available yet")
        return decode_module(cmd.binary)
    return _optional("wasmlite.text", "parse_module")(cmd.quote or "")


def _check(cmd: Any) -> str | None:
    """None if the command's outcome is right, else a description of what went wrong."""
    kind = type(cmd).__name__
    try:
        module = _build(cmd if kind == "ModuleCommand" else cmd.module)
    except ModuleError as e:
        return f"module did not build: {type(e).__name__}: {e}"
    if kind == "AssertInvalid":
        try:
            validate_module(module)
        except ValidationError as e:
            return None if cmd.message in e.message else f"got {e.message!r}"
        return "module was accepted"
    try:
        validate_module(module)
    except ValidationError as e:
        return f"valid module rejected: {e}"
    return None


@pytest.mark.skipif(not SCRIPTS, reason="spec testsuite not found at ../shared/spec-testsuite")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_spec_script(script: Path) -> None:
    parse_script = _optional("wasmlite.text", "parse_script")
    if parse_script is None:
        pytest.skip("wasmlite.text.parse_script not available yet (text parser not landed)")
    try:
        commands = parse_script(script.read_text(encoding="utf-8"), str(script))
    except ParseError as e:
        pytest.skip(f"script does not parse (a text-parser problem, not validation): {e}")
    failures = []
    for cmd in commands:
        kind = type(cmd).__name__
        if kind == "AssertInvalid" or kind in VALID_KINDS:
            problem = _check(cmd)
            if problem is not None:
                failures.append(f"line {cmd.line}: {kind} {getattr(cmd, 'message', '')}: {problem}")
    assert not failures, "\n".join(failures)
