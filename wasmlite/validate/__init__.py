"""The validator: checks a `Module` against the Wasm 2.0 validation rules.

`validate_module(module)` returns None for a valid module and raises
`wasmlite.errors.ValidationError` (with the spec testsuite's wording) otherwise.
"""

from __future__ import annotations

from .module import check_const_expr, declared_refs, validate_module

__all__ = ["check_const_expr", "declared_refs", "validate_module"]
