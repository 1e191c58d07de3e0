"""The baseline tier: interpreted functions, translated loops and tier-up behave exactly as
compiled code (results, traps, backtraces, fuel)."""

from __future__ import annotations

import pytest

from wasmlite.binary import decode_module, encode_module
from wasmlite.engines import get_engine
from wasmlite.engines.python import interpreter, opsgen
from wasmlite.errors import Trap
from wasmlite.runtime import Store
from wasmlite.text import parse_module
from wasmlite.validate import validate_module

# Loops leaving through every kind of exit (their `end` with results, a branch to an
# outer block with values, a branch to an outer loop, `return` from inside), nested.
PROGRAM = """(module
  (memory 1)
  (func $sum (export "sum") (param i32) (result i32) (local i32 i32)
    (block $done (result i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (local.get 2)))
        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
        (br_if $done (local.get 1) (i32.ge_u (local.get 2) (local.get 0)))
        (br $l))
      (i32.const -1)))
  (func (export "first_square_over") (param i32) (result i32) (local i32)
    (loop $l
      (if (i32.gt_u (i32.mul (local.get 1) (local.get 1)) (local.get 0))
        (then (return (local.get 1))))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br $l))
    (i32.const 0))
  (func (export "nested") (param i32) (result i64) (local i32 i32 i64)
    (loop $outer
      (local.set 2 (i32.const 0))
      (loop $inner
        (local.set 3 (i64.add (local.get 3) (i64.extend_i32_u (local.get 2))))
        (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.tee 2 (i32.add (local.get 2) (i32.const 1)))
                                (local.get 1))))
      (br_if $outer (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1)))
                              (local.get 0))))
    (i64.add (local.get 3) (i64.extend_i32_u (i32.load (i32.const 8)))))
  (func (export "loop_results") (param i32) (result i32 i32)
    (local.get 0)
    (loop $l (param i32) (result i32 i32)
      (drop)
      (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0))
      (i32.const 7)))
  (func $div (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func (export "trap_in_loop") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (call $div (local.get 0))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $l))
    (local.get 1))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
)"""

CALLS = [
    ("sum", [10]),
    ("sum", [1000]),
    ("first_square_over", [5000]),
    ("nested", [30]),
    ("loop_results", [50]),
    ("fib", [15]),
]

TIERS = {
    "compiled": {"ENABLED": False},
    "interpreted": {"HEAT": 10**9},
    "eager": {"HEAT": 0},  # every loop translated at its first back edge
    "default": {},
}


def instantiate(store: Store | None = None):
    module = decode_module(encode_module(parse_module(PROGRAM)))  # with byte offsets
    validate_module(module)
    return (
        get_engine("python").compile(module, cache=False).instantiate(store or Store("python"), [])
    )


@pytest.fixture(params=list(TIERS))
def tier(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in TIERS[request.param].items():
        monkeypatch.setattr(interpreter, name, value)
    return request.param


def test_results_agree_across_tiers(tier: str) -> None:
    inst = instantiate()
    got = [inst.exports[name].call(list(args)) for name, args in CALLS]
    assert got == [[45], [499500], [71], [4496], [0, 7], [610]]


def test_trap_and_backtrace_from_a_loop(tier: str) -> None:
    inst = instantiate()
    with pytest.raises(Trap) as info:
        inst.exports["trap_in_loop"].call([60])
    assert info.value.message == "integer divide by zero"
    frames = info.value.frames
    assert [f.func_index for f in frames] == [4, 5]
    assert all(f.offset is not None for f in frames)


def test_backtrace_offsets_agree_across_tiers(monkeypatch: pytest.MonkeyPatch) -> None:
    offsets = {}
    for name, settings in TIERS.items():
        with monkeypatch.context() as m:
            for attr, value in settings.items():
                m.setattr(interpreter, attr, value)
            with pytest.raises(Trap) as info:
                instantiate().exports["trap_in_loop"].call([60])
            offsets[name] = [f.offset for f in info.value.frames]
    assert len(set(map(tuple, offsets.values()))) == 1, offsets


def test_a_trap_in_the_call_that_tiers_up_is_one_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interpreted frame that hands a call over to the freshly compiled code is not
    a frame of its own in the backtrace."""
    monkeypatch.setattr(interpreter, "HEAT", 0)  # a function's second call tiers it up
    text = """(module
      (func $div (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
      (func (export "outer") (param i32) (result i32) (call $div (local.get 0))))"""
    module = decode_module(encode_module(parse_module(text)))  # with byte offsets
    validate_module(module)
    inst = get_engine("python").compile(module, cache=False).instantiate(Store("python"), [])
    assert inst.exports["div"].call([1]) == [1]  # interpreted
    with pytest.raises(Trap) as info:
        inst.exports["outer"].call([0])  # $div tiers up on the way
    assert inst.exports["div"].pyfn.__code__.co_filename == "<wasm>"
    assert [f.func_index for f in info.value.frames] == [0, 1]
    assert all(f.offset is not None for f in info.value.frames)


def test_fuel_is_the_same_in_every_tier(monkeypatch: pytest.MonkeyPatch) -> None:
    used = {}
    for name, settings in TIERS.items():
        with monkeypatch.context() as m:
            for attr, value in settings.items():
                m.setattr(interpreter, attr, value)
            store = Store("python", fuel=10**9)
            inst = instantiate(store)
            for fn, args in CALLS:
                inst.exports[fn].call(list(args))
            used[name] = 10**9 - store.fuel
    assert len(set(used.values())) == 1, used


def test_hot_function_is_compiled_and_cold_one_interpreted() -> None:
    inst = instantiate()
    inst.exports["fib"].call([15])
    inst.exports["sum"].call([3])
    assert inst.exports["fib"].pyfn.__code__.co_filename == "<wasm>"
    assert inst.exports["sum"].pyfn.__code__.co_name == "entry"


def test_nested_loops_are_translated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """An inner loop that gets hot while its outer loop iterates is translated as part of
    the outer one, not on its own as well (unless the outer one is much longer)."""
    from wasmlite.engines.python.compiled import PyCompiledModule

    translated = []
    original = PyCompiledModule.loop_function

    def record(self, ns, index, poll, start, *where):  # type: ignore[no-untyped-def]
        translated.append(start)
        return original(self, ns, index, poll, start, *where)

    monkeypatch.setattr(PyCompiledModule, "loop_function", record)
    inst = instantiate()
    assert inst.exports["nested"].call([30]) == [4496]
    outer = next(i for i, ins in enumerate(inst.module.funcs[2].body) if ins.op.name == "loop")
    assert translated == [outer]

    translated.clear()
    monkeypatch.setattr(interpreter, "OUTER_LOOP_SPAN", 1)  # every outer loop too long
    inst = instantiate()
    assert inst.exports["nested"].call([30]) == [4496]
    assert len(translated) == 2 and translated[0] > outer


def test_unsupported_instructions_are_compiled_at_once() -> None:
    module = parse_module(
        '(module (func (export "f") (result i32) (i32x4.extract_lane 1 (v128.const i32x4 1 2 3 4))))'
    )
    validate_module(module)
    inst = get_engine("python").compile(module, cache=False).instantiate(Store("python"), [])
    assert inst.exports["f"].call([]) == [2]
    assert inst.exports["f"].pyfn.__code__.co_filename == "<wasm>"


def test_vector_function_from_a_binary_is_compiled_at_once() -> None:
    """The interpreter learns of vector instructions from the decoder's positions."""
    text = '(module (func (export "f") (result i32) (i32x4.extract_lane 1 (v128.const i32x4 1 2 3 4))))'
    module = decode_module(encode_module(parse_module(text)))
    assert module.funcs[0].vector == [0, 1]
    validate_module(module)
    inst = get_engine("python").compile(module, cache=False).instantiate(Store("python"), [])
    assert inst.exports["f"].call([]) == [2]
    assert inst.exports["f"].pyfn.__code__.co_filename == "<wasm>"


def test_plans_from_decoded_and_parsed_bodies_agree() -> None:
    """The plan built from the decoder's control positions equals the one built by
    scanning a body parsed from text (no positions recorded)."""
    from wasmlite.engines.python.codegen import ModuleInfo

    parsed = parse_module(PROGRAM)
    decoded = decode_module(encode_module(parsed))
    assert parsed.funcs[0].control is None and decoded.funcs[0].control is not None
    info_a, info_b = ModuleInfo(parsed), ModuleInfo(decoded)
    for index in range(len(parsed.funcs)):
        a, b = interpreter.Plan(info_a, index), interpreter.Plan(info_b, index)
        assert (a.ops, a.args, a.costs) == (b.ops, b.args, b.costs)


TABLES = """(module
  (table $t 2 funcref)
  (elem $e func $one $two)
  (memory 1)
  (data $d "hello")
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (func (export "run") (result i32 i32 i32 i32)
    (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 2))
    (elem.drop $e)
    (drop (table.grow $t (ref.null func) (i32.const 3)))
    (table.copy $t $t (i32.const 2) (i32.const 0) (i32.const 2))
    (table.fill $t (i32.const 4) (table.get $t (i32.const 1)) (i32.const 1))
    (table.set $t (i32.const 0) (table.get $t (i32.const 4)))
    (memory.init $d (i32.const 100) (i32.const 1) (i32.const 4))
    (data.drop $d)
    (table.size $t)
    (call_indirect (result i32) (i32.const 0))
    (call_indirect (result i32) (i32.const 3))
    (i32.load8_u (i32.const 103)))
  (func (export "init_after_drop")
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))))
"""


def test_table_and_segment_instructions(tier: str) -> None:
    module = parse_module(TABLES)
    validate_module(module)
    inst = get_engine("python").compile(module, cache=False).instantiate(Store("python"), [])
    assert inst.exports["run"].call([]) == [5, 2, 2, ord("o")]
    if tier == "default":
        assert inst.exports["run"].pyfn.__code__.co_name == "entry"  # interpreted
    with pytest.raises(Trap, match="out of bounds memory access"):
        inst.exports["init_after_drop"].call([])


def test_generated_operations_are_current() -> None:
    """interp_ops.py is what opsgen.py writes from templates.py today."""
    assert opsgen.TARGET.read_text() == opsgen.module_source()
