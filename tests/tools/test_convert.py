"""wat2wasm / wasm2wat details beyond the spec modules: text that other tools accept."""

from __future__ import annotations

import pytest

from wasmlite.errors import ParseError, ValidationError
from wasmlite.text import parse_module
from wasmlite.tools.convert import assemble_module, wasm_to_wat, wat_to_wasm

BULK = """(module (memory 1) (data $d "abc")
  (func (param i32)
    (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
    local.get 0 drop
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
    (drop (memory.size)) (drop (memory.grow (i32.const 0)))))"""


def test_printed_memory_instructions_have_no_memory_index() -> None:
    text = wasm_to_wat(wat_to_wasm(BULK))
    assert "memory.copy\n" in text and "memory.fill\n" in text and "memory.size\n" in text
    assert "memory.init 0\n" in text


def test_memory_copy_without_immediates_before_an_indexed_instruction() -> None:
    data = wat_to_wasm(BULK)
    assert assemble_module(parse_module(wasm_to_wat(data))) == data


def test_block_type_use_with_short_form_is_encoded_short() -> None:
    one = wat_to_wasm(
        "(module (type $t (func (result i32))) (func (block (type $t) (i32.const 1)) drop))"
    )
    two = wat_to_wasm(
        "(module (type $t (func (result i32))) (func (block (result i32) (i32.const 1)) drop))"
    )
    assert one == two


def test_wat_to_wasm_validates_unless_told_not_to() -> None:
    src = "(module (func (result i32)))"
    with pytest.raises(ValidationError, match="type mismatch"):
        wat_to_wasm(src)
    assert wat_to_wasm(src, validate=False).startswith(b"\0asm")


def test_wat_to_wasm_parse_error() -> None:
    with pytest.raises(ParseError):
        wat_to_wasm("(module (func (i32.nope)))")
