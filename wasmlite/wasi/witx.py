"""The witx interface description: parser, type model, memory layout and core-wasm lowering.

WASI preview1 is described by two witx files (`typenames.witx`, `wasi_snapshot_preview1.witx`).
They are the single source of the signatures, errno numbers and flag bits used here:
`generate.py` parses them into plain data (`spec_data.py`, committed so the installed package
does not need the witx files), and `load_spec()` turns that data into the model below.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

# ---------------------------------------------------------------------------------------------
# S-expressions

SExpr = str | list  # an atom, or a list of SExpr

_TOKEN = re.compile(r'\s+|;;[^\n]*|\(|\)|"[^"]*"|[^\s()";]+')


def parse_sexprs(text: str) -> list[SExpr]:
    """The top-level s-expressions of a witx file (comments dropped, strings kept quoted)."""
    stack: list[list[SExpr]] = [[]]
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"witx: unexpected character at offset {pos}")
        tok = m.group()
        pos = m.end()
        if tok[0].isspace() or tok.startswith(";;"):
            continue
        if tok == "(":
            stack.append([])
        elif tok == ")":
            if len(stack) == 1:
                raise ValueError("witx: unbalanced ')'")
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(tok)
    if len(stack) != 1:
        raise ValueError("witx: unbalanced '('")
    return stack[0]


# ---------------------------------------------------------------------------------------------
# Type model (type expressions are immutable and hashable)

INT_SIZES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "s8": 1, "s16": 2, "s32": 4, "s64": 8}


@dataclass(frozen=True)
class Int:
    name: str  # u8 u16 u32 u64 s8 s16 s32 s64


@dataclass(frozen=True)
class Ref:
    name: str  # a typename, without the `$`


@dataclass(frozen=True)
class Enum:
    repr: str
    cases: tuple[str, ...]

    def value(self, case: str) -> int:
        return self.cases.index(case)


@dataclass(frozen=True)
class Flags:
    repr: str
    names: tuple[str, ...]

    def bit(self, name: str) -> int:
        return 1 << self.names.index(name)

    @property
    def all(self) -> int:
        return (1 << len(self.names)) - 1

    def decode(self, value: int) -> str:
        names = [n for i, n in enumerate(self.names) if value >> i & 1]
        extra = value & ~self.all
        if extra:
            names.append(hex(extra))
        return "|".join(names) if names else "0"


@dataclass(frozen=True)
class Record:
    fields: tuple[tuple[str, TypeExpr], ...]


@dataclass(frozen=True)
class Variant:
    """A witx `union`: a tag (an enum typename) selecting one of the cases."""

    tag: str
    cases: tuple[TypeExpr, ...]


@dataclass(frozen=True)
class Handle:
    pass


@dataclass(frozen=True)
class List:
    elem: TypeExpr


@dataclass(frozen=True)
class String:
    pass


@dataclass(frozen=True)
class Pointer:
    elem: TypeExpr
    const: bool = False


@dataclass(frozen=True)
class Tuple:
    elems: tuple[TypeExpr, ...]


@dataclass(frozen=True)
class Expected:
    ok: TypeExpr | None
    error: TypeExpr


TypeExpr = (
    Int
    | Ref
    | Enum
    | Flags
    | Record
    | Variant
    | Handle
    | List
    | String
    | Pointer
    | Tuple
    | Expected
)


@dataclass(frozen=True)
class CoreParam:
    """One core-wasm parameter of a lowered function.

    `role` is "value" (a witx param passed directly), "ptr"/"len" (the two halves of a string
    or list param) or "out" (a pointer the result value is stored through).
    """

    name: str
    valtype: str  # "i32" or "i64"
    role: str
    source: str  # the witx param name (or result name for "out")
    type: TypeExpr


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[tuple[str, TypeExpr], ...]
    result: Expected | None
    noreturn: bool
    core_params: tuple[CoreParam, ...] = field(default=())
    core_results: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------------------------
# witx s-expressions -> plain data (JSON-able) -> model


def _name(atom: SExpr) -> str:
    if not isinstance(atom, str) or not atom.startswith("$"):
        raise ValueError(f"witx: expected a $name, got {atom!r}")
    return atom[1:]


def _type_data(x: SExpr) -> Any:
    """A witx type expression as plain data."""
    if isinstance(x, str):
        if x.startswith("$"):
            return x
        if x in INT_SIZES or x == "string":
            return x
        raise ValueError(f"witx: unknown type {x!r}")
    head = x[0]
    if head == "enum":
        assert x[1][:2] == ["@witx", "tag"]
        return {"enum": x[1][2], "cases": [_name(c) for c in x[2:]]}
    if head == "flags":
        assert x[1][:2] == ["@witx", "repr"]
        return {"flags": x[1][2], "names": [_name(c) for c in x[2:]]}
    if head == "record":
        return {"record": [[_name(f[1]), _type_data(f[2])] for f in x[1:]]}
    if head == "union":
        assert x[1][:2] == ["@witx", "tag"]
        return {"union": _name(x[1][2]), "cases": [_type_data(c) for c in x[2:]]}
    if head == "handle":
        return {"handle": True}
    if head == "list":
        return {"list": _type_data(x[1])}
    if head == "tuple":
        return {"tuple": [_type_data(e) for e in x[1:]]}
    if head == "expected":
        ok = None
        err = None
        for part in x[1:]:
            if isinstance(part, list) and part[0] == "error":
                err = _type_data(part[1])
            else:
                ok = _type_data(part)
        return {"expected": ok, "error": err}
    if head == "@witx" and x[1] in ("pointer", "const_pointer"):
        return {"pointer": _type_data(x[2]), "const": x[1] == "const_pointer"}
    raise ValueError(f"witx: unknown type form {head!r}")


def _function_data(x: list[SExpr]) -> dict[str, Any]:
    assert x[2][0] == "export"
    name = x[2][1].strip('"')
    params, results, noreturn = [], [], False
    for part in x[3:]:
        if part[0] == "param":
            params.append([_name(part[1]), _type_data(part[2])])
        elif part[0] == "result":
            results.append([_name(part[1]), _type_data(part[2])])
        elif part == ["@witx", "noreturn"]:
            noreturn = True
        else:
            raise ValueError(f"witx: unknown function part {part!r}")
    return {"name": name, "params": params, "results": results, "noreturn": noreturn}


def witx_to_data(typenames_text: str, module_text: str) -> dict[str, Any]:
    """Parse the two witx files into plain data: {"types": {...}, "module": ..., "functions": [...]}."""
    types: dict[str, Any] = {}
    for form in parse_sexprs(typenames_text):
        if form[0] != "typename":
            raise ValueError(f"witx: unexpected top-level form {form[0]!r}")
        types[_name(form[1])] = _type_data(form[2])
    functions = []
    module = None
    for form in parse_sexprs(module_text):
        if form[0] == "use":
            continue
        if form[0] != "module":
            raise ValueError(f"witx: unexpected top-level form {form[0]!r}")
        module = _name(form[1])
        for item in form[2:]:
            if item[0] == "@interface" and item[1] == "func":
                functions.append(_function_data(item))
    return {"module": module, "types": types, "functions": functions}


def _type_from(d: Any) -> TypeExpr:
    if isinstance(d, str):
        if d.startswith("$"):
            return Ref(d[1:])
        return String() if d == "string" else Int(d)
    if "enum" in d:
        return Enum(d["enum"], tuple(d["cases"]))
    if "flags" in d:
        return Flags(d["flags"], tuple(d["names"]))
    if "record" in d:
        return Record(tuple((n, _type_from(t)) for n, t in d["record"]))
    if "union" in d:
        return Variant(d["union"], tuple(_type_from(c) for c in d["cases"]))
    if "handle" in d:
        return Handle()
    if "list" in d:
        return List(_type_from(d["list"]))
    if "tuple" in d:
        return Tuple(tuple(_type_from(e) for e in d["tuple"]))
    if "expected" in d:
        ok = None if d["expected"] is None else _type_from(d["expected"])
        return Expected(ok, _type_from(d["error"]))
    if "pointer" in d:
        return Pointer(_type_from(d["pointer"]), d["const"])
    raise ValueError(f"witx data: unknown type {d!r}")


# ---------------------------------------------------------------------------------------------
# The interface as a whole: resolution, layout, lowering


class Spec:
    """A parsed witx module with its typenames."""

    def __init__(self, data: dict[str, Any]):
        self.module: str = data["module"]
        self.types: dict[str, TypeExpr] = {n: _type_from(t) for n, t in data["types"].items()}
        self._sizes: dict[TypeExpr, tuple[int, int]] = {}
        self._offsets: dict[TypeExpr, list[int]] = {}
        self.memo: dict[Any, Any] = {}  # data other modules derive from the spec, by key
        self.functions: dict[str, Function] = {}
        for f in data["functions"]:
            self.functions[f["name"]] = self._lower(f)

    # -- resolution ---------------------------------------------------------------------------

    def resolve(self, t: TypeExpr) -> TypeExpr:
        while isinstance(t, Ref):
            t = self.types[t.name]
        return t

    def enum(self, name: str) -> Enum:
        t = self.resolve(Ref(name))
        assert isinstance(t, Enum)
        return t

    def flags(self, name: str) -> Flags:
        t = self.resolve(Ref(name))
        assert isinstance(t, Flags)
        return t

    # -- layout -------------------------------------------------------------------------------

    def size_align(self, t: TypeExpr) -> tuple[int, int]:
        known = self._sizes.get(t)
        if known is None:
            known = self._sizes[t] = self._size_align(t)
        return known

    def _size_align(self, t: TypeExpr) -> tuple[int, int]:
        t = self.resolve(t)
        if isinstance(t, Int):
            n = INT_SIZES[t.name]
            return n, n
        if isinstance(t, (Enum, Flags)):
            n = INT_SIZES[t.repr]
            return n, n
        if isinstance(t, (Handle, Pointer)):
            return 4, 4
        if isinstance(t, (List, String)):
            return 8, 4
        if isinstance(t, Record):
            return self._struct_layout([ft for _, ft in t.fields])[1:]
        if isinstance(t, Tuple):
            return self._struct_layout(list(t.elems))[1:]
        if isinstance(t, Variant):
            tag_size, _ = self.size_align(Ref(t.tag))
            payload_size = max(self.size_align(c)[0] for c in t.cases)
            align = max([tag_size] + [self.size_align(c)[1] for c in t.cases])
            return _align_up(self.variant_payload_offset(t) + payload_size, align), align
        raise ValueError(f"no memory layout for {t!r}")

    def _struct_layout(self, members: list[TypeExpr]) -> tuple[list[int], int, int]:
        offsets, off, align = [], 0, 1
        for m in members:
            size, a = self.size_align(m)
            off = _align_up(off, a)
            offsets.append(off)
            off += size
            align = max(align, a)
        return offsets, _align_up(off, align), align

    def offsets(self, t: TypeExpr) -> list[int]:
        """Byte offsets of a record's fields or a tuple's elements."""
        known = self._offsets.get(t)
        if known is None:
            known = self._offsets[t] = self._field_offsets(t)
        return known

    def _field_offsets(self, t: TypeExpr) -> list[int]:
        t = self.resolve(t)
        members = [ft for _, ft in t.fields] if isinstance(t, Record) else list(t.elems)
        return self._struct_layout(members)[0]

    def variant_payload_offset(self, t: Variant) -> int:
        tag_size, _ = self.size_align(Ref(t.tag))
        align = max(self.size_align(c)[1] for c in t.cases)
        return _align_up(tag_size, align)

    # -- lowering to core wasm ----------------------------------------------------------------

    def _core_valtype(self, t: TypeExpr) -> str:
        t = self.resolve(t)
        if isinstance(t, Int):
            return "i64" if INT_SIZES[t.name] == 8 else "i32"
        if isinstance(t, (Enum, Flags)):
            return "i64" if INT_SIZES[t.repr] == 8 else "i32"
        if isinstance(t, (Handle, Pointer)):
            return "i32"
        raise ValueError(f"cannot pass {t!r} as a core value")

    def _lower(self, f: dict[str, Any]) -> Function:
        params = tuple((n, _type_from(t)) for n, t in f["params"])
        result = None
        if f["results"]:
            ((_, rt),) = f["results"]
            result = _type_from(rt)
            assert isinstance(result, Expected)
        core: list[CoreParam] = []
        for name, t in params:
            r = self.resolve(t)
            if isinstance(r, (List, String)):
                core.append(CoreParam(name, "i32", "ptr", name, t))
                core.append(CoreParam(f"{name}_len", "i32", "len", name, t))
            else:
                core.append(CoreParam(name, self._core_valtype(t), "value", name, t))
        core_results: tuple[str, ...] = ()
        if result is not None:
            outs = _out_types(result.ok)
            for i, ot in enumerate(outs):
                label = _type_label(ot) if len(outs) == 1 else f"{_type_label(ot)}{i}"
                core.append(CoreParam(f"retptr{i}", "i32", "out", label, ot))
            core_results = (self._core_valtype(result.error),)
        return Function(f["name"], params, result, f["noreturn"], tuple(core), core_results)


def _out_types(ok: TypeExpr | None) -> list[TypeExpr]:
    if ok is None:
        return []
    if isinstance(ok, Tuple):
        return list(ok.elems)
    return [ok]


def _type_label(t: TypeExpr) -> str:
    return t.name if isinstance(t, Ref) else type(t).__name__.lower()


def _align_up(n: int, a: int) -> int:
    return (n + a - 1) // a * a


@cache
def load_spec() -> Spec:
    """The WASI preview1 interface, from the generated `spec_data` (parsed once, cached)."""
    from . import spec_data

    return Spec(json.loads(spec_data.DATA))
