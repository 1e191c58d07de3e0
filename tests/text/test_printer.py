"""The printer: printed text parses back to an equal module."""

from __future__ import annotations

from wasmlite.text import parse_module, print_module

SOURCE = r"""
(module $m
  (type $t (func (param i32) (result i32)))
  (import "env" "f" (func $imp (param i32)))
  (import "env" "t" (table 1 2 externref))
  (import "env" "m" (memory 1))
  (import "env" "g" (global (mut i64)))
  (func $fac (export "fac") (type $t) (param $n i32) (result i32) (local $acc i32) (local f64 v128)
    (block $done (result i32)
      (loop $again
        (br_if $done (local.get $acc) (i32.eqz (local.get $n)))
        (br_table $again $done (i32.const 0) (i32.const 1))))
    (if (result i32) (i32.const 1) (then (i32.const 2)) (else (call $fac (i32.const 3))))
    drop
    (call_indirect (type $t) (i32.const 0) (i32.const 0))
    drop
    (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3))
    (drop (f32.const -nan:0x123)) (drop (f64.const 0x1p-1074)) (drop (f32.const 0x1p-149))
    (drop (v128.const f32x4 1 -0 inf nan))
    (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (v128.const i64x2 0 0) (v128.const i64x2 0 0)))
    (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 0))
    (table.init 1 0 (i32.const 0) (i32.const 0) (i32.const 0))
    (drop (v128.load64_lane align=1 1 (i32.const 0) (v128.const i64x2 0 0))))
  (table $tab 2 funcref)
  (global $g f32 (f32.const 1.5))
  (elem (table $tab) (i32.const 0) func $fac $imp)
  (elem declare func $fac)
  (elem externref (ref.null extern))
  (data (i32.const 8) "\00\ff\"\\hi")
  (data "passive")
  (start $imp))
"""


def test_round_trip() -> None:
    module = parse_module(SOURCE)
    text = print_module(module)
    again = parse_module(text)
    assert again == module
    assert print_module(again) == text
    assert "$fac" in text and "$acc" in text


def test_empty_module() -> None:
    assert parse_module(print_module(parse_module("(module)"))) == parse_module("")
