"""The LLVM engine: compile (with the object cache), instantiate, call from Python."""

from __future__ import annotations

import ctypes
import os
import struct
import threading
from collections.abc import Sequence
from typing import Any

from ...errors import Frame, Trap
from ...model import Module
from ...runtime.instance import Instance
from ...runtime.objects import FuncInstance, RawValue, wrap_raw
from ..base import CompiledModule, Engine
from . import backtrace, runtime_state
from . import cache as code_cache
from .fastcall import entry_call
from .host_ops import POLL_COST as POLL_INTERVAL  # poll points between two store ticks
from .host_ops import dispatch_host_op
from .layout import CTX_COUNTDOWN, CTX_MEMORY, ContextLayout
from .lazyjit import compile_ir, link_object
from .module_ir import function_symbol, module_ir
from .natives import native_global, native_memory, native_table, table_entry, type_id
from .pipeline import LARGE, O2, QUICK, TIER_NAMES, Plan
from .trampolines import glue_for
from .traps import HOST_EXCEPTION, trap_for
from .values import SlotCodec

NEVER = 1 << 62  # countdown for stores that never poll


def _module_identity(module: Module) -> bytes:
    from ...binary import encode_module

    return encode_module(module, names=False)


# Tier policy. A JIT compile (a first run, nothing cached) wants the program running soon:
# above these sizes (wasm instructions) O2 takes too long (its cost grows faster than
# linearly with function size), so such a function, or the whole of such a module, gets
# the quick tier. Ahead-of-time compiles (`wasmlite compile`, `Module.serialize`, and the
# code cache entries they leave, which later runs prefer) want the best code: O2 for every
# function but those bigger than AOT_O2_FUNCTION, which get the large-function tier.
AUTO_QUICK_TOTAL = 150_000
AUTO_QUICK_FUNCTION = 30_000
AOT_O2_FUNCTION = 30_000


def _requested_opt_level() -> int | None:
    """WASMLITE_LLVM_OPT: "2" forces O2, "1"/"fast" the quick tier; unset/"auto" decides
    per module."""
    value = os.environ.get("WASMLITE_LLVM_OPT", "auto")
    if value in ("0", "1", "fast"):
        return 1
    if value == "2":
        return 2
    return None


def plan_tag(plan: Plan) -> str:
    return "+".join(
        f"{TIER_NAMES.get(level, level)}:{'all' if part is None else len(part)}"
        for level, part in plan
    )


def _compile_plan(module: Module, plan: Plan, polls: bool) -> list[bytes]:
    """Object code for the plan, on as many cores as are worth using (see `parallel`)."""
    from . import parallel  # not needed (nor its imports) when the cache has the code

    if not module.funcs:
        return [compile_ir(module_ir(module, None, polls), level) for level, _ in plan[:1]]
    sizes = [len(f.body) for f in module.funcs]
    groups = parallel.split(plan, sizes, parallel.jobs())
    return parallel.compile_groups(
        groups, lambda funcs: module_ir(module, set(funcs), polls), compile_ir
    )


class LLVMEngine(Engine):
    """`opt_level` 2 is O2, 1 the quick tier (~8x less compile time, slower code); None
    (default, or env WASMLITE_LLVM_OPT) picks per function, see `plan`."""

    name = "llvm"

    def __init__(self, opt_level: int | None = None):
        self.opt_level = _requested_opt_level() if opt_level is None else opt_level

    def compile(
        self, module: Module, cache: bool = True, polls: bool = False, ahead: bool = False
    ) -> LLVMCompiledModule:
        """Compile (reusing the on-disk code cache unless `cache` is false). The code does
        not poll; instances in stores that poll get the `polls` variant (see
        `LLVMCompiledModule.variant`). `ahead`: compile for the best code (`plan`); a JIT
        compile still takes an ahead-of-time entry from the cache when there is one."""
        ahead = ahead or getattr(_ahead, "active", False)
        plan = self.plan(module, ahead)
        key: str | None = None
        if cache and code_cache.enabled():
            try:
                identity = _module_identity(module)
            except Exception:  # a module the encoder cannot write: key on the IR instead
                identity = module_ir(module).encode()
            best_plan = self.plan(module, True)
            choices = [(True, best_plan)]
            if not ahead and plan != best_plan:
                choices.append((False, plan))
            keys = [(best, _plan_key(identity, p, polls)) for best, p in choices]
            for best, k in keys:
                blob = code_cache.load(k)
                if blob is None:
                    continue
                try:
                    compiled = self.deserialize(module, blob, fallback=False, polls=polls)
                except (ValueError, struct.error, RuntimeError):
                    continue  # an entry we cannot use: compile afresh and replace it
                compiled.ahead = best
                return compiled
            key = keys[-1][1]
        objects = _compile_plan(module, plan, polls)
        blob = code_cache.pack_objects(objects)
        if key is not None:
            code_cache.store(key, blob)
        compiled = self._link(module, objects, blob, polls, cache)
        compiled.ahead = ahead or plan == self.plan(module, True)
        return compiled

    def ahead_of_time(self) -> Any:
        """Context manager: compiles started inside it (in this thread) are ahead-of-time
        compiles (`compile(ahead=True)`), e.g. for `wasmlite compile`."""
        return _AheadOfTime()

    def deserialize(
        self, module: Module, code: bytes, fallback: bool = True, polls: bool = False
    ) -> LLVMCompiledModule:
        """A compiled module from `LLVMCompiledModule.serialize()` bytes made for this
        `code_target()`; compiled afresh (when `fallback`) if they cannot be loaded."""
        try:
            return self._link(module, code_cache.unpack_objects(code), code, polls)
        except (ValueError, struct.error, RuntimeError):
            if not fallback:
                raise
            return self.compile(module, cache=False, polls=polls)

    def code_target(self) -> str:
        """What serialized code depends on besides the module."""
        return code_cache.cache_key(b"target")

    def _link(
        self,
        module: Module,
        objects: list[bytes],
        blob: bytes,
        polls: bool = False,
        cache: bool = True,
    ) -> LLVMCompiledModule:
        exports = [function_symbol(module.num_imported_funcs + i) for i in range(len(module.funcs))]
        tracker = link_object(objects, exports)
        return LLVMCompiledModule(self, module, tracker, blob, polls, cache)

    def plan(self, module: Module, ahead: bool = False) -> Plan:
        """How to compile: (tier, functions as positions in `module.funcs`, None = all) per
        part (tiers in `pipeline`). See AUTO_QUICK_TOTAL for the policy."""
        if self.opt_level is not None:
            return [(self.opt_level, None)]
        sizes = [len(f.body) for f in module.funcs]
        if ahead:
            big = {i for i, n in enumerate(sizes) if n > AOT_O2_FUNCTION}
            return _two_tiers(len(sizes), big, O2, LARGE)
        big = {i for i, n in enumerate(sizes) if n > AUTO_QUICK_FUNCTION}
        if sum(n for i, n in enumerate(sizes) if i not in big) > AUTO_QUICK_TOTAL:
            return [(QUICK, None)]
        return _two_tiers(len(sizes), big, O2, QUICK)

    def options(self) -> dict[str, Any]:
        return {
            "opt_level": self.opt_level or "auto",
            "cache_dir": str(code_cache.cache_dir()),
            "cache": code_cache.enabled(),
        }


def _two_tiers(count: int, big: set[int], tier: int, big_tier: int) -> Plan:
    if not big:
        return [(tier, None)]
    if len(big) == count:
        return [(big_tier, None)]
    return [(tier, set(range(count)) - big), (big_tier, big)]


def _plan_key(identity: bytes, plan: Plan, polls: bool) -> str:
    thresholds = f"{AUTO_QUICK_TOTAL}|{AUTO_QUICK_FUNCTION}|{AOT_O2_FUNCTION}"
    return code_cache.cache_key(identity + f"|{plan_tag(plan)}|{thresholds}|polls={polls}".encode())


_ahead = threading.local()
_ahead.active = False


class _AheadOfTime:
    def __enter__(self) -> None:
        self.before = getattr(_ahead, "active", False)
        _ahead.active = True

    def __exit__(self, *exc: object) -> None:
        _ahead.active = self.before


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
        self._glue = glue  # keeps the trampoline's code mapped
        self._trampoline = glue.trampoline
        self._params = SlotCodec(self.type.params)
        self._results = SlotCodec(self.type.results)
        self._buf = ctypes.create_string_buffer(max(self._params.size, self._results.size))
        self._buf_address = ctypes.addressof(self._buf)
        self._compiled = compiled  # keeps the code alive
        fast = entry_call(self)
        if fast is not None:  # plain-number signatures: a call path with everything bound
            self.call = fast  # type: ignore[method-assign]

    def native_entry(self) -> tuple[int, int, int]:
        return (type_id(self.type), self.address, self.ctx.address)

    def general_call(self, args: Sequence[RawValue]) -> list[RawValue]:
        """`call` for any signature (`fastcall.entry_call` binds a quicker one for most)."""
        if len(args) != len(self.type.params):
            raise Trap(
                f"wrong number of arguments: expected {len(self.type.params)}, got {len(args)}"
            )
        # One thread in native code at a time (one `rt`). The argument buffer, `rt` and the
        # pending exception are shared with other threads: fill, enter and read back under
        # the lock.
        with runtime_state.entry_lock:
            try:
                self._params.pack_into(self._buf, args)
            except struct.error:  # out-of-range integers from the host: wrap to their width
                self._params.pack_into(
                    self._buf, [wrap_raw(t, v) for t, v in zip(self.type.params, args)]
                )
            if runtime_state.rt[0] == 0:
                runtime_state.enter()
            code = self._trampoline(self.address, self.ctx.address, self._buf_address)
            if code:
                raise self._failure(code)
            if not self.type.results:
                return []
            return self._results.unpack_from(self._buf)

    def _failure(self, code: int) -> BaseException:
        """The exception a nonzero trampoline result stands for (call under the lock)."""
        if code == HOST_EXCEPTION:
            exc = runtime_state.take_pending()
            if isinstance(exc, Trap) and not exc.frames:
                exc.frames = backtrace.frames(runtime_state.trap_addresses(), self)
            return exc
        trap = trap_for(code)
        trap.frames = backtrace.frames(runtime_state.trap_addresses(), self)
        return trap

    call = general_call

    def frame(self) -> Frame:
        instance = self.ctx.instance
        return Frame(instance.name if instance else None, self.index, self.name)

    def __repr__(self) -> str:
        return f"<llvm function {self.name or self.index} {self.type}>"


class LLVMCompiledModule(CompiledModule):
    def __init__(
        self,
        engine: LLVMEngine,
        module: Module,
        tracker: Any,
        code: bytes = b"",
        polls: bool = False,
        cache: bool = True,
    ):
        self.engine = engine
        self.module = module
        self.tracker = tracker
        self.code = code  # the object code, as `serialize` returns it
        self.polls = polls
        self.cache = cache
        self.layout = ContextLayout.of(module)
        self._other: LLVMCompiledModule | None = None  # the other polling variant
        self.ahead = True  # made by an ahead-of-time plan (or loaded from one's output)
        self._variant_lock = threading.Lock()
        backtrace.register(self)

    def variant(self, polls: bool) -> LLVMCompiledModule:
        """This module's code for stores that poll (fuel, deadline, interrupts) or not,
        compiled on first use: most stores never poll, and their code has no poll points."""
        if polls == self.polls:
            return self
        with self._variant_lock:
            if self._other is None:
                other = self.engine.compile(self.module, cache=self.cache, polls=polls)
                other._other = self
                self._other = other
            return self._other

    def function_starts(self) -> dict[int, int]:
        """Function index -> address of each defined function's code (for backtraces)."""
        first = self.module.num_imported_funcs
        return {
            first + i: self.tracker[function_symbol(first + i)]
            for i in range(len(self.module.funcs))
        }

    def serialize(self) -> bytes:
        """The compiled code, loadable with `LLVMEngine.deserialize` on the same target:
        ahead-of-time code, compiled now (or taken from the cache) if this module's code
        was compiled for a quick start."""
        if not self.ahead:
            best = self.engine.compile(self.module, cache=self.cache, polls=self.polls, ahead=True)
            self.code, self.ahead = best.code, True
        return self.code

    def define_functions(self, instance: Instance) -> list[FuncInstance]:
        polls = bool(getattr(instance.store, "polling", False))
        if polls != self.polls:
            return self.variant(polls).define_functions(instance)
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
