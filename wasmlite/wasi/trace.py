"""One-line descriptions of WASI calls, driven by the witx types (no per-function code)."""

from __future__ import annotations

from typing import Any

from .errno import errno_name
from .witx import Enum, Flags, List, Pointer, Record, Spec, String, Tuple, TypeExpr, Variant

MAX_STRING = 80  # longer guest strings are cut in the trace


class Raw(str):
    """Text shown as is in a trace (e.g. a pointer/length pair that could not be read)."""


def format_value(spec: Spec, t: TypeExpr, value: Any) -> str:
    if isinstance(value, Raw):
        return value
    r = spec.resolve(t)
    if isinstance(r, Enum):
        return (
            r.cases[value] if isinstance(value, int) and 0 <= value < len(r.cases) else str(value)
        )
    if isinstance(r, Flags):
        return r.decode(value)
    if isinstance(r, Pointer):
        return hex(value)
    if isinstance(r, String):
        text = value if len(value) <= MAX_STRING else value[:MAX_STRING] + "..."
        return repr(text)
    if isinstance(r, List):
        return "[" + ", ".join(format_value(spec, r.elem, v) for v in value) + "]"
    if isinstance(r, Record):
        fields = [f"{n}={format_value(spec, ft, v)}" for (n, ft), v in zip(r.fields, value)]
        if all(isinstance(spec.resolve(ft), Pointer) or n.endswith("len") for n, ft in r.fields):
            return (
                "("
                + ", ".join(format_value(spec, ft, v) for (_, ft), v in zip(r.fields, value))
                + ")"
            )
        return "{" + ", ".join(fields) + "}"
    if isinstance(r, Tuple):
        return "(" + ", ".join(format_value(spec, e, v) for e, v in zip(r.elems, value)) + ")"
    if isinstance(r, Variant):
        tag, payload = value
        tag_name = format_value(spec, spec.types[r.tag], tag)
        return f"{tag_name}:{format_value(spec, r.cases[tag], payload)}"
    return str(value)


def format_call(spec: Spec, name: str, args: list[tuple[str, TypeExpr, Any]]) -> str:
    return f"{name}(" + ", ".join(f"{n}={format_value(spec, t, v)}" for n, t, v in args) + ")"


def format_results(spec: Spec, errno: int, outs: list[tuple[str, TypeExpr, Any]]) -> str:
    parts = [f"errno={errno_name(errno)}"]
    parts += [f"{n}={format_value(spec, t, v)}" for n, t, v in outs]
    return " ".join(parts)
