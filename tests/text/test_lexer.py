"""Tokens, comments, strings and line numbers."""

from __future__ import annotations

import pytest

from wasmlite.errors import ParseError
from wasmlite.text.lexer import Lexer, quote_bytes, string_bytes, string_text


def kinds(src: str) -> list[tuple[str, str]]:
    return [(k, t) for k, t, _ in Lexer(src).tokens()]


def test_tokens_and_comments() -> None:
    src = '(func $f ;; comment\n (; a (; nested ;) block ;) i32.const -0x1_0 "s\\"") (@ann (x))'
    assert kinds(src) == [
        ("(", "("),
        ("atom", "func"),
        ("atom", "$f"),
        ("atom", "i32.const"),
        ("atom", "-0x1_0"),
        ("string", '"s\\""'),
        (")", ")"),
    ]


def test_line_numbers() -> None:
    lexer = Lexer("a\nb\n\nc")
    assert [lexer.line(pos) for _, _, pos in lexer.tokens()] == [1, 2, 4]


@pytest.mark.parametrize("src", ['"a"x', '$l"a"', '"a""b"', "(; unclosed", '"unclosed', "\x01"])
def test_bad_tokens(src: str) -> None:
    with pytest.raises(ParseError):
        Lexer(src).tokens()


def test_string_escapes() -> None:
    assert string_bytes(r'"\t\n\r\"\'\\\00\ff\u{41}\u{10FFFF}"') == (
        b"\t\n\r\"'\\\x00\xffA" + "\U0010ffff".encode()
    )
    assert string_text('"h\u00e9"') == "h\u00e9"
    with pytest.raises(ValueError, match="malformed UTF-8 encoding"):
        string_text(r'"\80"')
    for bad in (r'"\q"', r'"\u{D800}"', r'"\u{110000}"', r'"\4"'):
        with pytest.raises(ValueError):
            string_bytes(bad)


def test_quote_bytes_round_trips() -> None:
    data = bytes(range(256))
    assert string_bytes(quote_bytes(data)) == data
