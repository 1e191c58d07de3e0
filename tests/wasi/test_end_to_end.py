"""The WASI fixtures run through `wasmlite run` on every engine, compared with wasmtime's results.

Each case of tests/fixtures/wasi/expected.json (recorded with wasmtime-py) runs as a whole
process in a fresh directory; stdout, stderr, exit status and the files left behind must match.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wasi"
sys.path.insert(0, str(FIXTURES))
import wasi_cases  # noqa: E402

CASES = wasi_cases.load_cases()
ENGINES = ["python", "llvm"]


def run_case(case: dict, engine: str, root: Path) -> list[str]:
    wasi_cases.build_tree(root, case)
    cmd = [sys.executable, "-m", "wasmlite", "run", "--engine", engine]
    for env in case["env"]:
        cmd += ["--env", env if isinstance(env, str) else f"{env[0]}={env[1]}"]
    for host, guest in wasi_cases.preopens(root, case):
        cmd += ["--dir", f"{host}::{guest}"]
    cmd += [case["module"], *case["argv"][1:]]
    proc = subprocess.run(
        cmd,
        cwd=FIXTURES,
        input=case["stdin"].encode(),
        capture_output=True,
        timeout=300,
    )
    stdout = proc.stdout.decode(errors="replace")
    stderr = proc.stderr.decode(errors="replace")
    return wasi_cases.mismatches(case, proc.returncode, stdout, stderr, root)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fixture_matches_wasmtime(case: dict, engine: str, tmp_path: Path) -> None:
    if engine == "llvm" and importlib.util.find_spec("llvmlite") is None:
        pytest.skip("llvmlite is not importable here")
    problems = run_case(case, engine, tmp_path)
    assert not problems, "\n".join(problems)
