from __future__ import annotations

import pytest

from wasmlite.api import serialize as cwasm
from wasmlite.errors import DecodeError


def test_round_trip() -> None:
    p = cwasm.Precompiled("llvm", "0.1.0", b"\0asm\1\0\0\0", b"\x7fELF...")
    data = cwasm.pack(p)
    assert cwasm.is_precompiled(data)
    assert cwasm.unpack(data) == p


def test_bad_input() -> None:
    with pytest.raises(DecodeError, match="bad magic"):
        cwasm.unpack(b"\0asm\1\0\0\0")
    data = cwasm.pack(cwasm.Precompiled("python", "0.1.0", b"\0asm\1\0\0\0", b""))
    with pytest.raises(DecodeError, match="truncated"):
        cwasm.unpack(data[:-3])
