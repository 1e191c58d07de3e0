"""The pure-Python engine: generated code, control flow, traps, boundary conversions."""

from __future__ import annotations

import pytest
from wasm_helpers import call, instantiate_wat

from wasmlite.engines import get_engine
from wasmlite.engines.python.codegen import FlatGen
from wasmlite.errors import Exhaustion, Trap
from wasmlite.model import F32, I32, FuncType
from wasmlite.runtime import HostFunc, Store
from wasmlite.text import parse_module
from wasmlite.validate import validate_module


def instantiate(wat: str, imports: list | None = None):
    return instantiate_wat("python", wat, imports)


FIB = """(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"""


def test_recursion() -> None:
    assert call(instantiate(FIB), "fib", 20) == [6765]


def test_loops_and_escaping_branches() -> None:
    inst = instantiate("""(module
      (func (export "sum") (param i32) (result i32) (local i32 i32)
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
          (local.set 2 (i32.add (local.get 2) (local.get 1)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br $l)))
        (local.get 2))
      (func (export "nested") (param i32) (result i32) (local i32)
        (block $out (loop $a (loop $b
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
          (br_if $b (i32.and (local.get 1) (i32.const 1)))
          (br $a))))
        (local.get 1)))""")
    assert call(inst, "sum", 100) == [4950]
    assert call(inst, "nested", 7) == [7]


def test_br_table_and_multi_value_blocks() -> None:
    inst = instantiate("""(module
      (func (export "sw") (param i32) (result i32)
        (block $d (block $c (block $b (block $a
          (br_table $a $b $c $a $d (local.get 0)))
          (return (i32.const 10)))
          (return (i32.const 11)))
          (return (i32.const 12)))
        (i32.const 13))
      (func (export "swap") (param i32 i32) (result i32 i32)
        (local.get 0) (local.get 1)
        (block (param i32 i32) (result i32 i32)
          (local.set 0) (local.set 1) (local.get 0) (local.get 1)))
      (func (export "count") (param i32) (result i32)
        (i32.const 0)
        (loop $l (param i32) (result i32)
          (i32.add (i32.const 1))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br_if $l (local.get 0))))
      (func (export "sel") (param i32) (result i32)
        (select (i32.const 1) (i32.const 2) (i32.lt_s (local.get 0) (i32.const 0)))))""")
    assert [call(inst, "sw", i)[0] for i in range(6)] == [10, 11, 12, 10, 13, 13]
    assert call(inst, "swap", 1, 2) == [2, 1]
    assert call(inst, "sel", 0xFFFFFFFF) == [1]
    assert call(inst, "sel", 5) == [2]
    assert call(inst, "count", 5) == [5]


def test_integer_semantics() -> None:
    inst = instantiate("""(module
      (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
      (func (export "shr_s") (param i32 i32) (result i32) (i32.shr_s (local.get 0) (local.get 1)))
      (func (export "rotl") (param i64 i64) (result i64) (i64.rotl (local.get 0) (local.get 1)))
      (func (export "clz") (param i32) (result i32) (i32.clz (local.get 0)))
      (func (export "ext8") (param i32) (result i32) (i32.extend8_s (local.get 0))))""")
    assert call(inst, "div_s", 0xFFFFFFF9, 2) == [0xFFFFFFFD]  # -7 / 2 = -3
    assert call(inst, "rem_s", (1 << 64) - 7, 2) == [(1 << 64) - 1]  # -7 % 2 = -1
    assert call(inst, "shr_s", 0x80000000, 33) == [0xC0000000]
    assert call(inst, "rotl", 0x8000000000000001, 1) == [3]
    assert call(inst, "clz", 1) == [31]
    assert call(inst, "ext8", 0x80) == [0xFFFFFF80]
    with pytest.raises(Trap, match="integer divide by zero"):
        call(inst, "div_s", 1, 0)
    with pytest.raises(Trap, match="integer overflow"):
        call(inst, "div_s", 0x80000000, 0xFFFFFFFF)


def test_f32_nan_payloads_survive() -> None:
    inst = instantiate("""(module (memory 1)
      (func (export "neg") (param f32) (result f32) (f32.neg (local.get 0)))
      (func (export "roundtrip") (param i32) (result i32)
        (f32.store (i32.const 0) (f32.reinterpret_i32 (local.get 0)))
        (i32.reinterpret_f32 (f32.load (i32.const 0))))
      (func (export "add") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1))))""")
    snan = 0x7FA00001
    assert call(inst, "neg", snan) == [snan | 0x80000000]
    assert call(inst, "roundtrip", snan) == [snan]
    assert call(inst, "add", 0x3F800000, 0x33800000) == [0x3F800000]  # 1 + 2^-24 rounds to even
    assert call(inst, "add", 0x7F7FFFFF, 0x7F7FFFFF) == [0x7F800000]  # overflow to inf


def test_float_to_int_traps() -> None:
    inst = instantiate("""(module
      (func (export "t") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
      (func (export "sat") (param f64) (result i32) (i32.trunc_sat_f64_u (local.get 0))))""")
    with pytest.raises(Trap, match="invalid conversion to integer"):
        call(inst, "t", 0x7FF8000000000000)
    with pytest.raises(Trap, match="integer overflow"):
        call(inst, "t", 0x41E0000000000000)  # 2^31
    assert call(inst, "sat", 0xC000000000000000) == [0]  # -2.0 saturates to 0


def test_memory_bounds_follow_grow() -> None:
    inst = instantiate("""(module (memory 1)
      (func $grow (result i32) (memory.grow (i32.const 1)))
      (func (export "f") (result i32)
        (drop (call $grow))
        (i32.store (i32.const 65536) (i32.const 42))
        (i32.load (i32.const 65536)))
      (func (export "oob") (result i32) (i32.load (i32.const 131069))))""")
    with pytest.raises(Trap, match="out of bounds memory access"):
        call(inst, "oob")
    assert call(inst, "f") == [42]


def test_call_indirect_checks() -> None:
    inst = instantiate("""(module (type $v (func (result i32))) (type $i (func (param i32) (result i32)))
      (table 3 funcref) (elem (i32.const 0) $one $id)
      (func $one (result i32) (i32.const 1)) (func $id (param i32) (result i32) (local.get 0))
      (func (export "ci") (param i32) (result i32) (call_indirect (type $v) (local.get 0))))""")
    assert call(inst, "ci", 0) == [1]
    with pytest.raises(Trap, match="indirect call type mismatch"):
        call(inst, "ci", 1)
    with pytest.raises(Trap, match="uninitialized element"):
        call(inst, "ci", 2)
    with pytest.raises(Trap, match="undefined element"):
        call(inst, "ci", 3)


def test_trap_backtrace_names_functions() -> None:
    inst = instantiate("""(module
      (func $inner (unreachable)) (func $outer (export "outer") (call $inner)))""")
    with pytest.raises(Trap) as info:
        call(inst, "outer")
    assert info.value.message == "unreachable"
    assert [f.func_name for f in info.value.frames] == ["inner", "outer"]


def test_unbounded_recursion_is_exhaustion() -> None:
    inst = instantiate('(module (func $f (export "f") (call $f)))')
    with pytest.raises(Exhaustion):
        call(inst, "f")


def test_host_reentry_is_exhaustion_not_a_crash() -> None:
    holder: dict = {}
    host = HostFunc(FuncType((), ()), lambda: holder["f"].call([]))
    inst = instantiate('(module (import "h" "h" (func $h)) (func (export "f") (call $h)))', [host])
    holder["f"] = inst.exports["f"]
    with pytest.raises(Exhaustion):
        call(inst, "f")


def test_host_functions_get_raw_values() -> None:
    seen: list = []
    host = HostFunc(FuncType((I32, F32), (F32,)), lambda a, b: (seen.append((a, b)), b)[1])
    inst = instantiate(
        """(module (import "h" "h" (func $h (param i32 f32) (result f32)))
      (func (export "f") (result f32) (call $h (i32.const -1) (f32.const 1.5))))""",
        [host],
    )
    assert call(inst, "f") == [0x3FC00000]
    assert seen == [(0xFFFFFFFF, 0x3FC00000)]


def _deep_switch(n: int) -> str:
    inner = "(br_table " + " ".join(map(str, range(n + 1))) + " (local.get 0))"
    for i in range(n):
        inner = f"(block {inner}) (return (i32.const {i}))"
    return f'(module (func (export "sw") (param i32) (result i32) (block {inner}) (i32.const 999)))'


def test_nesting_deeper_than_python_allows() -> None:
    inst = instantiate(_deep_switch(120))
    assert [call(inst, "sw", i)[0] for i in (0, 57, 119, 120, 5000)] == [0, 57, 119, 999, 999]


def test_flat_generator_matches_structured(monkeypatch: pytest.MonkeyPatch) -> None:
    from wasmlite.engines.python import compiled

    monkeypatch.setattr(compiled, "FuncGen", FlatGen)
    inst = instantiate(FIB)
    assert call(inst, "fib", 15) == [610]
    assert "_pc" in inst.exports["fib"].pyfn.__code__.co_varnames


def test_compiled_functions_are_cached_on_disk(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wasmlite.engines.python import cache

    monkeypatch.setenv("WASMLITE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "MIN_INSTRUCTIONS", 0)
    module = parse_module(FIB)
    validate_module(module)
    first = get_engine("python").compile(module)
    first.instantiate(Store("python"), []).exports["fib"].call([10])
    key = cache.cache_key(module)
    cache.save(key, first.cache_entry())
    again = get_engine("python").compile(module)
    assert again._codes and again.cache_entry() is None  # everything came from the disk
    assert again.instantiate(Store("python"), []).exports["fib"].call([10]) == [55]


def test_fuel_counts_about_one_unit_per_instruction() -> None:
    module = parse_module("""(module (func (export "spin") (param i32) (local i32)
      (block $d (loop $l (br_if $d (i32.eqz (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br $l)))))""")
    validate_module(module)
    store = Store("python", fuel=100_000)
    get_engine("python").compile(module).instantiate(store, []).exports["spin"].call([1000])
    used = 100_000 - store.fuel
    assert 8_000 <= used <= 12_000  # 10 instructions per iteration
