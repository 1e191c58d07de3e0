"""WAST scripts: the commands of a spec test file, as dataclasses.

Values (arguments and results) are small frozen dataclasses:

* `Const(type, bits)` - an i32/i64/f32/f64 value; `bits` is the *unsigned* raw pattern
  (two's complement for integers, IEEE bits for floats);
* `V128Const(data)` - 16 bytes, little-endian lane order;
* `RefNull(type)` - a null reference of type funcref or externref;
* `RefExtern(n)` - the host reference `(ref.extern n)`; `n` is None in an expected result
  written `(ref.extern)`, meaning "any non-null extern reference";
* `RefFunc(index)` - a function reference; in expected results `(ref.func)` has index None,
  meaning "any non-null function reference".

Expected results may further be `NanPattern(type, kind)` (kind "canonical" or "arithmetic")
or `V128Pattern(shape, lanes)`, a `v128.const` whose lanes are `Const`s or `NanPattern`s,
compared lane by lane. `matches(expected, actual)` compares one expected result with an
actual value given in the argument representation above.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ParseError
from ..model import EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, Module, ValType
from .lexer import Lexer
from .numbers import parse_float, parse_int
from .parser import parse_module_tokens
from .stream import TokenStream

# ---- values ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Const:
    type: ValType
    bits: int


@dataclass(frozen=True)
class V128Const:
    data: bytes

    @property
    def type(self) -> ValType:
        return V128


@dataclass(frozen=True)
class RefNull:
    type: ValType


@dataclass(frozen=True)
class RefExtern:
    n: int | None

    @property
    def type(self) -> ValType:
        return EXTERNREF


@dataclass(frozen=True)
class RefFunc:
    index: int | None = None

    @property
    def type(self) -> ValType:
        return FUNCREF


@dataclass(frozen=True)
class NanPattern:
    type: ValType  # f32 or f64
    kind: str  # "canonical" or "arithmetic"


@dataclass(frozen=True)
class V128Pattern:
    shape: str  # "i8x16" ... "f64x2"
    lanes: tuple[Const | NanPattern, ...]

    @property
    def type(self) -> ValType:
        return V128


Value = Const | V128Const | RefNull | RefExtern | RefFunc
Expected = Value | NanPattern | V128Pattern

_LANE_SHAPES = {
    "i8x16": (16, I32, 8),
    "i16x8": (8, I32, 16),
    "i32x4": (4, I32, 32),
    "i64x2": (2, I64, 64),
    "f32x4": (4, F32, 32),
    "f64x2": (2, F64, 64),
}


def _is_nan(fbits: int, width: int) -> tuple[bool, bool]:
    """(is a NaN, is the canonical NaN up to sign)."""
    mant = 23 if width == 32 else 52
    exp_all = ((1 << (width - 1 - mant)) - 1) << mant
    mag = fbits & ((1 << (width - 1)) - 1)
    is_nan = (mag & exp_all) == exp_all and mag & ((1 << mant) - 1) != 0
    return is_nan, mag == exp_all | (1 << (mant - 1))


def _nan_matches(kind: str, fbits: int, width: int) -> bool:
    is_nan, canonical = _is_nan(fbits, width)
    if not is_nan:
        return False
    if kind == "canonical":
        return canonical
    mant = 23 if width == 32 else 52
    return bool(fbits & (1 << (mant - 1)))


def matches(expected: Expected, actual: Value) -> bool:
    """Does `actual` satisfy the expected result of an `assert_return`?"""
    if isinstance(expected, NanPattern):
        width = 32 if expected.type == F32 else 64
        return (
            isinstance(actual, Const)
            and actual.type == expected.type
            and _nan_matches(expected.kind, actual.bits, width)
        )
    if isinstance(expected, V128Pattern):
        if not isinstance(actual, V128Const):
            return False
        _, _, width = _LANE_SHAPES[expected.shape]
        size = width // 8
        for i, lane in enumerate(expected.lanes):
            got = int.from_bytes(actual.data[i * size : (i + 1) * size], "little")
            if isinstance(lane, NanPattern):
                if not _nan_matches(lane.kind, got, width):
                    return False
            elif got != lane.bits:
                return False
        return True
    if isinstance(expected, RefExtern) and expected.n is None:
        return isinstance(actual, RefExtern)
    if isinstance(expected, RefFunc) and expected.index is None:
        return isinstance(actual, RefFunc)
    return expected == actual


# ---- commands -------------------------------------------------------------------------


@dataclass
class ModuleCommand:
    line: int
    name: str | None
    module: Module | None = None
    binary: bytes | None = None
    quote: str | None = None


@dataclass
class Invoke:
    line: int
    module_name: str | None
    field: str
    args: list[Value]


@dataclass
class Get:
    line: int
    module_name: str | None
    field: str


Action = Invoke | Get


@dataclass
class Register:
    line: int
    as_name: str
    module_name: str | None


@dataclass
class AssertReturn:
    line: int
    action: Action
    expected: list[Expected]


@dataclass
class AssertTrap:
    line: int
    action_or_module: Action | ModuleCommand
    message: str


@dataclass
class AssertExhaustion:
    line: int
    action: Action
    message: str


@dataclass
class AssertMalformed:
    line: int
    module: ModuleCommand
    message: str


@dataclass
class AssertInvalid:
    line: int
    module: ModuleCommand
    message: str


@dataclass
class AssertUnlinkable:
    line: int
    module: ModuleCommand
    message: str


@dataclass
class AssertUninstantiable:
    line: int
    module: ModuleCommand
    message: str


Command = (
    ModuleCommand
    | Register
    | Invoke
    | Get
    | AssertReturn
    | AssertTrap
    | AssertExhaustion
    | AssertMalformed
    | AssertInvalid
    | AssertUnlinkable
    | AssertUninstantiable
)


class _ScriptParser:
    def __init__(self, source: str, filename: str) -> None:
        self.filename = filename
        self.lexer = Lexer(source)
        self.ts = TokenStream(self.lexer, self.lexer.tokens())

    def commands(self) -> list[Command]:
        ts = self.ts
        out: list[Command] = []
        first = ts.peek(1)
        if ts.is_lp() and first[0] == "atom" and first[1] in _MODULE_FIELDS:
            # A script may be just the fields of one module.
            out.append(ModuleCommand(self._line(), None, parse_module_tokens(ts)))
        while ts.peek()[0] != "eof":
            out.append(self.command())
        return out

    def _line(self) -> int:
        return self.lexer.line(self.ts.peek()[2])

    def command(self) -> Command:
        ts = self.ts
        line = self._line()
        ts.lp()
        word = ts.atom()
        if word == "module":
            ts.i -= 2
            return self.module()
        if word in ("invoke", "get"):
            ts.i -= 2
            return self.action()
        if word == "register":
            as_name = self.name()
            mod = ts.opt_id()
            ts.rp()
            return Register(line, as_name, mod)
        if word == "assert_return":
            action = self.action()
            expected = []
            while not ts.at_rp():
                expected.append(self.value(expected=True))
            ts.rp()
            return AssertReturn(line, action, expected)
        if word in ("assert_trap", "assert_exhaustion"):
            target: Action | ModuleCommand = self.module() if ts.is_lp("module") else self.action()
            msg = self.name()
            ts.rp()
            if word == "assert_trap":
                return AssertTrap(line, target, msg)
            return AssertExhaustion(line, target, msg)  # type: ignore[arg-type]
        cls = _MODULE_ASSERTS.get(word)
        if cls is not None:
            mod = self.module()
            msg = self.name()
            ts.rp()
            return cls(line, mod, msg)
        raise ts.error("unexpected token")

    def name(self) -> str:
        return self.ts.name()

    def module(self) -> ModuleCommand:
        ts = self.ts
        line = self._line()
        ts.lp("module")
        ident = ts.opt_id()
        t = ts.peek()
        if t[0] == "atom" and t[1] in ("binary", "quote"):
            ts.next()
            parts = []
            while ts.peek()[0] == "string":
                parts.append(ts.string())
            ts.rp()
            data = b"".join(parts)
            if t[1] == "binary":
                return ModuleCommand(line, ident, binary=data)
            return ModuleCommand(line, ident, quote=data.decode("utf-8", "surrogateescape"))
        module = parse_module_tokens(ts)
        module.id = ident
        ts.rp()
        return ModuleCommand(line, ident, module=module)

    def action(self) -> Action:
        ts = self.ts
        line = self._line()
        ts.lp()
        word = ts.atom()
        mod = ts.opt_id()
        field = self.name()
        if word == "get":
            ts.rp()
            return Get(line, mod, field)
        if word != "invoke":
            raise ts.error("unexpected token")
        args = []
        while not ts.at_rp():
            args.append(self.value(expected=False))
        ts.rp()
        return Invoke(line, mod, field, args)

    def value(self, expected: bool) -> Expected:
        ts = self.ts
        ts.lp()
        t = ts.next()
        word = t[1]
        if word in ("i32.const", "i64.const", "f32.const", "f64.const"):
            vt = ValType[word[:3]]
            bits = 32 if vt in (I32, F32) else 64
            text = ts.atom()
            ts.rp()
            if vt in (F32, F64) and expected and text in ("nan:canonical", "nan:arithmetic"):
                return NanPattern(vt, text[4:])
            return Const(vt, self._scalar(vt, text, bits))
        if word == "v128.const":
            return self._v128(expected)
        if word == "ref.null":
            heap = ts.atom()
            ts.rp()
            return RefNull(FUNCREF if heap == "func" else EXTERNREF)
        if word == "ref.extern":
            n = None if ts.at_rp() else ts.u32()
            ts.rp()
            return RefExtern(n)
        if word == "ref.func":
            n = None if ts.at_rp() else ts.u32()
            ts.rp()
            return RefFunc(n)
        raise ts.unexpected(t)

    def _scalar(self, vt: ValType, text: str, bits: int) -> int:
        try:
            if vt in (I32, I64):
                return parse_int(text, bits) & ((1 << bits) - 1)
            return parse_float(text, bits)
        except ValueError as e:
            raise self.ts.error(str(e)) from None

    def _v128(self, expected: bool) -> Value | V128Pattern:
        ts = self.ts
        shape = ts.atom()
        if shape not in _LANE_SHAPES:
            raise ts.error("unexpected token")
        count, lane_type, width = _LANE_SHAPES[shape]
        lanes: list[Const | NanPattern] = []
        for _ in range(count):
            text = ts.atom()
            if shape[0] == "f" and text in ("nan:canonical", "nan:arithmetic"):
                lanes.append(NanPattern(F32 if width == 32 else F64, text[4:]))
                continue
            if shape[0] == "f":
                bits = self._scalar(lane_type, text, width)
            else:
                try:
                    bits = parse_int(text, width) & ((1 << width) - 1)
                except ValueError as e:
                    raise ts.error(str(e)) from None
            lanes.append(Const(lane_type, bits))
        ts.rp()
        if any(isinstance(lane, NanPattern) for lane in lanes):
            if not expected:
                raise ts.error("unexpected token")
            return V128Pattern(shape, tuple(lanes))
        data = b"".join(lane.bits.to_bytes(width // 8, "little") for lane in lanes)  # type: ignore[union-attr]
        return V128Const(data)


_MODULE_ASSERTS = {
    "assert_malformed": AssertMalformed,
    "assert_invalid": AssertInvalid,
    "assert_unlinkable": AssertUnlinkable,
    "assert_uninstantiable": AssertUninstantiable,
}

_MODULE_FIELDS = frozenset("type import func table memory global export start elem data".split())


def parse_script(source: str, filename: str = "<wast>") -> list[Command]:
    """Parses a WAST script into its commands."""
    try:
        return _ScriptParser(source, filename).commands()
    except ParseError as e:
        if filename != "<wast>" and e.line is not None:
            e.message = f"{filename}: {e.message}"
        raise


__all__ = [
    "AssertExhaustion",
    "AssertInvalid",
    "AssertMalformed",
    "AssertReturn",
    "AssertTrap",
    "AssertUninstantiable",
    "AssertUnlinkable",
    "Command",
    "Const",
    "Expected",
    "Get",
    "Invoke",
    "ModuleCommand",
    "NanPattern",
    "RefExtern",
    "RefFunc",
    "RefNull",
    "Register",
    "V128Const",
    "V128Pattern",
    "Value",
    "matches",
    "parse_script",
]
