"""Every program in examples/ runs to completion on every available engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_examples_exist() -> None:
    names = {p.stem for p in EXAMPLES}
    assert {
        "host_functions",
        "memory_bytes",
        "wasi_capture",
        "fuel_limits",
        "loader_demo",
        "precompile",
    } <= names


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(example: Path, engine_name: str) -> None:
    env = dict(os.environ, WASMLITE_ENGINE=engine_name)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, str(example)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"ok ({engine_name} engine)" in proc.stdout
