"""Translate one hot loop of an interpreted function into a Python function of its own.

`def f<index>_L<start>(<locals it uses>, <loop params>)` runs the loop from the start of
an iteration until control leaves it, and returns `(code, <locals it writes>, <values>)`:
code 0 = out through the loop's `end` (values = its results); code k > 0 = a branch to
the k-th construct around the loop (k = 1 the innermost; one past the outermost is the
function itself, also used by `return`), values = that label's operands. The interpreter
(`interpreter.py`) then carries on from there. Inside, the code is exactly the structured
translation of `codegen.FuncGen`, so it runs at compiled speed.
"""

from __future__ import annotations

from typing import Any

from .codegen import Ctl, Entry, FuncGen, ModuleInfo

_LOCAL_OPS = ("local.get", "local.set", "local.tee")


def loop_locals(body: list[Any], start: int, end: int) -> tuple[list[int], list[int]]:
    """The locals the loop reads or writes (its function's parameters) and those it writes."""
    used: set[int] = set()
    written: set[int] = set()
    for ins in body[start : end + 1]:
        name = ins.op.name
        if name in _LOCAL_OPS:
            used.add(ins.imm)
            if name != "local.get":
                written.add(ins.imm)
    return sorted(used), sorted(written)


class LoopGen(FuncGen):
    """Generates the loop function of the loop from instruction `start` to `end`, whose
    operand stack starts at height `height` (below its parameters), inside constructs
    whose labels take `around` operands (outermost first)."""

    def __init__(
        self,
        info: ModuleInfo,
        index: int,
        poll: bool,
        start: int,
        end: int,
        height: int,
        around: list[int],
    ):
        super().__init__(info, index, poll)
        body = self.func.body
        self.start = start
        self.end = end
        self.height = height
        self.around = around
        self.reads, self.writes = loop_locals(body, start, end)
        self.nparams = info.block_type(body[start].imm)[0]
        self.func_code = len(self.around) + 1

    @property
    def name(self) -> str:
        return f"f{self.index}_L{self.start}"

    def generate(self) -> str:
        body = self.func.body
        self.targeted = self.info.targets(self.index)
        self.ctls.append(Ctl("func", 0, 0, len(self.type.results), False, 0, 1))
        for k, arity in enumerate(self.around):
            code = len(self.around) - k
            self.ctls.append(Ctl("exit", 0, 0, arity, False, -code, 1))
        for d in range(self.height + self.nparams):
            self.stack.append(Entry(f"s{d}", frozenset((f"s{d}",))))
        for i in range(self.start, self.end + 1):
            ins = body[i]
            if self.ctls[-1].unreachable:
                self._skip(ins, i)
                continue
            self.current = i
            self._instr(ins, i)
        n = self.info.block_type(body[self.start].imm)[1]
        vals = [self.value(e) for e in self.stack[len(self.stack) - n :]] if n else []
        self.emit(self._exit_stmt(0, vals))
        params = [f"l{i}" for i in self.reads]
        params += [f"s{d}" for d in range(self.height, self.height + self.nparams)]
        head = [f"def {self.name}({', '.join(params)}):"]
        if self.uses_memory:
            head.append("    mv = M0.cur")
        if self.uses_br:
            head.append("    _br = 0")
        self.head_lines = len(head)
        return "\n".join(head + self.lines) + "\n"

    def _exit_stmt(self, code: int, vals: list[str]) -> str:
        return f"return ({', '.join([str(code)] + [f'l{i}' for i in self.writes] + vals)},)"

    def _return_stmt(self, vals: list[str]) -> str:
        return self._exit_stmt(self.func_code, vals)

    def branch(self, depth: int) -> bool:
        target = self.ctls[-1 - depth]
        if target.kind in ("func", "exit"):
            n = target.arity
            vals = [self.value(e) for e in self.stack[len(self.stack) - n :]] if n else []
            code = self.func_code if target.kind == "func" else -target.ident
            self.emit(self._exit_stmt(code, vals))
            return False
        return super().branch(depth)
