"""Store limits: fuel, deadline, interrupt, memory caps."""

from __future__ import annotations

import pytest

from wasmlite.engines import get_engine
from wasmlite.errors import Interrupted
from wasmlite.runtime import Store
from wasmlite.text import parse_module
from wasmlite.validate import validate_module

SPIN = '(module (memory (export "m") 1) (func (export "spin") (loop $l (br $l))) (func (export "grow") (result i32) (memory.grow (i32.const 10))))'


def _spin_instance(store: Store):
    module = parse_module(SPIN)
    validate_module(module)
    return get_engine("python").compile(module).instantiate(store, [])


def test_fuel_stops_an_endless_loop() -> None:
    inst = _spin_instance(Store("python", fuel=10_000))
    with pytest.raises(Interrupted, match="fuel"):
        inst.exports["spin"].call([])


def test_deadline_stops_an_endless_loop() -> None:
    inst = _spin_instance(Store("python", timeout=0.05))
    with pytest.raises(Interrupted, match="deadline"):
        inst.exports["spin"].call([])


def test_interrupt_flag() -> None:
    store = Store("python")
    store.enable_interrupts()
    inst = _spin_instance(store)
    store.interrupt()
    with pytest.raises(Interrupted, match="interrupted"):
        inst.exports["spin"].call([])


def test_memory_limit_caps_growth() -> None:
    inst = _spin_instance(Store("python", max_memory_pages=5))
    assert inst.exports["grow"].call([]) == [0xFFFFFFFF]


def test_no_polling_without_limits() -> None:
    assert not Store("python").polling
    assert Store("python", fuel=1).polling
