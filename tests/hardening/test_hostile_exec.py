"""Hostile modules at *run* time, on both engines: each gets a result, a trap or a clear
error, never a crash, a hang, a traceback or unbounded memory use (docs/limits.md).

The front-end side of the same shapes (decode/parse/validate) is tests/fuzz/test_hostile.py;
here the modules are compiled, instantiated and run. The LLVM cases skip when that engine
is unavailable.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from wasm_helpers import ENGINE_PARAMS, llvm_available

from wasmlite.binary import decode_module
from wasmlite.binary.leb128 import encode_u
from wasmlite.engines import get_engine
from wasmlite.errors import Exhaustion, Interrupted, LinkError, Trap
from wasmlite.runtime import Store
from wasmlite.text import parse_module
from wasmlite.validate import validate_module

HEADER = b"\x00asm\x01\x00\x00\x00"
REPO = Path(__file__).resolve().parents[2]


ENGINES = ENGINE_PARAMS


def section(sid: int, body: bytes) -> bytes:
    return bytes([sid]) + encode_u(len(body)) + body


def vec(items: list[bytes]) -> bytes:
    return encode_u(len(items)) + b"".join(items)


def exported_func(body: bytes, locals_: bytes = b"\x00") -> bytes:
    """A module exporting `f: [] -> []` whose code entry is `locals_ + body`."""
    code = locals_ + body
    return (
        HEADER
        + section(1, vec([b"\x60\x00\x00"]))
        + section(3, vec([b"\x00"]))
        + section(7, vec([b"\x01f\x00\x00"]))
        + section(10, vec([encode_u(len(code)) + code]))
    )


def instantiate(engine: str, wasm_or_wat: bytes | str, **store_kw: object):  # type: ignore[no-untyped-def]
    if isinstance(wasm_or_wat, str):
        module = parse_module(wasm_or_wat)
    else:
        module = decode_module(wasm_or_wat)
    validate_module(module)
    return get_engine(engine).compile(module).instantiate(Store(engine, **store_kw), [])


def call(engine: str, wasm_or_wat: bytes | str, *args: int, **store_kw: object) -> list[int]:
    return instantiate(engine, wasm_or_wat, **store_kw).exports["f"].call(list(args))


# ---- big shapes compile and run -------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_hundred_thousand_nested_blocks_run(engine: str) -> None:
    depth = 100_000
    assert call(engine, exported_func(b"\x02\x40" * depth + b"\x0b" * depth + b"\x0b")) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_fifty_thousand_locals_run(engine: str) -> None:
    n = 50_000
    # Write the last local, read it back, and leave the first one's zero in place.
    body = b"\x41\x07\x21" + encode_u(n - 1) + b"\x20" + encode_u(n - 1) + b"\x1a\x0b"
    assert call(engine, exported_func(body, b"\x01" + encode_u(n) + b"\x7f")) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_million_instructions_run(engine: str) -> None:
    body = b"\x41\x01\x1a" * 333_334 + b"\x0b"  # i32.const 1; drop  (1,000,003 instructions)
    assert call(engine, exported_func(body)) == []


# ---- memories and tables at and past their limits -------------------------------------

FULL_MEMORY = """(module (memory 65536)
  (func (export "f") (result i32)
    (i32.store (i32.const 0xfffffffc) (i32.const 7))
    (i32.add (i32.load (i32.const 0xfffffffc)) (memory.grow (i32.const 1)))))"""


@pytest.mark.parametrize("engine", ENGINES)
def test_memory_of_65536_pages(engine: str) -> None:
    # The last word of a 4 GiB memory is usable; growing past 65,536 pages fails (-1).
    assert call(engine, FULL_MEMORY) == [6]


GROW = """(module (memory 0)
  (func (export "f") (param i32) (result i32) (memory.grow (local.get 0))))"""


@pytest.mark.parametrize("engine", ENGINES)
def test_memory_grown_to_65536_pages(engine: str) -> None:
    inst = instantiate(engine, GROW)
    f = inst.exports["f"]
    assert f.call([65_536]) == [0]
    assert f.call([1]) == [0xFFFFFFFF]
    assert f.call([0xFFFFFFFF]) == [0xFFFFFFFF]
    assert inst.memories[0].size == 65_536 * 65_536


@pytest.mark.parametrize("engine", ENGINES)
def test_memory_grow_past_the_store_limit_fails(engine: str) -> None:
    inst = instantiate(engine, GROW, max_memory_pages=10)
    f = inst.exports["f"]
    assert f.call([9]) == [0]
    assert f.call([1]) == [9]
    assert f.call([1]) == [0xFFFFFFFF]


TABLE_GROW = """(module (table 0 funcref)
  (func (export "f") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"""


@pytest.mark.parametrize("engine", ENGINES)
def test_table_grow_to_a_billion_fails_cleanly(engine: str) -> None:
    f = instantiate(engine, TABLE_GROW).exports["f"]
    assert f.call([1_000_000_000]) == [0xFFFFFFFF]
    assert f.call([0xFFFFFFFF]) == [0xFFFFFFFF]
    assert f.call([10]) == [0]


@pytest.mark.parametrize("engine", ENGINES)
def test_table_declared_with_a_billion_elements_is_refused(engine: str) -> None:
    # Regression: the minimum used to be allocated as a Python list (8 GB) before any check.
    with pytest.raises(LinkError, match="table minimum size"):
        instantiate(engine, '(module (table 1000000000 funcref) (func (export "f")))')


@pytest.mark.parametrize("engine", ENGINES)
def test_element_segment_out_of_range_traps(engine: str) -> None:
    src = '(module (table 1 funcref) (func $g) (elem (i32.const 1) func $g) (func (export "f")))'
    with pytest.raises(Trap, match="out of bounds table access"):
        instantiate(engine, src)


@pytest.mark.parametrize("engine", ENGINES)
def test_data_segment_out_of_range_traps(engine: str) -> None:
    src = '(module (memory 1) (data (i32.const 65535) "ab") (func (export "f")))'
    with pytest.raises(Trap, match="out of bounds memory access"):
        instantiate(engine, src)


# ---- runaway code ----------------------------------------------------------------------

RECURSE = """(module (func $r (export "f") (param i32) (result i32)
  (call $r (i32.add (local.get 0) (i32.const 1)))))"""


@pytest.mark.parametrize("engine", ENGINES)
def test_unbounded_recursion_exhausts_the_stack(engine: str) -> None:
    with pytest.raises(Exhaustion, match="call stack exhausted"):
        call(engine, RECURSE, 0)
    # The engine is still usable afterwards.
    assert call(engine, GROW, 0) == [0]


BIG_FRAMES = """(module (table 1 funcref) (elem (i32.const 0) $r)
  (type $t (func (param i32) (result i32)))
  (func $r (export "f") (param i32) (result i32) (local LOCALS)
    (local.set 5 (v128.const i64x2 1 2))
    (call_indirect (type $t) (i32.add (local.get 0) (i32.const 1)) (i32.const 0))))"""


@pytest.mark.parametrize("engine", ENGINES)
def test_recursion_with_big_frames_through_a_table(engine: str) -> None:
    # 3,000 v128 locals per frame: the llvm engine's stack guard must leave room for them.
    with pytest.raises(Exhaustion, match="call stack exhausted"):
        call(engine, BIG_FRAMES.replace("LOCALS", " ".join(["v128"] * 3000)), 0)


SPIN_START = '(module (func $s (loop (br 0))) (start $s) (memory (export "memory") 1) (func (export "_start")))'


@pytest.mark.parametrize("engine", ENGINES)
def test_start_function_loop_stops_on_fuel(engine: str) -> None:
    with pytest.raises(Interrupted, match="all fuel consumed"):
        instantiate(engine, SPIN_START, fuel=100_000)


@pytest.mark.parametrize("engine", ENGINES)
def test_start_function_loop_stops_on_timeout(engine: str) -> None:
    t0 = time.monotonic()
    with pytest.raises(Interrupted, match="deadline exceeded"):
        instantiate(engine, SPIN_START, timeout=0.3)
    assert time.monotonic() - t0 < 30  # stopped, not merely finished by luck


@pytest.mark.parametrize("engine", ["python", "llvm"])
def test_start_function_loop_under_the_api(engine: str) -> None:
    if engine == "llvm" and not llvm_available():
        pytest.skip("no llvm engine")
    from wasmlite import Config, Engine, Linker, Module
    from wasmlite import Store as ApiStore

    fuelled = Engine(Config(engine=engine, consume_fuel=True))
    store = ApiStore(fuelled)
    store.set_fuel(50_000)
    with pytest.raises(Interrupted) as info:
        Linker(fuelled).instantiate(store, Module(fuelled, SPIN_START))
    assert info.value.trap_code == "out_of_fuel"

    plain = Engine(Config(engine=engine))
    store = ApiStore(plain)
    store.set_deadline(0.3)
    with pytest.raises(Interrupted) as info:
        Linker(plain).instantiate(store, Module(plain, SPIN_START))
    assert info.value.trap_code == "interrupt"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("flags", "words"),
    [(["--fuel", "100000"], "all fuel consumed"), (["--timeout", "300ms"], "deadline exceeded")],
)
def test_cli_stops_a_looping_start_function(
    engine: str, flags: list[str], words: str, tmp_path: Path
) -> None:
    wat = tmp_path / "spin.wat"
    wat.write_text(SPIN_START)
    env = dict(os.environ, PYTHONPATH=str(REPO), WASMLITE_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, "-m", "wasmlite", "run", "--engine", engine, *flags, str(wat)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode != 0
    assert words in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")
