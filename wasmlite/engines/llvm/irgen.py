"""Building blocks for emitting textual LLVM IR: basic blocks, deferred phis, a function
builder with an operand stack, intrinsic declarations and the shared trap block."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import traps

Value = tuple[str, str]  # (LLVM type, operand text), e.g. ("i32", "%t5") or ("i32", "7")

UNLIKELY = "!prof !0"
# Type-based alias classes: guest memory, the context block, global cells and memory
# descriptors never overlap, so LLVM may keep values in registers across stores to another
# class (e.g. the poll countdown store in a loop does not force guest loads to be redone).
TBAA_MEM = "!tbaa !5"
TBAA_CTX = "!tbaa !3"
TBAA_GLOBAL = "!tbaa !7"
TBAA_DESC = "!tbaa !9"
MODULE_METADATA = """\
!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{!"wasmlite tbaa"}
!2 = !{!"context", !1, i64 0}
!3 = !{!2, !2, i64 0}
!4 = !{!"guest memory", !1, i64 0}
!5 = !{!4, !4, i64 0}
!6 = !{!"global cell", !1, i64 0}
!7 = !{!6, !6, i64 0}
!8 = !{!"memory descriptor", !1, i64 0}
!9 = !{!8, !8, i64 0}
"""


@dataclass
class Phi:
    name: str
    type: str
    incoming: list[tuple[str, str]] = field(default_factory=list)  # (operand, block)

    def render(self) -> str:
        pairs = ", ".join(f"[ {v}, %{b} ]" for v, b in self.incoming)
        return f"  {self.name} = phi {self.type} {pairs}"


@dataclass
class Block:
    name: str
    lines: list[str | Phi] = field(default_factory=list)
    terminated: bool = False


class Intrinsics:
    """The `declare` lines a module needs, collected while lowering."""

    def __init__(self) -> None:
        self.decls: dict[str, str] = {}

    def use(self, name: str, ret: str, params: str) -> str:
        if name not in self.decls:
            self.decls[name] = f"declare {ret} @{name}({params})"
        return f"@{name}"

    def render(self) -> str:
        return "\n".join(self.decls.values()) + "\n"


class FunctionBuilder:
    """Emits one function: blocks, fresh names, traps routed to one shared block."""

    def __init__(self, intrinsics: Intrinsics):
        self.intrinsics = intrinsics
        self.blocks: list[Block] = []
        self.entry = self.new_block("entry")
        self.allocas: list[str] = []
        self.cur = self.entry
        self._n = 0
        self.trap_phi = Phi("%trapcode", "i32")
        self.stack: list[Value] = []

    # -- names and blocks ----------------------------------------------------------------

    def tmp(self) -> str:
        self._n += 1
        return f"%t{self._n}"

    def label(self, hint: str) -> str:
        self._n += 1
        return f"{hint}{self._n}"

    def new_block(self, name: str) -> Block:
        b = Block(name)
        self.blocks.append(b)
        return b

    def start(self, block: Block) -> None:
        self.cur = block

    def emit(self, line: str) -> None:
        self.cur.lines.append("  " + line)

    def op(self, text: str) -> str:
        """Emit `%tN = text`; return `%tN`."""
        name = self.tmp()
        self.cur.lines.append(f"  {name} = {text}")
        return name

    def br(self, target: str) -> None:
        self.emit(f"br label %{target}")
        self.cur.terminated = True

    def alloca(self, ty: str, init: str | None = None) -> str:
        name = self.tmp()
        self.allocas.append(f"  {name} = alloca {ty}, align 16")
        if init is not None:
            self.allocas.append(f"  store {ty} {init}, ptr {name}")
        return name

    # -- traps ---------------------------------------------------------------------------

    def trap_if(self, cond: str, code: int) -> None:
        """Trap with `code` when the i1 `cond` holds; continue in a new block otherwise."""
        ok = self.new_block(self.label("ok"))
        self.trap_phi.incoming.append((str(code), self.cur.name))
        self.emit(f"br i1 {cond}, label %trap, label %{ok.name}, {UNLIKELY}")
        self.cur.terminated = True
        self.start(ok)

    def trap(self, code: int) -> None:
        self.trap_phi.incoming.append((str(code), self.cur.name))
        self.emit("br label %trap")
        self.cur.terminated = True

    def check_host(self) -> None:
        """After a `wl_host` call: unwind when the host stashed an exception."""
        code = self.op("load i64, ptr getelementptr (i64, ptr @wl_rt, i64 2)")
        bad = self.op(f"icmp ne i64 {code}, 0")
        self.trap_if(bad, traps.HOST_EXCEPTION)

    # -- intrinsics ----------------------------------------------------------------------

    def call_intrinsic(self, name: str, ret: str, args: list[Value]) -> str:
        fn = self.intrinsics.use(name, ret, ", ".join(t for t, _ in args))
        argtext = ", ".join(f"{t} {v}" for t, v in args)
        return self.op(f"call {ret} {fn}({argtext})")

    # -- output --------------------------------------------------------------------------

    def render(self, header: str) -> str:
        out = [header + " {"]
        for b in self.blocks:
            out.append(f"{b.name}:")
            if b is self.entry:
                out.extend(self.allocas)
            for line in b.lines:
                out.append(line if isinstance(line, str) else line.render())
            if not b.terminated:
                out.append("  unreachable")
        if self.trap_phi.incoming:
            out.append("trap:")
            out.append(self.trap_phi.render())
            out.append("  call void @wl_trap(i32 %trapcode)")
            out.append("  unreachable")
        out.append("}")
        return "\n".join(out)
