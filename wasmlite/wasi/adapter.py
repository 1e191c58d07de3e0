"""The generic adapter: a WASI method -> a core-wasm host function, from the witx alone.

A `Plan` is worked out once per function from its lowered signature: how to turn each core
argument into the Python value the method takes (strings decoded, lists loaded, signed
integers sign-converted, out-of-range values refused), and how to store each result through
its result pointer. The call itself then maps failures to errno values (WasiError as is,
OSError through the one host table, an out-of-bounds guest pointer to `fault`, a value the
host rejects to `inval`) and writes the trace line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import Trap
from ..model import FuncType, ValType
from ..runtime.objects import HostFunc
from . import codec
from .errno import ERRNO, SUCCESS, WasiError, from_oserror
from .trace import Raw, format_call, format_results
from .witx import INT_SIZES, Function, List, Spec, String, TypeExpr

if TYPE_CHECKING:
    from ..runtime.memory import MemoryInstance
    from .context import WasiContext

_VALTYPES = {"i32": ValType.i32, "i64": ValType.i64}
_FAULT = ERRNO["fault"]
_INVAL = ERRNO["inval"]
_FAILURES = (WasiError, Trap, OSError, ValueError, OverflowError)


class _Param:
    __slots__ = ("name", "type", "index", "form", "bits", "signed", "list_type")

    def __init__(
        self,
        name: str,
        type: TypeExpr,
        index: int,  # position of its (first) core argument
        form: str,  # "int", "string" or "list"
        bits: int = 0,  # for "int": width of the witx integer kind
        signed: bool = False,
        list_type: List | None = None,
    ):
        self.name = name
        self.type = type
        self.index = index
        self.form = form
        self.bits = bits
        self.signed = signed
        self.list_type = list_type


class _Result:
    __slots__ = ("label", "type", "index", "size")

    def __init__(self, label: str, type: TypeExpr, index: int, size: int):
        self.label = label
        self.type = type
        self.index = index
        self.size = size


class Plan:
    def __init__(self, spec: Spec, f: Function):
        self.function = f
        self.params: list[_Param] = []
        self.results: list[_Result] = []
        for i, p in enumerate(f.core_params):
            if p.role == "out":
                self.results.append(_Result(p.source, p.type, i, spec.size_align(p.type)[0]))
            elif p.role == "ptr":
                r = spec.resolve(p.type)
                if isinstance(r, String):
                    self.params.append(_Param(p.source, p.type, i, "string"))
                else:
                    assert isinstance(r, List)
                    self.params.append(_Param(p.source, p.type, i, "list", list_type=r))
            elif p.role == "value":
                kind = codec.scalar_name(spec, p.type)
                assert kind is not None
                bits = INT_SIZES[kind] * 8
                self.params.append(_Param(p.source, p.type, i, "int", bits, kind.startswith("s")))
        self.func_type = FuncType(
            tuple(_VALTYPES[p.valtype] for p in f.core_params),
            tuple(_VALTYPES[v] for v in f.core_results),
        )

    def decode(
        self, spec: Spec, mem: Callable[[], MemoryInstance], raw: tuple[int, ...], traced: list
    ) -> list[Any]:
        """The method's arguments; `traced` receives (name, type, value) as they are decoded."""
        args: list[Any] = []
        for p in self.params:
            value: Any = raw[p.index]
            if p.form == "int":
                if p.signed:
                    value = codec.to_signed(f"s{p.bits}", value)
                traced.append((p.name, p.type, value))
                if not p.signed and value >> p.bits:
                    raise WasiError("inval")  # e.g. an enum passed as i32 beyond its u8 range
            else:
                length = raw[p.index + 1]
                traced.append((p.name, p.type, Raw(f"<0x{value:x}, {length}>")))
                if p.form == "string":
                    value = codec.load_string(mem(), value, length)
                else:
                    assert p.list_type is not None
                    value = codec.load_list(spec, mem(), p.list_type, value, length)
                traced[-1] = (p.name, p.type, value)
            args.append(value)
        return args


def host_func(ctx: WasiContext, f: Function) -> HostFunc:
    """The host function for WASI function `f`, calling `ctx.<f.name>`."""
    spec = ctx.spec
    plan = Plan(spec, f)
    impl: Callable[..., Any] = getattr(ctx, f.name)

    def memory() -> MemoryInstance:
        return ctx.memory

    def finish(traced: list, errno: int, outs: list) -> int:
        if ctx.trace is not None:
            line = f"{format_call(spec, f.name, traced)} -> {format_results(spec, errno, outs)}"
            print(line, file=ctx.trace, flush=True)
        return errno

    def call(*raw: int) -> int | None:
        traced: list = []
        try:
            args = plan.decode(spec, memory, raw, traced)
            if f.noreturn:
                if ctx.trace is not None:
                    print(format_call(spec, f.name, traced), file=ctx.trace, flush=True)
                impl(*args)
                return None
            results = plan.results
            if results:
                mem = ctx.memory
                for r in results:  # before acting, so a bad pointer has no side effect
                    mem.check(raw[r.index], r.size)
            value = impl(*args)
            if not results:
                return finish(traced, SUCCESS, []) if ctx.trace is not None else SUCCESS
            values = [value] if len(results) == 1 else list(value)
            for r, v in zip(results, values):
                codec.store(spec, mem, r.type, raw[r.index], v)
        except _FAILURES as exc:
            return finish(traced, _errno_of(exc), [])
        if ctx.trace is not None:
            finish(traced, SUCCESS, [(r.label, r.type, v) for r, v in zip(results, values)])
        return SUCCESS

    call.__name__ = f.name
    return HostFunc(plan.func_type, call, f.name)


def _errno_of(exc: BaseException) -> int:
    if isinstance(exc, WasiError):
        return exc.errno
    if isinstance(exc, Trap):
        return _FAULT
    if isinstance(exc, OSError):
        return from_oserror(exc)
    return _INVAL  # a value the host call rejects (an offset out of range, ...)
