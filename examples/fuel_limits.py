"""Stopping runaway code: fuel, a deadline, and an interrupt from another thread.

Run: python examples/fuel_limits.py
"""

import threading

from wasmlite import Config, Engine, Interrupted, Linker, Module, Store

WAT = """
(module
  (func (export "spin") (loop $forever (br $forever)))
  (func (export "sum") (param $n i32) (result i32) (local $acc i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (i32.add (local.get $acc) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $acc)))
"""


def with_fuel() -> None:
    engine = Engine(Config(consume_fuel=True))
    store = Store(engine)
    store.set_fuel(100_000)
    exports = Linker(engine).instantiate(store, Module(engine, WAT)).exports(store)
    print("sum(100) =", exports["sum"](store, 100), "fuel left:", store.get_fuel())
    try:
        exports["spin"](store)
    except Interrupted as e:
        print("spin stopped:", e.message, f"[{e.trap_code}]")
        assert e.trap_code == "out_of_fuel"
    else:
        raise AssertionError("fuel did not stop the loop")


def with_deadline() -> None:
    engine = Engine()
    store = Store(engine)
    store.set_deadline(0.2)  # before instantiating: the compiled code polls the clock
    exports = Linker(engine).instantiate(store, Module(engine, WAT)).exports(store)
    try:
        exports["spin"](store)
    except Interrupted as e:
        print("spin stopped:", e.message, f"[{e.trap_code}]")
        assert e.trap_code == "interrupt"


def with_interrupt() -> None:
    engine = Engine(Config(interruptible=True))
    store = Store(engine)
    exports = Linker(engine).instantiate(store, Module(engine, WAT)).exports(store)
    threading.Timer(0.2, store.interrupt).start()  # from another thread
    try:
        exports["spin"](store)
    except Interrupted as e:
        print("spin stopped:", e.message, f"[{e.trap_code}]")


def main() -> None:
    with_fuel()
    with_deadline()
    with_interrupt()
    print(f"ok ({Engine().name} engine)")


if __name__ == "__main__":
    main()
