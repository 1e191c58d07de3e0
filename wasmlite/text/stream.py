"""A cursor over the tokens of one text source, and how the reference lexer classifies atoms.

The spec's error wording depends on that classification: an atom that no rule of the
grammar knows (a misspelled keyword, `1x`, `0x`) is an "unknown operator", while a known
token in the wrong place is an "unexpected token".
"""

from __future__ import annotations

import re

from .. import opcodes
from ..errors import ParseError
from ..model import VALTYPE_BY_NAME
from .lexer import Lexer, Token, string_bytes, string_text
from .numbers import parse_float, parse_uint

# Every keyword of the module and script grammar besides instruction names: the lexer
# knows them, so misplacing one is an "unexpected token".
_FIELD_WORDS = frozenset(
    "param result local type export import then else item offset mut func table memory "
    "global elem data start module declare".split()
)
_KNOWN_WORDS = (
    set(opcodes.BY_NAME)
    | _FIELD_WORDS
    | set(VALTYPE_BY_NAME)
    | {"funcref", "externref", "extern", "binary", "quote", "register", "invoke", "get"}
    | {"inf", "nan", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2", "ref.extern"}
    | {"assert_return", "assert_trap", "assert_exhaustion", "assert_malformed"}
    | {"assert_invalid", "assert_unlinkable", "assert_uninstantiable"}
)


U32_MAX = (1 << 32) - 1


class TokenStream:
    """A cursor over a token list, with error helpers that know line numbers."""

    def __init__(self, lexer: Lexer, tokens: list[Token], pos: int = 0) -> None:
        self.lexer = lexer
        self.toks = tokens
        self.i = pos

    def peek(self, k: int = 0) -> Token:
        j = self.i + k
        if j < len(self.toks):
            return self.toks[j]
        return ("eof", "", len(self.lexer.source))

    def next(self) -> Token:
        t = self.peek()
        self.i += 1
        return t

    def error(self, message: str, tok: Token | None = None) -> ParseError:
        tok = tok if tok is not None else self.peek()
        return self.lexer.error(message, tok[2])

    def unexpected(self, tok: Token | None = None) -> ParseError:
        tok = tok if tok is not None else self.peek()
        if tok[0] == "atom" and looks_like_keyword(tok[1]):
            return self.error("unknown operator " + tok[1], tok)
        return self.error("unexpected token", tok)

    def is_lp(self, word: str | None = None) -> bool:
        t = self.peek()
        if t[0] != "(":
            return False
        return word is None or self.peek(1)[1] == word and self.peek(1)[0] == "atom"

    def lp(self, word: str | None = None) -> None:
        if not self.is_lp(word):
            raise self.error("unexpected token")
        self.i += 2 if word is not None else 1

    def rp(self) -> None:
        t = self.next()
        if t[0] != ")":
            raise self.unexpected(t)

    def at_rp(self) -> bool:
        return self.peek()[0] == ")"

    def atom(self) -> str:
        t = self.next()
        if t[0] != "atom":
            raise self.unexpected(t)
        return t[1]

    def keyword(self, word: str) -> None:
        t = self.next()
        if t[0] != "atom" or t[1] != word:
            raise self.unexpected(t)

    def opt_id(self) -> str | None:
        t = self.peek()
        if t[0] == "atom" and t[1].startswith("$"):
            self.i += 1
            return t[1]
        return None

    def string(self) -> bytes:
        t = self.next()
        if t[0] != "string":
            raise self.unexpected(t)
        try:
            return string_bytes(t[1])
        except ValueError as e:
            raise self.error(str(e), t) from None

    def name(self) -> str:
        t = self.next()
        if t[0] != "string":
            raise self.unexpected(t)
        try:
            return string_text(t[1])
        except ValueError as e:
            raise self.error(str(e), t) from None

    def u32(self) -> int:
        t = self.next()
        if t[0] != "atom":
            raise self.unexpected(t)
        value = parse_uint(t[1])
        if value is None:
            raise self.unexpected(t)
        if value > U32_MAX:
            raise self.error("i32 constant out of range", t)
        return value

    def skip_sexpr(self) -> None:
        """Skip one balanced `( ... )` starting at the cursor."""
        depth = 0
        toks = self.toks
        n = len(toks)
        while self.i < n:
            k = toks[self.i][0]
            self.i += 1
            if k == "(":
                depth += 1
            elif k == ")":
                depth -= 1
                if depth == 0:
                    return
        raise self.error("unexpected end of input")


def looks_like_keyword(text: str) -> bool:
    """Would the reference lexer reject this atom outright ("unknown operator")?"""
    if text.startswith("$") or text in NAN_PATTERNS:
        return False
    if text[:1].islower():
        return text not in _KNOWN_WORDS and not text.startswith(("offset=", "align="))
    return not is_number(text)


def is_number(text: str) -> bool:
    try:
        parse_float(text, 64)
    except ValueError as e:
        return str(e) != "unknown operator"
    return True


NAN_PATTERNS = frozenset({"nan:canonical", "nan:arithmetic"})
NUMBER_START = re.compile(r"[^a-z$]|inf|nan")
