"""The witx interface description: type model, memory layout and core-wasm lowering.

WASI preview1 is described by two witx files (`typenames.witx`, `wasi_snapshot_preview1.witx`).
They are the single source of the signatures, errno numbers and flag bits used here:
`generate.py` parses them into plain data (`spec_data.py`, committed so the installed package
does not need the witx files), and `load_spec()` turns that data into the model below.
The text format's parser is `witx_text` (not needed at run time).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ..records import FrozenRecord

# ---------------------------------------------------------------------------------------------
# Type model (type expressions are immutable and hashable; records.py says why they are not
# dataclasses, and their hash is computed once: they key the layout caches WASI calls consult)

INT_SIZES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "s8": 1, "s16": 2, "s32": 4, "s64": 8}


class Int(FrozenRecord):
    __slots__ = _fields = ("name",)  # u8 u16 u32 u64 s8 s16 s32 s64
    name: str


class Ref(FrozenRecord):
    __slots__ = _fields = ("name",)  # a typename, without the `$`
    name: str


class Enum(FrozenRecord):
    __slots__ = _fields = ("repr", "cases")
    repr: str
    cases: tuple[str, ...]

    def value(self, case: str) -> int:
        return self.cases.index(case)


class Flags(FrozenRecord):
    __slots__ = _fields = ("repr", "names")
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


class Record(FrozenRecord):
    __slots__ = _fields = ("fields",)
    fields: tuple[tuple[str, TypeExpr], ...]


class Variant(FrozenRecord):
    """A witx `union`: a tag (an enum typename) selecting one of the cases."""

    __slots__ = _fields = ("tag", "cases")
    tag: str
    cases: tuple[TypeExpr, ...]


class Handle(FrozenRecord):
    __slots__ = ()


class List(FrozenRecord):
    __slots__ = _fields = ("elem",)
    elem: TypeExpr


class String(FrozenRecord):
    __slots__ = ()


class Pointer(FrozenRecord):
    __slots__ = _fields = ("elem", "const")
    _defaults = (False,)
    elem: TypeExpr
    const: bool


class Tuple(FrozenRecord):
    __slots__ = _fields = ("elems",)
    elems: tuple[TypeExpr, ...]


class Expected(FrozenRecord):
    __slots__ = _fields = ("ok", "error")
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


class CoreParam(FrozenRecord):
    """One core-wasm parameter of a lowered function.

    `role` is "value" (a witx param passed directly), "ptr"/"len" (the two halves of a string
    or list param) or "out" (a pointer the result value is stored through).
    """

    __slots__ = _fields = ("name", "valtype", "role", "source", "type")
    name: str
    valtype: str  # "i32" or "i64"
    role: str
    source: str  # the witx param name (or result name for "out")
    type: TypeExpr


class Function(FrozenRecord):
    __slots__ = _fields = ("name", "params", "result", "noreturn", "core_params", "core_results")
    _defaults = ((), ())
    name: str
    params: tuple[tuple[str, TypeExpr], ...]
    result: Expected | None
    noreturn: bool
    core_params: tuple[CoreParam, ...]
    core_results: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# plain data -> model


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


def __getattr__(name: str) -> Any:
    # The parser moved to witx_text (generate.py's alone); its names still resolve here.
    if name in ("SExpr", "parse_sexprs", "witx_to_data"):
        from . import witx_text

        return getattr(witx_text, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
