"""Seed inputs for the fuzz tests: the modules of the spec testsuite, as binaries and as text.

Binary seeds are the encodings of every text module of the suite plus every
`(module binary ...)` it spells out (malformed ones included: they sit right at the edges
the decoder must reject). Text seeds are the source of every `(module ...)` s-expression,
cut out of the .wast files by paren matching, so that mutations start from realistic WAT.
"""

from __future__ import annotations

import functools
from pathlib import Path

from wasmlite.binary import encode_module
from wasmlite.errors import WasmError
from wasmlite.text import parse_script
from wasmlite.text.lexer import Lexer

SUITE = Path(__file__).resolve().parents[3] / "shared" / "spec-testsuite"

# A few hand-written seeds so the tests still exercise something without the suite.
FALLBACK_BINARY = [
    b"\x00asm\x01\x00\x00\x00",
    bytes.fromhex("0061736d01000000010401600000030201000a040102000b"),
]
FALLBACK_TEXT = [
    "(module)",
    '(module (func $f (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))',
    '(module (memory 1) (data (i32.const 0) "abc") (table 1 funcref) (elem (i32.const 0) 0)'
    " (func (block (loop (br_if 1 (i32.const 0)) (if (i32.const 1) (then nop) (else))))))",
]


def suite_files() -> list[Path]:
    return sorted(SUITE.glob("*.wast")) if SUITE.is_dir() else []


def _module_binaries(cmd: object) -> list[bytes]:
    out = []
    for c in (cmd, getattr(cmd, "module", None)):
        if type(c).__name__ != "ModuleCommand":
            continue
        if getattr(c, "binary", None) is not None:
            out.append(c.binary)
        elif getattr(c, "module", None) is not None:
            try:
                out.append(encode_module(c.module))
            except WasmError:
                pass
    return out


@functools.cache
def binary_seeds() -> tuple[bytes, ...]:
    seeds: dict[bytes, None] = dict.fromkeys(FALLBACK_BINARY)
    for path in suite_files():
        try:
            commands = parse_script(path.read_text(encoding="utf-8"), str(path))
        except WasmError:
            continue
        for cmd in commands:
            seeds.update(dict.fromkeys(_module_binaries(cmd)))
    return tuple(seeds)


def module_sources(source: str) -> list[str]:
    """The text of every `(module ...)` in a script that is written as WAT."""
    toks = Lexer(source).tokens()
    out = []
    for i, (kind, _, pos) in enumerate(toks):
        if kind != "(" or i + 1 >= len(toks) or toks[i + 1][1] != "module":
            continue
        after = toks[i + 2][1] if i + 2 < len(toks) else ""
        if after.startswith("$") and i + 3 < len(toks):
            after = toks[i + 3][1]
        if after in ("binary", "quote"):
            continue
        depth = 0
        for kind2, _, pos2 in toks[i:]:
            depth += kind2 == "("
            depth -= kind2 == ")"
            if depth == 0:
                out.append(source[pos : pos2 + 1])
                break
    return out


@functools.cache
def text_seeds() -> tuple[str, ...]:
    seeds: dict[str, None] = dict.fromkeys(FALLBACK_TEXT)
    for path in suite_files():
        try:
            seeds.update(dict.fromkeys(module_sources(path.read_text(encoding="utf-8"))))
        except WasmError:
            continue
    return tuple(seeds)
