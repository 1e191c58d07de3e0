"""The binary decoder: bytes -> `model.Module`, raising only `DecodeError` on bad input."""

from __future__ import annotations

from ..errors import DecodeError
from ..model import (
    CustomSection,
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
    SegmentMode,
    Table,
    TableType,
    ValType,
)
from ..opcodes import BY_NAME
from .instructions import read_expr
from .leb128 import decode_s, decode_u
from .names import decode_names
from .reader import EOF_SECTION, EOF_TOP, Reader

MAGIC = b"\x00asm"
VERSION = b"\x01\x00\x00\x00"

# Position of each standard section in the required order (the data count section, id 12,
# sits between the element and code sections).
SECTION_RANK = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12}

# Implementation limit on a function's declared locals, so a tiny body cannot ask for
# billions of list slots; the same limit as wasmtime and V8.
MAX_LOCALS = 50_000
# And on all functions' locals together, relative to the module's size, so that many tiny
# bodies cannot either: real code spends far more than a byte per local.
LOCALS_PER_BYTE = 4
LOCALS_BASE = 1_000_000

_REF_FUNC = BY_NAME["ref.func"]
_END = BY_NAME["end"]


def decode_module(data: bytes) -> Module:
    """Decode a binary module. Raises `DecodeError` (with the spec's wording) if malformed."""
    if not isinstance(data, bytes):
        data = bytes(data)
    return _Decoder(data).module()


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.r = Reader(data)
        self.m = Module()
        self.func_count = 0  # entries of the function section
        self.code_count = 0
        self.interned: dict = {}  # shared Instr objects, see read_expr
        self.locals_budget = LOCALS_BASE + LOCALS_PER_BYTE * len(data)

    def module(self) -> Module:
        r = self.r
        if r.bytes(4) != MAGIC:
            raise DecodeError("magic header not detected", offset=0)
        if r.bytes(4) != VERSION:
            raise DecodeError("unknown binary version", offset=4)
        last_rank = 0
        last_id = 0
        while not r.at_end():
            r.eof = EOF_TOP
            id_pos = r.pos
            sid = r.byte()
            if sid > 12:
                raise DecodeError("malformed section id", offset=id_pos)
            size = r.length()
            start = r.pos
            r.eof = EOF_SECTION
            if sid == 0:
                self.custom(start + size, last_id)
            else:
                rank = SECTION_RANK[sid]
                if rank <= last_rank:
                    raise DecodeError("unexpected content after last section", offset=id_pos)
                last_rank = rank
                last_id = sid
                self.section(sid)
            if r.pos != start + size:
                raise DecodeError("section size mismatch", offset=start)
        self.finish()
        return self.m

    def finish(self) -> None:
        m = self.m
        end = self.r.end
        if self.func_count != self.code_count:
            raise DecodeError("function and code section have inconsistent lengths", offset=end)
        if m.data_count is not None and m.data_count != len(m.datas):
            raise DecodeError("data count and data section have inconsistent lengths", offset=end)

    def section(self, sid: int) -> None:
        r = self.r
        m = self.m
        if sid == 8:
            m.start = r.u32()
        elif sid == 12:
            m.data_count = r.u32()
        else:
            read = self.READERS[sid]
            for _ in range(r.u32()):
                read(self)

    # -- custom sections ------------------------------------------------------------------

    def custom(self, end: int, after: int) -> None:
        r = self.r
        # The name must lie within the section: read it from a reader cut at the section end.
        sub = Reader(r.data, r.pos, end)
        sub.eof = EOF_SECTION
        name = sub.name()
        payload = r.data[sub.pos : end]
        r.pos = end
        self.m.customs.append(CustomSection(name, payload, after))
        if name == "name":
            names = decode_names(payload)
            if names is not None:
                self.m.names = names

    # -- entries --------------------------------------------------------------------------

    def functype(self) -> None:
        r = self.r
        # The form is a signed 7-bit LEB128 (-0x20), hence "too long" for 0xe0 0x7f.
        form_pos = r.pos
        form, r.pos = decode_s(r.data, form_pos, 7, r.eof, r.end)
        if form != -0x20:
            raise DecodeError("malformed function type", offset=form_pos)
        params = tuple(r.valtype() for _ in range(r.u32()))
        results = tuple(r.valtype() for _ in range(r.u32()))
        self.m.types.append(FuncType(params, results))

    def limits(self) -> Limits:
        r = self.r
        flag_pos = r.pos
        # The flags are a 1-bit LEB128 in Wasm 2.0, hence the testsuite's wording.
        flags, r.pos = decode_u(r.data, flag_pos, 1, r.eof, r.end)
        if flags == 0:
            return Limits(r.u32())
        return Limits(r.u32(), r.u32())

    def tabletype(self) -> TableType:
        elem = self.r.reftype()
        return TableType(elem, self.limits())

    def globaltype(self) -> GlobalType:
        r = self.r
        t = r.valtype()
        mut = r.byte()
        if mut > 1:
            raise DecodeError("malformed mutability", offset=r.pos - 1)
        return GlobalType(t, bool(mut))

    def import_(self) -> None:
        r = self.r
        module = r.name()
        name = r.name()
        kind_pos = r.pos
        kind = r.byte()
        desc: object
        if kind == 0:
            desc = r.u32()
        elif kind == 1:
            desc = self.tabletype()
        elif kind == 2:
            desc = MemoryType(self.limits())
        elif kind == 3:
            desc = self.globaltype()
        else:
            raise DecodeError("malformed import kind", offset=kind_pos)
        self.m.imports.append(Import(module, name, ExternKind(kind), desc))  # type: ignore[arg-type]

    def func(self) -> None:
        self.func_count += 1
        self.m.funcs.append(Func(self.r.u32()))

    def table(self) -> None:
        self.m.tables.append(Table(self.tabletype()))

    def memory(self) -> None:
        self.m.memories.append(Memory(MemoryType(self.limits())))

    def global_(self) -> None:
        t = self.globaltype()
        self.m.globals.append(Global(t, read_expr(self.r)))

    def export(self) -> None:
        r = self.r
        name = r.name()
        kind_pos = r.pos
        kind = r.byte()
        if kind > 3:
            raise DecodeError("malformed export kind", offset=kind_pos)
        self.m.exports.append(Export(name, ExternKind(kind), r.u32()))

    def elem(self) -> None:
        r = self.r
        flags_pos = r.pos
        flags = r.u32()
        if flags > 7:
            raise DecodeError("malformed elements segment kind", offset=flags_pos)
        table = 0
        offset = None
        if flags & 1:
            mode = SegmentMode.declarative if flags & 2 else SegmentMode.passive
        else:
            mode = SegmentMode.active
            if flags & 2:
                table = r.u32()
            offset = read_expr(r)
        if flags & 4:  # expressions
            reftype = r.reftype() if flags & 3 else ValType.funcref
            init = [read_expr(r) for _ in range(r.u32())]
        else:  # function indices
            if flags & 3:
                kind_pos = r.pos
                if r.byte() != 0x00:
                    raise DecodeError("malformed element kind", offset=kind_pos)
            reftype = ValType.funcref
            init = [[_ref_func(r.u32()), _END_INSTR] for _ in range(r.u32())]
        self.m.elems.append(Elem(reftype, init, mode, table, offset, encoding=flags))

    def code(self) -> None:
        r = self.r
        m = self.m
        index = self.code_count
        self.code_count += 1
        size = r.length()
        start = r.pos
        locals_pos = r.pos
        groups = [(r.u32(), r.valtype()) for _ in range(r.u32())]
        total = sum(n for n, _ in groups)
        self.locals_budget -= total
        if total > 0xFFFFFFFF or total > MAX_LOCALS or self.locals_budget < 0:
            raise DecodeError("too many locals", offset=locals_pos)
        local_types: list[ValType] = []
        for n, t in groups:
            local_types.extend([t] * n)
        offsets: list[int] = []
        control: list[int] = []
        vector: list[int] = []
        body = read_expr(r, offsets, m.data_count is not None, self.interned, control, vector)
        if r.pos != start + size:
            raise DecodeError("section size mismatch", offset=start)
        if index < len(m.funcs):
            f = m.funcs[index]
            f.locals = local_types
            f.body = body
            f.offsets = offsets
            f.control = control
            f.vector = vector
        else:
            raise DecodeError("function and code section have inconsistent lengths", offset=start)

    def data(self) -> None:
        r = self.r
        flags_pos = r.pos
        flags = r.u32()
        if flags > 2:
            raise DecodeError("malformed data segment kind", offset=flags_pos)
        memory = 0
        offset = None
        mode = SegmentMode.passive
        if flags != 1:
            mode = SegmentMode.active
            if flags == 2:
                memory = r.u32()
            offset = read_expr(r)
        init = r.bytes(r.u32())
        self.m.datas.append(Data(init, mode, memory, offset, encoding=flags))

    READERS = {
        1: functype,
        2: import_,
        3: func,
        4: table,
        5: memory,
        6: global_,
        7: export,
        9: elem,
        10: code,
        11: data,
    }


_END_INSTR = Instr(_END, None)


def _ref_func(index: int) -> Instr:
    return Instr(_REF_FUNC, index)
