"""`run_command` (what `wasmlite run` does): the WASI fixtures against wasmtime's recorded
results (tests/fixtures/wasi/expected.json), --invoke, limits, errors, timing."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wasmlite import Interrupted, LinkError, Trap, WasmError
from wasmlite.api.command import format_value, run_command
from wasmlite.model import ValType

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wasi"
sys.path.insert(0, str(FIXTURES))
import wasi_cases  # noqa: E402

CASES = wasi_cases.load_cases()


@contextlib.contextmanager
def stdin_from(data: bytes, tmp: Path) -> Iterator[None]:
    """Point fd 0 at `data` for the duration (the guest inherits the process's stdin)."""
    path = tmp / "stdin"
    path.write_bytes(data)
    saved = os.dup(0)
    fd = os.open(path, os.O_RDONLY)
    os.dup2(fd, 0)
    os.close(fd)
    try:
        yield
    finally:
        os.dup2(saved, 0)
        os.close(saved)


def cli_status(run: object) -> tuple[int, str]:
    """Exit status and report, as `wasmlite run` turns run_command's outcome into them."""
    try:
        return run(), ""  # type: ignore[operator]
    except Trap as e:
        return wasi_cases.TRAP_EXIT_CODE, f"error: wasm trap: {e}\n"
    except WasmError as e:
        return wasi_cases.ERROR_EXIT_CODE, f"error: {e}\n"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fixture_matches_wasmtime(
    case: dict, engine_name: str, tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    wasi_cases.build_tree(root, case)
    monkeypatch.chdir(root)
    preopens = [(host, guest, False) for host, guest in wasi_cases.preopens(root, case)]
    capfd.readouterr()
    with stdin_from(case["stdin"].encode(), tmp_path):
        status, report = cli_status(
            lambda: run_command(
                str(wasi_cases.module_path(case)),
                case["argv"][1:],
                engine=engine_name,
                env=dict(case["env"]),
                preopens=preopens,
            )
        )
    out, err = capfd.readouterr()
    assert wasi_cases.mismatches(case, status, out, err + report, root) == []


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_invoke_parses_arguments_and_prints_results(
    engine_name: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "inv.wat",
        """(module (func (export "f") (param i32 i64 f32 f64) (result i32 i64 f32 f64)
             local.get 0 local.get 1 local.get 2 local.get 3))""",
    )
    capfd.readouterr()
    status = run_command(path, ["-5", "0x10", "0.1", "1e-7"], engine=engine_name, invoke="f")
    assert status == 0
    assert capfd.readouterr().out == "-5\n16\n0.1\n0.0000001\n"


def test_invoke_errors(engine_name: str, tmp_path: Path) -> None:
    path = write(tmp_path, "f.wat", '(module (func (export "f") (param i32)))')
    with pytest.raises(WasmError, match="failed to find a function export named `g`"):
        run_command(path, [], engine=engine_name, invoke="g")
    with pytest.raises(WasmError, match="takes 1 argument"):
        run_command(path, [], engine=engine_name, invoke="f")
    with pytest.raises(WasmError, match="invalid i32 argument"):
        run_command(path, ["x"], engine=engine_name, invoke="f")


def test_unknown_import(engine_name: str, tmp_path: Path) -> None:
    path = write(tmp_path, "u.wat", '(module (import "env" "f" (func)))')
    with pytest.raises(LinkError, match=r"^unknown import: `env::f` has not been defined$"):
        run_command(path, [], engine=engine_name)


SPIN = '(module (func (export "_start") (loop $l (br $l))))'


def test_fuel_stops_a_runaway_guest(engine_name: str, tmp_path: Path) -> None:
    path = write(tmp_path, "spin.wat", SPIN)
    with pytest.raises(Interrupted, match="all fuel consumed.*--fuel 5000"):
        run_command(path, [], engine=engine_name, fuel=5000)


def test_timeout_stops_a_runaway_guest(engine_name: str, tmp_path: Path) -> None:
    path = write(tmp_path, "spin.wat", SPIN)
    with pytest.raises(Interrupted, match="deadline exceeded.*--timeout 0.1s"):
        run_command(path, [], engine=engine_name, timeout=0.1)


def test_max_memory(engine_name: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        "grow.wat",
        '(module (memory 1) (func (export "g") (result i32) (memory.grow (i32.const 1))))',
    )
    capfd.readouterr()
    run_command(path, [], engine=engine_name, invoke="g", max_memory=65536)
    assert capfd.readouterr().out == "-1\n"


def test_timing_and_precompiled(engine_name: str, tmp_path: Path) -> None:
    from wasmlite import Config, Engine, Module

    engine = Engine(Config(engine=engine_name))
    module = Module.from_file(engine, FIXTURES / "exitcode.wasm")
    cwasm = tmp_path / "exitcode.cwasm"
    cwasm.write_bytes(module.serialize())
    timing: dict[str, float] = {}
    assert run_command(str(cwasm), ["9"], engine=engine_name, timing=timing) == 9
    assert set(timing) == {"compile_s", "instantiate_s", "run_s"}
    assert all(v >= 0 for v in timing.values())


def test_trap_backtrace_names_functions(engine_name: str, tmp_path: Path) -> None:
    with pytest.raises(Trap) as info:
        run_command(str(FIXTURES / "trap.wasm"), [], engine=engine_name)
    assert info.value.trap_code == "unreachable"
    names = [f.func_name for f in info.value.frames]
    assert names, "a trap carries at least the frame wasm was entered at"
    assert names[:4] == ["inner", "middle", "outer", "main"]


def test_deep_recursion_runs_on_a_big_stack(engine_name: str, tmp_path: Path, capfd) -> None:
    path = write(
        tmp_path,
        "deep.wat",
        """(module (func $d (export "d") (param i32) (result i32)
             (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
               (else (i32.add (i32.const 1) (call $d (i32.sub (local.get 0) (i32.const 1))))))))""",
    )
    capfd.readouterr()
    run_command(path, ["20000"], engine=engine_name, invoke="d")
    assert capfd.readouterr().out == "20000\n"


@pytest.mark.parametrize(
    "t, value, text",
    [
        (ValType.f64, 3.0, "3"),
        (ValType.f64, -0.0, "-0"),
        (ValType.f64, 1e21, "1000000000000000000000"),
        (ValType.f64, float("nan"), "NaN"),
        (ValType.f64, float("-inf"), "-inf"),
        (ValType.f32, 0.10000000149011612, "0.1"),
        (ValType.i64, -7, "-7"),
        (ValType.externref, None, "null"),
    ],
)
def test_result_formatting(t: ValType, value: object, text: str) -> None:
    assert format_value(t, value) == text
