"""WAST script commands and expected-result matching."""

from __future__ import annotations

from wasmlite.model import EXTERNREF, F32, F64, FUNCREF, I32, I64
from wasmlite.text.script import (
    AssertExhaustion,
    AssertInvalid,
    AssertMalformed,
    AssertReturn,
    AssertTrap,
    AssertUnlinkable,
    Const,
    Get,
    Invoke,
    ModuleCommand,
    NanPattern,
    RefExtern,
    RefFunc,
    RefNull,
    Register,
    V128Const,
    V128Pattern,
    matches,
    parse_script,
)

SCRIPT = r"""
(module $M (func (export "f") (param i32) (result i32) local.get 0))
(register "m" $M)
(assert_return (invoke $M "f" (i32.const -1)) (i32.const 0xffffffff))
(assert_return (invoke "g" (f32.const -0) (f64.const nan:0x1))
  (f32.const nan:canonical) (f64.const nan:arithmetic))
(assert_return (invoke "h" (v128.const i16x8 1 2 3 4 5 6 7 8))
  (v128.const f32x4 1.0 nan:canonical 0 -inf))
(assert_return (invoke "r" (ref.null extern) (ref.extern 7)) (ref.extern) (ref.func) (ref.null func))
(assert_return (get "glob") (i64.const -2))
(assert_trap (invoke "t") "unreachable")
(assert_trap (module (func $start unreachable) (start $start)) "unreachable")
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_malformed (module quote "(func" " i32.bogus)") "unknown operator")
(assert_malformed (module binary "\00asm" "\02\00\00\00") "unknown binary version")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(invoke "f" (i32.const 1))
"""


def test_commands() -> None:
    cmds = parse_script(SCRIPT)
    kinds = [type(c) for c in cmds]
    assert kinds == [
        ModuleCommand,
        Register,
        AssertReturn,
        AssertReturn,
        AssertReturn,
        AssertReturn,
        AssertReturn,
        AssertTrap,
        AssertTrap,
        AssertExhaustion,
        AssertMalformed,
        AssertMalformed,
        AssertInvalid,
        AssertUnlinkable,
        Invoke,
    ]
    mod = cmds[0]
    assert isinstance(mod, ModuleCommand) and mod.name == "$M" and mod.line == 2
    assert mod.module is not None and len(mod.module.funcs) == 1
    assert cmds[1] == Register(3, "m", "$M")
    r = cmds[2]
    assert isinstance(r, AssertReturn)
    assert r.action == Invoke(4, "$M", "f", [Const(I32, 0xFFFFFFFF)])
    assert r.expected == [Const(I32, 0xFFFFFFFF)]
    r = cmds[3]
    assert r.action.args == [Const(F32, 0x80000000), Const(F64, 0x7FF0000000000001)]  # type: ignore[union-attr]
    assert r.expected == [NanPattern(F32, "canonical"), NanPattern(F64, "arithmetic")]
    r = cmds[4]
    assert r.action.args == [V128Const(bytes([1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0]))]  # type: ignore[union-attr]
    assert isinstance(r.expected[0], V128Pattern)
    r = cmds[5]
    assert r.action.args == [RefNull(EXTERNREF), RefExtern(7)]  # type: ignore[union-attr]
    assert r.expected == [RefExtern(None), RefFunc(None), RefNull(FUNCREF)]
    assert cmds[6].action == Get(10, None, "glob")  # type: ignore[union-attr]
    assert cmds[6].expected == [Const(I64, (1 << 64) - 2)]  # type: ignore[union-attr]
    assert isinstance(cmds[8].action_or_module, ModuleCommand)  # type: ignore[union-attr]
    mal = cmds[10]
    assert mal.module.quote == "(func i32.bogus)" and mal.message == "unknown operator"  # type: ignore[union-attr]
    assert cmds[11].module.binary == b"\x00asm\x02\x00\x00\x00"  # type: ignore[union-attr]


def test_matches() -> None:
    canon32 = Const(F32, 0x7FC00000)
    assert matches(NanPattern(F32, "canonical"), canon32)
    assert matches(NanPattern(F32, "canonical"), Const(F32, 0xFFC00000))
    assert not matches(NanPattern(F32, "canonical"), Const(F32, 0x7FC00001))
    assert matches(NanPattern(F32, "arithmetic"), Const(F32, 0x7FC00001))
    assert not matches(NanPattern(F32, "arithmetic"), Const(F32, 0x7F800001))
    assert not matches(NanPattern(F64, "arithmetic"), canon32)
    assert matches(Const(I32, 5), Const(I32, 5))
    assert not matches(Const(I32, 5), Const(I64, 5))
    assert matches(RefExtern(None), RefExtern(3)) and not matches(
        RefExtern(None), RefNull(EXTERNREF)
    )
    assert matches(RefFunc(None), RefFunc(0))
    lanes = (Const(F32, 0x3F800000), NanPattern(F32, "canonical"))
    pat = V128Pattern("f32x4", lanes + (Const(F32, 0), Const(F32, 0)))
    data = (0x3F800000).to_bytes(4, "little") + (0xFFC00000).to_bytes(4, "little") + bytes(8)
    assert matches(pat, V128Const(data))
    assert not matches(pat, V128Const(bytes(16)))
