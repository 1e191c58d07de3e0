"""The interface every engine implements.

An engine turns a validated `Module` into a `CompiledModule`; a compiled module is
instantiated any number of times, in any store, by the engine-independent procedure in
`wasmlite.runtime.instantiate`, which calls back into the engine for the function
instances only::

    engine = get_engine("python")                 # or "llvm"
    compiled = engine.compile(module)             # module already validated
    instance = compiled.instantiate(store, imports)
    results = instance.exports["f"].call([1, 2])  # raw values in, raw values out

The instantiation order (`runtime.instantiate.instantiate`) and the engine's two hooks:

1. imports are matched against the module's import types (`LinkError` on mismatch);
2. an `Instance` is created holding the imported functions/tables/memories/globals;
3. **`compiled.define_functions(instance)`** returns one `FuncInstance` per *defined*
   function, appended to `instance.funcs` (they need not be callable yet, only exist, so
   that `ref.func` in global and element initialisers can name them);
4. defined tables, memories (sized with the store's limits) and globals (initialisers
   evaluated) are allocated, exports are filled in, element/data segments are prepared;
5. **`compiled.link(instance)`** makes the defined functions callable: every index space
   is complete now (`instance.funcs/tables/memories/globals/elems/datas`);
6. active element then data segments are copied (a trap keeps the earlier writes), then
   the start function runs.

Rules for `FuncInstance`s an engine makes (see `runtime.objects`): `.type` is the
function's `FuncType`; `.call(raw_args) -> list[raw]` converts from/to the raw value
convention, raises `Trap` (with `Trap.frames`, innermost first) and `Exhaustion` (never a
`RecursionError`), and honours the store's polling (`runtime.store`). A `FuncInstance` of
another engine or of the host may appear in any import, table slot or global; call it
through `.call`. Engines may keep private fast paths between their own function instances.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Module
    from ..runtime.instance import Extern, Instance
    from ..runtime.objects import FuncInstance
    from ..runtime.store import Store


class CompiledModule(ABC):
    """A module compiled by one engine; instantiable many times, in any store."""

    engine: Engine
    module: Module

    @abstractmethod
    def define_functions(self, instance: Instance) -> list[FuncInstance]:
        """One function instance per defined function (step 3 above), in index order."""

    @abstractmethod
    def link(self, instance: Instance) -> None:
        """Bind the defined functions to the complete instance (step 5 above)."""

    def instantiate(
        self,
        store: Store,
        imports: Sequence[Extern],
        name: str | None = None,
        before_start: Callable[[Instance], None] | None = None,
    ) -> Instance:
        """Instantiate with `imports` given in the module's import order; `before_start`
        sees the complete instance just before its start function runs."""
        from ..runtime.instantiate import instantiate

        return instantiate(store, self, imports, name, before_start)


class Engine(ABC):
    """A way to run modules: `name` is what `get_engine` knows it by."""

    name: str

    @abstractmethod
    def compile(self, module: Module) -> CompiledModule:
        """Compile a validated module. May raise `WasmError` for what the engine cannot run."""

    def options(self) -> dict[str, Any]:
        """Engine-specific settings, for `wasmlite settings`-style reports."""
        return {}
