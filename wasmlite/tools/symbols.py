"""Display names for indices, found the way wabt's objdump finds them.

Imports are named `module.field`; exported functions and globals take their (last) export
name; the `name` section, when present, overrides both.
"""

from __future__ import annotations

from ..model import ExternKind, Module
from .namesec import NameSection, read_name_section

_SUBSECTION = {ExternKind.func: 1, ExternKind.table: 5, ExternKind.memory: 6, ExternKind.glob: 7}


class Symbols:
    def __init__(self, module: Module) -> None:
        self.spaces: dict[ExternKind, dict[int, str]] = {k: {} for k in ExternKind}
        counters = dict.fromkeys(ExternKind, 0)
        for imp in module.imports:
            self.spaces[imp.kind][counters[imp.kind]] = f"{imp.module}.{imp.name}"
            counters[imp.kind] += 1
        for exp in module.exports:
            if exp.kind in (ExternKind.func, ExternKind.glob):
                self.spaces[exp.kind][exp.index] = exp.name
        section = next((c for c in module.customs if c.name == "name"), None)
        self.names = read_name_section(section.data) if section is not None else NameSection()
        for kind, sid in _SUBSECTION.items():
            self.spaces[kind].update(self.names.maps.get(sid, {}))
        self.module_name = self.names.module

    def suffix(self, kind: ExternKind, index: int) -> str:
        """` <name>` when the index has a name, else ``."""
        n = self.spaces[kind].get(index)
        return f" <{n}>" if n is not None else ""

    def func(self, index: int) -> str:
        return self.suffix(ExternKind.func, index)

    def _named(self, subsection: int, index: int) -> str:
        n = self.names.maps.get(subsection, {}).get(index)
        return f" <{n}>" if n is not None else ""

    def data_segment(self, index: int) -> str:
        return self._named(9, index)

    def elem_segment(self, index: int) -> str:
        return self._named(8, index)

    def type(self, index: int) -> str:
        return self._named(4, index)

    def local(self, func: int, index: int) -> str:
        n = self.names.locals.get(func, {}).get(index)
        return f" <{n}>" if n is not None else ""
