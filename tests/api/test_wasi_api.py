"""WasiConfig through the API: arguments, environment, stdin, captured output, directories."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasmlite import Engine, ExitTrap, Linker, Module, Store, WasiConfig

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wasi"


def run(engine: Engine, wasi: WasiConfig, module_file: str) -> tuple[Store, int]:
    store = Store(engine)
    store.set_wasi(wasi)
    linker = Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, Module.from_file(engine, FIXTURES / module_file))
    try:
        instance.exports(store)["_start"](store)
        return store, 0
    except ExitTrap as e:
        return store, e.code


def test_captured_stdout(engine: Engine) -> None:
    store, status = run(engine, WasiConfig().stdout_capture(), "wat/hello_wasi.wat")
    assert status == 0
    assert store.wasi_stdout() == b"Hello WASI!\n"
    assert store.wasi_stderr() == b""


def test_each_store_has_its_own_capture(engine: Engine) -> None:
    config = WasiConfig().stdout_capture()
    a, _ = run(engine, config, "wat/hello_wasi.wat")
    b, _ = run(engine, config, "wat/hello_wasi.wat")
    assert a.wasi_stdout() == b.wasi_stdout() == b"Hello WASI!\n"


def test_args_and_env(engine: Engine) -> None:
    wasi = WasiConfig().set_env({"A": "1", "B": "x=y"}).stdout_capture()
    wasi.argv = ["prog", "one", "two"]
    store, _ = run(engine, wasi, "wat/args_get.wat")
    assert store.wasi_stdout() == b"prog\none\ntwo\n"
    store, _ = run(engine, wasi, "wat/environ_get.wat")
    assert store.wasi_stdout() == b"A=1\nB=x=y\n"


def test_stdin_bytes_and_exit_code(engine: Engine) -> None:
    wasi = WasiConfig().stdin_bytes(b"abc def\n").stdout_capture()
    store, status = run(engine, wasi, "upper.wasm")
    assert (status, store.wasi_stdout()) == (0, b"ABC DEF\n")


def test_output_to_files(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_bytes(b"xyz")
    wasi = WasiConfig().stdin_file(str(tmp_path / "in.txt")).stdout_file(str(tmp_path / "out.txt"))
    store, _ = run(engine, wasi, "upper.wasm")
    store.close()
    assert (tmp_path / "out.txt").read_bytes() == b"XYZ"


def test_preopen_dir(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    wasi = WasiConfig().preopen_dir(str(tmp_path), ".").stdout_capture()
    wasi.argv = ["copy", "a.txt", "b.txt"]
    _, status = run(engine, wasi, "copy.wasm")
    assert status == 0 and (tmp_path / "b.txt").read_text() == "hello"


def test_preopen_read_only(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    wasi = WasiConfig().preopen_dir(str(tmp_path), ".", read_only=True).stderr_capture()
    wasi.argv = ["copy", "a.txt", "b.txt"]
    store, status = run(engine, wasi, "copy.wasm")
    assert status == 1 and not (tmp_path / "b.txt").exists()


def test_preopen_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        WasiConfig().preopen_dir(str(tmp_path / "nope"))


def test_exit_code(engine: Engine) -> None:
    wasi = WasiConfig()
    wasi.argv = ["exitcode", "42"]
    _, status = run(engine, wasi, "exitcode.wasm")
    assert status == 42
