"""Property: for any text, parse_module (and validate, print, encode on what parses) raise
only `WasmError`, and printed modules parse back to equal modules."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wasmlite.errors import WasmError
from wasmlite.text import parse_script

from .strategies import mutated_binaries, mutated_texts, spec_binaries, spec_texts
from .targets import ContractViolation, check_printed_binary, check_text


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


# Characters the lexer treats specially, so random text reaches past the first token.
ALPHABET = st.sampled_from(list('()";$ \n\\@0123456789abcdefinx.-+_=:') + ["\u00e9", "\x00"])


@fuzz(800)
@given(mutated_texts())
def test_mutated_spec_modules(src: str) -> None:
    check_text(src)


@fuzz(300)
@given(st.text(ALPHABET, max_size=80).map(lambda s: "(module " + s))
def test_random_module_text(src: str) -> None:
    check_text(src)


@fuzz(200)
@given(st.text(max_size=60))
def test_random_unicode(src: str) -> None:
    check_text(src)


@fuzz(200)
@given(spec_texts())
def test_print_round_trip(src: str) -> None:
    check_text(src)


@fuzz(200)
@given(mutated_texts())
def test_script_parser(src: str) -> None:
    """parse_script shares the lexer and module parser; it too only raises WasmError."""
    try:
        parse_script(src)
    except WasmError:
        pass
    except Exception as e:  # noqa: BLE001
        raise ContractViolation(f"parse_script: {type(e).__name__}: {e}") from e


@fuzz(200)
@given(st.one_of(spec_binaries(), mutated_binaries()))
def test_decoded_modules_print_round_trip(data: bytes) -> None:
    check_printed_binary(data)
