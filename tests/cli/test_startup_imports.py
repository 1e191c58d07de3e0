"""What `wasmlite run` imports: a guard on start-up cost, which every benchmark process pays.

Each run happens in a fresh interpreter that lists the modules the command imported (those
already loaded at interpreter start-up, e.g. by site hooks, do not count). The modules named
here were made lazy on purpose; a test fails when one of them comes back on the run path.
No timings are asserted.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HELLO = REPO / "tests" / "fixtures" / "wasi" / "hello.wasm"

# Prints the modules a `wasmlite ARGS...` command imported, as JSON, on stderr's last line.
PROBE = """
import json, runpy, sys
before = set(sys.modules)
sys.argv = ["wasmlite", *sys.argv[1:]]
try:
    runpy.run_module("wasmlite", run_name="__main__")
except SystemExit:
    pass
sys.stdout.flush()
print(json.dumps(sorted(set(sys.modules) - before)), file=sys.stderr)
"""

# Never needed to run a module, whatever the engine.
NEVER_ON_RUN_PATH = {
    "wasmlite.wasi.witx_text",  # the witx parser: only generate.py needs it
    "wasmlite.wasi.generate",
    "wasmlite.cli.tools",  # other subcommands: only `run`'s parser is built
    "wasmlite.cli.wast",
    "wasmlite.cli.compile",
    "wasmlite.cli.objdump",
    "wasmlite.cli.binfmt",
    "wasmlite.tools",
    "wasmlite.text",  # a .wasm file needs no WAT parser
    "re",
    "socket",  # imported by the sock_* calls that use it
    "decimal",  # --invoke's float formatting only
    "tempfile",  # cache writes only
    "pathlib",
    "zipfile",
}

# Also kept off a warm run of the LLVM engine (its code comes from the cache).
NEVER_ON_WARM_LLVM_RUN = {
    "llvmlite",
    "wasmlite.engines.llvm.jit",
    "wasmlite.engines.llvm.lower",
    "hashlib",  # loads OpenSSL; cache keys use _blake2 directly
    "_hashlib",
    "dataclasses",  # see wasmlite/records.py
    "inspect",
}


def _imported(args: list[str], cache: Path) -> set[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), WASMLITE_CACHE_DIR=str(cache), WASMLITE_CACHE="1")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Hello, world!\n"
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def _offenders(imported: set[str], banned: set[str]) -> list[str]:
    return sorted(
        m
        for m in imported
        if m in banned or m.split(".")[0] in banned or any(m.startswith(b + ".") for b in banned)
    )


def test_python_engine_run_imports_only_what_it_needs(tmp_path: Path) -> None:
    imported = _imported(["run", "--engine", "python", str(HELLO)], tmp_path)
    assert "wasmlite.engines.python" in imported
    assert _offenders(imported, NEVER_ON_RUN_PATH) == []
    assert "llvmlite" not in imported
    assert "wasmlite.binary.encode" not in imported  # a small module is not cached: no key


@pytest.mark.skipif(importlib.util.find_spec("llvmlite") is None, reason="needs llvmlite")
def test_warm_llvm_run_imports_only_what_it_needs(tmp_path: Path) -> None:
    _imported([str(HELLO)], tmp_path)  # compiles and fills the cache (default engine: llvm)
    imported = _imported(["run", "--engine", "llvm", str(HELLO)], tmp_path)
    assert "wasmlite.engines.llvm.engine" in imported
    assert _offenders(imported, NEVER_ON_RUN_PATH | NEVER_ON_WARM_LLVM_RUN) == []


def test_help_still_lists_every_subcommand() -> None:
    from wasmlite.cli.main import SUBCOMMANDS

    proc = subprocess.run(
        [sys.executable, "-m", "wasmlite", "--help"],
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    for name in SUBCOMMANDS:
        assert name in proc.stdout
