"""Mutators for binary modules and WAT text, driven by a `random.Random`.

The same functions serve the hypothesis tests (with a hypothesis-controlled Random, so
failures replay and shrink) and the long-running driver `run_long.py`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

from wasmlite import opcodes

# Values that sit on the decoder's boundaries: LEB lengths, u32/u64 limits, sign bits.
INTERESTING_LEBS = [
    b"\x00",
    b"\x7f",
    b"\x80\x00",
    b"\xff\xff\xff\xff\x0f",  # 2^32 - 1
    b"\x80\x80\x80\x80\x10",  # 2^32: too large for a u32
    b"\xff\xff\xff\xff\x7f",
    b"\x80\x80\x80\x80\x80\x00",  # too long
    b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",  # 2^64 - 1
    b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f",
    b"\x80\x80\x80\x80\x08",  # 2^31
    b"\x40",  # -64 as signed
]
HEADER = 8


def sections(data: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of each section after the header, or None if the layout is broken."""
    out = []
    pos = HEADER
    while pos < len(data):
        start = pos
        pos += 1
        size = shift = 0
        while True:
            if pos >= len(data) or shift > 35:
                return None
            b = data[pos]
            pos += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        pos += size
        if pos > len(data):
            return None
        out.append((start, pos))
    return out


def _flip(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    if d:
        d[rng.randrange(len(d))] ^= 1 << rng.randrange(8)


def _set_byte(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    if d:
        d[rng.randrange(len(d))] = rng.choice(
            (0x00, 0x01, 0x40, 0x7F, 0x80, 0xFF, rng.randrange(256))
        )


def _insert(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    pos = rng.randrange(len(d) + 1)
    d[pos:pos] = rng.randbytes(rng.randint(1, 8))


def _insert_leb(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    pos = rng.randrange(len(d) + 1)
    d[pos:pos] = rng.choice(INTERESTING_LEBS)


def _replace_leb(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    """Overwrite a one-byte LEB (a count, an index, a size) with a boundary value."""
    if len(d) > HEADER:
        pos = rng.randrange(HEADER, len(d))
        d[pos : pos + 1] = rng.choice(INTERESTING_LEBS)


def _delete(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    if d:
        pos = rng.randrange(len(d))
        del d[pos : pos + rng.randint(1, 8)]


def _truncate(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    if d:
        del d[rng.randrange(len(d)) :]


def _widen_leb(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    """Re-encode a one-byte LEB in more bytes (same value): legal up to the size limit."""
    if len(d) > HEADER:
        pos = rng.randrange(HEADER, len(d))
        if d[pos] < 0x80:
            pad = rng.randint(1, 5)
            d[pos : pos + 1] = bytes([d[pos] | 0x80] + [0x80] * (pad - 1) + [0x00])


def _swap_sections(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    secs = sections(bytes(d))
    if secs and len(secs) >= 2:
        i, j = sorted(rng.sample(range(len(secs)), 2))
        (a0, a1), (b0, b1) = secs[i], secs[j]
        d[a0:b1] = d[b0:b1] + d[a1:b0] + d[a0:a1]


def _dup_section(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    secs = sections(bytes(d))
    if secs:
        a0, a1 = rng.choice(secs)
        d[a1:a1] = d[a0:a1]


def _drop_section(rng: random.Random, d: bytearray, _: Sequence[bytes]) -> None:
    secs = sections(bytes(d))
    if secs:
        a0, a1 = rng.choice(secs)
        del d[a0:a1]


def _splice_section(rng: random.Random, d: bytearray, seeds: Sequence[bytes]) -> None:
    """Insert a section of another seed: mixes index spaces of unrelated modules."""
    other = rng.choice(seeds)
    secs = sections(other)
    mine = sections(bytes(d))
    if secs and mine is not None:
        a0, a1 = rng.choice(secs)
        pos = rng.choice([s for s, _ in mine] + [len(d)])
        d[pos:pos] = other[a0:a1]


BINARY_MUTATORS: list[Callable[[random.Random, bytearray, Sequence[bytes]], None]] = [
    _flip,
    _set_byte,
    _insert,
    _insert_leb,
    _replace_leb,
    _delete,
    _truncate,
    _widen_leb,
    _swap_sections,
    _dup_section,
    _drop_section,
    _splice_section,
]


def mutate_binary(
    rng: random.Random, data: bytes, seeds: Sequence[bytes], rounds: int = 0
) -> bytes:
    d = bytearray(data)
    for _ in range(rounds or rng.randint(1, 4)):
        rng.choice(BINARY_MUTATORS)(rng, d, seeds)
    return bytes(d)


# ---- text ------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r'\s+|;;[^\n]*|\(;|;\)|\(|\)|"(?:[^"\\]|\\.)*"|[^\s()";]+|.', re.DOTALL)
OP_NAMES = sorted(opcodes.BY_NAME)
KEYWORDS = (
    "module func param result local type export import table memory global elem data start "
    "offset item declare mut then else end block loop if funcref externref i32 i64 f32 f64 "
    "v128 binary quote align=1 offset=0 align=3 offset=4294967296 $a $b $0 $ ref.null extern"
).split()
NUMBERS = [
    "0",
    "-0",
    "+0",
    "1",
    "-1",
    "0x7fffffff",
    "0x80000000",
    "4294967295",
    "4294967296",
    "0xffffffffffffffff",
    "18446744073709551616",
    "-9223372036854775809",
    "1_000",
    "1__0",
    "_1",
    "0x",
    "0x_1",
    "1e400",
    "-1e-400",
    "0x1p+1024",
    "0x1p-1075",
    "inf",
    "-inf",
    "nan",
    "nan:0x1",
    "nan:0x7fffff",
    "nan:0x800000",
    "nan:0xfffffffffffff",
    "nan:0",
    "0x1.fffffffffffff8p+1023",
    "1.",
    ".5",
    "1e",
    "0x1P",
    "9" * 400,
    "0x" + "f" * 300,
    "1e99999999",
    "0x1p99999999",
    "1e-99999999",
]
STRINGS = [
    '""',
    '"\\00"',
    '"\\u{10ffff}"',
    '"\\u{110000}"',
    '"\\u{d800}"',
    '"\\ff\\fe"',
    '"\\u{}"',
    '"\\u{_1}"',
    '"\\x"',
    '"\u00e9"',
    '"\\"',
]


def text_tokens(src: str) -> list[str]:
    return _TOKEN_RE.findall(src)


def _random_atom(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.4:
        return rng.choice(NUMBERS)
    if pick < 0.6:
        return rng.choice(KEYWORDS)
    if pick < 0.8:
        return rng.choice(OP_NAMES)
    if pick < 0.9:
        return rng.choice(STRINGS)
    return str(rng.randint(-(2**70), 2**70))


def _significant(toks: list[str]) -> list[int]:
    return [i for i, t in enumerate(toks) if not t.isspace()] or [0]


def _t_drop(rng: random.Random, toks: list[str], _: Sequence[str]) -> None:
    if toks:
        del toks[rng.choice(_significant(toks))]


def _t_dup(rng: random.Random, toks: list[str], _: Sequence[str]) -> None:
    if toks:
        i = rng.choice(_significant(toks))
        toks[i:i] = [toks[i], " "]


def _t_swap(rng: random.Random, toks: list[str], _: Sequence[str]) -> None:
    sig = _significant(toks)
    if len(sig) >= 2:
        i, j = rng.sample(sig, 2)
        toks[i], toks[j] = toks[j], toks[i]


def _t_paren(rng: random.Random, toks: list[str], _: Sequence[str]) -> None:
    parens = [i for i, t in enumerate(toks) if t in "()"] or [0]
    i = rng.choice(parens)
    if toks and rng.random() < 0.5:
        del toks[i]
    else:
        toks.insert(i, rng.choice("()"))


def _t_replace(rng: random.Random, toks: list[str], _: Sequence[str]) -> None:
    atoms = [i for i, t in enumerate(toks) if t not in "()" and not t.isspace()]
    if atoms:
        toks[rng.choice(atoms)] = _random_atom(rng)


def _t_insert(rng: random.Random, toks: list[str], _: Sequence[str]) -> None:
    i = rng.randrange(len(toks) + 1)
    toks[i:i] = [" ", _random_atom(rng), " "]


def _t_nest(rng: random.Random, toks: list[str], _: Sequence[str]) -> None:
    """Wrap a point of the source in many folded blocks (or leave them unclosed)."""
    i = rng.randrange(len(toks) + 1)
    depth = rng.choice((10, 100, 1000, 5000))
    word = rng.choice(("(block", "(loop", "(i32.add", "(if (then", "(", "(module"))
    close = ")" * depth if rng.random() < 0.8 else ""
    toks[i:i] = [" " + " ".join([word] * depth) + " ", close]


def _t_splice(rng: random.Random, toks: list[str], seeds: Sequence[str]) -> None:
    other = text_tokens(rng.choice(seeds))
    if other:
        a = rng.randrange(len(other))
        b = min(len(other), a + rng.randint(1, 30))
        i = rng.randrange(len(toks) + 1)
        toks[i:i] = [" "] + other[a:b] + [" "]


def _t_chars(rng: random.Random, toks: list[str], _: Sequence[str]) -> None:
    """A raw character edit, which may break a token, string or comment apart."""
    if toks:
        i = rng.randrange(len(toks))
        t = toks[i]
        c = rng.choice(['"', "\\", ";", "(;", ";)", "$", "\x00", "\u00e9", "\ud800", "@", "(@a"])
        j = rng.randrange(len(t) + 1)
        toks[i] = t[:j] + c + t[j:]


TEXT_MUTATORS: list[Callable[[random.Random, list[str], Sequence[str]], None]] = [
    _t_drop,
    _t_dup,
    _t_swap,
    _t_paren,
    _t_replace,
    _t_replace,
    _t_insert,
    _t_nest,
    _t_splice,
    _t_chars,
]


def mutate_text(rng: random.Random, src: str, seeds: Sequence[str], rounds: int = 0) -> str:
    toks = text_tokens(src)
    for _ in range(rounds or rng.randint(1, 4)):
        rng.choice(TEXT_MUTATORS)(rng, toks, seeds)
    return "".join(toks)
