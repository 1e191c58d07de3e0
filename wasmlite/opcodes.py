"""The one table of WebAssembly instructions.

Each row gives an instruction's binary encoding, text name, immediate kind and, for the
instructions whose typing is a fixed signature, its operand and result types. The decoder,
encoder, text parser, printer and validator all derive from `OPS`; adding an instruction is
one row here plus its semantics in each engine.

Row syntax (one instruction per line)::

    CODE  NAME  IMM  SIGNATURE  [align=N] [lanes=N]

* CODE is the opcode byte, or `fc:N` / `fd:N` for the 0xFC / 0xFD prefixed encodings
  (N is then the LEB128 sub-opcode);
* IMM is the immediate kind (documented in `model.py`), `-` for none;
* SIGNATURE is `params:results` with types separated by `,` (e.g. `i32,i32:i32`, `:` for
  [] -> []), or `*` when the validator types the instruction by hand (control flow,
  variables, references, tables, `select`, calls);
* `align=N` is the natural alignment exponent of a memory access, `lanes=N` the lane count of
  an instruction with a lane-index immediate.
"""

from __future__ import annotations

from .model import ValType
from .records import FrozenRecord

PREFIX_FC = 0xFC
PREFIX_FD = 0xFD

IMM_KINDS = frozenset(
    "none blocktype label br_table func call_indirect local global table type data elem "
    "memarg memarg_lane lane i32 i64 f32 f64 v128 shuffle select_t reftype memory "
    "memory_init memory_copy table_init table_copy".split()
)


class Op(FrozenRecord):
    """One instruction of the table. Compared by identity: there is one object per row.
    (Not a dataclass: see records.py.)"""

    __slots__ = _fields = ("name", "prefix", "code", "imm", "params", "results", "align", "lanes")
    _defaults = (None, None)
    name: str
    prefix: int | None  # None, PREFIX_FC or PREFIX_FD
    code: int
    imm: str
    params: tuple[ValType, ...] | None  # None: typed specially by the validator
    results: tuple[ValType, ...] | None
    align: int | None  # natural alignment exponent (memory accesses); default None
    lanes: int | None  # lane count (lane-index immediates); default None

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    @property
    def encoding(self) -> bytes:
        if self.prefix is None:
            return bytes([self.code])
        from .binary.leb128 import encode_u  # imported late: the binary layer sits above this table

        return bytes([self.prefix]) + encode_u(self.code)

    @property
    def is_memory_access(self) -> bool:
        return self.align is not None

    def __repr__(self) -> str:
        return f"Op({self.name})"


_CORE = """
00 unreachable       -           *
01 nop               -           :
02 block             blocktype   *
03 loop              blocktype   *
04 if                blocktype   *
05 else              -           *
0b end               -           *
0c br                label       *
0d br_if             label       *
0e br_table          br_table    *
0f return            -           *
10 call              func        *
11 call_indirect     call_indirect *
1a drop              -           *
1b select            -           *
1c select            select_t    *
20 local.get         local       *
21 local.set         local       *
22 local.tee         local       *
23 global.get        global      *
24 global.set        global      *
25 table.get         table       *
26 table.set         table       *
28 i32.load          memarg  i32:i32      align=2
29 i64.load          memarg  i32:i64      align=3
2a f32.load          memarg  i32:f32      align=2
2b f64.load          memarg  i32:f64      align=3
2c i32.load8_s       memarg  i32:i32      align=0
2d i32.load8_u       memarg  i32:i32      align=0
2e i32.load16_s      memarg  i32:i32      align=1
2f i32.load16_u      memarg  i32:i32      align=1
30 i64.load8_s       memarg  i32:i64      align=0
31 i64.load8_u       memarg  i32:i64      align=0
32 i64.load16_s      memarg  i32:i64      align=1
33 i64.load16_u      memarg  i32:i64      align=1
34 i64.load32_s      memarg  i32:i64      align=2
35 i64.load32_u      memarg  i32:i64      align=2
36 i32.store         memarg  i32,i32:     align=2
37 i64.store         memarg  i32,i64:     align=3
38 f32.store         memarg  i32,f32:     align=2
39 f64.store         memarg  i32,f64:     align=3
3a i32.store8        memarg  i32,i32:     align=0
3b i32.store16       memarg  i32,i32:     align=1
3c i64.store8        memarg  i32,i64:     align=0
3d i64.store16       memarg  i32,i64:     align=1
3e i64.store32       memarg  i32,i64:     align=2
3f memory.size       memory  :i32
40 memory.grow       memory  i32:i32
41 i32.const         i32     :i32
42 i64.const         i64     :i64
43 f32.const         f32     :f32
44 f64.const         f64     :f64
a7 i32.wrap_i64        - i64:i32
a8 i32.trunc_f32_s     - f32:i32
a9 i32.trunc_f32_u     - f32:i32
aa i32.trunc_f64_s     - f64:i32
ab i32.trunc_f64_u     - f64:i32
ac i64.extend_i32_s    - i32:i64
ad i64.extend_i32_u    - i32:i64
ae i64.trunc_f32_s     - f32:i64
af i64.trunc_f32_u     - f32:i64
b0 i64.trunc_f64_s     - f64:i64
b1 i64.trunc_f64_u     - f64:i64
b2 f32.convert_i32_s   - i32:f32
b3 f32.convert_i32_u   - i32:f32
b4 f32.convert_i64_s   - i64:f32
b5 f32.convert_i64_u   - i64:f32
b6 f32.demote_f64      - f64:f32
b7 f64.convert_i32_s   - i32:f64
b8 f64.convert_i32_u   - i32:f64
b9 f64.convert_i64_s   - i64:f64
ba f64.convert_i64_u   - i64:f64
bb f64.promote_f32     - f32:f64
bc i32.reinterpret_f32 - f32:i32
bd i64.reinterpret_f64 - f64:i64
be f32.reinterpret_i32 - i32:f32
bf f64.reinterpret_i64 - i64:f64
c0 i32.extend8_s       - i32:i32
c1 i32.extend16_s      - i32:i32
c2 i64.extend8_s       - i64:i64
c3 i64.extend16_s      - i64:i64
c4 i64.extend32_s      - i64:i64
d0 ref.null          reftype *
d1 ref.is_null       -       *
d2 ref.func          func    *
fc:0  i32.trunc_sat_f32_s - f32:i32
fc:1  i32.trunc_sat_f32_u - f32:i32
fc:2  i32.trunc_sat_f64_s - f64:i32
fc:3  i32.trunc_sat_f64_u - f64:i32
fc:4  i64.trunc_sat_f32_s - f32:i64
fc:5  i64.trunc_sat_f32_u - f32:i64
fc:6  i64.trunc_sat_f64_s - f64:i64
fc:7  i64.trunc_sat_f64_u - f64:i64
fc:8  memory.init    memory_init  i32,i32,i32:
fc:9  data.drop      data         :
fc:10 memory.copy    memory_copy  i32,i32,i32:
fc:11 memory.fill    memory       i32,i32,i32:
fc:12 table.init     table_init   *
fc:13 elem.drop      elem         :
fc:14 table.copy     table_copy   *
fc:15 table.grow     table        *
fc:16 table.size     table        *
fc:17 table.fill     table        *
fd:0   v128.load         memarg  i32:v128        align=4
fd:1   v128.load8x8_s    memarg  i32:v128        align=3
fd:2   v128.load8x8_u    memarg  i32:v128        align=3
fd:3   v128.load16x4_s   memarg  i32:v128        align=3
fd:4   v128.load16x4_u   memarg  i32:v128        align=3
fd:5   v128.load32x2_s   memarg  i32:v128        align=3
fd:6   v128.load32x2_u   memarg  i32:v128        align=3
fd:7   v128.load8_splat  memarg  i32:v128        align=0
fd:8   v128.load16_splat memarg  i32:v128        align=1
fd:9   v128.load32_splat memarg  i32:v128        align=2
fd:10  v128.load64_splat memarg  i32:v128        align=3
fd:11  v128.store        memarg  i32,v128:       align=4
fd:12  v128.const        v128    :v128
fd:13  i8x16.shuffle     shuffle v128,v128:v128
fd:14  i8x16.swizzle     -       v128,v128:v128
fd:15  i8x16.splat       -       i32:v128
fd:16  i16x8.splat       -       i32:v128
fd:17  i32x4.splat       -       i32:v128
fd:18  i64x2.splat       -       i64:v128
fd:19  f32x4.splat       -       f32:v128
fd:20  f64x2.splat       -       f64:v128
fd:21  i8x16.extract_lane_s lane v128:i32     lanes=16
fd:22  i8x16.extract_lane_u lane v128:i32     lanes=16
fd:23  i8x16.replace_lane   lane v128,i32:v128 lanes=16
fd:24  i16x8.extract_lane_s lane v128:i32     lanes=8
fd:25  i16x8.extract_lane_u lane v128:i32     lanes=8
fd:26  i16x8.replace_lane   lane v128,i32:v128 lanes=8
fd:27  i32x4.extract_lane   lane v128:i32     lanes=4
fd:28  i32x4.replace_lane   lane v128,i32:v128 lanes=4
fd:29  i64x2.extract_lane   lane v128:i64     lanes=2
fd:30  i64x2.replace_lane   lane v128,i64:v128 lanes=2
fd:31  f32x4.extract_lane   lane v128:f32     lanes=4
fd:32  f32x4.replace_lane   lane v128,f32:v128 lanes=4
fd:33  f64x2.extract_lane   lane v128:f64     lanes=2
fd:34  f64x2.replace_lane   lane v128,f64:v128 lanes=2
fd:82  v128.bitselect    -   v128,v128,v128:v128
fd:83  v128.any_true     -   v128:i32
fd:84  v128.load8_lane   memarg_lane i32,v128:v128 align=0 lanes=16
fd:85  v128.load16_lane  memarg_lane i32,v128:v128 align=1 lanes=8
fd:86  v128.load32_lane  memarg_lane i32,v128:v128 align=2 lanes=4
fd:87  v128.load64_lane  memarg_lane i32,v128:v128 align=3 lanes=2
fd:88  v128.store8_lane  memarg_lane i32,v128:     align=0 lanes=16
fd:89  v128.store16_lane memarg_lane i32,v128:     align=1 lanes=8
fd:90  v128.store32_lane memarg_lane i32,v128:     align=2 lanes=4
fd:91  v128.store64_lane memarg_lane i32,v128:     align=3 lanes=2
fd:92  v128.load32_zero  memarg  i32:v128        align=2
fd:93  v128.load64_zero  memarg  i32:v128        align=3
"""

# Numeric instructions with a fixed signature, grouped so that each group is a run of
# consecutive opcodes: (first opcode, signature, names). `None` names are unused opcodes.
_V = "v128"
_NUMERIC_RUNS: list[tuple[str, str, str]] = [
    ("45", "i32:i32", "i32.eqz"),
    (
        "46",
        "i32,i32:i32",
        "i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u",
    ),
    ("50", "i64:i32", "i64.eqz"),
    (
        "51",
        "i64,i64:i32",
        "i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u",
    ),
    ("5b", "f32,f32:i32", "f32.eq f32.ne f32.lt f32.gt f32.le f32.ge"),
    ("61", "f64,f64:i32", "f64.eq f64.ne f64.lt f64.gt f64.le f64.ge"),
    ("67", "i32:i32", "i32.clz i32.ctz i32.popcnt"),
    (
        "6a",
        "i32,i32:i32",
        "i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr",
    ),
    ("79", "i64:i64", "i64.clz i64.ctz i64.popcnt"),
    (
        "7c",
        "i64,i64:i64",
        "i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr",
    ),
    ("8b", "f32:f32", "f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt"),
    ("92", "f32,f32:f32", "f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign"),
    ("99", "f64:f64", "f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt"),
    ("a0", "f64,f64:f64", "f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign"),
]

_CMP_I = "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u"
_CMP_F = "eq ne lt gt le ge"


def _shape(shape: str, ops: str) -> str:
    return " ".join(f"{shape}.{o}" if o != "_" else "_" for o in ops.split())


# SIMD runs without immediates: (first sub-opcode, names with their signatures inline
# as "name/sig" where the default signature is v128,v128:v128; "_" = unused sub-opcode).
_UN = f"{_V}:{_V}"
_BIN = f"{_V},{_V}:{_V}"
_SHIFT = f"{_V},i32:{_V}"
_TEST = f"{_V}:i32"
_SIMD_RUNS: list[tuple[int, str, str]] = [
    (35, _BIN, _shape("i8x16", _CMP_I)),
    (45, _BIN, _shape("i16x8", _CMP_I)),
    (55, _BIN, _shape("i32x4", _CMP_I)),
    (65, _BIN, _shape("f32x4", _CMP_F)),
    (71, _BIN, _shape("f64x2", _CMP_F)),
    (77, _UN, "v128.not"),
    (78, _BIN, "v128.and v128.andnot v128.or v128.xor"),
    (94, _UN, "f32x4.demote_f64x2_zero f64x2.promote_low_f32x4 i8x16.abs i8x16.neg i8x16.popcnt"),
    (99, _TEST, "i8x16.all_true i8x16.bitmask"),
    (101, _BIN, "i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u"),
    (103, _UN, "f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest"),
    (107, _SHIFT, "i8x16.shl i8x16.shr_s i8x16.shr_u"),
    (
        110,
        _BIN,
        "i8x16.add i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s i8x16.sub_sat_u",
    ),
    (116, _UN, "f64x2.ceil f64x2.floor"),
    (118, _BIN, "i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u"),
    (122, _UN, "f64x2.trunc"),
    (123, _BIN, "i8x16.avgr_u"),
    (
        124,
        _UN,
        "i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u i16x8.abs i16x8.neg",
    ),
    (130, _BIN, "i16x8.q15mulr_sat_s"),
    (131, _TEST, "i16x8.all_true i16x8.bitmask"),
    (133, _BIN, "i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u"),
    (
        135,
        _UN,
        "i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_u",
    ),
    (139, _SHIFT, "i16x8.shl i16x8.shr_s i16x8.shr_u"),
    (
        142,
        _BIN,
        "i16x8.add i16x8.add_sat_s i16x8.add_sat_u i16x8.sub i16x8.sub_sat_s i16x8.sub_sat_u",
    ),
    (148, _UN, "f64x2.nearest"),
    (
        149,
        _BIN,
        "i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u _ i16x8.avgr_u i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u",
    ),
    (160, _UN, "i32x4.abs i32x4.neg"),
    (163, _TEST, "i32x4.all_true i32x4.bitmask"),
    (
        167,
        _UN,
        "i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u",
    ),
    (171, _SHIFT, "i32x4.shl i32x4.shr_s i32x4.shr_u"),
    (
        174,
        _BIN,
        "i32x4.add _ _ i32x4.sub _ _ _ i32x4.mul i32x4.min_s i32x4.min_u i32x4.max_s i32x4.max_u i32x4.dot_i16x8_s _ i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u",
    ),
    (192, _UN, "i64x2.abs i64x2.neg"),
    (195, _TEST, "i64x2.all_true i64x2.bitmask"),
    (
        199,
        _UN,
        "i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u",
    ),
    (203, _SHIFT, "i64x2.shl i64x2.shr_s i64x2.shr_u"),
    (
        206,
        _BIN,
        "i64x2.add _ _ i64x2.sub _ _ _ i64x2.mul i64x2.eq i64x2.ne i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u",
    ),
    (224, _UN, "f32x4.abs f32x4.neg _ f32x4.sqrt"),
    (
        228,
        _BIN,
        "f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max f32x4.pmin f32x4.pmax",
    ),
    (236, _UN, "f64x2.abs f64x2.neg _ f64x2.sqrt"),
    (
        240,
        _BIN,
        "f64x2.add f64x2.sub f64x2.mul f64x2.div f64x2.min f64x2.max f64x2.pmin f64x2.pmax",
    ),
    (
        248,
        _UN,
        "i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u f32x4.convert_i32x4_s f32x4.convert_i32x4_u i32x4.trunc_sat_f64x2_s_zero i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u",
    ),
]


def _types(s: str) -> tuple[ValType, ...]:
    return tuple(ValType[t] for t in s.split(",") if t)


def _sig(s: str) -> tuple[tuple[ValType, ...] | None, tuple[ValType, ...] | None]:
    if s == "*":
        return None, None
    params, results = s.split(":")
    return _types(params), _types(results)


def _code(s: str) -> tuple[int | None, int]:
    if s.startswith("fc:"):
        return PREFIX_FC, int(s[3:])
    if s.startswith("fd:"):
        return PREFIX_FD, int(s[3:])
    return None, int(s, 16)


def _build() -> list[Op]:
    ops: list[Op] = []
    for line in _CORE.strip().splitlines():
        code, name, imm, sig, *extra = line.split()
        attrs = dict(e.split("=") for e in extra)
        prefix, c = _code(code)
        params, results = _sig(sig)
        ops.append(
            Op(
                name,
                prefix,
                c,
                "none" if imm == "-" else imm,
                params,
                results,
                int(attrs["align"]) if "align" in attrs else None,
                int(attrs["lanes"]) if "lanes" in attrs else None,
            )
        )
    for first, sig, names in _NUMERIC_RUNS:
        params, results = _sig(sig)
        for i, name in enumerate(names.split()):
            ops.append(Op(name, None, int(first, 16) + i, "none", params, results))
    for first, sig, names in _SIMD_RUNS:
        params, results = _sig(sig)
        for i, name in enumerate(names.split()):
            if name != "_":
                ops.append(Op(name, PREFIX_FD, first + i, "none", params, results))
    return ops


OPS: list[Op] = _build()

BY_CODE: dict[tuple[int | None, int], Op] = {}
BY_NAME: dict[str, Op] = {}
for _op in OPS:
    assert _op.imm in IMM_KINDS, _op
    assert (_op.prefix, _op.code) not in BY_CODE, _op
    BY_CODE[(_op.prefix, _op.code)] = _op
    BY_NAME.setdefault(_op.name, _op)  # `select` names the untyped form; see SELECT_T

SELECT_T = BY_CODE[(None, 0x1C)]
"""`select` with explicit result types; the text format spells both forms `select`."""

# Shortcuts to rows that the front end handles by identity.
END = BY_NAME["end"]
ELSE = BY_NAME["else"]
BLOCK = BY_NAME["block"]
LOOP = BY_NAME["loop"]
IF = BY_NAME["if"]

# Instructions allowed in constant expressions (Wasm 2.0).
CONST_OPS = frozenset(
    BY_NAME[n]
    for n in "i32.const i64.const f32.const f64.const v128.const ref.null ref.func global.get end".split()
)
