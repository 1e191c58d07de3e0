"""`wasmlite inspect`: what a module needs and offers, readable at a glance."""

from __future__ import annotations

from ..model import ExternKind, FuncType, GlobalType, Limits, MemoryType, Module, TableType
from .sections import Section

PAGE = 65536
WASI_MODULES = ("wasi_snapshot_preview1", "wasi_unstable")
_KIND = {
    ExternKind.func: "func",
    ExternKind.table: "table",
    ExternKind.memory: "memory",
    ExternKind.glob: "global",
}


def signature(t: FuncType) -> str:
    params = ", ".join(map(str, t.params))
    results = ", ".join(map(str, t.results))
    return f"({params}) -> ({results})"


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    raise AssertionError


def _limits(lim: Limits, unit: str) -> str:
    hi = "unbounded" if lim.max is None else str(lim.max)
    return f"min {lim.min} {unit}, max {hi}"


def _memory(t: MemoryType) -> str:
    lim = t.limits
    hi = "" if lim.max is None else f" ({_size(lim.max * PAGE)})"
    return f"{_limits(lim, 'pages')} [{_size(lim.min * PAGE)}{hi}]"


def _desc(module: Module, kind: ExternKind, desc: object) -> str:
    if kind == ExternKind.func:
        return (
            signature(module.types[desc])
            if isinstance(desc, int) and desc < len(module.types)
            else "?"
        )
    if isinstance(desc, TableType):
        return f"{desc.elem}, {_limits(desc.limits, 'elements')}"
    if isinstance(desc, MemoryType):
        return _memory(desc)
    if isinstance(desc, GlobalType):
        return f"{'mut ' if desc.mutable else ''}{desc.valtype}"
    return "?"


def _export_desc(module: Module, kind: ExternKind, index: int) -> str:
    spaces = {
        ExternKind.func: module.func_types,
        ExternKind.table: module.table_types,
        ExternKind.memory: module.memory_types,
        ExternKind.glob: module.global_types,
    }
    try:
        items = spaces[kind]()
    except IndexError:  # an out-of-range type index: inspect does not require validity
        return "?"
    if index >= len(items):
        return "?"
    item = items[index]
    return signature(item) if isinstance(item, FuncType) else _desc(module, kind, item)


def _wasi_lines(module: Module) -> list[str]:
    from ..wasi.witx import load_spec

    known = set(load_spec().functions)
    out = []
    for mod in WASI_MODULES:
        names = [i.name for i in module.imports if i.module == mod and i.kind == ExternKind.func]
        if not names:
            continue
        unknown = [n for n in names if n not in known]
        out.append(f"WASI ({mod}): {len(names)} function(s): {', '.join(names)}")
        if unknown:
            out.append(f"  not in WASI preview1: {', '.join(unknown)}")
    return out


def _section_lines(sections: list[Section], total: int) -> list[str]:
    out = [f"Section sizes (payload bytes; the file is {total} bytes):"]
    for s in sections:
        label = s.kind if s.id != 0 else f'Custom "{s.name}"'
        share = 100.0 * s.size / total if total else 0.0
        out.append(f"  {label:<24} {s.size:>10} bytes {share:5.1f}%")
    return out


def inspect_module(
    module: Module,
    sections: list[Section],
    total: int,
    filename: str,
    validation_error: str | None = None,
) -> str:
    """The summary `wasmlite inspect` prints; a module that failed validation is still
    summarized, with `validation_error` saying why it cannot run."""
    m = module
    nfuncs = m.num_imported_funcs + len(m.funcs)
    out = [
        f"{filename}: {_size(total)}, {len(m.imports)} import(s), {len(m.exports)} export(s), "
        f"{nfuncs} function(s) ({len(m.funcs)} defined)"
    ]
    out.append(f"Imports ({len(m.imports)}):")
    out += [
        f"  {_KIND[i.kind]:<6} {i.module}.{i.name}: {_desc(m, i.kind, i.desc)}" for i in m.imports
    ]
    out += _wasi_lines(m)
    out.append(f"Exports ({len(m.exports)}):")
    out += [f"  {_KIND[e.kind]:<6} {e.name}: {_export_desc(m, e.kind, e.index)}" for e in m.exports]
    mems = m.memory_types()
    out.append("Memories: " + ("none" if not mems else "; ".join(_memory(t) for t in mems)))
    tables = m.table_types()
    out.append(
        "Tables: "
        + (
            "none"
            if not tables
            else "; ".join(f"{t.elem}, {_limits(t.limits, 'elements')}" for t in tables)
        )
    )
    out.append(
        f"Globals: {len(m.globals)} defined, {sum(g.type.mutable for g in m.globals)} mutable"
    )
    out.append(f"Start function: {'none' if m.start is None else m.start}")
    out.append(f"Valid: {'yes' if validation_error is None else 'no: ' + validation_error}")
    out += _section_lines(sections, total)
    return "\n".join(out) + "\n"
