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
from . import cache, interpreter, scalar, support
from .codegen import LOOP_BUDGET, FlatGen, FuncGen, ModuleInfo
from .function import GENERATED_FILE, PyFunc
from .loopgen import LoopGen


class PyCompiledModule(CompiledModule):
    """Functions are generated and compiled on their first call (most of a big module's
    functions never run in a short program), then cached here for every instance."""

    def __init__(self, engine: Engine, module: Module, cache_key: str | None = None):
        self.engine = engine
        self.module = module
        self.info = ModuleInfo(module)
        # (poll, function index) or (poll, function index, loop start) -> code
        self._codes: dict[tuple[Any, ...], CodeType] = {}
        self.line_offsets: dict[tuple[Any, ...], list[int | None]] = {}
        self._plans: dict[int, interpreter.Plan | None] = {}  # None: not interpretable
        self._interpreted: set[tuple[bool, int]] = set()  # (poll, index) run interpreted
        self._loaded = 0  # how many of _codes came from the disk cache
        if cache_key is not None:
            self._restore(cache_key)
            cache.save_at_exit(self, cache_key)

    def _restore(self, key: str) -> None:
        entry = cache.load(key)
        if not entry:
            return
        self._codes.update(entry.get("codes", {}))
        self.line_offsets.update(entry.get("lines", {}))
        for kind, bits, name in entry.get("consts", ()):
            self.info.consts[(kind, bits)] = name
        self.info.const_values.update(entry.get("values", {}))
        self.info.helpers.update(entry.get("helpers", ()))
        self._loaded = len(self._codes)

    def cache_entry(self) -> dict[str, Any] | None:
        """What the disk cache keeps; None when nothing new was compiled. The functions
        that only ran interpreted are compiled now, so that the next run starts compiled."""
        for poll, index in sorted(self._interpreted):
            self.function_code(index, poll)
        if len(self._codes) == self._loaded:
            return None
        return {
            "codes": dict(self._codes),
            "lines": dict(self.line_offsets),
            "consts": [(k, b, n) for (k, b), n in self.info.consts.items()],
            "values": dict(self.info.const_values),
            "helpers": sorted(self.info.helpers),
        }

    def source(self, poll: bool = False) -> str:
        """The generated Python source of the whole module (for debugging)."""
        first = self.module.num_imported_funcs
        n = len(self.module.funcs)
        return "\n".join(_function_source(self.info, first + i, poll) for i in range(n))

    def function_code(self, index: int, poll: bool) -> CodeType:
        key = (poll, index)
        code = self._codes.get(key)
        if code is None:
            source, lines = _translate(self.info, index, poll)
            code = self._codes[key] = compile(source, GENERATED_FILE, "exec")
            if lines:
                self.line_offsets[key] = lines
        return code

    def compile_all(self, poll: bool = False) -> None:
        """Generate and compile every function now instead of on first call."""
        first = self.module.num_imported_funcs
        for i in range(len(self.module.funcs)):
            self.function_code(first + i, poll)

    def define_functions(self, instance: Instance) -> list[FuncInstance]:
        types = self.info.func_types
        first = self.module.num_imported_funcs
        return [
            PyFunc(types[first + i], instance, first + i) for i in range(len(self.module.funcs))
        ]

    def link(self, instance: Instance) -> None:
        poll = bool(getattr(instance.store, "polling", False))
        ns = self._namespace(instance, poll)
        first = self.module.num_imported_funcs
        for i in range(len(self.module.funcs)):
            stub = self._stub(ns, instance, first + i, poll)
            ns[f"f{first + i}"] = stub
            instance.funcs[first + i].pyfn = stub
        instance.engine_data = ns

    def _stub(self, ns: dict[str, Any], instance: Instance, index: int, poll: bool) -> Any:
        def first_call(*args: Any) -> Any:
            return self._first(ns, instance, index, poll)(*args)

        return first_call

    def _first(self, ns: dict[str, Any], instance: Instance, index: int, poll: bool) -> Any:
        """What runs function `index` from its first call on: its compiled code if there
        is some (disk cache), else the interpreter until it is hot, else compiled now."""
        if interpreter.ENABLED and (poll, index) not in self._codes:
            plan = self._plan(index)
            if plan is not None:
                tiering = ns.get("TIERING")
                if tiering is None:
                    tiering = ns["TIERING"] = _Tiering(self, ns, instance, poll)
                fn = interpreter.entry_function(
                    interpreter.FuncState(plan, ns, instance, tiering, poll)
                )
                ns[f"f{index}"] = fn
                instance.funcs[index].pyfn = fn
                self._interpreted.add((poll, index))
                return fn
        return self._load(ns, instance, index, poll)

    def _plan(self, index: int) -> interpreter.Plan | None:
        try:
            return self._plans[index]
        except KeyError:
            pass
        try:
            plan: interpreter.Plan | None = interpreter.Plan(self.info, index)
        except interpreter.Unsupported:
            plan = None
        self._plans[index] = plan
        return plan

    def loop_function(
        self, ns: dict[str, Any], index: int, poll: bool, *where: Any
    ) -> tuple[Any, list[int], list[int]] | None:
        """The translated loop of function `index` at `where` = (start, end, height,
        around) (see loopgen.LoopGen), defined in `ns`; None if it cannot be translated
        structurally (too deep for Python)."""
        gen = LoopGen(self.info, index, poll, *where)
        start = where[0]
        key = (poll, index, start)
        code = self._codes.get(key)
        if code is None:
            source = gen.generate()
            if _too_deep(source):
                return None
            code = self._codes[key] = compile(source, GENERATED_FILE, "exec")
            lines = gen.line_offsets()
            if lines:
                self.line_offsets[key] = lines
        self._define(ns, code)
        return ns[gen.name], gen.reads, gen.writes

    def _define(self, ns: dict[str, Any], code: CodeType) -> None:
        for name, value in self.info.const_values.items():
            ns.setdefault(name, value)
        for name in self.info.helpers:
            if name not in ns:
                ns[name] = _simd_helper(name)
        exec(code, ns)

    def _load(self, ns: dict[str, Any], instance: Instance, index: int, poll: bool) -> Any:
        """Compile function `index` into the instance's namespace, replacing its stub."""
        code = self.function_code(index, poll)
        self._define(ns, code)
        fn = ns[f"f{index}"]
        instance.funcs[index].pyfn = fn
        return fn

    def _namespace(self, instance: Instance, poll: bool) -> dict[str, Any]:
        ns: dict[str, Any] = dict(_BASE_NAMESPACE)
        ns["INSTANCE"] = instance
        ns["COMPILED"] = self
        ns["POLL"] = poll
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


class _Tiering:
    """What the interpreter of one instance asks of the compiler."""

    def __init__(
        self, compiled: PyCompiledModule, ns: dict[str, Any], instance: Instance, poll: bool
    ):
        self.compiled = compiled
        self.ns = ns
        self.instance = instance
        self.poll = poll

    def tier_up(self, index: int) -> Any:
        """Compile function `index`; it replaces the interpreter for the calls to come."""
        return self.compiled._load(self.ns, self.instance, index, self.poll)

    def loop_function(self, index: int, *where: Any) -> Any:
        return self.compiled.loop_function(self.ns, index, self.poll, *where)


def _function_source(info: ModuleInfo, index: int, poll: bool) -> str:
    return _translate(info, index, poll)[0]


def _translate(info: ModuleInfo, index: int, poll: bool) -> tuple[str, list[int | None]]:
    """Structured source when Python can compile it, else the flat state machine; and the
    wasm byte offset behind each source line (for backtraces; none for the flat form)."""
    if _surely_too_deep(info, index):
        return FlatGen(info, index, poll).generate(), []
    gen = FuncGen(info, index, poll)
    source = gen.generate()
    if _too_deep(source):
        return FlatGen(info, index, poll).generate(), []
    return source, gen.line_offsets()


def _surely_too_deep(info: ModuleInfo, index: int) -> bool:
    """Whether the structured form would certainly be too deep, read off the wasm nesting
    alone (saves generating structured source only to throw it away)."""
    body = info.body(index)
    targeted = info.targets(index)
    loops: list[int] = []  # per open construct: Python loops around its body
    indents: list[int] = []
    nloops = indent = 0
    for i, ins in enumerate(body):
        name = ins.op.name
        if name in ("block", "loop", "if"):
            loops.append(nloops)
            indents.append(indent)
            if i in targeted and (name != "block" or nloops < LOOP_BUDGET):
                nloops += 1
                indent += 1
                if nloops >= 19:
                    return True
            if name == "if":
                indent += 1
            if indent >= 90:
                return True
        elif name == "end" and loops:
            nloops = loops.pop()
            indent = indents.pop()
    return False


def _too_deep(source: str) -> bool:
    """Whether the source may hit CPython's nesting limits (20 loops, 100 indents)."""
    whiles: list[int] = []
    for line in source.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if indent >= 4 * 90:
            return True
        while whiles and whiles[-1] >= indent:
            whiles.pop()
        if line.endswith("while True:"):
            whiles.append(indent)
            if len(whiles) >= 19:
                return True
    return False


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
    ns: dict[str, Any] = {
        name: getattr(scalar, name) for name in dir(scalar) if not name.startswith("_")
    }
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
