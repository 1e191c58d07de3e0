"""The WAT parser: text -> `Module`.

Parsing runs in two passes over the module's fields. The first assigns every index space
(func, table, memory, global, elem, data) its indices and `$id`s and parses the explicit
`(type ...)` definitions, so that the second pass, which builds the model, can resolve
forward references and decide which type uses need an implicit type appended.
"""

from __future__ import annotations

from .. import opcodes
from ..model import (
    FUNCREF,
    VALTYPE_BY_NAME,
    Data,
    Elem,
    Export,
    ExternKind,
    Func,
    FuncType,
    Global,
    GlobalType,
    Import,
    Instr,
    Limits,
    Memory,
    MemoryType,
    Module,
    Names,
    SegmentMode,
    Table,
    TableType,
    ValType,
)
from .instructions import InstrParser
from .lexer import Lexer, Token
from .numbers import parse_uint
from .stream import U32_MAX, TokenStream

_OP = opcodes.BY_NAME
_END = Instr(opcodes.END)
_REFTYPES = {"funcref": FUNCREF, "externref": ValType.externref}
_SPACES = ("func", "table", "memory", "global", "elem", "data")
_KIND_OF = {
    "func": ExternKind.func,
    "table": ExternKind.table,
    "memory": ExternKind.memory,
    "global": ExternKind.glob,
}
_SPACE_WORD = {"func": "function", "table": "table", "memory": "memory", "global": "global"}


class _Space:
    """One index space: `$id` -> index, counted in textual order."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.names: dict[str, int] = {}
        self.count = 0

    def add(self, ident: str | None, ts: TokenStream, tok: Token) -> int:
        index = self.count
        if ident is not None:
            if ident in self.names:
                raise ts.error(f"duplicate {self.kind}", tok)
            self.names[ident] = index
        self.count += 1
        return index


class ModuleParser:
    """Parses the fields of one module, from the cursor to its closing `)` (or end)."""

    def __init__(self, ts: TokenStream) -> None:
        self.ts = ts
        self.m = Module()
        self.spaces = {k: _Space(k) for k in _SPACES}
        self.type_names: dict[str, int] = {}
        self.explicit_types = 0
        self.uses_data_index = False
        self.func_names: dict[int, str] = {}
        self.local_names: dict[int, dict[int, str]] = {}

    # ---- pass 1 -------------------------------------------------------------------------

    def parse(self) -> Module:
        ts = self.ts
        start = ts.i
        fields: list[int] = []
        while ts.peek()[0] == "(":
            fields.append(ts.i)
            ts.skip_sexpr()
        end = ts.i
        if ts.peek()[0] not in (")", "eof"):
            raise ts.unexpected()
        ts.i = start
        self._declare(fields)
        for pos in fields:
            ts.i = pos
            self._field()
        ts.i = end
        if self.uses_data_index:
            self.m.data_count = len(self.m.datas)
        extended = self._extended_names()
        if self.func_names or self.local_names or any(extended.values()):
            self.m.names = Names(None, self.func_names, self.local_names, **extended)
        return self.m

    def _extended_names(self) -> dict[str, dict[int, str]]:
        """`$id`s of the other index spaces, for the extended name subsections."""

        def by_index(ids: dict[str, int]) -> dict[int, str]:
            return {i: ident[1:] for ident, i in ids.items()}

        spaces = (("tables", "table"), ("memories", "memory"), ("globals", "global"))
        spaces += (("elems", "elem"), ("datas", "data"))
        out = {attr: by_index(self.spaces[word].names) for attr, word in spaces}
        out["types"] = by_index(self.type_names)
        return out

    def _declare(self, fields: list[int]) -> None:
        ts = self.ts
        last_def: str | None = None
        for pos in fields:
            ts.i = pos + 1
            tok = ts.peek()
            word = ts.atom()
            if word == "type":
                self._type_field(tok)
                continue
            if word == "import":
                ts.name()
                ts.name()
                ts.lp()
                kind_tok = ts.peek()
                kind = ts.atom()
                if kind not in _KIND_OF:
                    raise ts.unexpected(kind_tok)
                if last_def is not None:
                    raise ts.error(f"import after {_SPACE_WORD[last_def]}", tok)
                self.spaces[kind].add(ts.opt_id(), ts, kind_tok)
                continue
            if word in _KIND_OF:
                ident = ts.opt_id()
                while ts.is_lp("export"):
                    ts.skip_sexpr()
                if ts.is_lp("import"):
                    if last_def is not None:
                        raise ts.error(f"import after {_SPACE_WORD[last_def]}", tok)
                else:
                    last_def = word
                self.spaces[word].add(ident, ts, tok)
                if word in ("table", "memory"):
                    self._declare_inline_segment(word)
                continue
            if word in ("elem", "data"):
                self.spaces[word].add(ts.opt_id(), ts, tok)
            elif word not in ("export", "start"):
                raise ts.unexpected(tok)

    def _declare_inline_segment(self, word: str) -> None:
        ts = self.ts
        seg = "elem" if word == "table" else "data"
        while not ts.at_rp() and ts.peek()[0] != "eof":
            if ts.is_lp(seg):
                self.spaces[seg].add(None, ts, ts.peek())
            if ts.peek()[0] == "(":
                ts.skip_sexpr()
            else:
                ts.next()

    def _type_field(self, tok: Token) -> None:
        ts = self.ts
        ident = ts.opt_id()
        ts.lp("func")
        params, _names = self.params(allow_names=True)
        results = self.results()
        ts.rp()
        ts.rp()
        if ident is not None:
            if ident in self.type_names:
                raise ts.error("duplicate type", tok)
            self.type_names[ident] = len(self.m.types)
        self.m.types.append(FuncType(tuple(params), tuple(results)))
        self.explicit_types += 1

    # ---- pass 2 -------------------------------------------------------------------------

    def _field(self) -> None:
        ts = self.ts
        ts.lp()
        tok = ts.peek()
        word = ts.atom()
        if word == "type":
            ts.i -= 2
            ts.skip_sexpr()
            return
        handler = getattr(self, "_f_" + word)
        handler(tok)

    def _exports(self, kind: ExternKind, index: int) -> None:
        ts = self.ts
        while ts.is_lp("export"):
            ts.lp("export")
            self.m.exports.append(Export(ts.name(), kind, index))
            ts.rp()

    def _inline_import(self) -> tuple[str, str] | None:
        ts = self.ts
        if not ts.is_lp("import"):
            return None
        ts.lp("import")
        names = (ts.name(), ts.name())
        ts.rp()
        return names

    def _f_import(self, tok: Token) -> None:
        ts = self.ts
        module, name = ts.name(), ts.name()
        ts.lp()
        kind_word = ts.atom()
        ident = ts.opt_id()
        kind = _KIND_OF[kind_word]
        if kind_word == "func":
            index = self.m.num_imported_funcs
            if ident is not None:
                self.func_names[index] = ident[1:]
            desc, param_names = self.typeuse(allow_names=True)
            self._import_param_names(index, param_names)
        elif kind_word == "table":
            desc = self._tabletype()
        elif kind_word == "memory":
            desc = MemoryType(self._limits())
        else:
            desc = self._globaltype()
        ts.rp()
        ts.rp()
        self.m.imports.append(Import(module, name, kind, desc))  # type: ignore[arg-type]

    def _import_param_names(self, index: int, names: list[str | None]) -> None:
        """Parameter names of an imported function, kept for the name section (as wabt)."""
        named = {i: n[1:] for i, n in enumerate(names) if n is not None}
        if named:
            self.local_names[index] = named

    def _f_func(self, tok: Token) -> None:
        ts = self.ts
        ident = ts.opt_id()
        index = self.m.num_imported_funcs + len(self.m.funcs)
        if ident is not None:
            self.func_names[index] = ident[1:]
        self._exports(ExternKind.func, index)
        imp = self._inline_import()
        type_index, param_names = self.typeuse(allow_names=True)
        if imp is not None:
            ts.rp()
            self._import_param_names(index, param_names)
            self.m.imports.append(Import(imp[0], imp[1], ExternKind.func, type_index))
            return
        locals_: dict[str, int] = {}
        for i, n in enumerate(param_names):
            if n is not None:
                if n in locals_:
                    raise ts.error("duplicate local", tok)
                locals_[n] = i
        nlocals = len(param_names)
        local_types: list[ValType] = []
        while ts.is_lp("local"):
            ts.lp("local")
            lid_tok = ts.peek()
            lid = ts.opt_id()
            if lid is not None:
                if lid in locals_:
                    raise ts.error("duplicate local", lid_tok)
                locals_[lid] = nlocals + len(local_types)
                local_types.append(self._valtype())
            else:
                while not ts.at_rp():
                    local_types.append(self._valtype())
            ts.rp()
        body: list[Instr] = []
        InstrParser(self, locals_).instrs(body)
        ts.rp()
        body.append(_END)
        if locals_:
            self.local_names[index] = {i: n[1:] for n, i in locals_.items()}
        self.m.funcs.append(Func(type_index, local_types, body))

    def _f_table(self, tok: Token) -> None:
        ts = self.ts
        ts.opt_id()
        index = len(self.m.imported(ExternKind.table)) + len(self.m.tables)
        self._exports(ExternKind.table, index)
        imp = self._inline_import()
        if imp is not None:
            ttype = self._tabletype()
            ts.rp()
            self.m.imports.append(Import(imp[0], imp[1], ExternKind.table, ttype))
            return
        t = ts.peek()
        if t[0] == "atom" and t[1] in _REFTYPES:
            reftype = _REFTYPES[ts.atom()]
            ts.lp("elem")
            inits = self._elem_items(reftype, allow_bare_funcs=True)
            ts.rp()
            ts.rp()
            n = len(inits)
            self.m.tables.append(Table(TableType(reftype, Limits(n, n))))
            offset = [Instr(_OP["i32.const"], 0), _END]
            self.m.elems.append(Elem(reftype, inits, SegmentMode.active, index, offset))
            return
        ttype = self._tabletype()
        ts.rp()
        self.m.tables.append(Table(ttype))

    def _f_memory(self, tok: Token) -> None:
        ts = self.ts
        ts.opt_id()
        index = len(self.m.imported(ExternKind.memory)) + len(self.m.memories)
        self._exports(ExternKind.memory, index)
        imp = self._inline_import()
        if imp is not None:
            mtype = MemoryType(self._limits())
            ts.rp()
            self.m.imports.append(Import(imp[0], imp[1], ExternKind.memory, mtype))
            return
        if ts.is_lp("data"):
            ts.lp("data")
            data = self._strings()
            ts.rp()
            ts.rp()
            pages = (len(data) + 0xFFFF) // 0x10000
            self.m.memories.append(Memory(MemoryType(Limits(pages, pages))))
            offset = [Instr(_OP["i32.const"], 0), _END]
            self.m.datas.append(Data(data, SegmentMode.active, index, offset))
            return
        mtype = MemoryType(self._limits())
        ts.rp()
        self.m.memories.append(Memory(mtype))

    def _f_global(self, tok: Token) -> None:
        ts = self.ts
        ts.opt_id()
        index = len(self.m.imported(ExternKind.glob)) + len(self.m.globals)
        self._exports(ExternKind.glob, index)
        imp = self._inline_import()
        gtype = self._globaltype()
        if imp is not None:
            ts.rp()
            self.m.imports.append(Import(imp[0], imp[1], ExternKind.glob, gtype))
            return
        init = self._expr()
        ts.rp()
        self.m.globals.append(Global(gtype, init))

    def _f_export(self, tok: Token) -> None:
        ts = self.ts
        name = ts.name()
        ts.lp()
        kind_tok = ts.peek()
        kind_word = ts.atom()
        if kind_word not in _KIND_OF:
            raise ts.unexpected(kind_tok)
        index = self.index(kind_word)
        ts.rp()
        ts.rp()
        self.m.exports.append(Export(name, _KIND_OF[kind_word], index))

    def _f_start(self, tok: Token) -> None:
        ts = self.ts
        if self.m.start is not None:
            raise ts.error("multiple start sections", tok)
        self.m.start = self.index("func")
        ts.rp()

    def _f_elem(self, tok: Token) -> None:
        ts = self.ts
        ts.opt_id()
        t = ts.peek()
        if t[0] == "atom" and t[1] == "declare":
            ts.next()
            reftype, inits = self._elem_list()
            ts.rp()
            self.m.elems.append(Elem(reftype, inits, SegmentMode.declarative))
            return
        table = 0
        table_use = ts.is_lp("table")
        if table_use:
            ts.lp("table")
            table = self.index("table")
            ts.rp()
        elif ts.peek()[0] == "atom" and parse_uint(ts.peek()[1]) is not None:
            table = self.index("table")
        elif ts.peek()[0] != "(" or ts.is_lp("item"):
            reftype, inits = self._elem_list()
            ts.rp()
            self.m.elems.append(Elem(reftype, inits, SegmentMode.passive))
            return
        offset = self._offset()
        t = ts.peek()
        if t[0] == "atom" and (t[1] == "func" or t[1] in _REFTYPES):
            reftype, inits = self._elem_list()
        elif table_use:  # only the table-less form may omit `func`
            raise ts.unexpected(t)
        else:
            reftype, inits = FUNCREF, self._func_index_items()
        ts.rp()
        self.m.elems.append(Elem(reftype, inits, SegmentMode.active, table, offset))

    def _offset(self) -> list[Instr]:
        ts = self.ts
        if ts.is_lp("offset"):
            ts.lp("offset")
            expr = self._expr()
            ts.rp()
            return expr
        out: list[Instr] = []
        InstrParser(self, {}).folded(out)
        out.append(_END)
        return out

    def _elem_list(self) -> tuple[ValType, list[list[Instr]]]:
        ts = self.ts
        t = ts.peek()
        if t[0] == "atom" and t[1] == "func":
            ts.next()
            return FUNCREF, self._func_index_items()
        if t[0] == "atom" and t[1] in _REFTYPES:
            reftype = _REFTYPES[ts.atom()]
            return reftype, self._elem_items(reftype, allow_bare_funcs=False)
        # Bare function indices (the pre-reference-types form).
        return FUNCREF, self._func_index_items()

    def _func_index_items(self) -> list[list[Instr]]:
        ts = self.ts
        out = []
        while ts.peek()[0] == "atom":
            out.append([Instr(_OP["ref.func"], self.index("func")), _END])
        return out

    def _elem_items(self, reftype: ValType, allow_bare_funcs: bool) -> list[list[Instr]]:
        ts = self.ts
        if allow_bare_funcs and ts.peek()[0] == "atom":
            return self._func_index_items()
        out = []
        while ts.peek()[0] == "(":
            if ts.is_lp("item"):
                ts.lp("item")
                out.append(self._expr())
                ts.rp()
            else:
                expr: list[Instr] = []
                InstrParser(self, {}).folded(expr)
                expr.append(_END)
                out.append(expr)
        return out

    def _f_data(self, tok: Token) -> None:
        ts = self.ts
        ts.opt_id()
        memory = 0
        if ts.is_lp("memory"):
            ts.lp("memory")
            memory = self.index("memory")
            ts.rp()
        elif ts.peek()[0] == "atom":
            memory = self.index("memory")
        elif ts.peek()[0] != "(":
            data = self._strings()
            ts.rp()
            self.m.datas.append(Data(data, SegmentMode.passive))
            return
        offset = self._offset()
        data = self._strings()
        ts.rp()
        self.m.datas.append(Data(data, SegmentMode.active, memory, offset))

    # ---- pieces -------------------------------------------------------------------------

    def _strings(self) -> bytes:
        ts = self.ts
        parts = []
        while ts.peek()[0] == "string":
            parts.append(ts.string())
        return b"".join(parts)

    def _expr(self) -> list[Instr]:
        out: list[Instr] = []
        InstrParser(self, {}).instrs(out)
        out.append(_END)
        return out

    def _valtype(self) -> ValType:
        ts = self.ts
        t = ts.next()
        if t[0] == "atom":
            vt = VALTYPE_BY_NAME.get(t[1])
            if vt is not None:
                return vt
        raise ts.unexpected(t)

    def _globaltype(self) -> GlobalType:
        ts = self.ts
        if ts.is_lp("mut"):
            ts.lp("mut")
            vt = self._valtype()
            ts.rp()
            return GlobalType(vt, True)
        return GlobalType(self._valtype(), False)

    def _limits(self) -> Limits:
        ts = self.ts
        lo = ts.u32()
        if ts.peek()[0] == "atom" and parse_uint(ts.peek()[1]) is not None:
            return Limits(lo, ts.u32())
        return Limits(lo)

    def _tabletype(self) -> TableType:
        limits = self._limits()
        t = self.ts.next()
        if t[0] != "atom" or t[1] not in _REFTYPES:
            raise self.ts.unexpected(t)
        return TableType(_REFTYPES[t[1]], limits)

    def params(self, allow_names: bool) -> tuple[list[ValType], list[str | None]]:
        ts = self.ts
        types: list[ValType] = []
        names: list[str | None] = []
        while ts.is_lp("param"):
            ts.lp("param")
            tok = ts.peek()
            ident = ts.opt_id()
            if ident is not None:
                if not allow_names:
                    raise ts.unexpected(tok)
                types.append(self._valtype())
                names.append(ident)
            else:
                while not ts.at_rp():
                    types.append(self._valtype())
                    names.append(None)
            ts.rp()
        return types, names

    def results(self) -> list[ValType]:
        ts = self.ts
        types: list[ValType] = []
        while ts.is_lp("result"):
            ts.lp("result")
            while not ts.at_rp():
                types.append(self._valtype())
            ts.rp()
        return types

    def typeuse(self, allow_names: bool) -> tuple[int, list[str | None]]:
        """`(type x)? (param ...)* (result ...)*` -> (type index, parameter ids)."""
        ts = self.ts
        index: int | None = None
        if ts.is_lp("type"):
            ts.lp("type")
            index = self.type_index()
            ts.rp()
        start = ts.peek()
        params, names = self.params(allow_names)
        results = self.results()
        if self.ts.is_lp("param"):
            raise self.ts.error("unexpected token")
        ftype = FuncType(tuple(params), tuple(results))
        if index is None:
            return self.implicit_type(ftype), names
        if params or results:
            if index >= len(self.m.types):
                raise ts.error("unknown type", start)
            if self.m.types[index] != ftype:
                raise ts.error("inline function type", start)
            return index, names
        nparams = len(self.m.types[index].params) if index < len(self.m.types) else 0
        return index, [None] * nparams

    def implicit_type(self, ftype: FuncType) -> int:
        types = self.m.types
        for i, t in enumerate(types):
            if t == ftype:
                return i
        types.append(ftype)
        return len(types) - 1

    def type_index(self) -> int:
        ts = self.ts
        t = ts.next()
        if t[0] == "atom":
            if t[1].startswith("$"):
                index = self.type_names.get(t[1])
                if index is None:
                    raise ts.error("unknown type", t)
                return index
            value = parse_uint(t[1])
            if value is not None:
                return value
        raise ts.unexpected(t)

    def index(self, space: str) -> int:
        ts = self.ts
        t = ts.next()
        if t[0] == "atom":
            if t[1].startswith("$"):
                index = self.spaces[space].names.get(t[1])
                if index is None:
                    raise ts.error(f"unknown {_SPACE_WORD.get(space, space)}", t)
                return index
            value = parse_uint(t[1])
            if value is not None:
                if value > U32_MAX:
                    raise ts.error("i32 constant out of range", t)
                return value
        raise ts.unexpected(t)

    def opt_index(self, space: str) -> int | None:
        t = self.ts.peek()
        if t[0] == "atom" and (t[1].startswith("$") or parse_uint(t[1]) is not None):
            return self.index(space)
        return None


def parse_module_tokens(ts: TokenStream) -> Module:
    """Parses module fields at the cursor; stops before the enclosing `)`."""
    return ModuleParser(ts).parse()


def parse_module(source: str) -> Module:
    """Parses `(module ...)` or a bare sequence of module fields."""
    lexer = Lexer(source)
    ts = TokenStream(lexer, lexer.tokens())
    if ts.is_lp("module"):
        ts.lp("module")
        ident = ts.opt_id()
        module = parse_module_tokens(ts)
        ts.rp()
        module.id = ident
    else:
        module = parse_module_tokens(ts)
    if ts.peek()[0] != "eof":
        raise ts.unexpected()
    return module
