"""Python values <-> raw values, compiled once per function signature.

The runtime passes values in *raw* form (`wasmlite.runtime.objects`: integers as unsigned bit
patterns, floats as their IEEE bits). Users see Python values: signed ints, floats, None or
objects for references. Converting element by element in a loop costs more than the call
itself, so for each `FuncType` this module generates, once, straight-line Python code that
converts exactly that signature, and caches it. A call then runs one small function.

Argument rules: integers are taken modulo 2**width (so both -1 and 0xFFFFFFFF are i32 -1);
f32 arguments are rounded to single precision (values too large become +-inf); funcref
arguments are None or a `Func`; externref arguments are any Python object (None is null).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from ..model import FuncType, ValType
from ..runtime.objects import FuncInstance

_pack_f = struct.Struct("<f").pack
_pack_d = struct.Struct("<d").pack
_pack_I = struct.Struct("<I").pack
_pack_Q = struct.Struct("<Q").pack
_unpack_f = struct.Struct("<f").unpack
_unpack_d = struct.Struct("<d").unpack
_unpack_I = struct.Struct("<I").unpack
_unpack_Q = struct.Struct("<Q").unpack

MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1
MASK128 = (1 << 128) - 1


def f32_to_bits(value: float) -> int:
    """The IEEE single bits of `value` rounded to single precision (overflow -> +-inf)."""
    try:
        return _unpack_I(_pack_f(value))[0]
    except OverflowError:
        return 0x7F800000 if value > 0 else 0xFF800000


def f64_to_bits(value: float) -> int:
    return _unpack_Q(_pack_d(value))[0]


def bits_to_f32(bits: int) -> float:
    return _unpack_f(_pack_I(bits))[0]


def bits_to_f64(bits: int) -> float:
    return _unpack_d(_pack_Q(bits))[0]


def to_raw(t: ValType, value: Any) -> Any:
    """One Python value as a raw value of type `t` (the slow, general path)."""
    if t is ValType.i32:
        return _int(value) & MASK32
    if t is ValType.i64:
        return _int(value) & MASK64
    if t is ValType.f32:
        return f32_to_bits(_float(value))
    if t is ValType.f64:
        return f64_to_bits(_float(value))
    if t is ValType.v128:
        return _int(value) & MASK128
    if t is ValType.funcref:
        return funcref_in(value)
    return value


def from_raw(t: ValType, raw: Any) -> Any:
    """One raw value of type `t` as a Python value (the slow, general path)."""
    if t is ValType.i32:
        return (raw ^ 0x80000000) - 0x80000000
    if t is ValType.i64:
        return (raw ^ 0x8000000000000000) - 0x8000000000000000
    if t is ValType.f32:
        return bits_to_f32(raw)
    if t is ValType.f64:
        return bits_to_f64(raw)
    if t is ValType.funcref:
        return funcref_out(raw)
    return raw


def _int(value: Any) -> int:
    if isinstance(value, int):
        return value
    raise TypeError(f"expected an int, got {type(value).__name__}")


def _float(value: Any) -> float:
    if isinstance(value, (int, float)):
        return value
    raise TypeError(f"expected a float, got {type(value).__name__}")


def funcref_in(value: Any) -> FuncInstance | None:
    """A funcref argument: None, a `Func` or a runtime FuncInstance."""
    if value is None or isinstance(value, FuncInstance):
        return value
    inner = getattr(value, "_func", None)
    if isinstance(inner, FuncInstance):
        return inner
    raise TypeError(f"expected a Func or None for a funcref, got {type(value).__name__}")


def funcref_out(raw: Any) -> Any:
    if raw is None:
        return None
    from .externs import Func  # api.externs imports this module

    return Func._wrap(raw)


# -- generated converters -----------------------------------------------------------------------

# Expression templates: `{}` is the value. Each must raise TypeError for a wrong Python type.
_IN = {
    ValType.i32: "({} & 0xFFFFFFFF)",
    ValType.i64: "({} & 0xFFFFFFFFFFFFFFFF)",
    ValType.f32: "_f32_in({})",
    ValType.f64: "_unpack_Q(_pack_d({}))[0]",
    ValType.v128: "({} & 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF)",
    ValType.funcref: "_funcref_in({})",
    ValType.externref: "{}",
}
_OUT = {
    ValType.i32: "(({} ^ 0x80000000) - 0x80000000)",
    ValType.i64: "(({} ^ 0x8000000000000000) - 0x8000000000000000)",
    ValType.f32: "_unpack_f(_pack_I({}))[0]",
    ValType.f64: "_unpack_d(_pack_Q({}))[0]",
    ValType.v128: "{}",
    ValType.funcref: "_funcref_out({})",
    ValType.externref: "{}",
}
_NAMESPACE = {
    "_f32_in": f32_to_bits,
    "_pack_d": _pack_d,
    "_pack_I": _pack_I,
    "_pack_Q": _pack_Q,
    "_unpack_f": _unpack_f,
    "_unpack_d": _unpack_d,
    "_unpack_Q": _unpack_Q,
    "_funcref_in": funcref_in,
    "_funcref_out": funcref_out,
    "_StructError": struct.error,
}


def _compile(name: str, source: str) -> Callable[..., Any]:
    namespace = dict(_NAMESPACE)
    exec(compile(source, f"<wasmlite {name}>", "exec"), namespace)
    return namespace[name]


def _caller_body(ftype: FuncType, raw_call: str, indent: str) -> list[str]:
    """Statements converting the parameters `a0..` to raw, calling `raw_call(raw)` and
    returning its results as Python values."""
    n = len(ftype.params)
    names = [f"a{i}" for i in range(n)]
    conv = "".join(_IN[t].format(a) + ", " for t, a in zip(ftype.params, names))
    lines = [
        "try:",
        f"    raw = ({conv})",
        "except (TypeError, _StructError):",
        f"    _bad_args(({''.join(a + ', ' for a in names)}))",
        "    raise",
    ]
    results = ftype.results
    if not results:
        lines += [f"{raw_call}(raw)", "return None"]
    elif len(results) == 1:
        lines += [f"return {_OUT[results[0]].format(raw_call + '(raw)[0]')}"]
    else:
        outs = ", ".join(_OUT[t].format(f"r[{i}]") for i, t in enumerate(results))
        lines += [f"r = {raw_call}(raw)", f"return [{outs}]"]
    return [indent + line for line in lines]


@lru_cache(maxsize=1024)
def caller_factory(ftype: FuncType) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`factory(raw_call)` -> `call(*python_args)` for functions of type `ftype`.

    `raw_call(raw_args)` is the runtime's `FuncInstance.call` (raw_args: a tuple).
    """
    params = ", ".join(f"a{i}" for i in range(len(ftype.params)))
    lines = ["def factory(_raw_call, _bad_args):", f"    def call({params}):"]
    lines += _caller_body(ftype, "_raw_call", "        ")
    lines += ["    return call"]
    factory = _compile("factory", "\n".join(lines) + "\n")
    check = _argument_checker(ftype)
    return lambda raw_call: factory(raw_call, check)


@lru_cache(maxsize=1024)
def call_method(ftype: FuncType) -> Callable[..., Any]:
    """`__call__(self, store, *python_args)` for a class whose instances hold the runtime
    function's bound `call` as `self._raw_call` (one Python frame per call, not two)."""
    params = "".join(f", a{i}" for i in range(len(ftype.params)))
    lines = ["def factory(_bad_args):", f"    def __call__(self, store{params}):"]
    lines += ["        _raw_call = self._raw_call"]
    lines += _caller_body(ftype, "_raw_call", "        ")
    lines += ["    return __call__"]
    return _compile("factory", "\n".join(lines) + "\n")(_argument_checker(ftype))


def _argument_checker(ftype: FuncType) -> Callable[[tuple], None]:
    """Raises a TypeError naming the first argument that does not fit its type."""

    def check(args: tuple) -> None:
        for i, (t, v) in enumerate(zip(ftype.params, args)):
            try:
                to_raw(t, v)
            except TypeError as e:
                raise TypeError(f"argument {i} ({t.name}): {e}") from None

    return check


@lru_cache(maxsize=1024)
def host_adapter_factory(ftype: FuncType) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`factory(user_fn)` -> `raw_fn(*raw_args)` calling `user_fn(*python_args)`.

    `raw_fn` returns what a runtime `HostFunc` expects: None, one raw value, or a tuple.
    """
    n = len(ftype.params)
    names = [f"r{i}" for i in range(n)]
    conv = ", ".join(_OUT[t].format(a) for t, a in zip(ftype.params, names))
    lines = ["def factory(_fn, _bad_result):", f"    def host({', '.join(names)}):"]
    results = ftype.results
    if not results:
        lines += [f"        _fn({conv})", "        return None"]
    elif len(results) == 1:
        lines += [
            f"        v = _fn({conv})",
            "        try:",
            f"            return {_IN[results[0]].format('v')}",
            "        except (TypeError, _StructError):",
            "            _bad_result(v)",
            "            raise",
        ]
    else:
        outs = ", ".join(_IN[t].format(f"v[{i}]") for i, t in enumerate(results))
        lines += [
            f"        v = _fn({conv})",
            "        try:",
            f"            return ({outs},)",
            "        except (TypeError, IndexError, _StructError):",
            "            _bad_result(v)",
            "            raise",
        ]
    lines += ["    return host"]
    factory = _compile("factory", "\n".join(lines) + "\n")
    check = _result_checker(ftype)
    return lambda fn: factory(fn, check)


@lru_cache(maxsize=1024)
def host_call_factory(ftype: FuncType) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`factory(user_fn)` -> `call(raw_args) -> list_of_raw`: a `FuncInstance.call` for a
    host function, calling `user_fn(*python_args)` with no layer in between."""
    n = len(ftype.params)
    names = [f"r{i}" for i in range(n)]
    conv = ", ".join(_OUT[t].format(a) for t, a in zip(ftype.params, names))
    unpack = f"        {''.join(a + ', ' for a in names)}= args" if n else "        pass"
    lines = ["def factory(_fn, _bad_result):", "    def call(args):", unpack]
    results = ftype.results
    if not results:
        lines += [f"        _fn({conv})", "        return []"]
    else:
        single = len(results) == 1
        outs = ", ".join(_IN[t].format("v" if single else f"v[{i}]") for i, t in enumerate(results))
        lines += [
            f"        v = _fn({conv})",
            "        try:",
            f"            return [{outs}]",
            "        except (TypeError, IndexError, _StructError):",
            "            _bad_result(v)",
            "            raise",
        ]
    lines += ["    return call"]
    factory = _compile("factory", "\n".join(lines) + "\n")
    check = _result_checker(ftype)
    return lambda fn: factory(fn, check)


def _result_checker(ftype: FuncType) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        results = ftype.results
        values = (value,) if len(results) == 1 else value
        if len(results) > 1 and (
            not isinstance(values, (tuple, list)) or len(values) != len(results)
        ):
            raise TypeError(f"host function must return {len(results)} values, got {value!r}")
        for i, (t, v) in enumerate(zip(results, values)):
            try:
                to_raw(t, v)
            except TypeError as e:
                raise TypeError(f"host function result {i} ({t.name}): {e}") from None

    return check
