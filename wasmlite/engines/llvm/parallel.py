"""Compiling a module's plan on several cores.

llvmlite compiles one module at a time per process, so the work is split into groups of
functions balanced by estimated cost, and all groups but one go to worker processes while
this process compiles the last. Each group is its own LLVM module; the objects link
together like the parts of any multi-part plan (calls across groups are plain external
calls, so LLVM cannot inline across them: groups are contiguous ranges of functions, which
keeps most callers beside their callees).

Workers are fresh interpreters running `pipeline.py` by path (fork+exec through
`subprocess`, never a bare fork of this possibly multi-threaded process); they import only
llvmlite, are killed when this process ends (PR_SET_PDEATHSIG) or when the compile is
abandoned, and a worker that dies or cannot start makes its group compile here instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

from . import pipeline
from .pipeline import Plan

# Estimated compile cost per wasm instruction, relative to O2 (measured: O2 ~12,000
# instructions/s on one core; the quick tier ~10x faster; the large tier is only used for
# functions of 30,000+ instructions, where the code generator's superlinear cost makes
# it 1.6x (yyjson's 40,409) to 2.3x (brotli's 104,840) O2's average rate).
TIER_COST = {pipeline.O2: 1.0, pipeline.LARGE: 2.0, pipeline.QUICK: 0.1}
# A worker costs ~0.06 s to start, import llvmlite and answer, plus ~0.05 s per MB of IR
# to feed, and splits cost some inlining: groups smaller than this (about 0.4 s of O2) are
# not worth one.
MIN_GROUP_COST = 5_000

Group = list[tuple[int, list[int]]]  # (tier, positions in module.funcs) sub-jobs


def jobs() -> int:
    """How many processes may compile at once: WASMLITE_LLVM_JOBS, else the usable cores."""
    value = os.environ.get("WASMLITE_LLVM_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def split(plan: Plan, sizes: list[int], count: int) -> list[Group]:
    """The plan's functions in at most `count` contiguous groups of about equal cost, and
    no more groups than make each cost MIN_GROUP_COST on average."""
    items: list[tuple[int, int, float]] = []
    for tier, part in plan:
        chosen = range(len(sizes)) if part is None else sorted(part)
        items += [(tier, i, sizes[i] * TIER_COST.get(tier, 1.0)) for i in chosen]
    total = sum(cost for _, _, cost in items)
    count = max(1, min(count, int(total // MIN_GROUP_COST), len(items)))
    groups: list[list[tuple[int, int]]] = [[]]
    done = 0.0
    for tier, i, cost in items:
        # Close the group when this item would end nearer the next boundary than this one.
        boundary = total * len(groups) / count
        if groups[-1] and len(groups) < count and done + cost / 2 > boundary:
            groups.append([])
        groups[-1].append((tier, i))
        done += cost
    return [_by_tier(g) for g in groups]


def _by_tier(group: list[tuple[int, int]]) -> Group:
    tiers: dict[int, list[int]] = {}
    for tier, i in group:
        tiers.setdefault(tier, []).append(i)
    return list(tiers.items())


def compile_groups(
    groups: list[Group],
    ir_of: Callable[[list[int]], str],
    compile_here: Callable[[str, int], bytes],
) -> list[bytes]:
    """Object code of every sub-job of every group: groups but the last in workers."""
    workers: list[tuple[subprocess.Popen[bytes] | None, Group]] = []
    try:
        for group in groups[:-1]:
            workers.append((_start_worker(), group))
        for proc, group in workers:  # feed each worker as soon as its IR is ready
            if proc is not None and not _send(proc, group, ir_of):
                proc.kill()
        objects = [compile_here(ir_of(funcs), tier) for tier, funcs in groups[-1]]
        for proc, group in workers:
            objects += _collect(proc, group, ir_of, compile_here)
        return objects
    finally:
        for proc, _ in workers:
            if proc is not None and proc.poll() is None:
                proc.kill()
            if proc is not None:
                proc.wait()
                for stream in (proc.stdin, proc.stdout):
                    if stream is not None:
                        stream.close()


def _start_worker() -> subprocess.Popen[bytes] | None:
    if not os.path.basename(sys.executable or "").lower().startswith("python"):
        return None  # embedded (no interpreter, or it is some other program): compile here
    program = (
        "import sys;del sys.path[0];import importlib.util as u;"
        "s=u.spec_from_file_location('wasmlite_llvm_pipeline',sys.argv[1]);"
        "m=u.module_from_spec(s);s.loader.exec_module(m);m.serve(int(sys.argv[2]))"
    )
    try:
        return subprocess.Popen(
            [sys.executable, "-c", program, pipeline.__file__, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
    except OSError:
        return None


def _send(proc: subprocess.Popen[bytes], group: Group, ir_of: Callable[[list[int]], str]) -> bool:
    request = pipeline.encode_request([(tier, ir_of(funcs).encode()) for tier, funcs in group])
    assert proc.stdin is not None
    try:
        for chunk in request:
            proc.stdin.write(chunk)
        proc.stdin.close()
        return True
    except (BrokenPipeError, OSError):
        return False  # it died before reading: its group is compiled here


def _collect(
    proc: subprocess.Popen[bytes] | None,
    group: Group,
    ir_of: Callable[[list[int]], str],
    compile_here: Callable[[str, int], bytes],
) -> list[bytes]:
    objects: list[bytes] = []
    for tier, funcs in group:
        reply: bytes | str | None = None
        if proc is not None and proc.stdout is not None and not proc.stdout.closed:
            try:
                reply = pipeline.read_reply(proc.stdout)
            except (EOFError, OSError):
                proc.stdout.close()  # the worker is gone: the rest of its group is ours
        if isinstance(reply, str):
            raise RuntimeError(f"LLVM compile worker failed: {reply}")
        objects.append(reply if reply is not None else compile_here(ir_of(funcs), tier))
    return objects
