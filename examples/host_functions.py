"""Host functions: wasm calls Python, Python calls wasm, exceptions pass through unchanged.

Run: python examples/host_functions.py   (WASMLITE_ENGINE=python|llvm picks the engine)
"""

from wasmlite import F64, I64, Caller, Engine, Linker, Module, Store

WAT = """
(module
  (import "host" "log" (func $log (param i32)))
  (import "host" "mul_add" (func $mul_add (param i64 i64 f64) (result f64)))
  (import "host" "fail" (func $fail))
  (import "host" "say" (func $say (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "hello from wasm memory")
  (func (export "greet") (call $say (i32.const 64) (i32.const 22)))
  (func (export "count_down") (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $log (local.get $n))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))
  (func (export "compute") (result f64)
    (call $mul_add (i64.const 6) (i64.const 7) (f64.const 0.5)))
  (func (export "call_fail") (call $fail)))
"""


class HostError(Exception):
    pass


def main() -> None:
    engine = Engine()
    store = Store(engine)
    linker = Linker(engine)
    seen: list[int] = []

    # Types from annotations: a plain int is i32; I64/F64 name the other wasm types.
    def log(n: int) -> None:
        seen.append(n)

    def mul_add(a: I64, b: I64, c: F64) -> F64:
        return a * b + c

    def fail() -> None:
        raise HostError("raised in Python, below a wasm frame")

    # access_caller: the function gets the calling instance first, to reach its memory.
    def say(caller: Caller, ptr: int, length: int) -> None:
        text = caller["memory"].read(caller, ptr, ptr + length)
        seen_text.append(text.decode())

    seen_text: list[str] = []
    linker.define_func("host", "say", None, say, access_caller=True)
    linker.define_func("host", "log", None, log)
    linker.define_func("host", "mul_add", None, mul_add)
    linker.define_func("host", "fail", None, fail)

    instance = linker.instantiate(store, Module(engine, WAT))
    exports = instance.exports(store)

    exports["count_down"](store, 3)
    print("log calls:", seen)
    assert seen == [3, 2, 1]

    exports["greet"](store)
    print("say:", seen_text)
    assert seen_text == ["hello from wasm memory"]

    result = exports["compute"](store)
    print("compute() =", result)
    assert result == 42.5

    try:
        exports["call_fail"](store)
    except HostError as e:  # the very exception object the host function raised
        print("caught:", e)
    else:
        raise AssertionError("the host exception did not propagate")
    print(f"ok ({engine.name} engine)")


if __name__ == "__main__":
    main()
