"""Poll points exist only in code for stores that poll (fuel, deadline, interrupts)."""

from __future__ import annotations

import pytest

pytest.importorskip("llvmlite", reason="the LLVM engine needs llvmlite")

from wasmlite.engines import get_engine  # noqa: E402
from wasmlite.engines.llvm.module_ir import module_ir  # noqa: E402
from wasmlite.errors import Interrupted  # noqa: E402
from wasmlite.runtime import Store  # noqa: E402
from wasmlite.text import parse_module  # noqa: E402
from wasmlite.validate import validate_module  # noqa: E402

COUNT = """(module
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))"""


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WASMLITE_CACHE_DIR", str(tmp_path / "cache"))


def _module():
    module = parse_module(COUNT)
    validate_module(module)
    return module


def test_poll_points_only_in_the_polling_variant() -> None:
    module = _module()
    assert "@wl_host" not in module_ir(module, polls=False).split("define", 2)[-1]
    assert module_ir(module, polls=True).count("call i64 @wl_host") >= 2  # entry + loop


def test_one_compiled_module_serves_both_kinds_of_store() -> None:
    compiled = get_engine("llvm").compile(_module())
    assert not compiled.polls
    plain = compiled.instantiate(Store("llvm"), [])
    assert plain.exports["count"].call([1000]) == [1000]

    limited = compiled.instantiate(Store("llvm", fuel=10_000), [])
    with pytest.raises(Interrupted):
        limited.exports["count"].call([10**9])
    assert compiled.variant(True) is compiled.variant(True) is not compiled
    assert compiled.variant(True).variant(False) is compiled
    # The plain instance is unaffected by the other store's limits.
    assert plain.exports["count"].call([10**6]) == [10**6]
