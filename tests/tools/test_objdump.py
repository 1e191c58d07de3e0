"""`objdump` reports match wabt's `wasm-objdump` on the sample module (expected outputs made
by wabt 1.0.32, `fixtures/make_objdump_expected.sh`), plus the cases where we differ on
purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasmlite.errors import DecodeError
from wasmlite.tools.convert import wat_to_wasm
from wasmlite.tools.hexfloat import hex_float
from wasmlite.tools.objdump import objdump

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = (FIXTURES / "sample.wasm").read_bytes()


@pytest.mark.parametrize("flag", ["h", "x", "d", "s"])
def test_sample_matches_wabt(flag: str) -> None:
    expected = (FIXTURES / f"sample.objdump-{flag}.txt").read_text(encoding="utf-8")
    got = objdump(
        SAMPLE,
        "sample.wasm",
        show_headers=flag == "h",
        show_details=flag == "x",
        disassemble=flag == "d",
        show_contents=flag == "s",
    )
    assert got == expected


def test_sample_assembles_like_wabt() -> None:
    source = (FIXTURES / "sample.wat").read_text(encoding="utf-8")
    assert wat_to_wasm(source, debug_names=True) == SAMPLE


def test_section_filter() -> None:
    out = objdump(SAMPLE, "s.wasm", show_headers=True, show_details=True, section="data")
    assert "     Data start=" in out and "Type" not in out
    assert "Data[2]:" in out


def test_long_data_segment_is_an_excerpt() -> None:
    wasm = wat_to_wasm(f'(module (memory 1) (data (i32.const 0) "{"x" * 1000}"))')
    out = objdump(wasm, "big.wasm", show_details=True)
    assert "more bytes)" in out
    assert len(out.splitlines()) < 40


def test_locals_are_numbered_after_params() -> None:
    # wabt numbers the first declared local as if a different function's params preceded it.
    wasm = wat_to_wasm("(module (func (param i32 i64) (local f32 f32 i32)))")
    out = objdump(wasm, "l.wasm", disassemble=True)
    assert "| local[2..3] type=f32" in out
    assert "| local[4] type=i32" in out


def test_disassembly_long_instruction_wraps() -> None:
    wasm = wat_to_wasm("(module (func (result v128) (v128.const i32x4 1 2 3 4)))")
    lines = objdump(wasm, "v.wasm", disassemble=True).splitlines()
    i = next(k for k, line in enumerate(lines) if "v128.const" in line)
    assert lines[i].endswith("| v128.const 0x00000001 0x00000002 0x00000003 0x00000004")
    assert lines[i + 1].endswith("| ")


def test_malformed_module_raises_decode_error() -> None:
    with pytest.raises(DecodeError):
        objdump(SAMPLE[:-3], "cut.wasm", show_headers=True)


@pytest.mark.parametrize(
    ("raw", "bits", "text"),
    [
        (0x3FC00000, 32, "0x1.8p+0"),
        (0x3DCCCCCD, 32, "0x1.99999ap-4"),
        (0x7FC00000, 32, "nan"),
        (0x7FA00000, 32, "nan:0x200000"),
        (0xFF800000, 32, "-inf"),
        (0x00000001, 32, "0x1.p-149"),
        (0x00000003, 32, "0x1.8p-148"),
        (0, 64, "0x0p+0"),
        (0xBFC0000000000000, 64, "-0x1p-3"),
    ],
)
def test_hex_floats_as_wabt_prints_them(raw: int, bits: int, text: str) -> None:
    assert hex_float(raw, bits) == text
