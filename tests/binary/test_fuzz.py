"""Property: whatever bytes come in, the decoder raises DecodeError or returns a module that
re-encodes and decodes to itself."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wasmlite.binary import decode_module, encode_module
from wasmlite.errors import DecodeError

from .test_decode import MALFORMED
from .test_encode import CANONICAL

SEEDS = CANONICAL + [data for data, _ in MALFORMED]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if kind == "flip" and pos < len(data):
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=6))
        elif kind == "delete":
            del data[pos : pos + 1]
        else:
            del data[pos:]
    return bytes(data)


def check(data: bytes) -> None:
    try:
        m = decode_module(data)
    except DecodeError:
        return
    assert decode_module(encode_module(m)) == m


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_mutated_modules(data: bytes) -> None:
    check(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64).map(lambda b: b"\x00asm\x01\x00\x00\x00" + b))
def test_random_sections(data: bytes) -> None:
    check(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=16))
def test_random_bytes(data: bytes) -> None:
    check(data)
