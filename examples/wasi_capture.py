"""A WASI command with arguments, an environment, stdin, and captured stdout.

Run: python examples/wasi_capture.py
"""

from wasmlite import Engine, ExitTrap, Linker, Module, Store, WasiConfig

# Prints each argument on its own line, copies stdin to stdout, then exits with status 3.
WAT = """
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; layout: 0 argc, 4 buf size, 8 iovec, 16 nwritten, 1024 argv[], 4096 arg bytes, 8192 stdin
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 8) (local.get $ptr))
    (i32.store (i32.const 12) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16))))
  (func $strlen (param $p i32) (result i32) (local $n i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $n))
  (func (export "_start") (local $i i32) (local $arg i32) (local $n i32)
    (drop (call $args_sizes (i32.const 0) (i32.const 4)))
    (drop (call $args_get (i32.const 1024) (i32.const 4096)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 0))))
      (local.set $arg (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2)))))
      (call $write (local.get $arg) (call $strlen (local.get $arg)))
      (i32.store8 (i32.const 20) (i32.const 10))
      (call $write (i32.const 20) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (block $eof (loop $more
      (i32.store (i32.const 8) (i32.const 8192))
      (i32.store (i32.const 12) (i32.const 4096))
      (drop (call $fd_read (i32.const 0) (i32.const 8) (i32.const 1) (i32.const 16)))
      (local.set $n (i32.load (i32.const 16)))
      (br_if $eof (i32.eqz (local.get $n)))
      (call $write (i32.const 8192) (local.get $n))
      (br $more)))
    (call $proc_exit (i32.const 3))))
"""


def main() -> None:
    engine = Engine()
    module = Module(engine, WAT)

    wasi = WasiConfig()
    wasi.argv = ["greet", "hello", "world"]
    wasi.set_env({"GREETING": "hi"})
    wasi.stdin_bytes(b"from stdin\n")
    wasi.stdout_capture()

    store = Store(engine)
    store.set_wasi(wasi)
    linker = Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, module)  # binds the exported "memory" to WASI

    try:
        instance.exports(store)["_start"](store)
        status = 0
    except ExitTrap as e:  # proc_exit
        status = e.code
    out = store.wasi_stdout()
    print(out.decode(), end="")
    print("exit status:", status)
    assert out == b"greet\nhello\nworld\nfrom stdin\n" and status == 3
    print(f"ok ({engine.name} engine)")


if __name__ == "__main__":
    main()
