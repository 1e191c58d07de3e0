"""Tokens of the WebAssembly text format.

A token is a `(kind, text, pos)` tuple: kind is "(", ")", "atom" (keywords, numbers,
`offset=`-style and `$id` tokens alike) or "string" (text still quoted and escaped).
Positions are character offsets; `Lexer.line(pos)` turns one into a line number only when
an error needs it, which keeps lexing cheap.
"""

from __future__ import annotations

import bisect
import re

from ..errors import ParseError

Token = tuple[str, str, int]

_IDCHARS = r"0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~"
_TOKEN_RE = re.compile(
    rf"""
    (?P<ws>[ \t\n\r]+)
  | (?P<line>;;[^\n\r]*)
  | (?P<block>\(;)
  | (?P<lp>\()
  | (?P<rp>\))
  | (?P<string>"(?:[^"\\\x00-\x1f\x7f]|\\.)*")
  | (?P<atom>[{_IDCHARS}]+)
    """,
    re.VERBOSE | re.DOTALL,
)
# Strings may not hold raw control characters (the spec's `stringchar`); escape them.
_CONTROL_IN_STRING_RE = re.compile(r'"(?:[^"\\\x00-\x1f\x7f]|\\.)*[\x00-\x1f\x7f]', re.DOTALL)
_GLUED_RE = re.compile(rf'["{_IDCHARS}]')
_BLOCK_PART_RE = re.compile(r"\(;|;\)")


class Lexer:
    def __init__(self, source: str) -> None:
        self.source = source
        self._newlines = [m.start() for m in re.finditer("\n", source)]

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self._newlines, pos - 1) + 1

    def error(self, message: str, pos: int) -> ParseError:
        return ParseError(message, line=self.line(pos))

    def tokens(self) -> list[Token]:
        src = self.source
        out: list[Token] = []
        append = out.append
        pos = 0
        end = len(src)
        match = _TOKEN_RE.match
        while pos < end:
            m = match(src, pos)
            if m is None:
                if src[pos] == '"':
                    if _CONTROL_IN_STRING_RE.match(src, pos):
                        raise self.error("illegal control character in string literal", pos)
                    raise self.error("unclosed string", pos)
                raise self.error("unexpected token", pos)
            kind = m.lastgroup
            if kind in ("atom", "string") and _GLUED_RE.match(src, m.end()):
                # Tokens must be separated; `"a"x` or `$l"a"` is one malformed token.
                raise self.error("unknown operator", pos)
            if kind == "atom":
                if m.group() == "$":  # an identifier needs at least one character
                    raise self.error("unknown operator", pos)
                append(("atom", m.group(), pos))
            elif kind == "lp":
                if src.startswith("(@", pos):
                    pos = self._skip_annotation(pos)
                    continue
                append(("(", "(", pos))
            elif kind == "rp":
                append((")", ")", pos))
            elif kind == "string":
                append(("string", m.group(), pos))
            elif kind == "block":
                pos = self._skip_block_comment(pos)
                continue
            pos = m.end()
        return out

    def _skip_annotation(self, pos: int) -> int:
        """Annotations `(@id ...)` carry nothing the model needs; skip them whole."""
        src = self.source
        depth = 0
        while pos < len(src):
            m = _TOKEN_RE.match(src, pos)
            if m is None:
                raise self.error("unexpected token", pos)
            kind = m.lastgroup
            if kind == "block":
                pos = self._skip_block_comment(pos)
                continue
            if kind == "lp":
                depth += 1
            elif kind == "rp":
                depth -= 1
                if depth == 0:
                    return m.end()
            pos = m.end()
        raise self.error("unclosed annotation", pos)

    def _skip_block_comment(self, pos: int) -> int:
        depth = 0
        for m in _BLOCK_PART_RE.finditer(self.source, pos):
            depth += 1 if m.group() == "(;" else -1
            if depth == 0:
                return m.end()
        raise self.error("unclosed comment", pos)


_ESCAPES = {"t": 9, "n": 10, "r": 13, '"': 34, "'": 39, "\\": 92}
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")
_HEXNUM_RE = re.compile(r"[0-9a-fA-F](?:_?[0-9a-fA-F])*\Z")


def string_bytes(quoted: str) -> bytes:
    """The bytes a string token denotes; raises ValueError on a bad escape."""
    body = quoted[1:-1]
    if "\\" not in body:
        return body.encode("utf-8", "surrogateescape")
    out = bytearray()
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c != "\\":
            j = body.find("\\", i)
            j = n if j < 0 else j
            out += body[i:j].encode("utf-8", "surrogateescape")
            i = j
            continue
        e = body[i + 1]
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
            i += 2
        elif e == "u":
            close = body.find("}", i)
            # int() alone would also take " 41", "+41", "0x41" and "_1".
            if body[i + 2 : i + 3] != "{" or close < 0 or not _HEXNUM_RE.match(body, i + 3, close):
                raise ValueError("illegal escape")
            code = int(body[i + 3 : close].replace("_", ""), 16)
            if code >= 0x110000 or 0xD800 <= code < 0xE000:
                raise ValueError("illegal escape")
            out += chr(code).encode("utf-8")
            i = close + 1
        elif e in _HEXDIGITS and body[i + 2 : i + 3] in _HEXDIGITS and i + 2 < n:
            out.append(int(body[i + 1 : i + 3], 16))
            i += 3
        else:
            raise ValueError("illegal escape")
    return bytes(out)


def string_text(quoted: str) -> str:
    """A string token as a name: it must be valid UTF-8."""
    try:
        return string_bytes(quoted).decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("malformed UTF-8 encoding") from None


def quote_bytes(data: bytes) -> str:
    """A string token denoting `data` exactly."""
    out = ['"']
    for b in data:
        if 0x20 <= b < 0x7F and b not in (0x22, 0x5C):
            out.append(chr(b))
        else:
            out.append(f"\\{b:02x}")
    out.append('"')
    return "".join(out)
