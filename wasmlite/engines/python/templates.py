"""Python expression templates for the numeric instructions, one row per instruction.

`{0}`, `{1}` are the operands (innermost first pushed = `{0}`). Flags: `c` the result is a
Python bool standing for an i32 0/1 (a "condition", used as is by `if`/`br_if`/`select`);
`t` the instruction may trap, so it is evaluated where it stands instead of being folded
into a later expression. Helper names refer to `scalar.py` (the generated code's globals).
CPython folds constant sub-expressions such as `(5 & 31)` when it compiles the source.
"""

from __future__ import annotations

_M32 = "0xFFFFFFFF"
_M64 = "0xFFFFFFFFFFFFFFFF"
_S32 = "0x80000000"
_S64 = "0x8000000000000000"


def _int_rows(w: str, m: str, s: str, bits: int) -> dict[str, tuple[str, str]]:
    sh = bits - 1
    return {
        f"{w}.eqz": ("(not {0})", "c"),
        f"{w}.eq": ("({0} == {1})", "c"),
        f"{w}.ne": ("({0} != {1})", "c"),
        f"{w}.lt_s": (f"(({{0}} ^ {s}) < ({{1}} ^ {s}))", "c"),
        f"{w}.lt_u": ("({0} < {1})", "c"),
        f"{w}.gt_s": (f"(({{0}} ^ {s}) > ({{1}} ^ {s}))", "c"),
        f"{w}.gt_u": ("({0} > {1})", "c"),
        f"{w}.le_s": (f"(({{0}} ^ {s}) <= ({{1}} ^ {s}))", "c"),
        f"{w}.le_u": ("({0} <= {1})", "c"),
        f"{w}.ge_s": (f"(({{0}} ^ {s}) >= ({{1}} ^ {s}))", "c"),
        f"{w}.ge_u": ("({0} >= {1})", "c"),
        f"{w}.clz": (f"({bits} - ({{0}}).bit_length())", ""),
        f"{w}.ctz": (f"ctz{bits}({{0}})", ""),
        f"{w}.popcnt": ("({0}).bit_count()", ""),
        f"{w}.add": (f"(({{0}} + {{1}}) & {m})", ""),
        f"{w}.sub": (f"(({{0}} - {{1}}) & {m})", ""),
        f"{w}.mul": (f"(({{0}} * {{1}}) & {m})", ""),
        f"{w}.div_s": (f"{w}_div_s({{0}}, {{1}})", "t"),
        f"{w}.div_u": ("div_u({0}, {1})", "t"),
        f"{w}.rem_s": (f"{w}_rem_s({{0}}, {{1}})", "t"),
        f"{w}.rem_u": ("rem_u({0}, {1})", "t"),
        f"{w}.and": ("({0} & {1})", ""),
        f"{w}.or": ("({0} | {1})", ""),
        f"{w}.xor": ("({0} ^ {1})", ""),
        f"{w}.shl": (f"(({{0}} << ({{1}} & {sh})) & {m})", ""),
        f"{w}.shr_s": (f"(((({{0}} ^ {s}) - {s}) >> ({{1}} & {sh})) & {m})", ""),
        f"{w}.shr_u": (f"({{0}} >> ({{1}} & {sh}))", ""),
        f"{w}.rotl": (f"rotl{bits}({{0}}, {{1}})", ""),
        f"{w}.rotr": (f"rotr{bits}({{0}}, {{1}})", ""),
        f"{w}.extend8_s": (f"(((({{0}} & 0xFF) ^ 0x80) - 0x80) & {m})", ""),
        f"{w}.extend16_s": (f"(((({{0}} & 0xFFFF) ^ 0x8000) - 0x8000) & {m})", ""),
    }


def _float_rows(w: str, rnd: str) -> dict[str, tuple[str, str]]:
    def r(e: str) -> str:
        return f"{rnd}({e})" if rnd else f"({e})"

    return {
        f"{w}.eq": ("({0} == {1})", "c"),
        f"{w}.ne": ("({0} != {1})", "c"),
        f"{w}.lt": ("({0} < {1})", "c"),
        f"{w}.gt": ("({0} > {1})", "c"),
        f"{w}.le": ("({0} <= {1})", "c"),
        f"{w}.ge": ("({0} >= {1})", "c"),
        f"{w}.abs": ("abs({0})", ""),
        f"{w}.neg": ("(-{0})", ""),
        f"{w}.ceil": ("fceil({0})", ""),
        f"{w}.floor": ("ffloor({0})", ""),
        f"{w}.trunc": ("ftrunc({0})", ""),
        f"{w}.nearest": ("fnearest({0})", ""),
        f"{w}.sqrt": ("f32sqrt({0})" if rnd else "fsqrt({0})", ""),
        f"{w}.add": (r("{0} + {1}"), ""),
        f"{w}.sub": (r("{0} - {1}"), ""),
        f"{w}.mul": (r("{0} * {1}"), ""),
        f"{w}.div": ("f32div({0}, {1})" if rnd else "fdiv({0}, {1})", ""),
        f"{w}.min": ("fmin({0}, {1})", ""),
        f"{w}.max": ("fmax({0}, {1})", ""),
        f"{w}.copysign": ("copysign({0}, {1})", ""),
    }


TEMPLATES: dict[str, tuple[str, str]] = {
    **_int_rows("i32", _M32, _S32, 32),
    **_int_rows("i64", _M64, _S64, 64),
    **_float_rows("f32", "f32r"),
    **_float_rows("f64", ""),
    "i64.extend32_s": (f"(((({{0}} & {_M32}) ^ {_S32}) - {_S32}) & {_M64})", ""),
    "i32.wrap_i64": (f"({{0}} & {_M32})", ""),
    "i64.extend_i32_s": (f"((({{0}} ^ {_S32}) - {_S32}) & {_M64})", ""),
    "i64.extend_i32_u": ("{0}", ""),
    "i32.trunc_f32_s": ("trunc_i32_s({0})", "t"),
    "i32.trunc_f32_u": ("trunc_i32_u({0})", "t"),
    "i32.trunc_f64_s": ("trunc_i32_s({0})", "t"),
    "i32.trunc_f64_u": ("trunc_i32_u({0})", "t"),
    "i64.trunc_f32_s": ("trunc_i64_s({0})", "t"),
    "i64.trunc_f32_u": ("trunc_i64_u({0})", "t"),
    "i64.trunc_f64_s": ("trunc_i64_s({0})", "t"),
    "i64.trunc_f64_u": ("trunc_i64_u({0})", "t"),
    "i32.trunc_sat_f32_s": ("trunc_sat_i32_s({0})", ""),
    "i32.trunc_sat_f32_u": ("trunc_sat_i32_u({0})", ""),
    "i32.trunc_sat_f64_s": ("trunc_sat_i32_s({0})", ""),
    "i32.trunc_sat_f64_u": ("trunc_sat_i32_u({0})", ""),
    "i64.trunc_sat_f32_s": ("trunc_sat_i64_s({0})", ""),
    "i64.trunc_sat_f32_u": ("trunc_sat_i64_u({0})", ""),
    "i64.trunc_sat_f64_s": ("trunc_sat_i64_s({0})", ""),
    "i64.trunc_sat_f64_u": ("trunc_sat_i64_u({0})", ""),
    "f32.convert_i32_s": (f"f32r(float(({{0}} ^ {_S32}) - {_S32}))", ""),
    "f32.convert_i32_u": ("f32r(float({0}))", ""),
    "f32.convert_i64_s": ("int_to_f32(s64({0}))", ""),
    "f32.convert_i64_u": ("int_to_f32({0})", ""),
    "f32.demote_f64": ("f32r({0})", ""),
    "f64.convert_i32_s": (f"float(({{0}} ^ {_S32}) - {_S32})", ""),
    "f64.convert_i32_u": ("float({0})", ""),
    "f64.convert_i64_s": ("float(s64({0}))", ""),
    "f64.convert_i64_u": ("float({0})", ""),
    "f64.promote_f32": ("promote({0})", ""),
    "i32.reinterpret_f32": ("f32_to_bits({0})", ""),
    "i64.reinterpret_f64": ("f64_to_bits({0})", ""),
    "f32.reinterpret_i32": ("f32_from_bits({0})", ""),
    "f64.reinterpret_i64": ("f64_from_bits({0})", ""),
}

# Loads: (expression reading the value at address `{0}` from the view `mv`).
LOADS: dict[str, str] = {
    "i32.load": "U_I(mv, {0})[0]",
    "i64.load": "U_Q(mv, {0})[0]",
    "f32.load": "load_f32(mv, {0})",
    "f64.load": "U_d(mv, {0})[0]",
    "i32.load8_s": f"(U_b(mv, {{0}})[0] & {_M32})",
    "i32.load8_u": "mv[{0}]",
    "i32.load16_s": f"(U_h(mv, {{0}})[0] & {_M32})",
    "i32.load16_u": "U_H(mv, {0})[0]",
    "i64.load8_s": f"(U_b(mv, {{0}})[0] & {_M64})",
    "i64.load8_u": "mv[{0}]",
    "i64.load16_s": f"(U_h(mv, {{0}})[0] & {_M64})",
    "i64.load16_u": "U_H(mv, {0})[0]",
    "i64.load32_s": f"(U_i(mv, {{0}})[0] & {_M64})",
    "i64.load32_u": "U_I(mv, {0})[0]",
    "v128.load": "load_v128(mv, {0})",
}

# Stores: (statement writing value `{1}` at address `{0}`).
STORES: dict[str, str] = {
    "i32.store": "P_I(mv, {0}, {1})",
    "i64.store": "P_Q(mv, {0}, {1})",
    "f32.store": "store_f32(mv, {0}, {1})",
    "f64.store": "P_d(mv, {0}, {1})",
    "i32.store8": "mv[{0}] = {1} & 0xFF",
    "i32.store16": "P_H(mv, {0}, {1} & 0xFFFF)",
    "i64.store8": "mv[{0}] = {1} & 0xFF",
    "i64.store16": "P_H(mv, {0}, {1} & 0xFFFF)",
    "i64.store32": f"P_I(mv, {{0}}, {{1}} & {_M32})",
    "v128.store": "store_v128(mv, {0}, {1})",
}
