"""The spec testsuite's text: every script parses, every quoted malformed module raises the
expected `ParseError`, and every text module survives a print/parse round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasmlite.errors import ParseError
from wasmlite.model import Module
from wasmlite.text import parse_module, parse_script, print_module
from wasmlite.text.script import AssertMalformed, Command, ModuleCommand

SUITE = Path(__file__).resolve().parents[3] / "shared" / "spec-testsuite"
SCRIPTS = sorted(SUITE.glob("*.wast"))


def _modules(cmds: list[Command]) -> list[ModuleCommand]:
    out = []
    for c in cmds:
        mod = c if isinstance(c, ModuleCommand) else getattr(c, "module", None)
        mod = mod or getattr(c, "action_or_module", None)
        if isinstance(mod, ModuleCommand) and not isinstance(c, AssertMalformed):
            out.append(mod)
    return out


@pytest.mark.skipif(not SCRIPTS, reason="spec testsuite not found")
@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_script(path: Path) -> None:
    cmds = parse_script(path.read_text(encoding="utf-8"), str(path))
    for c in cmds:
        if isinstance(c, AssertMalformed) and c.module.quote is not None:
            with pytest.raises(ParseError) as info:
                parse_module(c.module.quote)
            assert c.message in info.value.message, f"line {c.line}"
    for mc in _modules(cmds):
        module: Module | None = mc.module
        if module is None and mc.quote is not None:
            module = parse_module(mc.quote)
        if module is not None:
            assert parse_module(print_module(module)) == module, f"line {mc.line}"
