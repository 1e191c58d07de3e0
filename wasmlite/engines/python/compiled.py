"""The Python engine's compiled module: generated source, compiled once, run per instance.

All defined functions of a module become one Python source text, compiled to one code
object per polling mode (with or without fuel/deadline checks). Instantiating executes
that code object in a fresh namespace holding the instance's memories, tables, globals,
imported functions and the runtime helpers, so one wasm call is one Python call.
"""

from __future__ import annotations

import math
from types import CodeType
from typing import Any

from ...errors import Trap
from ...model import F32, F64, Module
from ...runtime.instance import Instance
from ...runtime.objects import FuncInstance
from ..base import CompiledModule, Engine
from . import scalar, support
from .codegen import FlatGen, FuncGen, ModuleInfo
from .function import GENERATED_FILE, PyFunc


class PyCompiledModule(CompiledModule):
    def __init__(self, engine: Engine, module: Module):
        self.engine = engine
        self.module = module
        self.info = ModuleInfo(module)
        self._code: dict[bool, CodeType] = {}
        self._source: dict[bool, str] = {}

    def source(self, poll: bool = False) -> str:
        """The generated Python source (for debugging and `wasmlite compile --emit`)."""
        if poll not in self._source:
            first = self.module.num_imported_funcs
            parts = [_function_source(self.info, first + i, poll) for i in range(len(self.module.funcs))]
            self._source[poll] = "\n".join(parts)
        return self._source[poll]

    def code(self, poll: bool) -> CodeType:
        code = self._code.get(poll)
        if code is None:
            code = self._code[poll] = compile(self.source(poll), GENERATED_FILE, "exec")
        return code

    def define_functions(self, instance: Instance) -> list[FuncInstance]:
        types = self.info.func_types
        first = self.module.num_imported_funcs
        return [PyFunc(types[first + i], instance, first + i) for i in range(len(self.module.funcs))]

    def link(self, instance: Instance) -> None:
        poll = bool(getattr(instance.store, "polling", False))
        code = self.code(poll)  # first: generating the code fills info.const_values
        ns = self._namespace(instance, poll)
        exec(code, ns)
        first = self.module.num_imported_funcs
        for i in range(len(self.module.funcs)):
            instance.funcs[first + i].pyfn = ns[f"f{first + i}"]
        instance.engine_data = ns

    def _namespace(self, instance: Instance, poll: bool) -> dict[str, Any]:
        ns: dict[str, Any] = dict(_BASE_NAMESPACE)
        ns["INSTANCE"] = instance
        ns.update(self.info.const_values)
        for name in self.info.helpers:
            ns[name] = _simd_helper(name)
        for i in range(self.module.num_imported_funcs):
            ns[f"f{i}"] = support.internal_callable(instance.funcs[i])
        for i, g in enumerate(instance.globals):
            ns[f"G{i}"] = g
            if not g.type.mutable:
                ns[f"g{i}"] = _internal(g.type.valtype, g.value)
        for i, t in enumerate(instance.tables):
            ns[f"T{i}"] = t
            ns[f"T{i}e"] = t.elements
        if instance.memories:
            ns["M0"] = instance.memories[0]
        for i, t in enumerate(self.module.types):
            ns[f"TY{i}"] = t
        ns["FUNCS"] = instance.funcs
        ns["ELEMS"] = instance.elems
        ns["DATAS"] = instance.datas
        if poll:
            ns["TICK"] = instance.store.tick
        return ns


def _function_source(info: ModuleInfo, index: int, poll: bool) -> str:
    """Structured source when Python can compile it, else the flat state machine."""
    source = FuncGen(info, index, poll).generate()
    if _too_deep(source):
        try:
            compile(source, GENERATED_FILE, "exec")
        except (SyntaxError, RecursionError, MemoryError):
            source = FlatGen(info, index, poll).generate()
    return source


def _too_deep(source: str) -> bool:
    """Whether the source may hit CPython's nesting limits (checked by compiling it)."""
    loops = 0
    for line in source.splitlines():
        if len(line) - len(line.lstrip(" ")) >= 4 * 90:
            return True
        if line.lstrip().startswith("while True:"):
            loops += 1
    return loops >= 20


def _internal(t: Any, raw: Any) -> Any:
    if t == F32:
        return scalar.f32_from_bits(raw)
    if t == F64:
        return scalar.f64_from_bits(raw)
    return raw


def _simd_helper(name: str) -> Any:
    """`SIMD_<op>` from the SIMD module, `SIMDMEM_<op>` from our v128 memory helpers."""
    from . import simd_memory

    if name.startswith("SIMDMEM_"):
        return getattr(simd_memory, name[len("SIMDMEM_") :])
    try:
        from . import simd  # type: ignore[attr-defined]
    except ImportError:
        simd = None
    fn = getattr(simd, name[len("SIMD_") :], None) if simd is not None else None
    if fn is None:
        fn = getattr(simd_memory, name[len("SIMD_") :], None)
    if fn is None:

        def missing(*args: Any) -> Any:
            raise Trap(f"unsupported instruction {name[5:]}")

        return missing
    return fn


def _base_namespace() -> dict[str, Any]:
    ns: dict[str, Any] = {name: getattr(scalar, name) for name in dir(scalar) if not name.startswith("_")}
    ns.update(
        {
            "__builtins__": __builtins__,
            "Trap": Trap,
            "copysign": math.copysign,
            "indirect": support.indirect,
            "load_f32": support.load_f32,
            "store_f32": support.store_f32,
            "load_v128": support.load_v128,
            "store_v128": support.store_v128,
            "memory_init": support.memory_init,
            "table_init": support.table_init,
            "table_copy": support.table_copy,
            "table_fill": support.table_fill,
        }
    )
    for c, s in support.STRUCTS.items():
        ns[f"U_{c}"] = s.unpack_from
        ns[f"P_{c}"] = s.pack_into
    return ns


_BASE_NAMESPACE = _base_namespace()
