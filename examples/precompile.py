"""Precompiling: serialize a compiled module to a .cwasm file, load it later without
compiling again (for the llvm engine the file holds native code).

Run: python examples/precompile.py
"""

import os
import tempfile
import time

from wasmlite import Engine, Linker, Module, Store

WAT = """
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
"""


def main() -> None:
    engine = Engine()
    t0 = time.perf_counter()
    module = Module(engine, WAT)
    compile_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "fib.cwasm")
        with open(path, "wb") as f:
            f.write(module.serialize())

        t0 = time.perf_counter()
        loaded = Module.deserialize_file(engine, path)  # Module.from_file(engine, path) also works
        load_s = time.perf_counter() - t0

    store = Store(engine)
    fib = Linker(engine).instantiate(store, loaded).exports(store)["fib"]
    print("fib(20) =", fib(store, 20))
    assert fib(store, 20) == 6765
    print(f"compile {compile_s * 1e3:.1f} ms, load precompiled {load_s * 1e3:.1f} ms")
    print("exports:", [str(e) for e in loaded.exports])
    print(f"ok ({engine.name} engine)")


if __name__ == "__main__":
    main()
