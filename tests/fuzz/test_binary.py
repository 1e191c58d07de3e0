"""Property: for any bytes, decode (and validate what decodes) raise only `WasmError`, and
every module that decodes round-trips through the encoder."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .strategies import mutated_binaries, spec_binaries
from .targets import check_binary

HEADER = b"\x00asm\x01\x00\x00\x00"


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


@fuzz(1500)
@given(mutated_binaries())
def test_mutated_spec_modules(data: bytes) -> None:
    check_binary(data)


@fuzz(300)
@given(st.binary(max_size=200).map(lambda b: HEADER + b))
def test_random_sections(data: bytes) -> None:
    check_binary(data)


@fuzz(200)
@given(st.binary(max_size=64))
def test_random_bytes(data: bytes) -> None:
    check_binary(data)


@fuzz(300)
@given(spec_binaries())
def test_spec_modules_round_trip(data: bytes) -> None:
    check_binary(data)
