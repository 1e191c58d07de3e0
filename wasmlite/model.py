"""The module model: what a decoded or parsed WebAssembly module is made of.

Everything downstream (validator, engines, printer, encoder) reads these dataclasses, never
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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
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


@dataclass(frozen=True)
class FuncType:
    params: tuple[ValType, ...] = ()
    results: tuple[ValType, ...] = ()

    def __post_init__(self) -> None:
        # Accept any sequences (the embedding API's users pass lists) but stay hashable.
        if type(self.params) is not tuple:
            object.__setattr__(self, "params", tuple(self.params))
        if type(self.results) is not tuple:
            object.__setattr__(self, "results", tuple(self.results))

    def __str__(self) -> str:
        p = " ".join(map(str, self.params))
        r = " ".join(map(str, self.results))
        return f"[{p}] -> [{r}]"


@dataclass(frozen=True)
class Limits:
    min: int
    max: int | None = None


@dataclass(frozen=True)
class TableType:
    elem: ValType
    limits: Limits


@dataclass(frozen=True)
class MemoryType:
    limits: Limits


@dataclass(frozen=True)
class GlobalType:
    valtype: ValType
    mutable: bool = False


class ExternKind(enum.IntEnum):
    """Kinds of imports and exports; values are the binary encoding."""

    func = 0
    table = 1
    memory = 2
    glob = 3  # `global` is a Python keyword


ImportDesc = int | TableType | MemoryType | GlobalType  # int = function type index


@dataclass
class Import:
    module: str
    name: str
    kind: ExternKind
    desc: ImportDesc


@dataclass
class Export:
    name: str
    kind: ExternKind
    index: int


class Instr(NamedTuple):
    op: Op
    imm: object = None

    def __repr__(self) -> str:
        return self.op.name if self.imm is None else f"{self.op.name} {self.imm!r}"


Expr = list[Instr]  # a constant or body expression, ending with `end`


@dataclass
class Func:
    type_index: int
    locals: list[ValType] = field(default_factory=list)  # declared locals, params excluded
    body: Expr = field(default_factory=list)
    # Byte offset of each instruction of `body` in the binary, when decoded from one.
    offsets: list[int] | None = field(default=None, compare=False, repr=False)


@dataclass
class Table:
    type: TableType


@dataclass
class Memory:
    type: MemoryType


@dataclass
class Global:
    type: GlobalType
    init: Expr


class SegmentMode(enum.Enum):
    active = "active"
    passive = "passive"
    declarative = "declarative"


@dataclass
class Elem:
    reftype: ValType
    init: list[Expr]  # one constant expression per element
    mode: SegmentMode = SegmentMode.passive
    table: int = 0
    offset: Expr | None = None  # active segments only
    # Binary flags (0-7) this segment was decoded from, so the encoder can reproduce the
    # same form; None = let the encoder pick the canonical one.
    encoding: int | None = field(default=None, compare=False, repr=False)


@dataclass
class Data:
    init: bytes
    mode: SegmentMode = SegmentMode.passive
    memory: int = 0
    offset: Expr | None = None  # active segments only
    # Binary flags (0-2) this segment was decoded from; None = canonical choice.
    encoding: int | None = field(default=None, compare=False, repr=False)


@dataclass
class CustomSection:
    name: str
    data: bytes
    # Position among the standard sections: id of the section it follows (0 = before all).
    after: int = 0


@dataclass
class Names:
    """The decoded `name` custom section."""

    module: str | None = None
    funcs: dict[int, str] = field(default_factory=dict)
    locals: dict[int, dict[int, str]] = field(default_factory=dict)
    # Names of the extended name subsections (types, tables, memories, globals, element and
    # data segments): filled by the text parser for `wat2wasm --debug-names`; the binary
    # decoder and encoder leave them alone (hence not part of equality).
    types: dict[int, str] = field(default_factory=dict, compare=False)
    tables: dict[int, str] = field(default_factory=dict, compare=False)
    memories: dict[int, str] = field(default_factory=dict, compare=False)
    globals: dict[int, str] = field(default_factory=dict, compare=False)
    elems: dict[int, str] = field(default_factory=dict, compare=False)
    datas: dict[int, str] = field(default_factory=dict, compare=False)


@dataclass
class Module:
    types: list[FuncType] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    funcs: list[Func] = field(default_factory=list)  # defined functions only
    tables: list[Table] = field(default_factory=list)  # defined tables only
    memories: list[Memory] = field(default_factory=list)
    globals: list[Global] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    start: int | None = None
    elems: list[Elem] = field(default_factory=list)
    datas: list[Data] = field(default_factory=list)
    data_count: int | None = None  # the data count section, when present
    customs: list[CustomSection] = field(default_factory=list)
    names: Names | None = field(default=None, compare=False)
    # Text-format identifier of the module (`(module $id ...)`), if any.
    id: str | None = field(default=None, compare=False)

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
