"""`wasmlite objdump`: section headers, section details and disassembly of a binary module,
laid out like wabt's `wasm-objdump` so that its users can read (and diff) it."""

from __future__ import annotations

from ..binary import decode_module
from ..binary.reader import Reader
from ..errors import DecodeError
from ..model import Data, Elem, Expr, ExternKind, FuncType, Limits, SegmentMode, ValType
from .disasm import disassemble_func, instr_text
from .hexfloat import hex_float
from .namesec import name_lines, read_name_section
from .sections import Section, payload_after_name, scan_bodies, scan_sections
from .symbols import Symbols

HEXDUMP_MAX_LINES = 16  # -x shows this much of each data segment


class Dump:
    """A decoded module with its raw layout, ready to print."""

    def __init__(self, data: bytes, filename: str) -> None:
        self.data = data
        self.filename = filename
        self.module = decode_module(data)  # first, for the spec's wording on malformed input
        self.sections = scan_sections(data)
        self.syms = Symbols(self.module)

    def banner(self) -> list[str]:
        lines = ["", f"{self.filename}:\tfile format wasm 0x1"]
        if self.syms.module_name is not None:
            lines.append(f"module name: <{self.syms.module_name}>")
        return lines

    def selected(self, only: str | None) -> list[Section]:
        if only is None:
            return self.sections
        want = only.lower()
        return [s for s in self.sections if want in (s.kind.lower(), (s.name or "").lower())]


def _header_line(s: Section) -> str:
    line = f"{s.kind:>9} start=0x{s.start:08x} end=0x{s.end:08x} (size=0x{s.size:08x})"
    if s.id == 0:
        return f'{line} "{s.name}"'
    if s.id == 8:
        return f"{line} start: {s.count}"
    return f"{line} count: {s.count}"


def headers(dump: Dump, only: str | None = None) -> list[str]:
    return ["", "Sections:", ""] + [_header_line(s) for s in dump.selected(only)]


# -- details ----------------------------------------------------------------------------


def _results(types: tuple[ValType, ...]) -> str:
    if not types:
        return "nil"
    return str(types[0]) if len(types) == 1 else f"({', '.join(map(str, types))})"


def _functype(t: FuncType) -> str:
    return f"({', '.join(map(str, t.params))}) -> {_results(t.results)}"


def _limits(lim: Limits) -> str:
    return f"initial={lim.min}" + (f" max={lim.max}" if lim.max is not None else "")


def init_text(expr: Expr | None, syms: Symbols, unsigned: bool = False) -> str:
    """A constant expression in wabt's short form: `i32=8`, `global=0 <g>`, ...

    wabt prints segment offsets unsigned but global initializers signed."""
    if not expr:
        return ""
    ins = expr[0]
    name = ins.op.name
    if len(expr) == 2 and name.endswith(".const") and name != "v128.const":
        kind = name.split(".")[0]
        value = ins.imm
        if kind in ("f32", "f64"):
            value = hex_float(ins.imm, int(kind[1:]))  # type: ignore[arg-type]
        elif kind == "i32" and unsigned:
            value = ins.imm & 0xFFFFFFFF  # type: ignore[operator]
        return f"{kind}={value}"
    if len(expr) == 2 and name == "global.get":
        return f"global={ins.imm}{syms.suffix(ExternKind.glob, ins.imm)}"  # type: ignore[arg-type]
    if len(expr) == 2:
        return instr_text(ins, syms)
    return f"({', '.join(instr_text(i, syms) for i in expr[:-1])})"


def _const_offset(expr: Expr | None) -> int:
    if expr and len(expr) == 2 and expr[0].op.name == "i32.const":
        return expr[0].imm & 0xFFFFFFFF  # type: ignore[operator]
    return 0


def _types(d: Dump) -> list[str]:
    return [f" - type[{i}] {_functype(t)}" for i, t in enumerate(d.module.types)]


def _imports(d: Dump) -> list[str]:
    out = []
    counters = dict.fromkeys(ExternKind, 0)
    for imp in d.module.imports:
        i = counters[imp.kind]
        counters[imp.kind] += 1
        src = f"<- {imp.module}.{imp.name}"
        desc = imp.desc
        if imp.kind == ExternKind.func:
            out.append(f" - func[{i}] sig={desc}{d.syms.func(i)} {src}")
        elif imp.kind == ExternKind.table:
            out.append(f" - table[{i}] type={desc.elem} {_limits(desc.limits)} {src}")  # type: ignore[union-attr]
        elif imp.kind == ExternKind.memory:
            out.append(f" - memory[{i}] pages: {_limits(desc.limits)} {src}")  # type: ignore[union-attr]
        else:
            t = desc
            out.append(f" - global[{i}] {t.valtype} mutable={int(t.mutable)} {src}")  # type: ignore[union-attr]
    return out


def _functions(d: Dump) -> list[str]:
    base = d.module.num_imported_funcs
    return [
        f" - func[{base + i}] sig={f.type_index}{d.syms.func(base + i)}"
        for i, f in enumerate(d.module.funcs)
    ]


def _tables(d: Dump) -> list[str]:
    base = len(d.module.imported(ExternKind.table))
    return [
        f" - table[{base + i}] type={t.type.elem} {_limits(t.type.limits)}"
        f"{d.syms.suffix(ExternKind.table, base + i)}"
        for i, t in enumerate(d.module.tables)
    ]


def _memories(d: Dump) -> list[str]:
    base = len(d.module.imported(ExternKind.memory))
    return [
        f" - memory[{base + i}] pages: {_limits(m.type.limits)}"
        for i, m in enumerate(d.module.memories)
    ]


def _globals(d: Dump) -> list[str]:
    base = len(d.module.imported(ExternKind.glob))
    out = []
    for i, g in enumerate(d.module.globals):
        name = d.syms.suffix(ExternKind.glob, base + i)
        t = g.type
        out.append(
            f" - global[{base + i}] {t.valtype} mutable={int(t.mutable)}{name} - init {init_text(g.init, d.syms)}"
        )
    return out


def _exports(d: Dump) -> list[str]:
    words = {
        ExternKind.func: "func",
        ExternKind.table: "table",
        ExternKind.memory: "memory",
        ExternKind.glob: "global",
    }
    out = []
    for e in d.module.exports:
        name = d.syms.func(e.index) if e.kind == ExternKind.func else ""
        out.append(f' - {words[e.kind]}[{e.index}]{name} -> "{e.name}"')
    return out


def _start(d: Dump) -> list[str]:
    s = d.module.start
    return [] if s is None else [f" - start function: {s}{d.syms.func(s)}"]


def _elem_item(expr: Expr, syms: Symbols) -> str:
    if len(expr) == 2 and expr[0].op.name == "ref.func":
        return f"func[{expr[0].imm}]{syms.func(expr[0].imm)}"  # type: ignore[arg-type]
    if len(expr) == 2 and expr[0].op.name == "ref.null":
        return f"ref.null {expr[0].imm}"
    return init_text(expr, syms)


def _elem(i: int, e: Elem, syms: Symbols) -> list[str]:
    flags = e.encoding if e.encoding is not None else 0
    head = f" - segment[{i}] flags={flags} table={e.table} count={len(e.init)}"
    if e.mode == SegmentMode.active:
        head += f" - init {init_text(e.offset, syms, unsigned=True)}"
    base = _const_offset(e.offset) if e.mode == SegmentMode.active else 0
    return [head] + [f"  - elem[{base + k}] = {_elem_item(x, syms)}" for k, x in enumerate(e.init)]


def _elems(d: Dump) -> list[str]:
    return [line for i, e in enumerate(d.module.elems) for line in _elem(i, e, d.syms)]


def hexdump(
    data: bytes, base: int, max_lines: int | None = None, indent: str = "  - "
) -> list[str]:
    """wabt-style hexdump lines: address, 8 groups of 2 bytes, printable text."""
    out = []
    lines = range(0, len(data), 16)
    for n, i in enumerate(lines):
        if max_lines is not None and n == max_lines:
            out.append(f"{indent}... ({len(data) - i} more bytes)")
            break
        chunk = data[i : i + 16]
        hexes = " ".join(chunk[j : j + 2].hex() for j in range(0, len(chunk), 2))
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        out.append(f"{indent}{base + i:07x}: {hexes:<39}  {text}")
    return out


def _data_segment(i: int, seg: Data, d: Dump) -> list[str]:
    if seg.mode == SegmentMode.passive:
        head = f" - segment[{i}]{d.syms.data_segment(i)} passive size={len(seg.init)}"
    else:
        head = f" - segment[{i}]{d.syms.data_segment(i)} memory={seg.memory} size={len(seg.init)} - init {init_text(seg.offset, d.syms, unsigned=True)}"
    base = _const_offset(seg.offset) if seg.mode == SegmentMode.active else 0
    return [head] + hexdump(seg.init, base, HEXDUMP_MAX_LINES)


def _datas(d: Dump) -> list[str]:
    return [line for i, s in enumerate(d.module.datas) for line in _data_segment(i, s, d)]


def _code(d: Dump) -> list[str]:
    base = d.module.num_imported_funcs
    code = next(s for s in d.sections if s.id == 10)
    bodies = scan_bodies(d.data, code)
    return [
        f" - func[{base + i}] size={b.end - b.offset}{d.syms.func(base + i)}"
        for i, b in enumerate(bodies)
    ]


def _target_features(payload: bytes) -> list[str]:
    """`target_features` (tool conventions): a vector of (`+`/`-`/`=`, feature name)."""
    r = Reader(payload)
    out = []
    try:
        for _ in range(r.u32()):
            prefix = chr(r.byte())
            out.append(f"  - [{prefix}] {r.name()}")
    except DecodeError:
        pass  # show what could be read
    return out


def _custom(d: Dump, s: Section) -> list[str]:
    out = [f' - name: "{s.name}"']
    payload = d.data[payload_after_name(d.data, s) : s.end]
    if s.name == "name":
        out += name_lines(read_name_section(payload))
    elif s.name == "target_features":
        out += _target_features(payload)
    return out


_DETAILS = {
    1: _types,
    2: _imports,
    3: _functions,
    4: _tables,
    5: _memories,
    6: _globals,
    7: _exports,
    8: _start,
    9: _elems,
    10: _code,
    11: _datas,
}


def details(dump: Dump, only: str | None = None) -> list[str]:
    out = ["", "Section Details:", ""]
    for s in dump.selected(only):
        if s.id == 0:
            out.append("Custom:")
            out += _custom(dump, s)
        elif s.id == 8:
            out.append("Start:")
            out += _start(dump)
        elif s.id == 12:
            out += ["DataCount:", f" - data count: {s.count}"]
        elif s.id in _DETAILS:
            out.append(f"{s.kind}[{s.count}]:")
            out += _DETAILS[s.id](dump)
    return out


def disassembly(dump: Dump) -> list[str]:
    out = ["", "Code Disassembly:", ""]
    code = [s for s in dump.sections if s.id == 10]
    if not code:
        return out
    base = dump.module.num_imported_funcs
    for i, body in enumerate(scan_bodies(dump.data, code[0])):
        out += disassemble_func(dump.data, dump.module, dump.syms, base + i, body)
    return out


def contents(dump: Dump, only: str | None = None) -> list[str]:
    """Every section's raw payload as a hexdump (`-s`), addressed by file offset."""
    out = []
    for s in dump.selected(only):
        out += ["", f"Contents of section {s.kind}:"]
        out += hexdump(dump.data[s.start : s.end], s.start, indent="")
    return out


def objdump(
    data: bytes,
    filename: str,
    *,
    show_headers: bool = False,
    show_details: bool = False,
    disassemble: bool = False,
    show_contents: bool = False,
    section: str | None = None,
) -> str:
    """The whole report for one module, as wasm-objdump would print it with the same flags."""
    dump = Dump(data, filename)
    lines = dump.banner()
    if show_headers:
        lines += headers(dump, section)
    if show_details:
        lines += details(dump, section)
    if disassemble:
        lines += disassembly(dump)
    if show_contents:
        lines += contents(dump, section)
    return "\n".join(lines) + "\n"
