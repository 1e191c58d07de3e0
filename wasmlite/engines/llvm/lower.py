"""Lowering one wasm function body to LLVM IR: control flow, locals, globals and calls.

The operand stack is kept at compile time as a list of SSA values; block results meet in
phis (deferred, so loop headers can collect their back edges), locals live in entry-block
allocas that mem2reg promotes. Numeric, memory, table and SIMD instructions are lowered
by the tables in `numeric`, `memory`, `tables` and `simd`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model import Func, FuncType, Module, ValType
from . import traps
from .host_ops import POLL as HOST_POLL
from .irgen import (
    TBAA_CTX,
    TBAA_DESC,
    TBAA_GLOBAL,
    UNLIKELY,
    Block,
    FunctionBuilder,
    Intrinsics,
    Phi,
    Value,
)
from .layout import CTX_COUNTDOWN, CTX_MEMORY, ContextLayout
from .trampolines import FRAME_POINTER
from .values import LLTYPE, ret_type


@dataclass
class Frame:
    kind: str  # "func", "block", "loop", "if"
    target: str  # block a branch to this label jumps to
    branch_phis: list[Phi]  # phis of the target (loop header or end block)
    end: Block | None  # the continuation block (None for loops: they fall through)
    end_phis: list[Phi]
    results: list[str]  # LLVM types of the results
    height: int  # operand stack height below the frame's parameters
    else_block: Block | None = None
    params: list[Value] = field(default_factory=list)
    reachable_end: bool = False  # some edge reaches `end`


def _zero(ty: str) -> str:
    if ty in ("float", "double"):
        return "0.0"
    if ty.startswith("<"):
        return "zeroinitializer"
    return "0"


class FunctionLowerer(FunctionBuilder):
    def __init__(
        self,
        module: Module,
        layout: ContextLayout,
        func_index: int,
        func: Func,
        intrinsics: Intrinsics,
        func_types: list[FuncType],
        polls: bool = False,
    ):
        super().__init__(intrinsics)
        self.polls = polls
        self.module = module
        self.layout = layout
        self.func_index = func_index
        self.func = func
        self.func_types = func_types
        self.type = module.types[func.type_index]
        self.num_imported = module.num_imported_funcs
        self.has_memory = bool(module.memory_types())
        self.frames: list[Frame] = []
        self.dead = False
        self.dead_depth = 0
        local_types = list(self.type.params) + list(func.locals)
        self.locals: list[tuple[str, str]] = []  # (LLVM type, alloca)
        for i, t in enumerate(local_types):
            ty = LLTYPE[t]
            init = f"%p{i}" if i < len(self.type.params) else _zero(ty)
            self.locals.append((ty, self.alloca(ty, init)))
        if self.has_memory:
            self.mem_base = self.alloca("ptr")
            self.mem_size = self.alloca("i64")
        self.fconsts: set[str] = set()  # SSA names of float constants (see opaque_if_const)
        self.global_lltypes = [LLTYPE[g.valtype] for g in module.global_types()]

    # -- context access ------------------------------------------------------------------

    def ctx_word(self, index: int) -> str:
        """Pointer to word `index` of the context."""
        return self.op(f"getelementptr i64, ptr %ctx, i64 {index}")

    def ctx_load(self, index: int, ty: str = "ptr") -> str:
        return self.op(f"load {ty}, ptr {self.ctx_word(index)}, align 8, {TBAA_CTX}")

    def reload_memory(self) -> None:
        if not self.has_memory:
            return
        desc = self.ctx_load(CTX_MEMORY)
        base = self.op(f"load ptr, ptr {desc}, align 8, {TBAA_DESC}")
        sp = self.op(f"getelementptr i64, ptr {desc}, i64 1")
        size = self.op(f"load i64, ptr {sp}, align 8, {TBAA_DESC}")
        self.emit(f"store ptr {base}, ptr {self.mem_base}")
        self.emit(f"store i64 {size}, ptr {self.mem_size}")

    def memory(self) -> tuple[str, str]:
        """(base pointer, size in bytes as i64) of memory 0."""
        base = self.op(f"load ptr, ptr {self.mem_base}")
        size = self.op(f"load i64, ptr {self.mem_size}")
        return base, size

    def host(self, op: int, *args: str) -> str:
        """Call `wl_host(ctx, op, args...)` (i64 operands); unwind if it raised."""
        padded = list(args) + ["0"] * (5 - len(args))
        argtext = ", ".join(f"i64 {a}" for a in padded)
        r = self.op(f"call i64 @wl_host(ptr %ctx, i32 {op}, {argtext})")
        self.check_host()
        return r

    def poll(self) -> None:
        """Count down the poll budget; call the host when it runs out. Code for stores that
        never poll has none of this: a countdown in memory at every loop header costs a
        store-to-load round trip per iteration and keeps loops from being vectorized."""
        if not self.polls:
            return
        p = self.ctx_word(CTX_COUNTDOWN)
        v = self.op(f"load i64, ptr {p}, align 8, {TBAA_CTX}")
        v2 = self.op(f"sub i64 {v}, 1")
        self.emit(f"store i64 {v2}, ptr {p}, align 8, {TBAA_CTX}")
        neg = self.op(f"icmp slt i64 {v2}, 0")
        slow = self.new_block(self.label("poll"))
        cont = self.new_block(self.label("polled"))
        self.emit(f"br i1 {neg}, label %{slow.name}, label %{cont.name}, {UNLIKELY}")
        self.cur.terminated = True
        self.start(slow)
        self.host(HOST_POLL)
        self.br(cont.name)
        self.start(cont)

    def opaque_if_const(self, ty: str, v: str) -> str:
        """Hide a float constant from LLVM's folding: it rewrites x-0.0, x*1.0, ... to x,
        which would hand back a signalling NaN where wasm requires a quiet one."""
        if v not in self.fconsts:
            return v
        return self.op(f'call {ty} asm "", "=x,0"({ty} {v})')

    # -- operand stack -------------------------------------------------------------------

    def push(self, ty: str, v: str) -> None:
        self.stack.append((ty, v))

    def pop(self) -> Value:
        return self.stack.pop()

    def popn(self, n: int) -> list[Value]:
        if n == 0:
            return []
        vals = self.stack[-n:]
        del self.stack[-n:]
        return vals

    # -- the function --------------------------------------------------------------------

    def lower(self) -> str:
        self.stack_check()
        self.reload_memory()
        self.poll()
        results = [LLTYPE[t] for t in self.type.results]
        ret = self.new_block("ret")
        phis = [Phi(self.tmp(), ty) for ty in results]
        ret.lines.extend(phis)
        self.frames.append(Frame("func", "ret", phis, ret, phis, results, 0))
        from .dispatch import lower_instr

        for instr in self.func.body:
            lower_instr(self, instr)
        return self.render(self.header())

    def header(self) -> str:
        params = ", ".join(
            ["ptr %ctx"] + [f"{LLTYPE[t]} %p{i}" for i, t in enumerate(self.type.params)]
        )
        ret = ret_type(self.type.results)
        # noinline: every wasm function keeps its own frame, so a trap's backtrace names
        # each one (as wasmtime's, which does not inline either); wasm producers inline.
        return f"define {ret} @f{self.func_index}({params}) noinline {FRAME_POINTER}"

    def stack_check(self) -> None:
        fa = self.op("call ptr @llvm.frameaddress.p0(i32 0)")
        sp = self.op(f"ptrtoint ptr {fa} to i64")
        limit = self.op(
            f"load i64, ptr getelementptr (i64, ptr @wl_rt, i64 1), align 8, {TBAA_CTX}"
        )
        low = self.op(f"icmp ult i64 {sp}, {limit}")
        self.trap_if(low, traps.STACK_EXHAUSTED)

    def emit_return(self, values: list[Value]) -> None:
        results = self.type.results
        if not results:
            self.emit("ret void")
        elif len(results) == 1:
            self.emit(f"ret {values[0][0]} {values[0][1]}")
        else:
            rt = ret_type(results)
            agg = "undef"
            for i, (ty, v) in enumerate(values):
                agg = self.op(f"insertvalue {rt} {agg}, {ty} {v}, {i}")
            self.emit(f"ret {rt} {agg}")
        self.cur.terminated = True

    # -- control -------------------------------------------------------------------------

    def block_sig(self, imm: object) -> tuple[list[str], list[str]]:
        if imm is None:
            return [], []
        if isinstance(imm, ValType):
            return [], [LLTYPE[imm]]
        ft = self.module.types[imm]  # type: ignore[index]
        return [LLTYPE[t] for t in ft.params], [LLTYPE[t] for t in ft.results]

    def jump(self, frame: Frame, values: list[Value]) -> None:
        """Branch to `frame`'s label carrying `values` (the current block ends)."""
        for phi, (_, v) in zip(frame.branch_phis, values):
            phi.incoming.append((v, self.cur.name))
        if frame.kind != "loop":
            frame.reachable_end = True
        self.br(frame.target)

    def go_dead(self) -> None:
        self.dead = True
        del self.stack[self.frames[-1].height :]

    def begin_block(self, imm: object) -> None:
        params, results = self.block_sig(imm)
        end = self.new_block(self.label("end"))
        phis = [Phi(self.tmp(), ty) for ty in results]
        end.lines.extend(phis)
        self.frames.append(
            Frame("block", end.name, phis, end, phis, results, len(self.stack) - len(params))
        )

    def begin_loop(self, imm: object) -> None:
        params, results = self.block_sig(imm)
        head = self.new_block(self.label("loop"))
        phis = [Phi(self.tmp(), ty) for ty in params]
        head.lines.extend(phis)
        args = self.popn(len(params))
        frame = Frame("loop", head.name, phis, None, [], results, len(self.stack))
        self.jump(frame, args)
        self.start(head)
        for phi in phis:
            self.push(phi.type, phi.name)
        self.frames.append(frame)
        self.poll()

    def begin_if(self, imm: object) -> None:
        params, results = self.block_sig(imm)
        _, c = self.pop()
        cond = self.op(f"icmp ne i32 {c}, 0")
        then = self.new_block(self.label("then"))
        els = self.new_block(self.label("else"))
        end = self.new_block(self.label("endif"))
        phis = [Phi(self.tmp(), ty) for ty in results]
        end.lines.extend(phis)
        args = self.stack[len(self.stack) - len(params) :]
        frame = Frame(
            "if", end.name, phis, end, phis, results, len(self.stack) - len(params), els, list(args)
        )
        self.emit(f"br i1 {cond}, label %{then.name}, label %{els.name}")
        self.cur.terminated = True
        self.frames.append(frame)
        self.start(then)

    def do_else(self) -> None:
        frame = self.frames[-1]
        if not self.dead:
            self.jump(frame, self.popn(len(frame.results)))
        self.dead = False
        del self.stack[frame.height :]
        assert frame.else_block is not None
        self.start(frame.else_block)
        frame.else_block = None
        self.stack.extend(frame.params)

    def do_end(self) -> None:
        frame = self.frames.pop()
        if frame.kind == "loop":
            if self.dead:
                self.dead = False
                self.go_dead_after_end(frame)
            return
        if not self.dead:
            self.jump(frame, self.popn(len(frame.results)))
        self.dead = False
        del self.stack[frame.height :]
        if frame.else_block is not None:  # `if` without `else`: params flow to the end
            self.start(frame.else_block)
            self.jump(frame, frame.params)
        assert frame.end is not None
        self.start(frame.end)
        if not frame.reachable_end:  # no edge reaches it: a phi without incoming is invalid
            frame.end.lines = [x for x in frame.end.lines if not isinstance(x, Phi)]
        if frame.kind == "func":
            if frame.reachable_end:
                self.emit_return([(p.type, p.name) for p in frame.end_phis])
            return
        if not frame.reachable_end:
            self.go_dead_after_end(frame)
            return
        for phi in frame.end_phis:
            self.push(phi.type, phi.name)

    def go_dead_after_end(self, frame: Frame) -> None:
        """The code after `frame` is unreachable: skip it up to the enclosing end/else."""
        del self.stack[frame.height :]
        self.dead = True

    def branch(self, depth: int) -> None:
        frame = self.frames[-1 - depth]
        types = frame.branch_phis
        self.jump(frame, self.stack[len(self.stack) - len(types) :] if types else [])

    def do_br(self, depth: int) -> None:
        self.branch(depth)
        self.go_dead()

    def do_br_if(self, depth: int) -> None:
        _, c = self.pop()
        cond = self.op(f"icmp ne i32 {c}, 0")
        frame = self.frames[-1 - depth]
        values = self.stack[len(self.stack) - len(frame.branch_phis) :] if frame.branch_phis else []
        cont = self.new_block(self.label("brif"))
        for phi, (_, v) in zip(frame.branch_phis, values):
            phi.incoming.append((v, self.cur.name))
        if frame.kind != "loop":
            frame.reachable_end = True
        self.emit(f"br i1 {cond}, label %{frame.target}, label %{cont.name}")
        self.cur.terminated = True
        self.start(cont)

    def do_br_table(self, imm: tuple[tuple[int, ...], int]) -> None:
        targets, default = imm
        _, idx = self.pop()
        cases = []
        for i, depth in enumerate(targets):
            frame = self.frames[-1 - depth]
            cases.append(f"i32 {i}, label %{frame.target}")
            self._add_edge(frame)
        dframe = self.frames[-1 - default]
        self._add_edge(dframe)
        self.emit(f"switch i32 {idx}, label %{dframe.target} [{' '.join(cases)}]")
        self.cur.terminated = True
        self.go_dead()

    def _add_edge(self, frame: Frame) -> None:
        # LLVM counts each switch case as its own edge: one phi entry per case.
        n = len(frame.branch_phis)
        values = self.stack[len(self.stack) - n :] if n else []
        for phi, (_, v) in zip(frame.branch_phis, values):
            phi.incoming.append((v, self.cur.name))
        if frame.kind != "loop":
            frame.reachable_end = True

    def do_return(self) -> None:
        self.emit_return(self.popn(len(self.type.results)))
        self.go_dead()

    # -- calls ---------------------------------------------------------------------------

    def call_with(self, callee: str, cctx: str, ft: FuncType) -> None:
        args = self.popn(len(ft.params))
        rt = ret_type(ft.results)
        argtext = ", ".join([f"ptr {cctx}"] + [f"{t} {v}" for t, v in args])
        text = f"notail call {rt} {callee}({argtext})"
        if rt == "void":
            self.emit(text)
        else:
            r = self.op(text)
            if len(ft.results) == 1:
                self.push(rt, r)
            else:
                for i, t in enumerate(ft.results):
                    self.push(LLTYPE[t], self.op(f"extractvalue {rt} {r}, {i}"))
        self.reload_memory()

    def do_call(self, index: int) -> None:
        ft = self.func_types[index]
        if index < self.num_imported:
            slot = self.layout.imports + 2 * index
            fp = self.ctx_load(slot)
            cctx = self.ctx_load(slot + 1)
            self.call_with(fp, cctx, ft)
        else:
            self.call_with(f"@f{index}", "%ctx", ft)

    def do_call_indirect(self, imm: tuple[int, int]) -> None:
        type_index, table = imm
        ft = self.module.types[type_index]
        _, idx = self.pop()
        desc = self.ctx_load(self.layout.tables + table)
        entries = self.op(f"load ptr, ptr {desc}, align 8")
        sizep = self.op(f"getelementptr i64, ptr {desc}, i64 1")
        size = self.op(f"load i64, ptr {sizep}, align 8")
        i64 = self.op(f"zext i32 {idx} to i64")
        oob = self.op(f"icmp uge i64 {i64}, {size}")
        self.trap_if(oob, traps.UNDEFINED_ELEMENT)
        off = self.op(f"mul i64 {i64}, 3")
        entry = self.op(f"getelementptr i64, ptr {entries}, i64 {off}")
        tid = self.op(f"load i64, ptr {entry}, align 8")
        null = self.op(f"icmp eq i64 {tid}, 0")
        # The trap message names the slot: pass the index through rt[3] on that path only.
        isnull = self.new_block(self.label("null"))
        ok = self.new_block(self.label("nonnull"))
        self.emit(f"br i1 {null}, label %{isnull.name}, label %{ok.name}, {UNLIKELY}")
        self.cur.terminated = True
        self.start(isnull)
        self.emit(f"store i64 {i64}, ptr getelementptr (i64, ptr @wl_rt, i64 3)")
        self.trap(traps.UNINITIALIZED_ELEMENT)
        self.start(ok)
        want = self.ctx_load(self.layout.types + type_index, "i64")
        bad = self.op(f"icmp ne i64 {tid}, {want}")
        self.trap_if(bad, traps.INDIRECT_TYPE_MISMATCH)
        fpp = self.op(f"getelementptr i64, ptr {entry}, i64 1")
        fp = self.op(f"load ptr, ptr {fpp}, align 8")
        cp = self.op(f"getelementptr i64, ptr {entry}, i64 2")
        cctx = self.op(f"load ptr, ptr {cp}, align 8")
        self.call_with(fp, cctx, ft)

    # -- variables -----------------------------------------------------------------------

    def local_get(self, i: int) -> None:
        ty, slot = self.locals[i]
        self.push(ty, self.op(f"load {ty}, ptr {slot}"))

    def local_set(self, i: int) -> None:
        ty, slot = self.locals[i]
        _, v = self.pop()
        self.emit(f"store {ty} {v}, ptr {slot}")

    def local_tee(self, i: int) -> None:
        ty, slot = self.locals[i]
        _, v = self.stack[-1]
        self.emit(f"store {ty} {v}, ptr {slot}")

    def global_cell(self, i: int) -> str:
        return self.ctx_load(self.layout.globals + i)

    def global_get(self, i: int) -> None:
        ty = self.global_lltypes[i]
        cell = self.global_cell(i)
        self.push(ty, self.op(f"load {ty}, ptr {cell}, align 8, {TBAA_GLOBAL}"))

    def global_set(self, i: int) -> None:
        ty = self.global_lltypes[i]
        _, v = self.pop()
        cell = self.global_cell(i)
        self.emit(f"store {ty} {v}, ptr {cell}, align 8, {TBAA_GLOBAL}")

    def select(self) -> None:
        _, c = self.pop()
        ty, b = self.pop()
        _, a = self.pop()
        cond = self.op(f"icmp ne i32 {c}, 0")
        self.push(ty, self.op(f"select i1 {cond}, {ty} {a}, {ty} {b}"))
