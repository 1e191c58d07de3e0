"""Engine-independent instantiation, in the spec's order (see `engines.base` for the steps).

Segment initialisation follows Wasm 2.0: active element segments are copied (then dropped)
in order, declarative ones dropped, then active data segments copied (then dropped); the
first out-of-bounds segment traps and the writes made before it stay in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import LinkError, Trap
from ..model import ExternKind, GlobalType, Limits, MemoryType, Module, SegmentMode, TableType
from .instance import EXTERN_CLASSES, Extern, Instance
from .memory import MemoryInstance
from .objects import FuncInstance, GlobalInstance, RawValue, TableInstance

if TYPE_CHECKING:
    from ..engines.base import CompiledModule

_M32 = 0xFFFFFFFF
_M64 = (1 << 64) - 1


def instantiate(
    store: Any,
    compiled: CompiledModule,
    imports: Sequence[Extern],
    name: str | None = None,
    before_start: Callable[[Instance], None] | None = None,
) -> Instance:
    """`before_start(instance)` runs once the instance is complete, before its start
    function: host functions the start function calls (WASI, Callers) may need the
    instance's exports already."""
    module = compiled.module
    _check_imports(module, imports)
    instance = Instance(module, store, name)
    _add_imports(instance, module, imports)
    instance.funcs.extend(compiled.define_functions(instance))
    _allocate(instance, module, store)
    instance.exports = _exports(instance, module)
    instance.elems = [[eval_const(instance, e) for e in seg.init] for seg in module.elems]
    instance.datas = [bytes(seg.init) for seg in module.datas]
    compiled.link(instance)
    _init_elems(instance, module)
    _init_datas(instance, module)
    if before_start is not None:
        before_start(instance)
    if module.start is not None:
        instance.funcs[module.start].call([])
    return instance


# -- imports ---------------------------------------------------------------------------


def _check_imports(module: Module, imports: Sequence[Extern]) -> None:
    if len(imports) != len(module.imports):
        raise LinkError(
            f"unknown import: {len(module.imports)} imports expected, {len(imports)} given"
        )
    for imp, ext in zip(module.imports, imports):
        where = f"{imp.module!r} {imp.name!r}"
        if ext is None:
            raise LinkError(f"unknown import {where}")
        if not isinstance(ext, EXTERN_CLASSES[imp.kind]) or not _matches(module, imp.desc, ext):
            raise LinkError(f"incompatible import type for {where}")


def _matches(module: Module, desc: Any, ext: Extern) -> bool:
    if isinstance(ext, FuncInstance):
        return ext.type == module.types[desc]
    if isinstance(ext, TableInstance):
        assert isinstance(desc, TableType)
        return ext.type.elem == desc.elem and _limits_match(
            ext.size, ext.type.limits.max, desc.limits
        )
    if isinstance(ext, MemoryInstance):
        assert isinstance(desc, MemoryType)
        return _limits_match(ext.pages, ext.type.limits.max, desc.limits)
    assert isinstance(ext, GlobalInstance) and isinstance(desc, GlobalType)
    return ext.type == desc


def _limits_match(size: int, maximum: int | None, wanted: Limits) -> bool:
    """Limits subtyping, with the current size standing for the external minimum."""
    if size < wanted.min:
        return False
    if wanted.max is None:
        return True
    return maximum is not None and maximum <= wanted.max


def _add_imports(instance: Instance, module: Module, imports: Sequence[Extern]) -> None:
    spaces: dict[ExternKind, list[Any]] = {
        ExternKind.func: instance.funcs,
        ExternKind.table: instance.tables,
        ExternKind.memory: instance.memories,
        ExternKind.glob: instance.globals,
    }
    for imp, ext in zip(module.imports, imports):
        spaces[imp.kind].append(ext)


# -- definitions -----------------------------------------------------------------------


def _allocate(instance: Instance, module: Module, store: Any) -> None:
    max_table = getattr(store, "max_table_elements", None)
    max_pages = getattr(store, "max_memory_pages", None)
    for t in module.tables:
        instance.tables.append(TableInstance(t.type, None, max_table))
    for m in module.memories:
        instance.memories.append(MemoryInstance(m.type, max_pages))
    for g in module.globals:
        instance.globals.append(GlobalInstance(g.type, eval_const(instance, g.init)))


def _exports(instance: Instance, module: Module) -> dict[str, Extern]:
    spaces: dict[ExternKind, list[Any]] = {
        ExternKind.func: instance.funcs,
        ExternKind.table: instance.tables,
        ExternKind.memory: instance.memories,
        ExternKind.glob: instance.globals,
    }
    return {e.name: spaces[e.kind][e.index] for e in module.exports}


def eval_const(instance: Instance, expr: Sequence[Any]) -> RawValue:
    """Evaluate a constant expression to a raw value."""
    stack: list[RawValue] = []
    for instr in expr:
        name = instr.op.name
        if name == "end":
            break
        if name == "i32.const":
            stack.append(instr.imm & _M32)
        elif name == "i64.const":
            stack.append(instr.imm & _M64)
        elif name in ("f32.const", "f64.const"):
            stack.append(instr.imm)
        elif name == "v128.const":
            stack.append(int.from_bytes(instr.imm, "little"))
        elif name == "ref.null":
            stack.append(None)
        elif name == "ref.func":
            stack.append(instance.funcs[instr.imm])
        elif name == "global.get":
            stack.append(instance.globals[instr.imm].value)
        elif name in _EXTENDED:
            b, a = stack.pop(), stack.pop()
            stack.append(_EXTENDED[name](a, b))
        else:
            raise Trap(f"unsupported instruction in constant expression: {name}")
    return stack[-1] if stack else None


# Extended constant expressions (a post-2.0 proposal), cheap to support here.
_EXTENDED = {
    "i32.add": lambda a, b: (a + b) & _M32,
    "i32.sub": lambda a, b: (a - b) & _M32,
    "i32.mul": lambda a, b: (a * b) & _M32,
    "i64.add": lambda a, b: (a + b) & _M64,
    "i64.sub": lambda a, b: (a - b) & _M64,
    "i64.mul": lambda a, b: (a * b) & _M64,
}


# -- segments --------------------------------------------------------------------------


def _init_elems(instance: Instance, module: Module) -> None:
    for i, seg in enumerate(module.elems):
        if seg.mode == SegmentMode.active:
            assert seg.offset is not None
            offset = eval_const(instance, seg.offset)
            refs = instance.elems[i]
            table = instance.tables[seg.table]
            if offset + len(refs) > table.size:
                raise Trap("out of bounds table access")
            table.elements[offset : offset + len(refs)] = refs
            instance.elems[i] = []
        elif seg.mode == SegmentMode.declarative:
            instance.elems[i] = []


def _init_datas(instance: Instance, module: Module) -> None:
    for i, seg in enumerate(module.datas):
        if seg.mode == SegmentMode.active:
            assert seg.offset is not None
            offset = eval_const(instance, seg.offset)
            memory = instance.memories[seg.memory]
            data = instance.datas[i]
            if offset + len(data) > memory.size:
                raise Trap("out of bounds memory access")
            memory.raw[offset : offset + len(data)] = data
            instance.datas[i] = b""
