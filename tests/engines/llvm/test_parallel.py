"""Compiling in worker processes (engines/llvm/parallel.py, pipeline.py) and the tier policy
(JIT vs ahead-of-time plans, which cache entry a run takes)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

pytest.importorskip("llvmlite", reason="the LLVM engine needs llvmlite")

from wasmlite.engines.llvm import cache, engine, parallel, pipeline  # noqa: E402
from wasmlite.engines.llvm.engine import LLVMEngine  # noqa: E402
from wasmlite.runtime import Store  # noqa: E402
from wasmlite.text import parse_module  # noqa: E402
from wasmlite.validate import validate_module  # noqa: E402

O2, LARGE, QUICK = pipeline.O2, pipeline.LARGE, pipeline.QUICK


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WASMLITE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("WASMLITE_LLVM_OPT", raising=False)
    monkeypatch.delenv("WASMLITE_LLVM_JOBS", raising=False)


def _module(count: int = 8):
    """`count` functions calling along a chain, so that groups call each other."""
    funcs = [
        '(func $f0 (export "f0") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))'
    ]
    for i in range(1, count):
        funcs.append(
            f'(func $f{i} (export "f{i}") (param i32) (result i32)'
            f" (i32.mul (call $f{i - 1} (local.get 0)) (i32.const 2)))"
        )
    module = parse_module("(module " + " ".join(funcs) + ")")
    validate_module(module)
    return module


def _call(compiled, name: str, *args: int) -> list:
    return compiled.instantiate(Store("llvm"), []).exports[name].call(list(args))


# -- splitting -------------------------------------------------------------------------------


def test_split_balances_contiguous_groups(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "MIN_GROUP_COST", 1)
    sizes = [10, 10, 10, 10, 40, 10, 10]
    groups = parallel.split([(O2, None)], sizes, 2)
    assert len(groups) == 2
    flat = [i for g in groups for _, funcs in g for i in funcs]
    assert flat == list(range(len(sizes)))  # every function once, in order
    costs = [sum(sizes[i] for _, funcs in g for i in funcs) for g in groups]
    assert max(costs) <= 60


def test_split_keeps_tiers_and_weights_them(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "MIN_GROUP_COST", 1)
    sizes = [300, 100, 1000]  # the quick tier costs a tenth: 300 | 100 + 100
    groups = parallel.split([(O2, {0, 1}), (QUICK, {2})], sizes, 2)
    assert groups == [[(O2, [0])], [(O2, [1]), (QUICK, [2])]]


def test_small_work_is_not_split() -> None:
    assert parallel.split([(O2, None)], [50] * 10, 8) == [[(O2, list(range(10)))]]


def test_jobs_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("WASMLITE_LLVM_JOBS", "3")
    assert parallel.jobs() == 3
    monkeypatch.setenv("WASMLITE_LLVM_JOBS", "x")
    assert parallel.jobs() == len(os.sched_getaffinity(0))


# -- compiling in workers ---------------------------------------------------------------------


def _parallel(monkeypatch, jobs: int = 3) -> None:
    monkeypatch.setattr(parallel, "MIN_GROUP_COST", 1)
    monkeypatch.setenv("WASMLITE_LLVM_JOBS", str(jobs))


def test_groups_compiled_in_workers_link_and_run(monkeypatch) -> None:
    _parallel(monkeypatch)
    started = []
    real = parallel._start_worker
    monkeypatch.setattr(parallel, "_start_worker", lambda: started.append(1) or real())
    compiled = LLVMEngine(opt_level=None).compile(_module(), cache=False)
    assert len(started) == 2
    assert _call(compiled, "f7", 1) == [2 * 2**7]


def test_a_worker_that_dies_leaves_its_group_to_this_process(monkeypatch) -> None:
    _parallel(monkeypatch)

    def dying_worker():
        return subprocess.Popen(
            [sys.executable, "-c", "import os; os._exit(3)"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    monkeypatch.setattr(parallel, "_start_worker", dying_worker)
    compiled = LLVMEngine(opt_level=None).compile(_module(), cache=False)
    assert _call(compiled, "f7", 3) == [4 * 2**7]


def test_a_worker_that_cannot_start_leaves_its_group_to_this_process(monkeypatch) -> None:
    _parallel(monkeypatch)
    monkeypatch.setattr(parallel, "_start_worker", lambda: None)
    compiled = LLVMEngine(opt_level=None).compile(_module(), cache=False)
    assert _call(compiled, "f7", 0) == [2**7]


def test_an_llvm_error_in_a_worker_is_raised() -> None:
    groups = [[(O2, [0])], [(O2, [1])]]
    sources = {0: "define i32 @broken( {", 1: "define i32 @ok() { ret i32 1 }"}
    with pytest.raises(RuntimeError, match="LLVM compile worker failed"):
        parallel.compile_groups(groups, lambda funcs: sources[funcs[0]], pipeline.compile_text)


def test_workers_die_with_their_parent(tmp_path) -> None:
    script = (
        "import sys, os; sys.path.insert(0, sys.argv[1])\n"
        "from wasmlite.engines.llvm import parallel\n"
        "p = parallel._start_worker()\n"
        "print(p.pid, flush=True)\n"
        "os._exit(0)\n"  # no cleanup: the worker must still go
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    out = subprocess.run(
        [sys.executable, "-c", script, root], capture_output=True, text=True, timeout=60
    )
    pid = int(out.stdout.split()[0])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if _is_zombie(pid):
            return
        time.sleep(0.05)
    pytest.fail("the compile worker outlived its parent")


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


# -- tiers and the cache ----------------------------------------------------------------------


def _sized_module():
    module = _module(4)
    monkey_sizes = [len(f.body) for f in module.funcs]
    return module, monkey_sizes


def test_plans_jit_vs_ahead_of_time(monkeypatch) -> None:
    module, sizes = _sized_module()
    biggest = max(sizes)
    monkeypatch.setattr(engine, "AUTO_QUICK_FUNCTION", biggest - 1)
    monkeypatch.setattr(engine, "AOT_O2_FUNCTION", biggest - 1)
    eng = LLVMEngine(opt_level=None)
    eng.opt_level = None
    big = {i for i, n in enumerate(sizes) if n == biggest}
    assert eng.plan(module) == [(O2, set(range(len(sizes))) - big), (QUICK, big)]
    assert eng.plan(module, ahead=True) == [(O2, set(range(len(sizes))) - big), (LARGE, big)]
    monkeypatch.setattr(engine, "AUTO_QUICK_TOTAL", 1)
    assert eng.plan(module) == [(QUICK, None)]


def test_large_tier_compiles_the_same_semantics(monkeypatch) -> None:
    monkeypatch.setattr(engine, "AOT_O2_FUNCTION", 0)  # every function is "huge"
    eng = LLVMEngine(opt_level=None)
    eng.opt_level = None
    assert eng.plan(_module(), ahead=True) == [(LARGE, None)]
    assert _call(eng.compile(_module(), cache=False, ahead=True), "f7", 2) == [3 * 2**7]


def test_a_run_takes_the_ahead_of_time_entry(monkeypatch) -> None:
    module, sizes = _sized_module()
    monkeypatch.setattr(engine, "AUTO_QUICK_FUNCTION", max(sizes) - 1)
    eng = LLVMEngine(opt_level=None)
    eng.opt_level = None
    jit = eng.compile(module)
    assert not jit.ahead
    with eng.ahead_of_time():
        best = eng.compile(module)
    assert best.ahead
    again = eng.compile(module)  # a later run: the ahead-of-time entry, not the quick one
    assert again.ahead and again.code == best.code
    assert _call(again, "f3", 1) == [16]


def test_serialize_gives_ahead_of_time_code(monkeypatch) -> None:
    module, sizes = _sized_module()
    monkeypatch.setattr(engine, "AUTO_QUICK_FUNCTION", max(sizes) - 1)
    eng = LLVMEngine(opt_level=None)
    eng.opt_level = None
    jit = eng.compile(module, cache=False)
    quick_code = jit.code
    code = jit.serialize()
    assert code != quick_code and jit.serialize() == code
    loaded = eng.deserialize(module, code)
    assert _call(loaded, "f3", 2) == [24]


def test_corrupt_ahead_of_time_entry_falls_back(monkeypatch) -> None:
    module, sizes = _sized_module()
    monkeypatch.setattr(engine, "AUTO_QUICK_FUNCTION", max(sizes) - 1)
    eng = LLVMEngine(opt_level=None)
    eng.opt_level = None
    eng.compile(module, ahead=True)
    for entry in cache.cache_dir().glob("*.o"):
        data = bytearray(entry.read_bytes())
        data[-10] ^= 0xFF
        entry.write_bytes(bytes(data))
    compiled = eng.compile(module)
    assert not compiled.ahead  # recompiled for a quick start
    assert _call(compiled, "f3", 0) == [8]


def test_wasmlite_compile_writes_ahead_of_time_code(monkeypatch, tmp_path) -> None:
    from wasmlite.binary import encode_module
    from wasmlite.cli.main import main

    module, sizes = _sized_module()
    monkeypatch.setattr(engine, "AUTO_QUICK_FUNCTION", max(sizes) - 1)
    monkeypatch.setenv("WASMLITE_LLVM_OPT", "auto")
    wasm = tmp_path / "m.wasm"
    wasm.write_bytes(encode_module(module))
    assert main(["compile", "--engine", "llvm", str(wasm), "-o", str(tmp_path / "m.cwasm")]) == 0
    eng = LLVMEngine(opt_level=None)
    eng.opt_level = None
    assert eng.compile(module).ahead  # the cache entry it left is the ahead-of-time one
    code = eng.compile(module, ahead=True).code
    from wasmlite.api import serialize as cwasm

    assert cwasm.unpack((tmp_path / "m.cwasm").read_bytes()).code == code


def test_no_worker_when_the_executable_is_not_python(monkeypatch) -> None:
    monkeypatch.setattr(sys, "executable", "/usr/bin/uwsgi")  # embedded in another program
    assert parallel._start_worker() is None
    monkeypatch.setattr(sys, "executable", "")
    assert parallel._start_worker() is None
