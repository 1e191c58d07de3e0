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


START_WRITES = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "host" "peek" (func $peek (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $seen (export "seen") (mut i32) (i32.const 0))
  (data (i32.const 8) "hi from start\\n")
  (func $start
    (i32.store (i32.const 0) (i32.const 8))
    (i32.store (i32.const 4) (i32.const 14))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 100)))
    (global.set $seen (call $peek (i32.const 8))))
  (start $start)
  (func (export "_start")))
"""


def test_start_function_may_call_wasi_and_callers(engine: Engine) -> None:
    """As in wasmtime, the instance's exports (its memory) are usable from the start
    function: WASI writes and Caller-taking host functions work there."""
    from wasmlite import FuncType, ValType

    store = Store(engine)
    store.set_wasi(WasiConfig().stdout_capture())
    linker = Linker(engine)
    linker.define_wasi()

    def peek(caller, address: int) -> int:
        return caller["memory"].read(caller, address, address + 1)[0]

    linker.define_func("host", "peek", FuncType([ValType.i32], [ValType.i32]), peek, True)
    instance = linker.instantiate(store, Module(engine, START_WRITES))
    assert store.wasi_stdout() == b"hi from start\n"
    assert instance.exports(store)["seen"].value(store) == ord("h")
