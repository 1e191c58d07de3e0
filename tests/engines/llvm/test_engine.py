"""The LLVM engine: native execution, traps, host calls, shared objects, polling, cache."""

from __future__ import annotations

import pytest

pytest.importorskip("llvmlite", reason="the LLVM engine needs llvmlite")

import wasm_helpers  # noqa: E402
from wasm_helpers import call  # noqa: E402

from wasmlite.engines import get_engine  # noqa: E402
from wasmlite.errors import Exhaustion, Interrupted, Trap  # noqa: E402
from wasmlite.model import I32, FuncType  # noqa: E402
from wasmlite.runtime import HostFunc, Store  # noqa: E402
from wasmlite.text import parse_module  # noqa: E402
from wasmlite.validate import validate_module  # noqa: E402


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WASMLITE_CACHE_DIR", str(tmp_path / "cache"))


def compile_wat(wat: str):
    return wasm_helpers.compile_wat("llvm", wat)


def instantiate(wat: str, imports: list | None = None, store: Store | None = None):
    return wasm_helpers.instantiate_wat("llvm", wat, imports, store)


FIB = """(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"""


def test_recursion_runs_natively() -> None:
    assert call(instantiate(FIB), "fib", 25) == [75025]


def test_integer_traps_carry_spec_messages() -> None:
    inst = instantiate("""(module
      (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "rem") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
      (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
      (func (export "unreachable") (unreachable)))""")
    with pytest.raises(Trap, match="integer divide by zero"):
        call(inst, "div", 1, 0)
    with pytest.raises(Trap, match="integer overflow"):
        call(inst, "div", 0x80000000, 0xFFFFFFFF)
    assert call(inst, "rem", 0x80000000, 0xFFFFFFFF) == [0]
    with pytest.raises(Trap, match="invalid conversion to integer"):
        call(inst, "trunc", 0x7FC00000)
    with pytest.raises(Trap, match="unreachable"):
        call(inst, "unreachable")
    assert call(inst, "div", 7, 2) == [3]  # usable after traps


def test_memory_bounds_and_grow_are_shared_with_the_host() -> None:
    inst = instantiate("""(module (memory (export "mem") 1 4)
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))""")
    mem = inst.exports["mem"]
    mem.write(100, (1234).to_bytes(4, "little"))
    assert call(inst, "load", 100) == [1234]
    with pytest.raises(Trap, match="out of bounds memory access"):
        call(inst, "load", 65533)
    assert call(inst, "grow", 1) == [1]
    assert mem.pages == 2
    assert call(inst, "load", 65533) == [0]
    assert mem.grow(1) == 2  # growth from the host is seen by native code
    assert call(inst, "load", 2 * 65536 + 10) == [0]
    assert call(inst, "grow", 5) == [0xFFFFFFFF]


def test_deep_recursion_traps_with_exhaustion_and_recovers() -> None:
    inst = instantiate("""(module
      (func $f (export "f") (param i32) (result i32)
        (i32.add (call $f (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))""")
    with pytest.raises(Exhaustion):
        call(inst, "f", 0)
    assert call(instantiate(FIB), "fib", 10) == [55]


def test_host_functions_and_their_exceptions() -> None:
    seen: list[int] = []

    class Boom(Exception):
        pass

    def log(x: int) -> int:
        seen.append(x)
        if x == 13:
            raise Boom("unlucky")
        return x * 2

    host = HostFunc(FuncType((I32,), (I32,)), log)
    inst = instantiate(
        """(module (import "h" "log" (func $log (param i32) (result i32)))
      (func (export "run") (param i32) (result i32) (i32.add (call $log (local.get 0)) (i32.const 1))))""",
        [host],
    )
    assert call(inst, "run", 5) == [11]
    with pytest.raises(Boom, match="unlucky"):
        call(inst, "run", 13)
    assert seen == [5, 13]
    assert call(inst, "run", 1) == [3]


def test_trap_in_nested_wasm_call_through_the_host() -> None:
    inner = instantiate('(module (func (export "boom") (unreachable)))')
    boom = inner.exports["boom"]
    host = HostFunc(FuncType((), ()), lambda: boom.call([]))
    outer = instantiate(
        """(module (import "h" "f" (func $f))
      (func (export "run") (result i32) (call $f) (i32.const 1)))""",
        [host],
    )
    with pytest.raises(Trap, match="unreachable"):
        call(outer, "run")


def test_cross_module_calls_tables_and_globals() -> None:
    lib = instantiate("""(module
      (global (export "g") (mut i32) (i32.const 5))
      (table (export "t") 2 funcref)
      (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (elem (i32.const 0) $double))""")
    user = instantiate(
        """(module
      (import "lib" "double" (func $double (param i32) (result i32)))
      (import "lib" "g" (global $g (mut i32)))
      (import "lib" "t" (table $t 2 funcref))
      (type $ii (func (param i32) (result i32)))
      (func (export "call") (param i32) (result i32) (call $double (local.get 0)))
      (func (export "indirect") (param i32 i32) (result i32)
        (call_indirect (type $ii) (local.get 1) (local.get 0)))
      (func (export "bump") (global.set $g (i32.add (global.get $g) (i32.const 1))))
      (func (export "get") (result i32) (global.get $g)))""",
        [lib.exports["double"], lib.exports["g"], lib.exports["t"]],
    )
    assert call(user, "call", 21) == [42]
    assert call(user, "indirect", 0, 4) == [8]
    with pytest.raises(Trap, match="uninitialized element"):
        call(user, "indirect", 1, 4)
    with pytest.raises(Trap, match="undefined element"):
        call(user, "indirect", 2, 4)
    call(user, "bump")
    assert lib.exports["g"].value == 6
    lib.exports["g"].value = 40
    assert call(user, "get") == [40]
    # A host function placed in the table from Python is callable through call_indirect.
    lib.exports["t"].set(1, HostFunc(FuncType((I32,), (I32,)), lambda x: x + 100))
    assert call(user, "indirect", 1, 1) == [101]
    lib.exports["t"].set(1, HostFunc(FuncType((), ()), lambda: None))
    with pytest.raises(Trap, match="indirect call type mismatch"):
        call(user, "indirect", 1, 1)


def test_multi_value_and_v128_cross_the_boundary() -> None:
    inst = instantiate("""(module
      (func (export "swap") (param i64 f64) (result f64 i64) (local.get 1) (local.get 0))
      (func (export "vadd") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1))))""")
    assert call(inst, "swap", 1 << 40, 0x3FF0000000000000) == [0x3FF0000000000000, 1 << 40]
    a = (1 << 96) | 2
    assert call(inst, "vadd", a, a) == [(2 << 96) | 4]


LOOP = """(module (func (export "spin") (loop (br 0))))"""


def test_fuel_stops_infinite_loops() -> None:
    inst = instantiate(LOOP, store=Store("llvm", fuel=50_000))
    with pytest.raises(Interrupted):
        call(inst, "spin")


def test_timeout_stops_infinite_loops() -> None:
    inst = instantiate(LOOP, store=Store("llvm", timeout=0.2))
    with pytest.raises(Interrupted):
        call(inst, "spin")


def test_compile_cache_reuses_and_repairs_entries(tmp_path) -> None:
    from wasmlite.engines.llvm import cache

    compile_wat(FIB)
    entries = list(cache.cache_dir().glob("*.o"))
    assert len(entries) == 1
    entries[0].write_bytes(b"garbage")
    inst = compile_wat(FIB).instantiate(Store("llvm"), [])  # recompiled, entry rewritten
    assert call(inst, "fib", 12) == [144]
    assert cache.load(entries[0].stem) is not None


def test_functions_memories_and_globals_shared_with_the_python_engine() -> None:
    py_module = parse_module("""(module
      (memory (export "mem") 1)
      (global (export "g") (mut i64) (i64.const 7))
      (func (export "triple") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
      (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))""")
    validate_module(py_module)
    py = get_engine("python").compile(py_module).instantiate(Store("python"), [])
    native = instantiate(
        """(module
      (import "py" "triple" (func $triple (param i32) (result i32)))
      (import "py" "mem" (memory 1))
      (import "py" "g" (global $g (mut i64)))
      (func (export "run") (param i32) (result i32)
        (i32.store (i32.const 16) (call $triple (local.get 0)))
        (global.set $g (i64.add (global.get $g) (i64.const 1)))
        (i32.load (i32.const 16))))""",
        [py.exports["triple"], py.exports["mem"], py.exports["g"]],
    )
    assert call(native, "run", 5) == [15]
    assert call(py, "peek", 16) == [15]  # the Python engine sees the native store
    assert py.exports["g"].value == 8


def test_quick_tier_compiles_the_same_semantics() -> None:
    from wasmlite.engines.llvm import LLVMEngine

    module = parse_module("""(module
      (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
          (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                         (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
      (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1))))""")
    validate_module(module)
    inst = LLVMEngine(opt_level=1).compile(module).instantiate(Store("llvm"), [])
    assert call(inst, "fib", 20) == [6765]
    with pytest.raises(Trap, match="integer divide by zero"):
        call(inst, "div", 1, 0)


def test_oversized_functions_compile_in_a_quick_part_linked_with_the_rest(monkeypatch) -> None:
    from wasmlite.engines.llvm import LLVMEngine, engine

    monkeypatch.setattr(engine, "AUTO_QUICK_FUNCTION", 12)  # fib's body is bigger, "small" not
    module = parse_module("""(module
      (func $small (result i32) (i32.const 2))
      (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (call $small))
          (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                         (call $fib (i32.sub (local.get 0) (i32.const 2))))))))""")
    validate_module(module)
    eng = LLVMEngine(opt_level=None)
    eng.opt_level = None  # decide per function even when the environment forces a tier
    assert [level for level, _ in eng.plan(module)] == [2, 1]
    for _ in range(2):  # compiled, then from the cache
        inst = eng.compile(module).instantiate(Store("llvm"), [])
        assert call(inst, "fib", 15) == [610]


def test_serialized_code_loads_without_compiling() -> None:
    from wasmlite.engines.llvm import LLVMEngine

    module = parse_module(FIB)
    validate_module(module)
    eng = LLVMEngine()
    code = eng.compile(module, cache=False).serialize()
    inst = eng.deserialize(module, code).instantiate(Store("llvm"), [])
    assert call(inst, "fib", 11) == [89]
    assert call(eng.deserialize(module, b"junk").instantiate(Store("llvm"), []), "fib", 3) == [2]
    assert eng.code_target() == LLVMEngine().code_target()
