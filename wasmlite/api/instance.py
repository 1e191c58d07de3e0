"""`Instance`: an instantiated module and its exports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..runtime.instance import Instance as RuntimeInstance
from .caller import bind_callers
from .externs import Extern, unwrap_extern, wrap_extern
from .module import Module, check_engine
from .store import Store


class Instance:
    """`Instance(store, module, imports)`: instantiate with `imports` in the module's import
    order (each a Func, Memory, Table or Global). Use a `Linker` to resolve imports by name.

    Runs the module's start function; a trap there raises `Trap`, missing or mismatched
    imports raise `LinkError`.
    """

    def __init__(self, store: Store, module: Module, imports: Sequence[Any]):
        check_engine(module, store.engine)
        raw = [unwrap_extern(i) for i in imports]
        runtime = module._compiled.instantiate(
            store.runtime, raw, module.name, before_start=bind_callers
        )
        self._init(runtime)

    @classmethod
    def _wrap(cls, runtime: RuntimeInstance) -> Instance:
        self = cls.__new__(cls)
        self._init(runtime)
        return self

    def _init(self, runtime: RuntimeInstance) -> None:
        self.runtime = runtime
        self._exports: InstanceExports | None = None

    def exports(self, store: Any = None) -> InstanceExports:
        """The exports, by name (`exports["f"]`) or by position (`exports[0]`)."""
        if self._exports is None:
            self._exports = InstanceExports(self.runtime)
        return self._exports

    def __repr__(self) -> str:
        return (
            f"<wasmlite.Instance {self.runtime.name or '?'} exports={list(self.runtime.exports)}>"
        )


class InstanceExports(Mapping[str, Extern]):
    """Read-only mapping from export name to Func/Memory/Table/Global (wrappers cached)."""

    def __init__(self, runtime: RuntimeInstance):
        self._runtime = runtime
        self._cache: dict[str, Extern] = {}
        self._names = list(runtime.exports)

    def __getitem__(self, key: str | int) -> Extern:
        if isinstance(key, int):
            key = self._names[key]
        item = self._cache.get(key)
        if item is None:
            item = self._cache[key] = wrap_extern(self._runtime.exports[key])
        return item

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def by_index(self) -> list[Extern]:
        """Every export, in the module's export order."""
        return [self[n] for n in self._names]

    def __repr__(self) -> str:
        return f"<exports {self._names}>"
