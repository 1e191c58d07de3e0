"""`inspect` summaries."""

from __future__ import annotations

from wasmlite.binary import decode_module
from wasmlite.tools.convert import wat_to_wasm
from wasmlite.tools.inspect import inspect_module
from wasmlite.tools.sections import scan_sections

WAT = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (import "wasi_snapshot_preview1" "not_a_wasi_call" (func))
  (import "env" "table" (table 1 funcref))
  (memory (export "memory") 2 16)
  (global (mut i32) (i32.const 0))
  (func (export "_start") (result i32) (i32.const 0))
  (func (export "add") (param i64 f64) (result f64) (local.get 1)))
"""


def _summary() -> str:
    data = wat_to_wasm(WAT)
    return inspect_module(decode_module(data), scan_sections(data), len(data), "m.wasm")


def test_imports_exports_and_limits() -> None:
    text = _summary()
    assert "  func   wasi_snapshot_preview1.fd_write: (i32, i32, i32, i32) -> (i32)" in text
    assert "  table  env.table: funcref, min 1 elements, max unbounded" in text
    assert "  func   add: (i64, f64) -> (f64)" in text
    assert "  memory memory: min 2 pages, max 16 [128.0 KiB (1.0 MiB)]" in text
    assert "Globals: 1 defined, 1 mutable" in text


def test_wasi_functions_are_listed_and_unknown_ones_flagged() -> None:
    text = _summary()
    assert (
        "WASI (wasi_snapshot_preview1): 3 function(s): fd_write, proc_exit, not_a_wasi_call" in text
    )
    assert "  not in WASI preview1: not_a_wasi_call" in text


def test_section_sizes() -> None:
    text = _summary()
    assert "Section sizes" in text
    assert "  Code " in text and "  Type " in text


def test_validity_is_reported() -> None:
    assert "Valid: yes" in _summary()
    data = wat_to_wasm(WAT)
    text = inspect_module(decode_module(data), scan_sections(data), len(data), "m.wasm", "bad")
    assert "Valid: no: bad" in text
