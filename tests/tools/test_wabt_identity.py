"""`wat2wasm` output is byte-identical to wabt's on the spec testsuite's modules, and
`wasm2wat` output assembles back to the same bytes.

The expected hashes come from wabt 1.0.32 (`fixtures/make_wabt_hashes.py`); wabt is not
needed here. Modules wabt rejects are not in the fixture.
"""

from __future__ import annotations

import hashlib

import pytest

from wasmlite.text import parse_module
from wasmlite.tools.convert import assemble_module, wasm_to_wat

from .spec_modules import SUITE, spec_modules, wabt_hashes

pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason=f"spec testsuite not found at {SUITE}")


def _digest(data: bytes, digits: int) -> str:
    return hashlib.sha256(data).hexdigest()[:digits]


def _mismatches(debug_names: bool) -> list[str]:
    digits, expected = wabt_hashes()
    modules = spec_modules()
    column = 1 if debug_names else 0
    bad = []
    for key, hashes in expected.items():
        module = modules.get(key)
        if (
            module is None
            or _digest(assemble_module(module, debug_names=debug_names), digits) != hashes[column]
        ):
            bad.append(key)
    return bad


def test_fixture_covers_the_suite() -> None:
    _, expected = wabt_hashes()
    assert len(expected) > 1500
    missing = sorted(set(expected) - set(spec_modules()))
    assert not missing, f"{len(missing)} fixture modules not found in the scripts: {missing[:10]}"


def test_wat2wasm_matches_wabt() -> None:
    bad = _mismatches(debug_names=False)
    assert not bad, f"{len(bad)} of {len(wabt_hashes()[1])} modules differ from wabt: {bad[:20]}"


def test_wat2wasm_debug_names_matches_wabt() -> None:
    bad = _mismatches(debug_names=True)
    assert not bad, f"{len(bad)} of {len(wabt_hashes()[1])} modules differ from wabt: {bad[:20]}"


def test_wasm2wat_reassembles_to_the_same_bytes() -> None:
    _, expected = wabt_hashes()
    modules = spec_modules()
    bad = []
    for key in expected:
        data = assemble_module(modules[key])
        text = wasm_to_wat(data, validate=False)
        try:
            again = assemble_module(parse_module(text))
        except Exception as e:  # noqa: BLE001 - report every failing module at once
            bad.append(f"{key}: {type(e).__name__}: {e}")
            continue
        if again != data:
            bad.append(key)
    assert not bad, f"{len(bad)} modules do not round-trip: {bad[:20]}"
