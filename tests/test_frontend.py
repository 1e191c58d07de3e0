"""The front end's entry point, and the stamps that spare a known-valid binary re-validation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import wasmlite.validate
from wasmlite import frontend
from wasmlite.errors import ValidationError

BIG = (Path(__file__).resolve().parent / "fixtures" / "wasi" / "hello.wasm").read_bytes()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WASMLITE_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("WASMLITE_CACHE", "1")
    return tmp_path


def _stamps(cache: Path) -> list[str]:
    return os.listdir(cache / "valid") if (cache / "valid").exists() else []


def _count_validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = wasmlite.validate.validate_module

    def counting(module: object) -> None:
        calls.append(1)
        real(module)  # type: ignore[arg-type]

    monkeypatch.setattr(wasmlite.validate, "validate_module", counting)
    return calls


def test_a_valid_binary_is_validated_once(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(BIG) >= frontend.STAMP_MIN_SIZE
    calls = _count_validations(monkeypatch)
    first = frontend.load_module(BIG)
    assert len(_stamps(cache)) == 1
    again = frontend.load_module(BIG)
    assert calls == [1] and again == first


def test_no_stamps_with_the_cache_off_or_for_small_modules(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_validations(monkeypatch)
    frontend.load_module(b"\0asm\1\0\0\0")
    frontend.load_module(b"\0asm\1\0\0\0")
    monkeypatch.setenv("WASMLITE_CACHE", "0")
    frontend.load_module(BIG)
    frontend.load_module(BIG)
    assert calls == [1, 1, 1, 1] and _stamps(cache) == []


def test_an_invalid_binary_is_never_stamped(cache: Path) -> None:
    # Make the module's first function body return nothing where it must return a value:
    # find a function whose body is exactly `i32.const 0; end` is fragile, so instead pad a
    # valid module with a custom section and an invalid start section pointing nowhere.
    custom = b"\0" + bytes([frontend.STAMP_MIN_SIZE // 128 + 1, 0x81, 0x20]) + b"\0" * 0
    bad = b"\0asm\1\0\0\0" + b"\x08\x01\x05" + _custom_section(frontend.STAMP_MIN_SIZE)
    del custom
    for _ in range(2):
        with pytest.raises(ValidationError, match="unknown function"):
            frontend.load_module(bad)
    assert _stamps(cache) == []


def _custom_section(size: int) -> bytes:
    """A custom section named "pad" with `size` bytes of contents."""
    payload = b"\x03pad" + b"\0" * size
    return b"\0" + _uleb(len(payload)) + payload


def _uleb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)
