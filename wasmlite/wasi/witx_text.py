"""The witx text format: s-expression parser and the plain data `spec_data.py` is made of.

Only `generate.py` (and tests) need this: at run time the interface comes from the
generated data (`witx.load_spec`), so a WASI program never compiles these regexes.
"""

from __future__ import annotations

import re
from typing import Any

from .witx import INT_SIZES

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
# witx s-expressions -> plain data (JSON-able)


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
