"""The Wasm 2.0 spec testsuite, every script on every engine: no failures, no skips."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from wasmlite.runtime.threads import run_with_big_stack
from wasmlite.script.runner import run_script_file

SUITE = Path(__file__).resolve().parents[2].parent / "shared" / "spec-testsuite"
FILES = sorted(SUITE.glob("*.wast"))
# "python-compiled": the Python engine with its interpreter tier off, so that every function
# runs as generated code (the spec's functions are mostly called too few times to get hot).
ENGINES = ["python", "python-compiled", "llvm"]


def _engine_available(name: str) -> bool:
    return name != "llvm" or importlib.util.find_spec("llvmlite") is not None


@pytest.mark.skipif(not FILES, reason="../shared/spec-testsuite is not present")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_spec_script(engine: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not _engine_available(engine):
        pytest.skip(f"engine {engine} is not importable here")
    if engine == "python-compiled":
        from wasmlite.engines.python import interpreter

        monkeypatch.setattr(interpreter, "ENABLED", False)
        engine = "python"
    results = run_with_big_stack(lambda: run_script_file(str(path), engine))
    bad = [r for r in results if r.outcome != "passed"]
    detail = "\n".join(f"{r.file}:{r.line}: {r.kind} {r.outcome}: {r.message}" for r in bad[:20])
    assert not bad, f"{len(bad)} of {len(results)} commands did not pass:\n{detail}"
    assert results


@pytest.mark.skipif(not FILES, reason="../shared/spec-testsuite is not present")
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_front_end_only(path: Path) -> None:
    """Without an engine, every front-end command passes and the rest are skipped."""
    results = run_script_file(str(path), None)
    assert not [r for r in results if r.outcome == "failed"]
    assert all(
        r.outcome == "passed"
        for r in results
        if r.kind in ("assert_malformed", "assert_invalid", "module")
    )
