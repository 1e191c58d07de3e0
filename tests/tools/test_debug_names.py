"""The name section `wat2wasm --debug-names` writes, in wabt's layout."""

from __future__ import annotations

from wasmlite.text import parse_module
from wasmlite.tools.convert import assemble_module
from wasmlite.tools.debug_names import debug_names_payload
from wasmlite.tools.namesec import read_name_section


def test_empty_module_still_has_a_locals_subsection() -> None:
    assert debug_names_payload(parse_module("(module)")) == b"\x02\x01\x00"


def test_every_kind_of_name() -> None:
    m = parse_module("""(module $M
      (type $t (func))
      (import "a" "b" (func $imp))
      (table $tab 1 funcref) (memory $mem 1)
      (global $g i32 (i32.const 0))
      (func $f (type $t) (local $x i32) (local i64))
      (func)
      (elem $e func $f)
      (data $d "x"))""")
    ns = read_name_section(debug_names_payload(m))
    assert ns.module == "M"
    assert ns.maps[1] == {0: "imp", 1: "f"}
    assert ns.locals == {0: {}, 1: {0: "x"}, 2: {}}
    assert ns.maps[4] == {0: "t"}
    assert ns.maps[5] == {0: "tab"} and ns.maps[6] == {0: "mem"} and ns.maps[7] == {0: "g"}
    assert ns.maps[8] == {0: "e"} and ns.maps[9] == {0: "d"}


def test_name_section_comes_last_and_only_with_the_flag() -> None:
    m = parse_module('(module (func $f) (data "x"))')
    plain = assemble_module(m)
    named = assemble_module(m, debug_names=True)
    assert named.startswith(plain)
    assert b"\x04name" in named[len(plain) :]
    assert b"name" not in plain


def test_imported_function_parameter_names() -> None:
    m = parse_module(
        '(module (import "a" "b" (func $imp (param $q i32) (param i64) (param $r f32)))'
        ' (func $f (import "a" "c") (param $x i32)) (func (param $z i32)))'
    )
    ns = read_name_section(debug_names_payload(m))
    assert ns.locals == {0: {0: "q", 2: "r"}, 1: {0: "x"}, 2: {0: "z"}}
