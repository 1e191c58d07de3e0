"""The LLVM engine: compile (with the object cache), instantiate, call from Python."""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Sequence
from typing import Any

from ...errors import Frame, Trap
from ...model import Module
from ...runtime.instance import Instance
from ...runtime.objects import FuncInstance, RawValue, wrap_raw
from ..base import CompiledModule, Engine
from . import cache, runtime_state
from .host_ops import POLL_COST as POLL_INTERVAL  # poll points between two store ticks
from .host_ops import dispatch_host_op
from .jit import compile_ir, link_object
from .layout import CTX_COUNTDOWN, CTX_MEMORY, ContextLayout
from .module_ir import function_symbol, module_ir
from .natives import native_global, native_memory, native_table, table_entry, type_id
from .trampolines import glue_for
from .traps import HOST_EXCEPTION, trap_for
from .values import SlotCodec

NEVER = 1 << 62  # countdown for stores that never poll


def _module_identity(module: Module) -> bytes:
    from ...binary import encode_module

    return encode_module(module, names=False)


class LLVMEngine(Engine):
    name = "llvm"

    def compile(self, module: Module) -> LLVMCompiledModule:
        exports = [function_symbol(module.num_imported_funcs + i) for i in range(len(module.funcs))]
        obj = None
        key = None
        if cache.enabled():
            key = cache.cache_key(_module_identity(module))
            obj = cache.load(key)
        if obj is None:
            obj = compile_ir(module_ir(module))
            if key is not None:
                cache.store(key, obj)
        tracker = link_object(obj, exports)
        return LLVMCompiledModule(self, module, tracker)

    def options(self) -> dict[str, Any]:
        return {"opt_level": 2, "cache_dir": str(cache.cache_dir()), "cache": cache.enabled()}


class InstanceContext:
    """The native context block of one instance, and the host side of its `wl_host` calls."""

    def __init__(self, layout: ContextLayout):
        self.layout = layout
        self.words = (ctypes.c_uint64 * max(layout.words, 1))()
        self.address = ctypes.addressof(self.words)
        self.instance: Instance | None = None
        self.keep: list[Any] = []  # native mirrors this context points into

    def bind(self, instance: Instance) -> None:
        lay, w = self.layout, self.words
        module = instance.module
        self.instance = instance
        if instance.memories:
            desc = native_memory(instance.memories[0])
            self.keep.append(desc)
            w[CTX_MEMORY] = ctypes.addressof(desc)
        store = instance.store
        self.polling = bool(getattr(store, "polling", False))
        w[CTX_COUNTDOWN] = POLL_INTERVAL if self.polling else NEVER
        for i, ft in enumerate(module.types):
            w[lay.types + i] = type_id(ft)
        for i, g in enumerate(instance.globals):
            cell = native_global(g)
            self.keep.append(cell)
            w[lay.globals + i] = ctypes.addressof(cell)
        for i in range(module.num_imported_funcs):
            _, fp, cctx = table_entry(instance.funcs[i])
            w[lay.imports + 2 * i] = fp
            w[lay.imports + 2 * i + 1] = cctx
        for i, t in enumerate(instance.tables):
            desc = native_table(t)
            w[lay.tables + i] = ctypes.addressof(desc)
        runtime_state.ctx_owners[self.address] = self

    def rearm(self) -> None:
        self.words[CTX_COUNTDOWN] = POLL_INTERVAL if self.polling else NEVER

    def host_op(self, op: int, a: int, b: int, c: int, d: int, e: int) -> int:
        assert self.instance is not None
        return dispatch_host_op(self, self.instance, op, a, b, c, d, e)


class LLVMFunc(FuncInstance):
    """A defined function of an LLVM instance; `call` enters native code."""

    def __init__(
        self, compiled: LLVMCompiledModule, index: int, ctx: InstanceContext, name: str | None
    ):
        module = compiled.module
        self.type = module.func_types()[index]
        self.name = name
        self.index = index
        self.ctx = ctx
        self.address: int = compiled.tracker[function_symbol(index)]
        glue = glue_for(self.type.params, self.type.results)
        self._trampoline = glue.trampoline
        self._params = SlotCodec(self.type.params)
        self._results = SlotCodec(self.type.results)
        self._buf = ctypes.create_string_buffer(max(self._params.size, self._results.size))
        self._buf_address = ctypes.addressof(self._buf)
        self._compiled = compiled  # keeps the code alive

    def native_entry(self) -> tuple[int, int, int]:
        return (type_id(self.type), self.address, self.ctx.address)

    def call(self, args: Sequence[RawValue]) -> list[RawValue]:
        if len(args) != len(self.type.params):
            raise Trap(
                f"wrong number of arguments: expected {len(self.type.params)}, got {len(args)}"
            )
        try:
            self._params.pack_into(self._buf, args)
        except struct.error:  # out-of-range integers from the host: wrap them to their width
            self._params.pack_into(
                self._buf, [wrap_raw(t, v) for t, v in zip(self.type.params, args)]
            )
        if runtime_state.rt[0] == 0:
            runtime_state.enter()
        code = self._trampoline(self.address, self.ctx.address, self._buf_address)
        if code:
            if code == HOST_EXCEPTION:
                exc = runtime_state.take_pending()
                if isinstance(exc, Trap) and not exc.frames:
                    exc.frames = [self.frame()]
                raise exc
            trap = trap_for(code)
            trap.frames = [self.frame()]  # native frames are not unwound: the entry only
            raise trap
        if not self.type.results:
            return []
        return self._results.unpack_from(self._buf)

    def frame(self) -> Frame:
        instance = self.ctx.instance
        return Frame(instance.name if instance else None, self.index, self.name)

    def __repr__(self) -> str:
        return f"<llvm function {self.name or self.index} {self.type}>"


class LLVMCompiledModule(CompiledModule):
    def __init__(self, engine: LLVMEngine, module: Module, tracker: Any):
        self.engine = engine
        self.module = module
        self.tracker = tracker
        self.layout = ContextLayout.of(module)

    def define_functions(self, instance: Instance) -> list[FuncInstance]:
        ctx = InstanceContext(self.layout)
        instance.engine_data = ctx
        first = self.module.num_imported_funcs
        return [
            LLVMFunc(self, first + i, ctx, instance.func_name(first + i))
            for i in range(len(self.module.funcs))
        ]

    def link(self, instance: Instance) -> None:
        ctx: InstanceContext = instance.engine_data
        ctx.bind(instance)
