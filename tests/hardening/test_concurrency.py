"""Concurrency: stores and instances used from several threads at once behave as serially,
on both engines; the LLVM object cache survives concurrent writers and killed writers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from wasm_helpers import ENGINE_PARAMS, needs_llvm

from wasmlite.engines import get_engine
from wasmlite.errors import Exhaustion
from wasmlite.runtime import Store
from wasmlite.text import parse_module
from wasmlite.validate import validate_module

from .diff_exec import prepare, run_wasmlite
from .gen_modules import generate

REPO = Path(__file__).resolve().parents[2]
SEEDS = range(7000, 7024)
THREADS = 4


ENGINES = ENGINE_PARAMS


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WASMLITE_CACHE_DIR", str(tmp_path / "cache"))


def scenario_serial_results(engine: str) -> None:
    modules = {s: prepare(generate(s))[0] for s in SEEDS}
    serial = {s: run_wasmlite(engine, m).summary() for s, m in modules.items()}
    # Each seed runs in two threads at once, every thread with its own store and instance
    # (the compiled code is shared through the engine's caches).
    jobs = [s for s in SEEDS for _ in range(2)]
    with ThreadPoolExecutor(THREADS) as pool:
        got = list(pool.map(lambda s: (s, run_wasmlite(engine, modules[s]).summary()), jobs))
    for s, summary in got:
        assert summary == serial[s], f"seed {s}"


DEPTH = """(module (func $d (export "f") (param i32) (result i32)
  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
    (else (i32.add (i32.const 1) (call $d (i32.sub (local.get 0) (i32.const 1))))))))"""


def scenario_deep_calls(engine: str) -> None:
    """A legal deep recursion must not see another thread's entry/exit bookkeeping.

    Regression guard for process-wide state changed on each host->wasm entry (the Python
    recursion limit): a thread leaving wasm must not lower the limit under a deep caller.
    """
    module = parse_module(DEPTH)
    validate_module(module)
    compiled = get_engine(engine).compile(module)
    stop = threading.Event()
    errors: list[BaseException] = []

    def churn() -> None:
        f = compiled.instantiate(Store(engine), []).exports["f"]
        while not stop.is_set():
            try:
                assert f.call([1]) == [1]
            except BaseException as e:  # reported below
                errors.append(e)
                return

    def deep() -> None:
        f = compiled.instantiate(Store(engine), []).exports["f"]
        for _ in range(20):
            try:
                assert f.call([5_000]) == [5_000]
            except BaseException as e:  # reported below
                errors.append(e)
                return

    churners = [threading.Thread(target=churn) for _ in range(2)]
    for t in churners:
        t.start()
    try:
        deep()
    finally:
        stop.set()
        for t in churners:
            t.join()
    assert not errors, f"a call failed: {errors[0]!r}"


def scenario_stack_exhaustion(engine: str) -> None:
    module = parse_module(DEPTH)
    validate_module(module)
    compiled = get_engine(engine).compile(module)

    def run(_: int) -> str:
        f = compiled.instantiate(Store(engine), []).exports["f"]
        try:
            f.call([0xFFFFFFF])
        except Exhaustion as e:
            return e.message
        return "returned"

    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(run, range(3))) == ["call stack exhausted"] * 3


MIXED = """(module
  (import "host" "add" (func $add (param i32) (result i32)))
  (func $inner (param i32) (result i32)
    (if (i32.eq (local.get 0) (i32.const {k})) (then unreachable))
    (call $add (local.get 0)))
  (func $outer (export "f") (param i32) (result i32) (call $inner (local.get 0))))"""


def scenario_mixed(engine: str) -> None:
    """Threads compile (a new module each round), instantiate, call into host functions and
    trap at once: compiling and linking must not disturb code running in another thread,
    and each trap keeps its own message and backtrace."""
    from wasmlite.errors import Trap
    from wasmlite.model import FuncType, ValType
    from wasmlite.runtime.objects import HostFunc

    add = HostFunc(FuncType((ValType.i32,), (ValType.i32,)), lambda x: x + 1)
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            for round_ in range(6):
                k = 1000 * seed + 500 + round_  # above the calls that must not trap
                module = parse_module(MIXED.replace("{k}", str(k)))
                validate_module(module)
                compiled = get_engine(engine).compile(module)
                f = compiled.instantiate(Store(engine), [add]).exports["f"]
                for x in range(200):
                    assert f.call([x]) == [x + 1]
                try:
                    f.call([k])
                except Trap as e:
                    assert e.message == "unreachable"
                    names = [fr.func_name for fr in e.frames]
                    assert names[:2] == ["inner", "outer"] or engine != "llvm", names
                else:
                    raise AssertionError("no trap")
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, f"a thread failed: {errors[0]!r}"


SCENARIOS = {
    "serial-results": scenario_serial_results,
    "deep-calls": scenario_deep_calls,
    "stack-exhaustion": scenario_stack_exhaustion,
    "mixed": scenario_mixed,
}


def _run_isolated(name: str, engine: str) -> subprocess.CompletedProcess[str]:
    """Run a scenario in a child process: a crash there must not take pytest down."""
    code = f"import tests.hardening.test_concurrency as t; t.SCENARIOS[{name!r}]({engine!r})"
    return subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", code],
        cwd=REPO,
        # tests/ too: this module imports wasm_helpers, as pytest lets it
        env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "tests")])),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_threads_python(name: str) -> None:
    SCENARIOS[name]("python")


@needs_llvm
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_threads_llvm(name: str) -> None:
    proc = _run_isolated(name, "llvm")
    assert proc.returncode == 0, f"exit {proc.returncode}:\n{proc.stderr[-4000:]}"


# ---- the LLVM object cache --------------------------------------------------------------

COMPILE_AND_RUN = """
import sys
from wasmlite.engines import get_engine
from wasmlite.runtime import Store
from wasmlite.text import parse_module
from wasmlite.validate import validate_module
m = parse_module(sys.argv[1]); validate_module(m)
inst = get_engine("llvm").compile(m).instantiate(Store("llvm"), [])
print(inst.exports["f"].call([int(sys.argv[2])])[0])
"""

SUM = """(module (func (export "f") (param i32) (result i32) (local i32)
  (block (loop (br_if 1 (i32.eqz (local.get 0)))
    (local.set 1 (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const {k}))))
    (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br 0))) (local.get 1)))"""


def _python_env(cache: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO), WASMLITE_CACHE_DIR=str(cache), WASMLITE_CACHE="1")


def _entries(cache: Path) -> list[Path]:
    """Cache entries, not a killed writer's stray temporary file (`.tmp-*.o`)."""
    found = sorted(cache.glob("*.o")) if cache.exists() else []
    return [p for p in found if not p.name.startswith(".tmp-")]


@needs_llvm
def test_cache_survives_concurrent_writers(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    src = SUM.format(k=3)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", COMPILE_AND_RUN, src, "100"],
            env=_python_env(cache),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert out.strip() == str(3 * 5050)
    from wasmlite.engines.llvm import cache as objcache

    # One entry per key (the module, its call glue), whoever renamed last; all whole.
    serial = tmp_path / "serial"
    subprocess.run(
        [sys.executable, "-c", COMPILE_AND_RUN, src, "1"], env=_python_env(serial), timeout=300
    )
    entries = _entries(cache)
    assert [e.name for e in entries] == [e.name for e in _entries(serial)]
    assert all(objcache.load(e.stem) is not None for e in entries)
    assert not [p for p in cache.iterdir() if p.name.startswith(".tmp-")]
    # A later process hits the entry and gets the same answer.
    out = subprocess.run(
        [sys.executable, "-c", COMPILE_AND_RUN, src, "10"],
        env=_python_env(cache),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.stdout.strip() == str(3 * 55)


@needs_llvm
@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_cache_entry_damaged_is_recompiled(tmp_path: Path, damage: str) -> None:
    from wasmlite.engines.llvm import cache as objcache

    cache = tmp_path / "cache"
    src = SUM.format(k=5)
    run = [sys.executable, "-c", COMPILE_AND_RUN, src, "10"]
    first = subprocess.run(run, env=_python_env(cache), capture_output=True, text=True, timeout=300)
    assert first.stdout.strip() == str(5 * 55), first.stderr
    entries = _entries(cache)
    assert entries
    originals = {e: e.read_bytes() for e in entries}
    for entry, data in originals.items():
        if damage == "truncate":  # what a writer killed mid-write would leave without the rename
            entry.write_bytes(data[: len(data) // 2])
        elif damage == "flip":
            entry.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
        elif damage == "empty":
            entry.write_bytes(b"")
        else:
            entry.write_bytes(b"\x7fELF" + os.urandom(len(data)))
        assert objcache.load(entry.stem) is None  # never trusted
    again = subprocess.run(run, env=_python_env(cache), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == str(5 * 55)
    for entry in entries:
        assert objcache.load(entry.stem) is not None  # rewritten whole


WRITER = """
import itertools, os, sys
from wasmlite.engines import get_engine
from wasmlite.text import parse_module
from wasmlite.validate import validate_module
src = sys.argv[1]
for k in itertools.count(1000):
    m = parse_module(src.replace("{k}", str(k))); validate_module(m)
    get_engine("llvm").compile(m)
    print(k, flush=True)
"""


@needs_llvm
def test_cache_after_killed_writers(tmp_path: Path) -> None:
    """Writers killed at arbitrary moments leave only whole entries (or stray temp files)."""
    cache = tmp_path / "cache"
    env = _python_env(cache)
    for delay in (1.5, 2.0, 2.5):
        p = subprocess.Popen(
            [sys.executable, "-c", WRITER, SUM], env=env, stdout=subprocess.PIPE, text=True
        )
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
    from wasmlite.engines.llvm import cache as objcache

    entries = _entries(cache)
    assert entries, "no writer got as far as one entry; raise the delays"
    for entry in entries:
        assert objcache.load(entry.stem) is not None, f"{entry.name} is damaged"
    # Whatever was left, a compile through the cache gives correct code.
    out = subprocess.run(
        [sys.executable, "-c", COMPILE_AND_RUN, SUM.replace("{k}", "1000"), "10"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.stdout.strip() == str(1000 * 55), out.stderr
