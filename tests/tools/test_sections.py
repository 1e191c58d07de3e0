"""The raw section scanner behind objdump, inspect and strip."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasmlite.errors import DecodeError
from wasmlite.tools.sections import scan_bodies, scan_sections

SAMPLE = (Path(__file__).parent / "fixtures" / "sample.wasm").read_bytes()


def test_sections_in_file_order_with_counts() -> None:
    sections = scan_sections(SAMPLE)
    kinds = [s.kind for s in sections]
    assert kinds == [
        "Type",
        "Import",
        "Function",
        "Table",
        "Memory",
        "Global",
        "Export",
        "Start",
        "Elem",
        "DataCount",
        "Code",
        "Data",
        "Custom",
    ]
    first = sections[0]
    assert (first.offset, first.start) == (8, 10)
    assert sections[-1].name == "name" and sections[-1].end == len(SAMPLE)
    assert all(a.end == b.offset for a, b in zip(sections, sections[1:]))
    by_kind = {s.kind: s for s in sections}
    assert by_kind["Function"].count == 3
    assert by_kind["Data"].count == 2


def test_bodies_and_local_groups() -> None:
    code = next(s for s in scan_sections(SAMPLE) if s.id == 10)
    bodies = scan_bodies(SAMPLE, code)
    assert len(bodies) == 3
    assert bodies[-1].end == code.end
    assert [len(b.locals) for b in bodies] == [0, 1, 0]
    assert bodies[1].locals[0].count == 1 and bodies[1].locals[0].type_byte == 0x7F


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "magic header not detected"),
        (b"\0asm\2\0\0\0", "unknown binary version"),
        (b"\0asm\1\0\0\0\1\5\1", "length out of bounds"),
        (b"\0asm\1\0\0\0\1", "unexpected end"),
    ],
)
def test_broken_layout_is_a_decode_error(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        scan_sections(data)
