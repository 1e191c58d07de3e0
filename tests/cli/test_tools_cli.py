"""The module tools through `wasmlite.cli.main.main`, in-process: exit status and output,
and a one-line `error:` (never a traceback) for every kind of bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wasmlite.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "tools" / "fixtures"
SAMPLE = FIXTURES / "sample.wasm"
SAMPLE_WAT = FIXTURES / "sample.wat"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as e:  # argparse's --help and flag errors
        status = e.code if isinstance(e.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status: int, err: str, *fragments: str) -> None:
    assert status == 1
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for f in fragments:
        assert f in err


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "missing": tmp_path / "missing.wasm",
        "truncated": tmp_path / "truncated.wasm",
        "garbage": tmp_path / "garbage.wasm",
        "invalid": tmp_path / "invalid.wasm",
        "bad_text": tmp_path / "bad.wat",
    }
    files["truncated"].write_bytes(SAMPLE.read_bytes()[:50])
    files["garbage"].write_bytes(b"\x7fELF\x02\x01\x01")
    # well-formed, but `i32.add` on an empty stack: invalid
    files["invalid"].write_bytes(
        bytes.fromhex("0061736d01000000010401600000030201000a05010300 6a0b".replace(" ", ""))
    )
    files["bad_text"].write_text("(module (func (i32.bogus)))")
    return files


# -- success paths ------------------------------------------------------------------------


def test_validate_ok_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", str(SAMPLE), str(SAMPLE_WAT)], capsys) == (0, "", "")


def test_validate_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["validate", "-v", str(SAMPLE)], capsys)
    assert status == 0 and out == f"{SAMPLE}: ok\n"


def test_objdump_headers_by_default_and_flags(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["objdump", str(SAMPLE)], capsys)
    assert status == 0 and "Sections:" in out and "Code Disassembly" not in out
    status, out, _ = run(["objdump", "-h", "-x", "-d", "-j", "Code", str(SAMPLE)], capsys)
    assert status == 0
    assert "     Code start=" in out and "Code[3]:" in out and "Code Disassembly:" in out
    assert "Type[" not in out


def test_objdump_accepts_text(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["objdump", "-d", str(SAMPLE_WAT)], capsys)
    assert status == 0 and "func[1] <add>:" in out


def test_inspect(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["inspect", str(SAMPLE)], capsys)
    assert status == 0
    assert "WASI (wasi_snapshot_preview1): 1 function(s): fd_write" in out
    assert "  func   _start: () -> ()" in out


def test_wat2wasm_and_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_wasm = tmp_path / "s.wasm"
    assert run(["wat2wasm", str(SAMPLE_WAT), "-o", str(out_wasm), "--debug-names"], capsys)[0] == 0
    assert out_wasm.read_bytes() == SAMPLE.read_bytes()
    assert run(["wat2wasm", str(SAMPLE_WAT), "-o", str(out_wasm)], capsys)[0] == 0
    plain = out_wasm.read_bytes()
    assert b"\x04name" not in plain
    out_wat = tmp_path / "s.wat"
    assert run(["wasm2wat", str(out_wasm), "-o", str(out_wat)], capsys)[0] == 0
    again = tmp_path / "again.wasm"
    assert run(["wat2wasm", str(out_wat), "-o", str(again)], capsys)[0] == 0
    assert again.read_bytes() == plain
    status, out, _ = run(["wasm2wat", str(out_wasm)], capsys)
    assert status == 0 and out.startswith("(module")


def test_wat2wasm_default_output_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "prog.wat"
    shutil.copy(SAMPLE_WAT, src)
    assert run(["wat2wasm", str(src)], capsys)[0] == 0
    assert (tmp_path / "prog.wasm").read_bytes()[:4] == b"\0asm"


def test_strip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "stripped.wasm"
    status, text, _ = run(["strip", str(SAMPLE), "-o", str(out)], capsys)
    assert status == 0
    saved = SAMPLE.stat().st_size - out.stat().st_size
    assert saved > 0 and f"saved {saved}" in text and '"name"' in text
    status, text, _ = run(["strip", str(SAMPLE), "-o", str(out), "--keep-name"], capsys)
    assert status == 0 and out.read_bytes() == SAMPLE.read_bytes() and "removed 0" in text


def test_strip_in_place_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "prog.wasm"
    shutil.copy(SAMPLE, target)
    status, _, err = run(["strip", str(target)], capsys)
    assert_one_line_error(status, err, "-o")
    assert target.read_bytes() == SAMPLE.read_bytes()
    assert run(["strip", str(target), "-o", str(target)], capsys)[0] == 0
    assert target.stat().st_size < SAMPLE.stat().st_size


def test_binfmt_status_reports(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["binfmt", "status", "--name", "wasmlite-no-such-entry"], capsys)
    assert status == 1 and ("not registered" in out or "not mounted" in out)


# -- bad input: one line, exit 1 ------------------------------------------------------------

COMMANDS = {
    "validate": lambda p, tmp: ["validate", p],
    "inspect": lambda p, tmp: ["inspect", p],
    "objdump": lambda p, tmp: ["objdump", "-x", "-d", p],
    "wasm2wat": lambda p, tmp: ["wasm2wat", p],
    "strip": lambda p, tmp: ["strip", p, "-o", str(tmp / "out.wasm")],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("kind", ["missing", "truncated", "garbage"])
def test_bad_binary_input(
    command: str,
    kind: str,
    bad_files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(COMMANDS[command](str(bad_files[kind]), tmp_path), capsys)
    assert_one_line_error(status, err)
    assert not (tmp_path / "out.wasm").exists()


def test_inspect_summarizes_an_invalid_module(
    bad_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["inspect", str(bad_files["invalid"])], capsys)
    assert status == 0 and err == ""
    assert "Exports (" in out
    assert "Valid: no: type mismatch (offset 0x" in out


@pytest.mark.parametrize("command", ["validate", "wasm2wat"])
def test_invalid_module(
    command: str, bad_files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(COMMANDS[command](str(bad_files["invalid"]), tmp_path), capsys)
    assert_one_line_error(status, err, "type mismatch", "offset 0x")


def test_validate_error_format(
    bad_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(["validate", str(bad_files["truncated"])], capsys)
    assert_one_line_error(status, err)
    assert err.startswith("error: unexpected end") or "offset 0x" in err


def test_validate_several_reports_each(
    bad_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        ["validate", str(SAMPLE), str(bad_files["invalid"]), str(bad_files["missing"])], capsys
    )
    assert status == 1
    lines = err.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert str(bad_files["invalid"]) in lines[0] and str(bad_files["missing"]) in lines[1]


def test_wat2wasm_bad_text(
    bad_files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o.wasm"
    status, _, err = run(["wat2wasm", str(bad_files["bad_text"]), "-o", str(out)], capsys)
    assert_one_line_error(status, err)
    assert not out.exists()


def test_wat2wasm_refuses_binary_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["wat2wasm", str(SAMPLE), "-o", str(tmp_path / "o.wasm")], capsys)
    assert_one_line_error(status, err, "binary module already")


def test_wat2wasm_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        ["wat2wasm", str(tmp_path / "nope.wat"), "-o", str(tmp_path / "o.wasm")], capsys
    )
    assert_one_line_error(status, err, "No such file")


@pytest.mark.parametrize(
    "argv",
    [
        ["objdump", "--bogus", str(SAMPLE)],
        ["objdump"],
        ["validate"],
        ["inspect", str(SAMPLE), "extra"],
        ["wat2wasm", str(SAMPLE_WAT), "--nope"],
        ["wasm2wat"],
        ["strip", str(SAMPLE)],
        ["binfmt", "reinstall"],
    ],
)
def test_wrong_flags(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(argv, capsys)
    assert_one_line_error(status, err)
