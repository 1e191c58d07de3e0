from __future__ import annotations

import math

import pytest

from wasmlite import FuncType, ValType
from wasmlite.api.convert import (
    bits_to_f32,
    caller_factory,
    f32_to_bits,
    f64_to_bits,
    from_raw,
    host_adapter_factory,
    to_raw,
)

i32, i64, f32, f64 = ValType.i32, ValType.i64, ValType.f32, ValType.f64


def echo(raw: list) -> list:
    return list(raw)


def test_ints_go_in_modulo_width_and_come_out_signed() -> None:
    call = caller_factory(FuncType([i32, i64], [i32, i64]))(echo)
    assert call(-1, -1) == [-1, -1]
    assert call(0xFFFFFFFF, (1 << 64) - 1) == [-1, -1]
    assert call(0x7FFFFFFF, 5) == [0x7FFFFFFF, 5]


def test_raw_form_is_unsigned_bits() -> None:
    seen = []
    call = caller_factory(FuncType([i32, i64, f32, f64], []))(lambda raw: seen.extend(raw) or [])
    assert call(-2, -3, 1.0, -0.0) is None
    assert seen == [0xFFFFFFFE, (1 << 64) - 3, 0x3F800000, 0x8000000000000000]


def test_single_result_is_a_value_not_a_list() -> None:
    assert caller_factory(FuncType([f64], [f64]))(echo)(2.5) == 2.5


def test_f32_rounds_and_overflows_to_infinity() -> None:
    assert bits_to_f32(f32_to_bits(0.1)) == pytest.approx(0.1, rel=1e-7)
    assert f32_to_bits(1e40) == 0x7F800000
    assert f32_to_bits(-1e40) == 0xFF800000
    assert math.isnan(from_raw(f32, 0x7FC00000))


def test_nan_payload_survives_f64() -> None:
    assert from_raw(f64, 0x7FF8000000000001) != from_raw(f64, 0x7FF8000000000001)
    assert f64_to_bits(from_raw(f64, 0x7FF8000000000001)) == 0x7FF8000000000001


def test_wrong_argument_type_names_the_argument() -> None:
    call = caller_factory(FuncType([i32, f64], []))(echo)
    with pytest.raises(TypeError, match=r"argument 0 \(i32\): expected an int, got float"):
        call(1.5, 2.0)
    with pytest.raises(TypeError, match=r"argument 1 \(f64\): expected a float, got str"):
        call(1, "x")


def test_wrong_argument_count() -> None:
    call = caller_factory(FuncType([i32], []))(echo)
    with pytest.raises(TypeError):
        call(1, 2)


def test_host_adapter_converts_both_ways() -> None:
    host = host_adapter_factory(FuncType([i32, f32], [i64]))(lambda a, b: a * int(b))
    assert host(0xFFFFFFFF, f32_to_bits(3.0)) == (1 << 64) - 3


def test_host_adapter_multi_results_and_errors() -> None:
    host = host_adapter_factory(FuncType([], [i32, f64]))(lambda: (-1, 0.5))
    assert host() == (0xFFFFFFFF, f64_to_bits(0.5))
    bad = host_adapter_factory(FuncType([], [i32, f64]))(lambda: 1)
    with pytest.raises(TypeError, match="must return 2 values"):
        bad()
    bad2 = host_adapter_factory(FuncType([], [i32]))(lambda: "x")
    with pytest.raises(TypeError, match=r"result 0 \(i32\)"):
        bad2()


def test_refs() -> None:
    obj = object()
    assert to_raw(ValType.externref, obj) is obj
    assert to_raw(ValType.funcref, None) is None
    with pytest.raises(TypeError, match="Func or None"):
        to_raw(ValType.funcref, 3)


def test_converters_are_cached_per_signature() -> None:
    t = FuncType([i32], [i32])
    assert caller_factory(t) is caller_factory(FuncType([i32], [i32]))


def test_host_call_takes_a_sequence_and_returns_a_list() -> None:
    from wasmlite.api.convert import host_call_factory

    call = host_call_factory(FuncType([i32, f64], [i64]))(lambda a, b: a * int(b))
    assert call([0xFFFFFFFF, f64_to_bits(3.0)]) == [(1 << 64) - 3]
    assert call((2, f64_to_bits(3.0))) == [6]
    assert host_call_factory(FuncType([], []))(lambda: None)(()) == []
    pair = host_call_factory(FuncType([i32], [i32, f32]))(lambda a: (a, 1.0))
    assert pair([5]) == [5, 0x3F800000]
    with pytest.raises(TypeError, match=r"result 0 \(i32\)"):
        host_call_factory(FuncType([], [i32]))(lambda: None)([])
