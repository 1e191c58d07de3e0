"""LLVM's side of compiling: target machines, optimization tiers, object emission.

This file imports nothing but the standard library and llvmlite, so that it can also run
as the whole program of a compile worker process (`serve`, started by `parallel`): a
worker never imports wasmlite, and starts in a fraction of a second.
"""

from __future__ import annotations

import functools
import os
import struct
import sys
from typing import Any, BinaryIO

# Optimization tiers (the `level` of a plan part).
QUICK = 1  # promote locals, combine, simplify the CFG; fast (O0) code generator
O2 = 2  # LLVM's O2 pipeline and code generator
LARGE = 3  # scalar passes that stay near-linear on huge functions; O2 code generator

TIER_NAMES = {QUICK: "O1", O2: "O2", LARGE: "O2L"}

# How a module is compiled: (tier, positions in `module.funcs`, None = all) per part.
Plan = list[tuple[int, set[int] | None]]


@functools.cache
def target_machine(codegen_opt: int = 2) -> Any:
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple()
    # PIC + small code model: the object reaches host symbols through its GOT, wherever
    # the JIT puts it relative to them.
    return target.create_target_machine(
        cpu=llvm.get_host_cpu_name(),
        features=llvm.get_host_cpu_features().flatten(),
        opt=codegen_opt,
        reloc="pic",
        codemodel="small",
    )


def compile_text(ir: str, level: int = O2) -> bytes:
    """Parse, verify, optimize and emit object code. Not thread-safe: callers in a
    process that uses LLVM elsewhere hold `jit._lock`."""
    import llvmlite.binding as llvm

    tm = target_machine(_codegen_level(level))
    mod = llvm.parse_assembly(ir)
    mod.verify()
    optimize(mod, tm, level)
    return bytes(tm.emit_object(mod))


def _codegen_level(level: int) -> int:
    return 0 if level == QUICK else 2


# The quick tier: about 10x less compile time than O2; its code is 1.5-3x slower, mostly
# for the fast (O0) code generator's register allocation, not for the passes left out.
_QUICK_PASSES = ["sroa", "instruction_combine", "simplify_cfg"]
# The large tier: O2's cost on a function of 10^5 wasm instructions is superlinear both in
# its loop passes (loop-simplifycfg, loop-rotate, LICM, unrolling: 31 s of brotli's biggest
# function) and in the code generator (live intervals, coalescing, greedy allocation: 20 s).
# These scalar passes take ~3 s there, and with O2's code generator give code as fast as
# full O2's on the benchmarks (brotli, yyjson); the code generator's cost remains.
_LARGE_PASSES = [
    "sroa",
    "instruction_combine",
    "simplify_cfg",
    "reassociate",
    "sccp",
    "new_gvn",
    "instruction_combine",
    "jump_threading",
    "dead_store_elimination",
    "simplify_cfg",
    "aggressive_dce",
]


def optimize(mod: Any, tm: Any, level: int) -> None:
    """Run the pipeline of tier `level` on a parsed module."""
    import llvmlite.binding as llvm

    passes = {QUICK: _QUICK_PASSES, LARGE: _LARGE_PASSES}.get(level)
    if passes is not None:
        pb = llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=0))
        mpm = llvm.create_new_module_pass_manager()
        for name in passes:
            getattr(mpm, f"add_{name}_pass")()
        mpm.run(mod, pb)
        return
    pto = llvm.create_pipeline_tuning_options(speed_level=2)
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(mod, pb)


# -- the worker ----------------------------------------------------------------------------
#
# Request (stdin, then EOF): u32 job count, then per job: u8 level, u64 length, IR text.
# Reply (the original stdout), per job in order: b"O" u64 length object, or b"E" u64 length
# UTF-8 error message.

_JOB = struct.Struct("<BQ")
_REPLY = struct.Struct("<cQ")


def encode_request(jobs: list[tuple[int, bytes]]) -> list[bytes]:
    out = [struct.pack("<I", len(jobs))]
    for level, ir in jobs:
        out += [_JOB.pack(level, len(ir)), ir]
    return out


def read_reply(stream: BinaryIO) -> bytes | str:
    """One job's object code, or its error message; EOFError if the worker died."""
    head = _read_exactly(stream, _REPLY.size)
    kind, size = _REPLY.unpack(head)
    body = _read_exactly(stream, size)
    return body if kind == b"O" else body.decode("utf-8", "replace")


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if data is None or len(data) != size:
        raise EOFError("compile worker closed its output early")
    return data


def _die_with_parent(parent: int) -> None:
    """Be killed when the process that started us ends (Linux), even mid-compile."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass  # not Linux: the parent kills us itself (and our stdin closes)
    if os.getppid() != parent:  # the parent ended before the signal was armed
        os._exit(1)


def serve(parent: int) -> None:
    _die_with_parent(parent)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything LLVM prints goes to stderr, not into the reply stream
    data = sys.stdin.buffer.read()
    (count,) = struct.unpack_from("<I", data)
    pos, jobs = 4, []
    for _ in range(count):
        level, size = _JOB.unpack_from(data, pos)
        pos += _JOB.size
        jobs.append((level, data[pos : pos + size]))
        pos += size
    del data
    try:
        import llvmlite.binding  # noqa: F401
    except ImportError:
        os._exit(2)  # no reply: the parent compiles these jobs itself
    for level, ir in jobs:
        try:
            reply = (b"O", compile_text(ir.decode(), level))
        except Exception as exc:  # reported to the parent, which raises it
            reply = (b"E", f"{type(exc).__name__}: {exc}".encode())
        replies.write(_REPLY.pack(reply[0], len(reply[1])))
        replies.write(reply[1])
        replies.flush()
