"""The module model: what a decoded or parsed WebAssembly module is made of.

Everything downstream (validator, engines, printer, encoder) reads these records, never
bytes or text. Function bodies are flat instruction lists in binary order, with explicit
`block`/`loop`/`if`/`else`/`end` markers; the last instruction of a body is its `end`.

Immediate (`Instr.imm`) shapes, by the opcode row's `imm` kind (see `opcodes.py`):

    none          None
    blocktype     None (empty) | ValType (one result) | int (type index)
    label         int
    br_table      (tuple[int, ...] targets, int default)
    func/local/global/table/type/data/elem   int
    call_indirect (type index, table index)
    memarg        (align exponent, offset)              e.g. i32.load align=4 -> (2, off)
    memarg_lane   (align exponent, offset, lane)
    lane          int
    i32, i64      int, as a *signed* value
    f32, f64      int: the raw IEEE bits (keeps NaN payloads exact)
    v128          bytes, 16 of them, little-endian lane order
    shuffle       tuple of 16 lane indices
    select_t      tuple[ValType, ...] (the typed `select`)
    reftype       ValType (funcref or externref)
    memory        int (memory index, 0 in Wasm 2.0)
    memory_init   (data index, memory index)
    memory_copy   (destination memory, source memory)
    table_init    (element index, table index)
    table_copy    (destination table, source table)
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, NamedTuple

from .records import FrozenRecord, Record

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .opcodes import Op


class ValType(enum.Enum):
    """A value type; `.value` is its binary encoding byte."""

    i32 = 0x7F
    i64 = 0x7E
    f32 = 0x7D
    f64 = 0x7C
    v128 = 0x7B
    funcref = 0x70
    externref = 0x6F

    @property
    def is_ref(self) -> bool:
        return self in (ValType.funcref, ValType.externref)

    @property
    def is_num(self) -> bool:
        return self in (ValType.i32, ValType.i64, ValType.f32, ValType.f64)

    def __repr__(self) -> str:
        return self.name

    __str__ = __repr__


I32, I64, F32, F64, V128 = ValType.i32, ValType.i64, ValType.f32, ValType.f64, ValType.v128
FUNCREF, EXTERNREF = ValType.funcref, ValType.externref

VALTYPE_BY_NAME = {t.name: t for t in ValType}
VALTYPE_BY_BYTE = {t.value: t for t in ValType}


# The records below are plain classes that behave as dataclasses would (see records.py).


class FuncType(FrozenRecord):
    __slots__ = _fields = ("params", "results")
    params: tuple[ValType, ...]
    results: tuple[ValType, ...]

    def __init__(self, params: Sequence[ValType] = (), results: Sequence[ValType] = ()):
        # Accept any sequences (the embedding API's users pass lists) but stay hashable.
        params = params if type(params) is tuple else tuple(params)
        results = results if type(results) is tuple else tuple(results)
        FrozenRecord.__init__(self, params, results)

    def __eq__(self, other: object) -> bool:
        if type(other) is not FuncType:
            return NotImplemented
        return self is other or (
            self.params == other.params and self.results == other.results  # type: ignore[attr-defined]
        )

    __hash__ = FrozenRecord.__hash__  # defining __eq__ alone would make the class unhashable

    def __str__(self) -> str:
        p = " ".join(map(str, self.params))
        r = " ".join(map(str, self.results))
        return f"[{p}] -> [{r}]"


class Limits(FrozenRecord):
    __slots__ = _fields = ("min", "max")
    _defaults = (None,)
    min: int
    max: int | None


class TableType(FrozenRecord):
    __slots__ = _fields = ("elem", "limits")
    elem: ValType
    limits: Limits


class MemoryType(FrozenRecord):
    __slots__ = _fields = ("limits",)
    limits: Limits


class GlobalType(FrozenRecord):
    __slots__ = _fields = ("valtype", "mutable")
    _defaults = (False,)
    valtype: ValType
    mutable: bool


class ExternKind(enum.IntEnum):
    """Kinds of imports and exports; values are the binary encoding."""

    func = 0
    table = 1
    memory = 2
    glob = 3  # `global` is a Python keyword


ImportDesc = int | TableType | MemoryType | GlobalType  # int = function type index


class Import(Record):
    _fields = ("module", "name", "kind", "desc")

    def __init__(self, module: str, name: str, kind: ExternKind, desc: ImportDesc):
        self.module = module
        self.name = name
        self.kind = kind
        self.desc = desc


class Export(Record):
    _fields = ("name", "kind", "index")

    def __init__(self, name: str, kind: ExternKind, index: int):
        self.name = name
        self.kind = kind
        self.index = index


class Instr(NamedTuple):
    op: Op
    imm: object = None

    def __repr__(self) -> str:
        return self.op.name if self.imm is None else f"{self.op.name} {self.imm!r}"


Expr = list[Instr]  # a constant or body expression, ending with `end`


class Func(Record):
    _fields = ("type_index", "locals", "body", "offsets", "control", "vector")
    _not_compared = _not_shown = frozenset({"offsets", "control", "vector"})

    def __init__(
        self,
        type_index: int,
        locals: list[ValType] | None = None,  # declared locals, params excluded
        body: Expr | None = None,
        offsets: list[int] | None = None,
    ):
        self.type_index = type_index
        self.locals: list[ValType] = [] if locals is None else locals
        self.body: Expr = [] if body is None else body
        # Byte offset of each instruction of `body` in the binary, when decoded from one
        # (not part of == or repr).
        self.offsets = offsets
        # Positions in `body` of its block/loop/if/else/end instructions and of its vector
        # instructions, when the decoder recorded them (None: not known; whoever replaces
        # `body` resets them). Not part of == or repr.
        self.control: list[int] | None = None
        self.vector: list[int] | None = None


class Table(Record):
    _fields = ("type",)

    def __init__(self, type: TableType):
        self.type = type


class Memory(Record):
    _fields = ("type",)

    def __init__(self, type: MemoryType):
        self.type = type


class Global(Record):
    _fields = ("type", "init")

    def __init__(self, type: GlobalType, init: Expr):
        self.type = type
        self.init = init


class SegmentMode(enum.Enum):
    active = "active"
    passive = "passive"
    declarative = "declarative"


class Elem(Record):
    _fields = ("reftype", "init", "mode", "table", "offset", "encoding")
    _not_compared = _not_shown = frozenset({"encoding"})

    def __init__(
        self,
        reftype: ValType,
        init: list[Expr],  # one constant expression per element
        mode: SegmentMode = SegmentMode.passive,
        table: int = 0,
        offset: Expr | None = None,  # active segments only
        encoding: int | None = None,
    ):
        self.reftype = reftype
        self.init = init
        self.mode = mode
        self.table = table
        self.offset = offset
        # Binary flags (0-7) this segment was decoded from, so the encoder can reproduce the
        # same form; None = let the encoder pick the canonical one. Not part of == or repr.
        self.encoding = encoding


class Data(Record):
    _fields = ("init", "mode", "memory", "offset", "encoding")
    _not_compared = _not_shown = frozenset({"encoding"})

    def __init__(
        self,
        init: bytes,
        mode: SegmentMode = SegmentMode.passive,
        memory: int = 0,
        offset: Expr | None = None,  # active segments only
        encoding: int | None = None,
    ):
        self.init = init
        self.mode = mode
        self.memory = memory
        self.offset = offset
        # Binary flags (0-2) this segment was decoded from; None = canonical choice. Not
        # part of == or repr.
        self.encoding = encoding


class CustomSection(Record):
    _fields = ("name", "data", "after")

    def __init__(self, name: str, data: bytes, after: int = 0):
        self.name = name
        self.data = data
        # Position among the standard sections: id of the section it follows (0 = before all).
        self.after = after


class Names(Record):
    """The decoded `name` custom section."""

    _fields = (
        *("module", "funcs", "locals"),
        *("types", "tables", "memories", "globals", "elems", "datas"),
    )
    _not_compared = frozenset({"types", "tables", "memories", "globals", "elems", "datas"})

    def __init__(
        self,
        module: str | None = None,
        funcs: dict[int, str] | None = None,
        locals: dict[int, dict[int, str]] | None = None,
        types: dict[int, str] | None = None,
        tables: dict[int, str] | None = None,
        memories: dict[int, str] | None = None,
        globals: dict[int, str] | None = None,
        elems: dict[int, str] | None = None,
        datas: dict[int, str] | None = None,
    ):
        self.module = module
        self.funcs: dict[int, str] = {} if funcs is None else funcs
        self.locals: dict[int, dict[int, str]] = {} if locals is None else locals
        # Names of the extended name subsections (types, tables, memories, globals, element
        # and data segments): filled by the text parser for `wat2wasm --debug-names`; the
        # binary decoder and encoder leave them alone (hence not part of equality).
        self.types: dict[int, str] = {} if types is None else types
        self.tables: dict[int, str] = {} if tables is None else tables
        self.memories: dict[int, str] = {} if memories is None else memories
        self.globals: dict[int, str] = {} if globals is None else globals
        self.elems: dict[int, str] = {} if elems is None else elems
        self.datas: dict[int, str] = {} if datas is None else datas


class Module(Record):
    _fields = (
        *("types", "imports", "funcs", "tables", "memories", "globals", "exports", "start"),
        *("elems", "datas", "data_count", "customs", "names", "id"),
    )
    _not_compared = frozenset({"names", "id"})

    def __init__(
        self,
        types: list[FuncType] | None = None,
        imports: list[Import] | None = None,
        funcs: list[Func] | None = None,  # defined functions only
        tables: list[Table] | None = None,  # defined tables only
        memories: list[Memory] | None = None,
        globals: list[Global] | None = None,
        exports: list[Export] | None = None,
        start: int | None = None,
        elems: list[Elem] | None = None,
        datas: list[Data] | None = None,
        data_count: int | None = None,  # the data count section, when present
        customs: list[CustomSection] | None = None,
        names: Names | None = None,  # not part of ==
        id: str | None = None,  # text-format identifier (`(module $id ...)`); not part of ==
    ):
        self.types: list[FuncType] = [] if types is None else types
        self.imports: list[Import] = [] if imports is None else imports
        self.funcs: list[Func] = [] if funcs is None else funcs
        self.tables: list[Table] = [] if tables is None else tables
        self.memories: list[Memory] = [] if memories is None else memories
        self.globals: list[Global] = [] if globals is None else globals
        self.exports: list[Export] = [] if exports is None else exports
        self.start = start
        self.elems: list[Elem] = [] if elems is None else elems
        self.datas: list[Data] = [] if datas is None else datas
        self.data_count = data_count
        self.customs: list[CustomSection] = [] if customs is None else customs
        self.names = names
        self.id = id

    # Index spaces: imports come first, then definitions.
    def imported(self, kind: ExternKind) -> list[Import]:
        return [i for i in self.imports if i.kind == kind]

    def func_types(self) -> list[FuncType]:
        """The type of every function in the function index space."""
        imported = [self.types[i.desc] for i in self.imported(ExternKind.func)]  # type: ignore[index]
        return imported + [self.types[f.type_index] for f in self.funcs]

    def table_types(self) -> list[TableType]:
        imported = [i.desc for i in self.imported(ExternKind.table)]
        return imported + [t.type for t in self.tables]  # type: ignore[return-value]

    def memory_types(self) -> list[MemoryType]:
        imported = [i.desc for i in self.imported(ExternKind.memory)]
        return imported + [m.type for m in self.memories]  # type: ignore[return-value]

    def global_types(self) -> list[GlobalType]:
        imported = [i.desc for i in self.imported(ExternKind.glob)]
        return imported + [g.type for g in self.globals]  # type: ignore[return-value]

    @property
    def num_imported_funcs(self) -> int:
        return sum(1 for i in self.imports if i.kind == ExternKind.func)

    def func_name(self, index: int) -> str | None:
        return self.names.funcs.get(index) if self.names else None
