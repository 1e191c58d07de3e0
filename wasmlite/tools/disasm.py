"""Code disassembly in wabt's `wasm-objdump -d` layout: offset, raw bytes, indented text."""

from __future__ import annotations

from ..model import VALTYPE_BY_BYTE, ExternKind, Func, Instr, Module, ValType
from .hexfloat import hex_float
from .sections import Body
from .symbols import Symbols

BYTES_PER_LINE = 9
_BYTES_WIDTH = 3 * BYTES_PER_LINE
_OPENERS = frozenset(("block", "loop", "if"))
# Indentation stops growing here, so hostile nesting (10^5 blocks) gives output linear in size.
MAX_INDENT = 40
_HEAP = {ValType.funcref: "func", ValType.externref: "extern"}


def _words(raw: bytes) -> str:
    """16 bytes as four little-endian u32 words, wabt's v128 notation."""
    return " ".join(f"0x{int.from_bytes(raw[i : i + 4], 'little'):08x}" for i in range(0, 16, 4))


def instr_text(ins: Instr, syms: Symbols, func: int | None = None) -> str:
    """The text wabt prints for one instruction (without indentation); `func` is the index
    of the function it belongs to, for local names."""
    op, imm = ins
    kind = op.imm
    name = op.name
    if kind == "none":
        return name
    if kind == "blocktype":
        if imm is None:
            return name
        return f"{name} {imm}" if isinstance(imm, ValType) else f"{name} type[{imm}]"
    if kind == "func":
        return f"{name} {imm}{syms.func(imm)}"  # type: ignore[arg-type]
    if kind == "local":
        return f"{name} {imm}{syms.local(func, imm) if func is not None else ''}"  # type: ignore[arg-type]
    if kind == "data":
        return f"{name} {imm}{syms.data_segment(imm)}"  # type: ignore[arg-type]
    if kind == "elem":
        return f"{name} {imm}{syms.elem_segment(imm)}"  # type: ignore[arg-type]
    if kind == "memory_init":
        return f"{name} {imm[0]} {imm[1]}{syms.data_segment(imm[0])}"  # type: ignore[index]
    if kind == "table_init":
        return f"{name} {imm[0]} {imm[1]}{syms.elem_segment(imm[0])}"  # type: ignore[index]
    if kind == "global":
        return f"{name} {imm}{syms.suffix(ExternKind.glob, imm)}"  # type: ignore[arg-type]
    if kind == "br_table":
        targets, default = imm  # type: ignore[misc]
        return " ".join([name, *map(str, targets), str(default)])
    if kind == "call_indirect":
        type_index, table = imm  # type: ignore[misc]
        return f"{name} {table}{syms.suffix(ExternKind.table, table)} (type {type_index}{syms.type(type_index)})"
    if kind == "i32":
        return f"{name} {imm & 0xFFFFFFFF}"  # type: ignore[operator]
    if kind in ("f32", "f64"):
        return f"{name} {hex_float(imm, 32 if kind == 'f32' else 64)}"  # type: ignore[arg-type]
    if kind in ("v128", "shuffle"):
        return f"{name} {_words(bytes(imm))}"  # type: ignore[arg-type]
    if kind == "reftype":
        return f"{name} {_HEAP[imm]}"  # type: ignore[index]
    if kind == "select_t":
        return " ".join([name, *map(str, imm)])  # type: ignore[call-overload]
    if isinstance(imm, tuple):
        return " ".join([name, *map(str, imm)])
    return f"{name} {imm}"


def _lines(offset: int, raw: bytes, text: str) -> list[str]:
    """One instruction; long encodings continue on further lines with empty text."""
    out = []
    for i in range(0, max(len(raw), 1), BYTES_PER_LINE):
        chunk = "".join(f"{b:02x} " for b in raw[i : i + BYTES_PER_LINE])
        out.append(f" {offset + i:06x}: {chunk:<{_BYTES_WIDTH}}| {text if i == 0 else ''}")
    return out


def _locals(data: bytes, body: Body, first: int) -> list[str]:
    out = []
    index = first
    for g in body.locals:
        if g.count == 0:
            continue
        last = index + g.count - 1
        where = f"{index}" if g.count == 1 else f"{index}..{last}"
        t = VALTYPE_BY_BYTE.get(g.type_byte, f"0x{g.type_byte:02x}")
        out += _lines(g.offset, data[g.offset : g.end], f"local[{where}] type={t}")
        index = last + 1
    return out


def disassemble_func(
    data: bytes, module: Module, syms: Symbols, index: int, body: Body
) -> list[str]:
    """The disassembly of defined function `index` (in the function index space)."""
    func: Func = module.funcs[index - module.num_imported_funcs]
    # objdump does not validate: an out-of-range type index just numbers locals from 0
    ftype = module.types[func.type_index] if func.type_index < len(module.types) else None
    nparams = len(ftype.params) if ftype is not None else 0
    out = [f"{body.offset:06x} func[{index}]{syms.func(index)}:"]
    out += _locals(data, body, nparams)
    offsets = func.offsets or []
    depth = 0
    for i, ins in enumerate(func.body):
        start = offsets[i]
        end = offsets[i + 1] if i + 1 < len(offsets) else body.end
        name = ins.op.name
        if name in ("end", "else"):
            depth = max(depth - 1, 0)
        out += _lines(
            start, data[start:end], "  " * min(depth, MAX_INDENT) + instr_text(ins, syms, index)
        )
        if name in _OPENERS or name == "else":
            depth += 1
    return out
