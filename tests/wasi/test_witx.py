"""The witx parser, layouts, lowering, and the generated spec_data being up to date."""

from __future__ import annotations

import pytest

from wasmlite.wasi import ERRNO
from wasmlite.wasi.generate import DEFAULT_WITX_DIR, OUTPUT, render
from wasmlite.wasi.witx import Enum, Flags, Ref, Spec, load_spec, parse_sexprs, witx_to_data

SPEC = load_spec()


def test_generated_spec_data_is_up_to_date() -> None:
    if not DEFAULT_WITX_DIR.is_dir():
        pytest.skip("the witx files (../shared/wasi-spec) are not next to this checkout")
    assert OUTPUT.read_text(encoding="utf-8") == render(DEFAULT_WITX_DIR), (
        "spec_data.py is stale: run python -m wasmlite.wasi.generate"
    )


def test_parse_sexprs_drops_comments_and_keeps_strings() -> None:
    forms = parse_sexprs(';; c\n(a $b (c "d e") ;;; doc\n f)')
    assert forms == [["a", "$b", ["c", '"d e"'], "f"]]


@pytest.mark.parametrize("text", ["(a", "a)", "(a ; b)"])
def test_parse_sexprs_rejects_malformed(text: str) -> None:
    with pytest.raises(ValueError):
        parse_sexprs(text)


def test_small_witx_round_trip() -> None:
    types = "(typename $e (enum (@witx tag u8) $x $y)) (typename $r (record (field $a u8) (field $b u64)))"
    module = '(module $m (@interface func (export "f") (param $p $e) (result $error (expected $e (error $e)))))'
    data = witx_to_data(types, module)
    spec = Spec(data)
    assert spec.size_align(Ref("r")) == (16, 8)
    assert isinstance(spec.resolve(Ref("e")), Enum)


def test_errno_values_match_the_witx() -> None:
    assert len(ERRNO) == 77
    assert (ERRNO["success"], ERRNO["2big"], ERRNO["badf"], ERRNO["fault"]) == (0, 1, 8, 21)
    assert (ERRNO["noent"], ERRNO["perm"], ERRNO["notcapable"]) == (44, 63, 76)


def test_rights_and_flag_bits() -> None:
    rights = SPEC.flags("rights")
    assert isinstance(rights, Flags) and rights.repr == "u64"
    assert rights.bit("fd_datasync") == 1 and rights.bit("sock_accept") == 1 << 29
    assert SPEC.flags("oflags").bit("trunc") == 8
    assert SPEC.flags("fdflags").bit("sync") == 16
    assert rights.decode(3) == "fd_datasync|fd_read"
    assert rights.decode(0) == "0"


@pytest.mark.parametrize(
    "name, size, align, offsets",
    [
        ("iovec", 8, 4, [0, 4]),
        ("dirent", 24, 8, [0, 8, 16, 20]),
        ("fdstat", 24, 8, [0, 2, 8, 16]),
        ("filestat", 64, 8, [0, 8, 16, 24, 32, 40, 48, 56]),
        ("event", 32, 8, [0, 8, 10, 16]),
        ("subscription", 48, 8, [0, 8]),
        ("subscription_clock", 32, 8, [0, 8, 16, 24]),
    ],
)
def test_layouts_match_docs(name: str, size: int, align: int, offsets: list[int]) -> None:
    assert SPEC.size_align(Ref(name)) == (size, align)
    assert SPEC.offsets(Ref(name)) == offsets


def test_union_layouts() -> None:
    assert SPEC.size_align(Ref("prestat")) == (8, 4)
    assert SPEC.variant_payload_offset(SPEC.resolve(Ref("prestat"))) == 4
    assert SPEC.variant_payload_offset(SPEC.resolve(Ref("subscription_u"))) == 8


def test_every_preview1_function_is_lowered() -> None:
    assert len(SPEC.functions) == 46
    sig = {
        n: ([p.valtype for p in f.core_params], list(f.core_results))
        for n, f in SPEC.functions.items()
    }
    assert sig["fd_write"] == (["i32"] * 4, ["i32"])
    assert sig["fd_seek"] == (["i32", "i64", "i32", "i32"], ["i32"])
    assert sig["path_open"] == (
        ["i32", "i32", "i32", "i32", "i32", "i64", "i64", "i32", "i32"],
        ["i32"],
    )
    assert sig["proc_exit"] == (["i32"], [])
    assert sig["sock_recv"] == (["i32"] * 6, ["i32"])
    assert sig["args_sizes_get"] == (["i32", "i32"], ["i32"])
    assert sig["clock_time_get"] == (["i32", "i64", "i32"], ["i32"])
    assert SPEC.functions["proc_exit"].noreturn
