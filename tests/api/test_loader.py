"""`import wasmlite.loader`: wasm modules imported like Python ones."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import wasmlite.loader
from wasmlite import Func, LinkError, Memory


@pytest.fixture
def search_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [n for n in sys.modules if n.startswith("wl_")]:  # the test modules only
        del sys.modules[name]


def test_finder_is_installed_once() -> None:
    wasmlite.loader.install()
    assert sum(isinstance(f, wasmlite.loader.WasmFinder) for f in sys.meta_path) == 1


def test_import_wat_with_python_imports(search_dir: Path) -> None:
    (search_dir / "wl_helpers.py").write_text("def twice(x: int) -> int:\n    return 2 * x\n")
    (search_dir / "wl_calc.wat").write_text(
        """(module (import "wl_helpers" "twice" (func $t (param i32) (result i32)))
             (memory (export "mem") 1)
             (func (export "quad") (param i32) (result i32) (call $t (call $t (local.get 0)))))"""
    )
    import wl_calc  # type: ignore[import-not-found]

    assert wl_calc.quad(5) == 20
    assert isinstance(wl_calc.mem, Memory)
    assert isinstance(wl_calc.quad.__wasm_func__, Func)


def test_wasm_module_imports_another_wasm_module(search_dir: Path) -> None:
    (search_dir / "wl_base.wat").write_text(
        '(module (func (export "one") (result i32) (i32.const 1)))'
    )
    (search_dir / "wl_user.wat").write_text(
        """(module (import "wl_base" "one" (func $one (result i32)))
             (func (export "two") (result i32) (i32.add (call $one) (call $one))))"""
    )
    import wl_user  # type: ignore[import-not-found]

    assert wl_user.two() == 2


def test_binary_module(search_dir: Path) -> None:
    from wasmlite.binary import encode_module
    from wasmlite.frontend import load_module

    wat = '(module (func (export "seven") (result i64) (i64.const 7)))'
    (search_dir / "wl_bin.wasm").write_bytes(encode_module(load_module(wat)))
    import wl_bin  # type: ignore[import-not-found]

    assert wl_bin.seven() == 7


def test_missing_import_attribute(search_dir: Path) -> None:
    (search_dir / "wl_empty.py").write_text("")
    (search_dir / "wl_needs.wat").write_text('(module (import "wl_empty" "f" (func)))')
    with pytest.raises(LinkError, match="unknown import: `wl_empty::f`"):
        import wl_needs  # type: ignore[import-not-found]  # noqa: F401


def test_wasi_module_through_the_loader(tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess

    root = Path(__file__).resolve().parents[2]
    shutil.copy(root / "tests/fixtures/wasi/wat/hello_wasi.wat", tmp_path / "wl_hello.wat")
    script = (
        "import wasmlite.loader, wl_hello\n"
        "from wasmlite import ExitTrap\n"
        "try:\n    wl_hello._start()\nexcept ExitTrap as e:\n    print('exit', e.code)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), str(tmp_path)]))
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Hello WASI!\nexit 0\n"
