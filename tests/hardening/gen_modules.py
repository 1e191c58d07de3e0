"""A seeded generator of random *valid* modules for differential execution.

`generate(seed)` returns WAT text. The shape keeps every engine's answer comparable:

* each function starts by charging one unit of a global call budget and executes
  `unreachable` when it is spent, so recursion (direct or through `call_indirect`) ends
  the same way everywhere instead of racing different stack limits;
* loops run a bounded number of times on a counter local nothing else writes, and branches
  never target a loop label except through that back edge;
* a float's bits are only observed (store, reinterpret, copysign's sign operand) after
  replacing any NaN with the canonical one: NaN payloads may differ between conforming
  engines, everything else must not.

Entry points are the exports `run0..runN`, each `[] -> [t?]`, called in order by the
driver; the memory (`mem`) and every global (`g0..`) are exported for the final compare.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

TYPES = ("i32", "i64", "f32", "f64")
INT_BITS = {"i32": 32, "i64": 64}
BUDGET = 300  # calls per module instance, all entry points together
MEM_PAGES = 1
MEM_MAX = 4

_INT_BIN = "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr".split()
_INT_UN = {
    "i32": "clz ctz popcnt extend8_s extend16_s",
    "i64": "clz ctz popcnt extend8_s extend16_s extend32_s",
}
_INT_CMP = "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u".split()
_FLT_BIN = "add sub mul div min max".split()
_FLT_UN = "abs neg sqrt ceil floor trunc nearest".split()
_FLT_CMP = "eq ne lt gt le ge".split()
_CONVERT: dict[str, list[tuple[str, str]]] = {
    "i32": [("i32.wrap_i64", "i64")]
    + [(f"i32.trunc{s}_{f}_{u}", f) for s in ("", "_sat") for f in ("f32", "f64") for u in "su"],
    "i64": [("i64.extend_i32_s", "i32"), ("i64.extend_i32_u", "i32")]
    + [(f"i64.trunc{s}_{f}_{u}", f) for s in ("", "_sat") for f in ("f32", "f64") for u in "su"],
    "f32": [(f"f32.convert_{i}_{u}", i) for i in ("i32", "i64") for u in "su"]
    + [("f32.demote_f64", "f64"), ("f32.reinterpret_i32", "i32")],
    "f64": [(f"f64.convert_{i}_{u}", i) for i in ("i32", "i64") for u in "su"]
    + [("f64.promote_f32", "f32"), ("f64.reinterpret_i64", "i64")],
}
_LOADS = {
    "i32": [
        ("i32.load", 4),
        ("i32.load8_s", 1),
        ("i32.load8_u", 1),
        ("i32.load16_s", 2),
        ("i32.load16_u", 2),
    ],
    "i64": [("i64.load", 8)] + [(f"i64.load{n}_{s}", n // 8) for n in (8, 16, 32) for s in "su"],
    "f32": [("f32.load", 4)],
    "f64": [("f64.load", 8)],
}
_STORES = {
    "i32": [("i32.store", 4), ("i32.store8", 1), ("i32.store16", 2)],
    "i64": [("i64.store", 8), ("i64.store8", 1), ("i64.store16", 2), ("i64.store32", 4)],
    "f32": [("f32.store", 4)],
    "f64": [("f64.store", 8)],
}
_FLOATS = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -1.5,
    2.5,
    3.5,
    float("inf"),
    float("-inf"),
    float("nan"),
    2.0**31,
    -(2.0**31),
    2.0**32,
    2.0**63,
    -(2.0**63),
    2.0**64,
    1e10,
    -1e-10,
    5e-324,
    1.1754943508222875e-38,
    4294967295.5,
    123456.789,
]


@dataclass
class Sig:
    params: list[str]
    result: str | None

    def wat(self) -> str:
        p = f" (param {' '.join(self.params)})" if self.params else ""
        r = f" (result {self.result})" if self.result else ""
        return p + r


@dataclass
class FuncCtx:
    """What the body being generated may use: its locals, labels and call targets."""

    index: int
    sig: Sig
    locals: list[str]  # all locals, params first
    free: list[int]  # indices of locals ordinary code may read and write
    tmp: dict[str, int]  # per float type: the NaN-canonicalising scratch local
    counters: list[int] = field(default_factory=list)  # loop counters not yet in use
    labels: list[str | None] = field(default_factory=list)  # result type, "loop" or None


class Gen:
    def __init__(self, seed: int, *, size: int = 1):
        self.r = random.Random(seed)
        self.size = size
        self.sigs = [self._sig() for _ in range(self.r.randint(1, 4))]
        self.nfuncs = self.r.randint(2, 3 + 2 * size)
        self.func_sigs = [self.r.randrange(len(self.sigs)) for _ in range(self.nfuncs)]
        self.globals = [self.r.choice(TYPES) for _ in range(self.r.randint(1, 5))]
        self.table_size = self.nfuncs + self.r.randint(0, 3)
        self.fuel = 0  # instructions still allowed in the current function

    # -- module ---------------------------------------------------------------------------

    def module(self) -> str:
        out = ["(module"]
        out += [f"  (type $t{i} (func{s.wat()}))" for i, s in enumerate(self.sigs)]
        out.append(f'  (memory (export "mem") {MEM_PAGES} {MEM_MAX})')
        out.append(f"  (global $budget (mut i32) (i32.const {BUDGET}))")
        for i, t in enumerate(self.globals):
            out.append(f'  (global (export "g{i}") (mut {t}) ({t}.const {self._const_text(t)}))')
        out.append(f"  (table {self.table_size} funcref)")
        order = list(range(self.nfuncs))
        self.r.shuffle(order)
        start = self.r.randint(0, self.table_size - len(order) // 2)
        fits = order[: self.table_size - start]
        out.append(
            f"  (elem (i32.const {start}) func {' '.join(str(f) for f in fits)})" if fits else ""
        )
        data = bytes(self.r.randrange(256) for _ in range(self.r.randint(0, 64)))
        esc = "".join(f"\\{b:02x}" for b in data)
        out.append(f'  (data (i32.const {self.r.choice([0, 8, 100, 65000])}) "{esc}")')
        for i in range(self.nfuncs):
            out.append(self._func(i))
        for i in range(self.r.randint(1, 2 + self.size)):
            out.append(self._entry(i))
        out.append(")")
        return "\n".join(line for line in out if line)

    def _sig(self) -> Sig:
        params = [self.r.choice(TYPES) for _ in range(self.r.randint(0, 3))]
        return Sig(params, self.r.choice((None, *TYPES)))

    def _func(self, index: int) -> str:
        sig = self.sigs[self.func_sigs[index]]
        extra = [self.r.choice(TYPES) for _ in range(self.r.randint(0, 4))]
        locals_ = sig.params + extra
        free = list(range(len(locals_)))
        tmp = {}
        for t in ("f32", "f64"):
            tmp[t] = len(locals_)
            locals_.append(t)
        counters = list(range(len(locals_), len(locals_) + 3))
        locals_ += ["i32"] * 3
        ctx = FuncCtx(index, sig, locals_, free, tmp, counters)
        ctx.labels.append(sig.result)
        self.fuel = 60 * self.size
        body = [
            "global.get $budget",
            "i32.eqz",
            "if",
            "unreachable",
            "end",
            "global.get $budget",
            "i32.const 1",
            "i32.sub",
            "global.set $budget",
        ]
        for _ in range(self.r.randint(1, 4)):
            body += self._stmt(ctx, 0)
        if sig.result:
            body += self._expr(ctx, sig.result, 0)
        decl = f" (local {' '.join(locals_[len(sig.params) :])})"
        return (
            f"  (func $f{index} (type $t{self.func_sigs[index]}){decl}\n    "
            + "\n    ".join(body)
            + "\n  )"
        )

    def _entry(self, i: int) -> str:
        f = self.r.randrange(self.nfuncs)
        sig = self.sigs[self.func_sigs[f]]
        args = [f"{t}.const {self._const_text(t)}" for t in sig.params]
        res = f" (result {sig.result})" if sig.result else ""
        return f'  (func (export "run{i}"){res} {" ".join(args)} call $f{f})'

    # -- statements: [] -> [] ---------------------------------------------------------------

    def _stmt(self, c: FuncCtx, d: int) -> list[str]:
        self.fuel -= 1
        if self.fuel <= 0 or d > 5:
            return ["nop"]
        r = self.r
        k = r.randrange(14)
        if k == 0 and c.free:
            v = r.choice(c.free)
            return self._expr(c, c.locals[v], d + 1) + [f"local.set {v}"]
        if k == 1 and self.globals:
            g = r.randrange(len(self.globals))
            return self._expr(c, self.globals[g], d + 1) + [f"global.set {g + 1}"]
        if k in (2, 3):
            t = r.choice(TYPES)
            op, _ = r.choice(_STORES[t])
            val = self._observable(c, t, d + 1)
            return self._addr(c, d + 1) + val + [f"{op}{self._memarg()}"]
        if k == 4:
            return self._expr(c, r.choice(TYPES), d + 1) + ["drop"]
        if k == 5:
            return (
                self._expr(c, "i32", d + 1)
                + ["if"]
                + self._stmts(c, d, None)
                + ["else"]
                + self._stmts(c, d, None)
                + ["end"]
            )
        if k == 6:
            return ["block"] + self._stmts(c, d, None) + ["end"]
        if k == 7 and c.counters:
            return self._loop(c, d)
        if k == 8:  # conditional exit of some enclosing void block
            targets = [i for i, l in enumerate(reversed(c.labels)) if l is None]
            if targets:
                return self._expr(c, "i32", d + 1) + [f"br_if {r.choice(targets)}"]
        if k == 9:  # branch with a value to an enclosing typed label
            targets = [(i, l) for i, l in enumerate(reversed(c.labels)) if l in TYPES]
            if targets:
                i, t = r.choice(targets)
                return (
                    self._expr(c, t, d + 1) + self._expr(c, "i32", d + 1) + [f"br_if {i}", "drop"]
                )
        if k == 10:
            return self._expr(c, "i32", d + 1) + ["memory.grow", "drop"]
        if k == 11:
            return self._call(c, None, d)
        if k == 12:  # bulk memory: a trap must leave memory untouched
            n = [f"i32.const {r.choice([0, 1, 7, 100, 65536, 0x7FFFFFFF])}"]
            if r.random() < 0.5:
                return self._addr(c, d + 1) + self._expr(c, "i32", d + 1) + n + ["memory.fill"]
            return self._addr(c, d + 1) + self._addr(c, d + 1) + n + ["memory.copy"]
        return self._expr(c, r.choice(TYPES), d + 1) + ["drop"]

    def _stmts(self, c: FuncCtx, d: int, label: str | None) -> list[str]:
        c.labels.append(label)
        out: list[str] = []
        for _ in range(self.r.randint(0, 3)):
            out += self._stmt(c, d + 1)
        c.labels.pop()
        return out

    def _loop(self, c: FuncCtx, d: int) -> list[str]:
        n = c.counters.pop()
        c.labels.append("loop")
        body: list[str] = []
        for _ in range(self.r.randint(1, 3)):
            body += self._stmt(c, d + 1)
        c.labels.pop()
        c.counters.append(n)
        # The counter is this loop's alone while it runs, so the back edge is taken a
        # bounded number of times however the body exits or re-enters.
        return (
            [f"i32.const {self.r.randint(1, 5)}", f"local.set {n}", "loop"]
            + body
            + [
                f"local.get {n}",
                "i32.const 1",
                "i32.sub",
                f"local.tee {n}",
                "br_if 0",
                "end",
            ]
        )

    # -- expressions: [] -> [t] ----------------------------------------------------------

    def _expr(self, c: FuncCtx, t: str, d: int) -> list[str]:
        self.fuel -= 1
        r = self.r
        if self.fuel <= 0 or d > 6 or r.random() < 0.25:
            return self._leaf(c, t)
        k = r.randrange(14)
        if k <= 2:
            return self._expr(c, t, d + 1) + self._expr(c, t, d + 1) + [self._binop(t)]
        if k == 3:
            if t in INT_BITS:
                return self._expr(c, t, d + 1) + [f"{t}.{r.choice(_INT_UN[t].split())}"]
            return self._expr(c, t, d + 1) + [f"{t}.{r.choice(_FLT_UN)}"]
        if k == 4 and t == "i32":
            u = r.choice(TYPES)
            ops = _INT_CMP if u in INT_BITS else _FLT_CMP
            return self._expr(c, u, d + 1) + self._expr(c, u, d + 1) + [f"{u}.{r.choice(ops)}"]
        if k == 5:
            op, src = r.choice(_CONVERT[t])
            arg = (
                self._observable(c, src, d + 1)
                if "reinterpret" in op
                else self._expr(c, src, d + 1)
            )
            return arg + [op]
        if k == 6:
            op, _ = r.choice(_LOADS[t])
            return self._addr(c, d + 1) + [f"{op}{self._memarg()}"]
        if k == 7:
            return (
                self._expr(c, t, d + 1)
                + self._expr(c, t, d + 1)
                + self._expr(c, "i32", d + 1)
                + ["select"]
            )
        if k == 8:
            body = self._stmts(c, d, t)
            c.labels.append(t)
            value = self._expr(c, t, d + 1)
            c.labels.pop()
            return [f"block (result {t})"] + body + value + ["end"]
        if k == 9:
            cond = self._expr(c, "i32", d + 1)
            c.labels.append(t)
            a, b = self._expr(c, t, d + 1), self._expr(c, t, d + 1)
            c.labels.pop()
            return cond + [f"if (result {t})"] + a + ["else"] + b + ["end"]
        if k == 10:
            return self._br_table(c, t, d)
        if k == 11:
            return self._call(c, t, d)
        if k == 12 and t == "i32":
            return (
                ["memory.size"]
                if r.random() < 0.5
                else self._expr(c, "i32", d + 1) + ["memory.grow"]
            )
        if k == 13 and t == "i32":
            return self._expr(c, "i64", d + 1) + ["i64.eqz"]
        return self._leaf(c, t)

    def _br_table(self, c: FuncCtx, t: str, d: int) -> list[str]:
        # Nested typed blocks; br_table picks one of them, the value leaves through it.
        n = self.r.randint(1, 3)
        out = [f"block (result {t})"] * n
        for _ in range(n):
            c.labels.append(t)
        value = self._expr(c, t, d + 1)
        index = self._expr(c, "i32", d + 1)
        for _ in range(n):
            c.labels.pop()
        depths = [str(self.r.randrange(n)) for _ in range(self.r.randint(0, 4))]
        out += value + index + [f"br_table {' '.join(depths)} {self.r.randrange(n)}"]
        # The inner blocks are left by the branch only: their fall-through is unreachable.
        return out + ["end"] * n

    def _call(self, c: FuncCtx, t: str | None, d: int) -> list[str]:
        r = self.r
        options = [f for f in range(self.nfuncs) if self.sigs[self.func_sigs[f]].result == t]
        if t is None:
            options = list(range(self.nfuncs))
        indirect = r.random() < 0.4
        if not options and not indirect:
            return self._leaf(c, t) if t else ["nop"]
        if indirect:
            ti = r.choice([i for i, s in enumerate(self.sigs) if s.result == t] or [None])
            if ti is None:
                return self._leaf(c, t) if t else ["nop"]
            sig = self.sigs[ti]
        else:
            f = r.choice(options)
            sig = self.sigs[self.func_sigs[f]]
        out: list[str] = []
        for p in sig.params:
            out += self._expr(c, p, d + 2)
        if indirect:
            idx = (
                [f"i32.const {r.randrange(self.table_size + 2)}"]
                if r.random() < 0.8
                else self._expr(c, "i32", d + 2)
            )
            out += idx + [f"call_indirect (type $t{ti})"]
        else:
            out.append(f"call $f{f}")
        if t is None and sig.result:
            out.append("drop")
        return out

    # -- leaves and helpers ---------------------------------------------------------------

    def _leaf(self, c: FuncCtx, t: str) -> list[str]:
        r = self.r
        locals_ = [i for i in c.free if c.locals[i] == t]
        globals_ = [i + 1 for i, g in enumerate(self.globals) if g == t]
        k = r.random()
        if locals_ and k < 0.4:
            return [f"local.get {r.choice(locals_)}"]
        if globals_ and k < 0.5:
            return [f"global.get {r.choice(globals_)}"]
        return [f"{t}.const {self._const_text(t)}"]

    def _observable(self, c: FuncCtx, t: str, d: int) -> list[str]:
        """A value of t whose bits are safe to observe: any NaN becomes the canonical NaN."""
        value = self._expr(c, t, d)
        if t in INT_BITS:
            return value
        tmp = c.tmp[t]
        return value + [
            f"local.set {tmp}",
            f"local.get {tmp}",
            f"{t}.const nan",
            f"local.get {tmp}",
            f"local.get {tmp}",
            f"{t}.eq",
            "select",
        ]

    def _binop(self, t: str) -> str:
        return f"{t}.{self.r.choice(_INT_BIN if t in INT_BITS else _FLT_BIN)}"

    def _addr(self, c: FuncCtx, d: int) -> list[str]:
        r = self.r
        k = r.random()
        if k < 0.8:
            return [f"i32.const {r.randrange(0, 256)}"]
        if k < 0.88:
            edge = 65536 * r.randint(1, 3)
            return [f"i32.const {edge - r.randint(0, 10)}"]
        if k < 0.92:
            return [f"i32.const {r.choice([-1, -8, 0x7FFFFFFF, 0x80000000 - 4])}"]
        return self._expr(c, "i32", d) + ["i32.const 0x1ffff", "i32.and"]

    def _memarg(self) -> str:
        return f" offset={self.r.choice([1, 3, 7, 65535])}" if self.r.random() < 0.2 else ""

    def _const_text(self, t: str) -> str:
        r = self.r
        if t in INT_BITS:
            bits = INT_BITS[t]
            v = r.choice(
                [
                    0,
                    1,
                    2,
                    3,
                    -1,
                    -2,
                    7,
                    31,
                    32,
                    63,
                    64,
                    255,
                    65536,
                    1 << (bits - 1),
                    (1 << (bits - 1)) - 1,
                    r.getrandbits(bits),
                    r.randrange(-100, 100),
                ]
            )
            v &= (1 << bits) - 1
            return str(v - (1 << bits) if v >> (bits - 1) else v)
        if t == "f32" or r.random() < 0.7:
            v = r.choice(_FLOATS) if r.random() < 0.7 else r.uniform(-1e6, 1e6)
        else:
            v = r.uniform(-1e300, 1e300)
        if v != v:
            return "nan"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return v.hex()


def generate(seed: int, *, size: int = 1) -> str:
    """The WAT text of module number `seed` (deterministic); `size` scales body sizes."""
    return Gen(seed, size=size).module()
