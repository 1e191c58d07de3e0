"""The embedding API end to end, on every available engine."""

from __future__ import annotations

import math
import threading

import pytest

from wasmlite import (
    I64,
    Config,
    Engine,
    Func,
    FuncType,
    Global,
    Instance,
    Interrupted,
    Linker,
    LinkError,
    Memory,
    Module,
    Store,
    Table,
    Trap,
    ValidationError,
    ValType,
    WasmError,
    global_type,
    memory_type,
    table_type,
)

i32, i64, f32, f64 = ValType.i32, ValType.i64, ValType.f32, ValType.f64

ARITH = """
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "half") (param f32) (result f32) (f32.div (local.get 0) (f32.const 2)))
  (func (export "sqrt") (param f64) (result f64) (f64.sqrt (local.get 0)))
  (func (export "swap") (param i32 f64) (result f64 i32) (local.get 1) (local.get 0))
  (func (export "nothing"))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $inner (unreachable))
  (func $outer (call $inner))
  (func (export "boom") (call $outer)))
"""


def instantiate(engine: Engine, store: Store, wat: str, linker: Linker | None = None) -> Instance:
    return (linker or Linker(engine)).instantiate(store, Module(engine, wat))


def test_calls_with_python_values(engine: Engine, store: Store) -> None:
    ex = instantiate(engine, store, ARITH).exports(store)
    assert ex["add"](store, 2, 3) == 5
    assert ex["add"](store, 0x7FFFFFFF, 1) == -0x80000000  # signed results, like wasmtime-py
    assert ex["add64"](store, -1, -1) == -2
    assert ex["half"](store, 3.0) == 1.5
    assert ex["sqrt"](store, 2.0) == math.sqrt(2.0)
    assert ex["swap"](store, 7, 0.25) == [0.25, 7]
    assert ex["nothing"](store) is None


def test_func_type_and_arity(engine: Engine, store: Store) -> None:
    add = instantiate(engine, store, ARITH).exports(store)["add"]
    assert isinstance(add, Func)
    assert add.type(store) == FuncType([i32, i32], [i32])
    assert (add.param_arity, add.result_arity) == (2, 1)


def test_bad_arguments(engine: Engine, store: Store) -> None:
    add = instantiate(engine, store, ARITH).exports(store)["add"]
    with pytest.raises(TypeError, match="argument 1"):
        add(store, 1, 2.5)
    with pytest.raises(TypeError):
        add(store, 1)


def test_trap_has_message_code_and_frames(engine: Engine, store: Store) -> None:
    ex = instantiate(engine, store, ARITH).exports(store)
    with pytest.raises(Trap) as info:
        ex["div"](store, 1, 0)
    assert info.value.message == "integer divide by zero"
    assert info.value.trap_code == "integer_division_by_zero"
    with pytest.raises(Trap) as info:
        ex["boom"](store)
    assert info.value.trap_code == "unreachable"
    assert len(info.value.frames) >= 1


def test_exports_mapping(engine: Engine, store: Store) -> None:
    exports = instantiate(engine, store, ARITH).exports(store)
    assert list(exports)[:2] == ["add", "add64"]
    assert exports[0] is exports["add"]
    assert "boom" in exports and "inner" not in exports


def test_module_imports_exports_validate(engine: Engine) -> None:
    module = Module(engine, '(module (import "m" "f" (func (param i64))) (func (export "g")))')
    assert [(i.module, i.name, i.type) for i in module.imports] == [("m", "f", FuncType([i64], []))]
    assert [(e.name, e.type) for e in module.exports] == [("g", FuncType([], []))]
    Module.validate(engine, "(module)")
    with pytest.raises(ValidationError):
        Module.validate(engine, "(module (func (result i32)))")
    with pytest.raises(ValidationError):
        Module(engine, "(module (func (result i32)))")


# -- host functions ---------------------------------------------------------------------------

CALLS_HOST = """
(module
  (import "host" "f" (func $f (param i32 i64) (result i64)))
  (import "host" "boom" (func $boom))
  (func (export "run") (param i32) (result i64) (call $f (local.get 0) (i64.const -5)))
  (func (export "boom") (call $boom)))
"""


class Sentinel(Exception):
    pass


def test_host_function_from_annotations(engine: Engine, store: Store) -> None:
    linker = Linker(engine)
    seen = []

    def f(a: int, b: I64) -> I64:
        seen.append((a, b))
        return a * b

    def boom() -> None:
        raise Sentinel("from the host")

    linker.define_func("host", "f", None, f)
    linker.define_func("host", "boom", FuncType([], []), boom)
    ex = instantiate(engine, store, CALLS_HOST, linker).exports(store)
    assert ex["run"](store, -3) == 15
    assert seen == [(-3, -5)]
    with pytest.raises(Sentinel, match="from the host") as info:
        ex["boom"](store)
    assert type(info.value) is Sentinel


def test_func_object_as_import(engine: Engine, store: Store) -> None:
    f = Func(store, FuncType([i32, i64], [i64]), lambda a, b: a + b)
    boom = Func(store, None, lambda: None)
    assert f(store, 1, 2) == 3  # host functions are callable from Python too
    instance = Instance(store, Module(engine, CALLS_HOST), [f, boom])
    assert instance.exports(store)["run"](store, 10) == 5


def test_decorator_form(engine: Engine, store: Store) -> None:
    linker = Linker(engine)

    @linker.func("host")
    def f(a: int, b: I64) -> I64:
        return a - b

    @linker.func("host", "boom")
    def anything() -> None:
        pass

    assert instantiate(engine, store, CALLS_HOST, linker).exports(store)["run"](store, 1) == 6


def test_unknown_import(engine: Engine, store: Store) -> None:
    with pytest.raises(LinkError, match=r"unknown import: `host::f` has not been defined"):
        instantiate(engine, store, CALLS_HOST)


def test_incompatible_import(engine: Engine, store: Store) -> None:
    linker = Linker(engine)
    linker.define_func("host", "f", FuncType([i32], [i32]), lambda a: a)
    linker.define_func("host", "boom", FuncType([], []), lambda: None)
    with pytest.raises(LinkError, match="incompatible import type"):
        instantiate(engine, store, CALLS_HOST, linker)


def test_shadowing(engine: Engine) -> None:
    linker = Linker(engine)
    linker.define_func("m", "f", FuncType([], []), lambda: None)
    with pytest.raises(LinkError, match="defined twice"):
        linker.define_func("m", "f", FuncType([], []), lambda: None)
    linker.allow_shadowing = True
    linker.define_func("m", "f", FuncType([], []), lambda: None)


def test_define_instance_links_modules(engine: Engine, store: Store) -> None:
    linker = Linker(engine)
    lib = instantiate(engine, store, ARITH)
    linker.define_instance(store, "lib", lib)
    user = instantiate(
        engine,
        store,
        """(module (import "lib" "add" (func $add (param i32 i32) (result i32)))
           (func (export "inc") (param i32) (result i32) (call $add (local.get 0) (i32.const 1))))""",
        linker,
    )
    assert user.exports(store)["inc"](store, 41) == 42
    assert isinstance(linker.get(store, "lib", "add"), Func)


# -- memory, table, global ----------------------------------------------------------------------

MEM = """
(module
  (memory (export "memory") 1 4)
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
"""


def test_memory_read_write_and_views(engine: Engine, store: Store) -> None:
    ex = instantiate(engine, store, MEM).exports(store)
    memory = ex["memory"]
    assert isinstance(memory, Memory)
    assert memory.size(store) == 1 and memory.data_len(store) == 65536
    assert memory.write(store, b"\x01\x02\x03", 10) == 3
    assert ex["load"](store, 11) == 2
    assert memory.read(store, 10, 13) == bytearray(b"\x01\x02\x03")
    view = memory.buffer(store)
    view[20] = 99
    assert ex["load"](store, 20) == 99
    assert memory.data_ptr(store)[20] == 99
    with pytest.raises(Trap, match="out of bounds memory access"):
        memory.write(store, b"xx", 65535)


def test_memory_grow_keeps_views_valid(engine: Engine, store: Store) -> None:
    ex = instantiate(engine, store, MEM).exports(store)
    memory = ex["memory"]
    view = memory.view()
    ptr = memory.data_ptr(store)
    assert memory.grow(store, 1) == 1
    assert ex["grow"](store, 1) == 2
    view[5] = 7  # the old view still works after both grows
    assert ex["load"](store, 5) == 7 and ptr[5] == 7
    assert len(memory.view()) == 3 * 65536
    with pytest.raises(WasmError, match="failed to grow"):
        memory.grow(store, 2)


def test_host_made_memory_table_global(engine: Engine, store: Store) -> None:
    memory = Memory(store, memory_type(1))
    table = Table(store, table_type(ValType.funcref, 2), None)
    glob = Global(store, global_type(i64, mutable=True), -7)
    module = Module(
        engine,
        """(module
          (import "env" "mem" (memory 1))
          (import "env" "tab" (table 2 funcref))
          (import "env" "g" (global (mut i64)))
          (func $f (result i32) (i32.const 9))
          (elem (i32.const 1) $f)
          (func (export "get_g") (result i64) (global.get 0))
          (func (export "set_g") (param i64) (global.set 0 (local.get 0)))
          (func (export "peek") (result i32) (i32.load (i32.const 0))))""",
    )
    ex = Instance(store, module, [memory, table, glob]).exports(store)
    assert ex["get_g"](store) == -7
    glob.set_value(store, 12)
    assert ex["get_g"](store) == 12
    ex["set_g"](store, -1)
    assert glob.value(store) == -1
    memory.write(store, (1234).to_bytes(4, "little"))
    assert ex["peek"](store) == 1234
    assert table.get(store, 0) is None
    f = table.get(store, 1)
    assert isinstance(f, Func) and f(store) == 9
    assert table.grow(store, 3, f) == 2 and table.size(store) == 5
    assert table.get(store, 4)(store) == 9


def test_immutable_global(engine: Engine, store: Store) -> None:
    glob = Global(store, global_type(f64), 1.5)
    assert glob.value(store) == 1.5
    with pytest.raises(WasmError, match="immutable"):
        glob.set_value(store, 2.0)


def test_externref_round_trip(engine: Engine, store: Store) -> None:
    ex = instantiate(
        engine,
        store,
        """(module (func (export "id") (param externref) (result externref) (local.get 0))
                   (func (export "null") (result funcref) (ref.null func)))""",
    ).exports(store)
    obj = {"any": "object"}
    assert ex["id"](store, obj) is obj
    assert ex["id"](store, None) is None
    assert ex["null"](store) is None


# -- limits -------------------------------------------------------------------------------------

SPIN = """
(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param i32) (result i32)
    (block $d (loop $l
      (br_if $d (i32.eqz (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $l)))
    (i32.const 1)))
"""


def test_fuel(engine_name: str) -> None:
    engine = Engine(Config(engine=engine_name, consume_fuel=True))
    store = Store(engine)
    store.set_fuel(10_000)
    ex = instantiate(engine, store, SPIN).exports(store)
    assert ex["count"](store, 10) == 1
    left = store.get_fuel()
    assert 0 <= left <= 10_000  # engines may charge fuel in batches
    with pytest.raises(Interrupted) as info:
        ex["spin"](store)
    assert info.value.trap_code == "out_of_fuel"
    assert store.get_fuel() == 0


def test_fuel_needs_config(store: Store) -> None:
    with pytest.raises(WasmError, match="consume_fuel"):
        store.set_fuel(10)


def test_deadline(engine: Engine, store: Store) -> None:
    store.set_deadline(0.05)
    ex = instantiate(engine, store, SPIN).exports(store)
    with pytest.raises(Interrupted) as info:
        ex["spin"](store)
    assert info.value.trap_code == "interrupt"


def test_interrupt_from_another_thread(engine_name: str) -> None:
    engine = Engine(Config(engine=engine_name, interruptible=True))
    store = Store(engine)
    ex = instantiate(engine, store, SPIN).exports(store)
    timer = threading.Timer(0.05, store.interrupt)
    timer.start()
    with pytest.raises(Interrupted):
        ex["spin"](store)
    timer.join()


def test_max_memory_size(engine_name: str) -> None:
    engine = Engine(Config(engine=engine_name, max_memory_size=2 * 65536))
    store = Store(engine)
    ex = instantiate(engine, store, MEM).exports(store)
    assert ex["grow"](store, 1) == 1
    assert ex["grow"](store, 1) == -1


# -- precompiled modules ------------------------------------------------------------------------


def test_serialize_round_trip(engine: Engine, store: Store) -> None:
    data = Module(engine, ARITH).serialize()
    module = Module.deserialize(engine, data)
    assert Linker(engine).instantiate(store, module).exports(store)["add"](store, 1, 2) == 3
    assert Module(engine, data).exports == module.exports  # Module() recognizes it too


def test_serialized_module_loads_on_the_other_engine(engine: Engine) -> None:
    data = Module(engine, ARITH).serialize()
    other = Engine(Config(engine="python"))
    module = Module.deserialize(other, data)
    store = Store(other)
    assert Linker(other).instantiate(store, module).exports(store)["add"](store, 2, 2) == 4


def test_module_from_file(engine: Engine, store: Store, tmp_path) -> None:
    path = tmp_path / "arith.wat"
    path.write_text(ARITH)
    module = Module.from_file(engine, path)
    assert module.name == "arith"
    cwasm = tmp_path / "arith.cwasm"
    cwasm.write_bytes(module.serialize())
    again = Module.from_file(engine, cwasm)
    assert Linker(engine).instantiate(store, again).exports(store)["add"](store, 5, 5) == 10


def test_store_data(engine: Engine) -> None:
    store = Store(engine, data={"user": 1})
    assert store.data == {"user": 1}


# -- callers ------------------------------------------------------------------------------------

READS_STRING = """
(module
  (import "host" "print" (func $print (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 8) "hi there")
  (func (export "go") (call $print (i32.const 8) (i32.const 8))))
"""


def test_linker_host_function_with_caller(engine: Engine, store: Store) -> None:
    from wasmlite import Caller

    linker = Linker(engine)
    seen = []

    @linker.func("host", access_caller=True)
    def print(caller: Caller, ptr: int, n: int) -> None:
        seen.append(bytes(caller["memory"].read(caller, ptr, ptr + n)))

    a = instantiate(engine, store, READS_STRING, linker)
    b = instantiate(engine, store, READS_STRING.replace("hi there", "HI THERE"), linker)
    a.exports(store)["go"](store)
    b.exports(store)["go"](store)
    a.exports(store)["go"](store)
    assert seen == [b"hi there", b"HI THERE", b"hi there"]


def test_func_object_with_caller(engine: Engine, store: Store) -> None:
    seen = []

    def print(caller, ptr: int, n: int) -> None:
        assert caller.get("nope") is None
        seen.append(bytes(caller.get("memory").read(store, ptr, ptr + n)))

    f = Func(store, None, print, access_caller=True)
    assert f.type(store) == FuncType([i32, i32], [])
    instance = Instance(store, Module(engine, READS_STRING), [f])
    instance.exports(store)["go"](store)
    assert seen == [b"hi there"]


def test_precompiled_code_is_used_only_for_its_own_target(engine: Engine, store: Store) -> None:
    from wasmlite.api import serialize as cwasm

    data = Module(engine, ARITH).serialize()
    p = cwasm.unpack(data)
    if engine.name == "llvm":
        assert p.code and p.target  # native object code, tagged with what it was made for
    # Garbage code for another target is never loaded: the module is compiled again.
    forged = cwasm.pack(cwasm.Precompiled(p.engine, p.version, p.wasm, b"garbage", "other-cpu"))
    module = Module.deserialize(engine, forged)
    assert Linker(engine).instantiate(store, module).exports(store)["add"](store, 3, 4) == 7


def test_compile_without_cache(engine_name: str) -> None:
    engine = Engine(Config(engine=engine_name, cache=False))
    store = Store(engine)
    module = Module(engine, ARITH)
    assert Linker(engine).instantiate(store, module).exports(store)["add"](store, 1, 1) == 2
    again = Module.deserialize(engine, module.serialize())
    assert Linker(engine).instantiate(store, again).exports(store)["add"](store, 2, 1) == 3
