"""Sharing bytes through linear memory: write a buffer, let wasm transform it, read it back.

Run: python examples/memory_bytes.py
"""

from wasmlite import Engine, Linker, Memory, Module, Store

WAT = """
(module
  (memory (export "memory") 1)
  ;; ASCII-uppercase len bytes at ptr, in place; return how many bytes changed.
  (func (export "upper") (param $ptr i32) (param $len i32) (result i32)
    (local $end i32) (local $c i32) (local $changed i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $ptr)))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97))
                     (i32.le_u (local.get $c) (i32.const 122)))
          (then
            (i32.store8 (local.get $ptr) (i32.sub (local.get $c) (i32.const 32)))
            (local.set $changed (i32.add (local.get $changed) (i32.const 1)))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (local.get $changed)))
"""


def main() -> None:
    engine = Engine()
    store = Store(engine)
    instance = Linker(engine).instantiate(store, Module(engine, WAT))
    exports = instance.exports(store)
    memory = exports["memory"]
    assert isinstance(memory, Memory)

    text = b"hello, linear memory!"
    memory.write(store, text, 16)  # copy in
    changed = exports["upper"](store, 16, len(text))
    result = bytes(memory.read(store, 16, 16 + len(text)))  # copy out
    print(result.decode(), f"({changed} bytes changed)")
    assert result == b"HELLO, LINEAR MEMORY!" and changed == 17

    # Zero-copy: a memoryview straight onto the wasm memory.
    view = memory.buffer(store)
    view[100:105] = b"abcde"
    exports["upper"](store, 100, 5)
    print(bytes(view[100:105]).decode())
    assert bytes(view[100:105]) == b"ABCDE"

    # Growing keeps the memory where it is: the old view stays valid.
    old_pages = memory.grow(store, 1)
    assert memory.size(store) == old_pages + 1
    assert bytes(view[100:105]) == b"ABCDE"
    print(f"grew from {old_pages} to {memory.size(store)} pages; {memory.data_len(store)} bytes")
    print(f"ok ({engine.name} engine)")


if __name__ == "__main__":
    main()
