"""The text modules of the spec testsuite, keyed `file.wast:line` as in `wabt_hashes.json`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from wasmlite.model import Module
from wasmlite.text import parse_script

SUITE = Path(__file__).resolve().parents[3] / "shared" / "spec-testsuite"
HASHES = Path(__file__).resolve().parent / "fixtures" / "wabt_hashes.json"


def _module_commands(commands: list) -> Iterator:
    for c in commands:
        for cmd in (c, getattr(c, "module", None), getattr(c, "action_or_module", None)):
            if type(cmd).__name__ == "ModuleCommand" and cmd.module is not None:
                yield cmd
                break


@cache
def spec_modules() -> dict[str, Module]:
    """Every text module the scripts define (a fresh parse: callers must not mutate)."""
    out: dict[str, Module] = {}
    for path in sorted(SUITE.glob("*.wast")):
        for cmd in _module_commands(parse_script(path.read_text(encoding="utf-8"), path.name)):
            out[f"{path.name}:{cmd.line}"] = cmd.module
    return out


@cache
def wabt_hashes() -> tuple[int, dict[str, list[str]]]:
    doc = json.loads(HASHES.read_text(encoding="utf-8"))
    return doc["digits"], doc["modules"]
