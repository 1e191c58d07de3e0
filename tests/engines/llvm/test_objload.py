"""The ELF object loader that serves compile-cache hits without LLVM."""

from __future__ import annotations

import struct

import pytest

pytest.importorskip("llvmlite", reason="the LLVM engine needs llvmlite")

from wasmlite.engines.llvm import cache, engine, objload  # noqa: E402
from wasmlite.engines.llvm.engine import LLVMEngine  # noqa: E402
from wasmlite.errors import Exhaustion, Trap  # noqa: E402
from wasmlite.model import I32, FuncType  # noqa: E402
from wasmlite.runtime import HostFunc, Store  # noqa: E402
from wasmlite.text import parse_module  # noqa: E402
from wasmlite.validate import validate_module  # noqa: E402


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WASMLITE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("WASMLITE_OBJLOAD", raising=False)  # these tests are about the loader


PROGRAM = """(module
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (memory (export "mem") 1)
  (data (i32.const 16) "\\01\\02\\03\\04")
  (global $g (mut i64) (i64.const 7))
  (table 3 funcref)
  (elem (i32.const 0) $fib $host $bump)
  (type $i2i (func (param i32) (result i32)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "fib_via") (param i32) (result i32) (call $fib (local.get 0)))
  (func $host (export "host") (param i32) (result i32) (call $twice (local.get 0)))
  (func $bump (export "bump") (param i32) (result i32)
    (global.set $g (i64.add (global.get $g) (i64.extend_i32_u (local.get 0))))
    (i32.wrap_i64 (global.get $g)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $i2i) (local.get 1) (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "copy") (param i32 i32 i32)
    (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i32 i32 i32)
    (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fmod") (param f64 f64) (result f64)
    (f64.nearest (f64.div (local.get 0) (local.get 1))))
  (func (export "select") (param i32) (result i32)
    (block (block (block (block (br_table 0 1 2 3 (local.get 0)))
      (return (i32.const 10))) (return (i32.const 20))) (return (i32.const 30)))
    (i32.const 40))
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"""


def _twice_import() -> HostFunc:
    return HostFunc(FuncType((I32,), (I32,)), lambda x: x * 2)


def _instantiate(wat: str, imports: list | None = None):
    module = parse_module(wat)
    validate_module(module)
    compiled = LLVMEngine().compile(module)
    return compiled, compiled.instantiate(Store("llvm"), imports or [])


def _run_program(inst) -> list:
    """Every kind of operation PROGRAM has, with its results (or trap messages)."""
    out: list = []
    mem = inst.exports["mem"]
    for name, args in [
        ("fib", [20]),
        ("host", [21]),
        ("bump", [5]),
        ("bump", [6]),
        ("indirect", [0, 10]),
        ("indirect", [1, 4]),
        ("indirect", [2, 1]),
        ("load", [16]),
        ("copy", [100, 16, 4]),
        ("load", [100]),
        ("fill", [200, 0xAB, 8]),
        ("load", [204]),
        ("select", [0]),
        ("select", [2]),
        ("select", [9]),
        ("div", [7, 2]),
        ("div", [7, 0]),
        ("load", [65535]),
        ("indirect", [3, 0]),
    ]:
        try:
            out.append(inst.exports[name].call(args))
        except Trap as exc:
            out.append(str(exc).splitlines()[0])
    out.append(bytes(mem.read(0, 256)) if hasattr(mem, "read") else None)
    return out


def test_loader_matches_lljit(monkeypatch) -> None:
    compiled, inst = _instantiate(PROGRAM, [_twice_import()])
    assert isinstance(compiled.tracker, objload.LoadedObject)
    loaded = _run_program(inst)
    monkeypatch.setenv("WASMLITE_OBJLOAD", "0")
    compiled, inst = _instantiate(PROGRAM, [_twice_import()])
    assert not isinstance(compiled.tracker, objload.LoadedObject)
    assert _run_program(inst) == loaded
    assert loaded[0] == [6765] and loaded[1] == [42] and loaded[2] == [12]


def test_loaded_code_is_unmapped_with_its_tracker() -> None:
    """The code memory is a Python mmap object, freed by CPython itself when the tracker
    goes (no Python-level finalizer that could fail at the recursion limit)."""
    import gc
    import weakref

    compiled, inst = _instantiate(PROGRAM, [_twice_import()])
    assert inst.exports["fib"].call([10]) == [55]
    mappings = [weakref.ref(m) for m in compiled.tracker._mappings]
    assert mappings
    del compiled, inst
    gc.collect()
    assert all(m() is None for m in mappings)


def test_cache_hit_uses_the_loader() -> None:
    module = parse_module(PROGRAM)
    validate_module(module)
    LLVMEngine().compile(module)  # cold: compiles and stores
    compiled = LLVMEngine().compile(module)  # warm
    assert isinstance(compiled.tracker, objload.LoadedObject)
    inst = compiled.instantiate(Store("llvm"), [_twice_import()])
    assert inst.exports["fib"].call([15]) == [610]


def test_loaded_code_traps_and_exhausts() -> None:
    _compiled, inst = _instantiate(PROGRAM, [_twice_import()])
    with pytest.raises(Trap, match="integer divide by zero"):
        inst.exports["div"].call([1, 0])
    with pytest.raises(Exhaustion):
        inst.exports["deep"].call([0])
    assert inst.exports["fib"].call([10]) == [55]  # still usable after both


def test_objects_calling_each_other(monkeypatch) -> None:
    """A module compiled in two parts (O2 and the quick tier) links across objects."""
    monkeypatch.setattr(engine, "AUTO_QUICK_FUNCTION", 12)  # fib and select are "big"
    compiled, inst = _instantiate(PROGRAM, [_twice_import()])
    assert len(compiled.engine.plan(compiled.module)) == 2
    assert isinstance(compiled.tracker, objload.LoadedObject)
    assert inst.exports["fib_via"].call([20]) == [6765]  # O2 part calls the quick part
    assert inst.exports["indirect"].call([1, 4]) == [8]
    assert inst.exports["select"].call([1]) == [20]


def test_corrupt_cache_entry_is_recompiled() -> None:
    module = parse_module(PROGRAM)
    validate_module(module)
    LLVMEngine().compile(module)
    (entry,) = [
        p
        for p in cache.cache_dir().glob("*.o")
        if p.stat().st_size == max(q.stat().st_size for q in cache.cache_dir().glob("*.o"))
    ]
    data = bytearray(entry.read_bytes())
    data[-100] ^= 0xFF  # checksum no longer matches
    entry.write_bytes(bytes(data))
    compiled = LLVMEngine().compile(module)
    inst = compiled.instantiate(Store("llvm"), [_twice_import()])
    assert inst.exports["fib"].call([12]) == [144]
    assert cache.load(entry.stem) is not None  # replaced by a good entry


def test_checksummed_garbage_entry_is_recompiled() -> None:
    module = parse_module(PROGRAM)
    validate_module(module)
    LLVMEngine().compile(module)
    for entry in cache.cache_dir().glob("*.o"):
        blob = cache.load(entry.stem)
        if blob is not None and not blob.startswith(b"\x7fELF"):  # a module's bundle
            objects = cache.unpack_objects(blob)
            bad = [b"\x7fELF" + b"\0" * 60 for _ in objects]
            cache.store(entry.stem, cache.pack_objects(bad))
    compiled = LLVMEngine().compile(module)
    inst = compiled.instantiate(Store("llvm"), [_twice_import()])
    assert inst.exports["fib"].call([12]) == [144]


def _object_of(wat: str) -> bytes:
    from wasmlite.engines.llvm.jit import compile_ir
    from wasmlite.engines.llvm.module_ir import module_ir

    module = parse_module(wat)
    validate_module(module)
    return compile_ir(module_ir(module))


def test_rejects_what_it_does_not_know() -> None:
    good = _object_of(PROGRAM)
    host = {"wl_rt": 1, "wl_host": 2, "wl_call": 3}
    with pytest.raises(objload.UnsupportedObject):
        objload.load_objects([b"not an object"], [], host)
    with pytest.raises(objload.UnsupportedObject):
        objload.load_objects([good[:200]], [], host)  # truncated
    with pytest.raises(objload.UnsupportedObject):
        objload.load_objects([good], ["no_such_symbol"], host)
    other_machine = bytearray(good)
    struct.pack_into("<H", other_machine, 18, 183)  # EM_AARCH64
    with pytest.raises(objload.UnsupportedObject):
        objload.load_objects([bytes(other_machine)], [], host)
    with pytest.raises(objload.UnsupportedObject):
        objload.load_objects([good], [], {})  # wl_host and friends cannot be resolved


def test_unknown_relocation_is_rejected() -> None:
    obj = bytearray(_object_of(PROGRAM))
    parsed = objload._Parsed(bytes(obj))
    for h in parsed.headers:
        if h[1] == 4 and (h[7] in parsed.sections):  # a RELA section of a loaded section
            offset = h[4]
            _, info, _ = struct.unpack_from("<QQq", obj, offset)
            struct.pack_into("<Q", obj, offset + 8, (info >> 32) << 32 | 37)  # R_X86_64_TPOFF32
            break
    else:
        pytest.fail("no relocations to corrupt")
    with pytest.raises(objload.UnsupportedObject, match="relocation type 37"):
        objload.load_objects([bytes(obj)], [], {"wl_rt": 1, "wl_host": 2, "wl_call": 3})
