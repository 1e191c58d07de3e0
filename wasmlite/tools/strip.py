"""`wasmlite strip`: drop custom sections, copying every other section byte for byte."""

from __future__ import annotations

from dataclasses import dataclass

from .sections import scan_sections


@dataclass
class StripResult:
    data: bytes
    removed: list[str]  # names of the dropped custom sections, in file order

    def saved(self, original: int) -> int:
        return original - len(self.data)


def strip_custom(data: bytes, keep: frozenset[str] = frozenset()) -> StripResult:
    """`data` without its custom sections, except those named in `keep`.

    Standard sections are not re-encoded, so the result differs from the input only by the
    removed sections (offsets in later sections shift, which nothing in them depends on).
    """
    out = bytearray(data[:8])
    removed: list[str] = []
    for s in scan_sections(data):
        if s.id == 0 and s.name not in keep:
            removed.append(s.name or "")
        else:
            out += data[s.offset : s.end]
    return StripResult(bytes(out), removed)
