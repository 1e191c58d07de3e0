"""`strip` drops custom sections and copies everything else byte for byte."""

from __future__ import annotations

from pathlib import Path

from wasmlite.binary import decode_module, encode_module
from wasmlite.model import CustomSection
from wasmlite.tools.sections import scan_sections
from wasmlite.tools.strip import strip_custom

SAMPLE = (Path(__file__).parent / "fixtures" / "sample.wasm").read_bytes()


def _with_customs() -> bytes:
    m = decode_module(SAMPLE)
    m.customs.insert(0, CustomSection("producers", b"\x00", after=0))
    m.customs.append(CustomSection(".debug_info", b"x" * 100, after=11))
    return encode_module(m)


def test_strip_everything() -> None:
    data = _with_customs()
    result = strip_custom(data)
    assert result.removed == ["producers", "name", ".debug_info"]
    assert all(s.id != 0 for s in scan_sections(result.data))
    assert result.saved(len(data)) == len(data) - len(result.data) > 100
    stripped = decode_module(result.data)
    original = decode_module(data)
    assert stripped.funcs == original.funcs and stripped.datas == original.datas


def test_keep_name_section() -> None:
    result = strip_custom(_with_customs(), frozenset({"name"}))
    assert result.removed == ["producers", ".debug_info"]
    assert decode_module(result.data).names == decode_module(SAMPLE).names


def test_nothing_to_strip_is_identity() -> None:
    plain = strip_custom(SAMPLE).data
    assert strip_custom(plain).data == plain
    assert strip_custom(plain).removed == []
