"""The decoder on small hand-written binaries: structure, offsets, custom sections, errors."""

from __future__ import annotations

import pytest

from wasmlite.binary import decode_module
from wasmlite.binary.leb128 import encode_u
from wasmlite.errors import DecodeError
from wasmlite.model import (
    FUNCREF,
    I32,
    I64,
    ExternKind,
    GlobalType,
    Limits,
    MemoryType,
    SegmentMode,
)

HEADER = b"\x00asm\x01\x00\x00\x00"
TYPE_V_V = b"\x01\x04\x01\x60\x00\x00"  # type section: one [] -> []
FUNC_1 = b"\x03\x02\x01\x00"  # function section: one function of type 0


def section(sid: int, body: bytes) -> bytes:
    return bytes((sid,)) + encode_u(len(body)) + body


def code(*bodies: bytes) -> bytes:
    """A code section; each body is `locals + instructions` without its size."""
    return section(10, encode_u(len(bodies)) + b"".join(encode_u(len(b)) + b for b in bodies))


def one_func(body: bytes, *extra: bytes) -> bytes:
    return HEADER + TYPE_V_V + FUNC_1 + b"".join(extra) + code(b"\x00" + body)


def test_empty_module() -> None:
    m = decode_module(HEADER)
    assert m.types == [] and m.funcs == [] and m.start is None


def test_function_body_and_offsets() -> None:
    data = one_func(b"\x41\x05\x1a\x0b")  # i32.const 5; drop; end
    m = decode_module(data)
    f = m.funcs[0]
    assert [i.op.name for i in f.body] == ["i32.const", "drop", "end"]
    assert f.body[0].imm == 5
    assert f.offsets is not None
    assert [data[o] for o in f.offsets] == [0x41, 0x1A, 0x0B]


def test_control_and_vector_positions() -> None:
    body = (
        b"\x02\x40"  # block
        b"\x41\x01\x04\x40\x05\x0b"  # i32.const 1; if; else; end
        b"\x03\x40\x0b"  # loop end
        b"\x0b"  # end (block)
        b"\xfd\x0c" + bytes(16) + b"\x1a"  # v128.const; drop
        b"\x0b"
    )
    f = decode_module(one_func(body)).funcs[0]
    names = [i.op.name for i in f.body]
    assert f.control == [
        i for i, n in enumerate(names) if n in ("block", "loop", "if", "else", "end")
    ]
    assert f.vector == [names.index("v128.const")]


def test_immediate_shapes() -> None:
    body = (
        b"\x41\x7f"  # i32.const -1
        b"\x42\x80\x7f"  # i64.const -128
        b"\x43\x00\x00\xc0\x7f"  # f32.const nan
        b"\x44"
        + bytes(8)  # f64.const 0
        + b"\x02\x40\x0b"  # block end
        b"\x02\x7f\x41\x00\x0b"  # block (result i32) ... end
        b"\x1a"
        b"\x0e\x02\x00\x00\x00"  # br_table 0 0 0
        b"\x0b"
    )
    m = decode_module(one_func(body))
    imms = [i.imm for i in m.funcs[0].body]
    assert imms[:4] == [-1, -128, 0x7FC00000, 0]
    assert imms[4] is None and imms[6] == I32
    assert imms[10] == ((0, 0), 0)


def test_memarg_and_simd() -> None:
    mem = section(5, b"\x01\x00\x01")
    body = (
        b"\x41\x00\x28\x02\x10\x1a"  # i32.load offset=16
        b"\xfd\x0c" + bytes(range(16)) + b"\xfd\x15\x03\x1a"  # v128.const; extract_lane_s 3
        b"\x0b"
    )
    m = decode_module(HEADER + TYPE_V_V + FUNC_1 + mem + code(b"\x00" + body))
    b = m.funcs[0].body
    assert b[1].imm == (2, 16)
    assert b[3].imm == bytes(range(16))
    assert b[4].op.name == "i8x16.extract_lane_s" and b[4].imm == 3


def test_locals_are_flattened() -> None:
    data = HEADER + TYPE_V_V + FUNC_1 + code(b"\x02\x02\x7f\x01\x7e\x0b")
    assert decode_module(data).funcs[0].locals == [I32, I32, I64]


def test_imports_exports_globals() -> None:
    imports = section(
        2,
        b"\x03\x01m\x01f\x00\x00\x01m\x03mem\x02\x01\x01\x02\x01m\x01g\x03\x7f\x01",
    )
    glob = section(6, b"\x01\x7e\x00\x42\x2a\x0b")
    exports = section(7, b"\x01\x01e\x00\x00")
    m = decode_module(HEADER + TYPE_V_V + imports + glob + exports)
    assert [i.kind for i in m.imports] == [ExternKind.func, ExternKind.memory, ExternKind.glob]
    assert m.imports[1].desc == MemoryType(Limits(1, 2))
    assert m.imports[2].desc == GlobalType(I32, True)
    assert m.globals[0].init[0].imm == 42
    assert m.exports[0].name == "e"


@pytest.mark.parametrize("flags", range(8))
def test_element_segment_forms(flags: int) -> None:
    table = section(4, b"\x01\x70\x00\x01")
    offset = b"\x41\x00\x0b"
    if flags & 4:
        kind, items = b"\x70", b"\x01\xd2\x00\x0b"
    else:
        kind, items = b"\x00", b"\x01\x00"
    seg = encode_u(flags)
    if not flags & 1:
        seg += (b"\x00" if flags & 2 else b"") + offset
    if flags & 3:
        seg += kind
    seg += items
    data = HEADER + TYPE_V_V + FUNC_1 + table + section(9, b"\x01" + seg) + code(b"\x00\x0b")
    e = decode_module(data).elems[0]
    assert e.reftype == FUNCREF and e.encoding == flags
    assert [i.op.name for i in e.init[0]] == ["ref.func", "end"]
    expected = [SegmentMode.active, SegmentMode.passive, SegmentMode.active]
    expected.append(SegmentMode.declarative)
    assert e.mode == expected[flags & 3]


def test_custom_sections_keep_their_place() -> None:
    custom = section(0, b"\x01a" + b"xyz")
    m = decode_module(HEADER + custom + TYPE_V_V + custom)
    assert [(c.name, c.data, c.after) for c in m.customs] == [("a", b"xyz", 0), ("a", b"xyz", 1)]


def test_name_section() -> None:
    names = (
        b"\x00\x04\x03mod"  # module name
        + b"\x01\x05\x01\x00\x02fn"  # function 0 = "fn"
        + b"\x02\x07\x01\x00\x01\x00\x02lx"  # local 0 of function 0 = "lx"
    )
    data = one_func(b"\x0b") + section(0, b"\x04name" + names)
    m = decode_module(data)
    assert m.names is not None
    assert (m.names.module, m.names.funcs, m.names.locals) == ("mod", {0: "fn"}, {0: {0: "lx"}})
    assert m.func_name(0) == "fn"


def test_malformed_name_section_is_only_a_custom_section() -> None:
    data = one_func(b"\x0b") + section(0, b"\x04name" + b"\x01\x09\x01\x00\x02\xff\xfe")
    m = decode_module(data)
    assert m.names is None
    assert m.customs[0].name == "name"


def body_module(body: bytes) -> bytes:
    return one_func(body)


MALFORMED = [
    (b"", "unexpected end"),
    (b"\x00as", "unexpected end"),
    (b"\x01asm\x01\x00\x00\x00", "magic header not detected"),
    (b"\x00asm\x02\x00\x00\x00", "unknown binary version"),
    (b"\x00asm\x01\x00\x00", "unexpected end"),
    (HEADER + b"\x0d\x00", "malformed section id"),
    (HEADER + b"\x01\x05\x01\x60\x00\x00", "length out of bounds"),
    (HEADER + b"\x01\x05\x01\x60\x00\x00\x00", "section size mismatch"),
    (HEADER + b"\x05\x01\x01", "unexpected end of section or function"),
    (HEADER + TYPE_V_V + TYPE_V_V, "unexpected content after last section"),
    (HEADER + section(12, b"\x00") + section(9, b"\x00"), "unexpected content after last section"),
    (HEADER + b"\x00\x02\x01\xff", "malformed UTF-8 encoding"),
    (HEADER + b"\x00\x00", "unexpected end"),
    (HEADER + b"\x01\x06\x01\x60\x00\x00\x80\x00", "section size mismatch"),
    (HEADER + b"\x01\x08\x01\x60\x80\x80\x80\x80\x80\x00", "integer representation too long"),
    (HEADER + b"\x01\x07\x01\x60\x80\x80\x80\x80\x10", "integer too large"),
    (HEADER + b"\x01\x04\x01\x61\x00\x00", "malformed function type"),
    (HEADER + b"\x01\x05\x01\x60\x01\x40\x00", "malformed value type"),
    (HEADER + b"\x02\x06\x01\x00\x00\x04\x00\x00", "malformed import kind"),
    (HEADER + b"\x04\x04\x01\x71\x00\x00", "malformed reference type"),
    (HEADER + b"\x05\x02\x01\x02", "integer too large"),
    (HEADER + b"\x05\x04\x01\x81\x00\x00", "integer representation too long"),
    (HEADER + b"\x06\x06\x01\x7f\x02\x41\x00\x0b", "malformed mutability"),
    (HEADER + b"\x07\x04\x01\x00\x04\x00", "malformed export kind"),
    (HEADER + b"\x09\x02\x01\x08", "malformed elements segment kind"),
    (HEADER + b"\x09\x04\x01\x01\x01\x00", "malformed element kind"),
    (HEADER + b"\x0b\x02\x01\x03", "malformed data segment kind"),
    (HEADER + TYPE_V_V + FUNC_1, "function and code section have inconsistent lengths"),
    (HEADER + TYPE_V_V + code(b"\x00\x0b"), "function and code section have inconsistent lengths"),
    (HEADER + section(12, b"\x01"), "data count and data section have inconsistent lengths"),
    (body_module(b"\x06\x0b"), "illegal opcode"),
    (body_module(b"\xfc\x20\x0b"), "illegal opcode"),
    (body_module(b"\xfd\x80\x02\x0b"), "illegal opcode"),
    (body_module(b"\x3f\x01\x1a\x0b"), "zero byte expected"),
    (body_module(b"\x41\x00\x41\x00\x41\x00\xfc\x0a\x00\x01\x0b"), "zero byte expected"),
    (body_module(b"\xfc\x09\x00\x0b"), "data count section required"),
    (body_module(b"\x41\x00\x28\x20\x00\x1a\x0b"), "malformed memop flags"),
    (body_module(b"\xd0\x7f\x1a\x0b"), "malformed reference type"),
    (body_module(b"\x05\x0b"), "END opcode expected"),
    (body_module(b"\x02\x40\x05\x0b\x0b"), "END opcode expected"),
    (body_module(b"\x01"), "unexpected end of section or function"),
    (body_module(b"\x0b\x01"), "section size mismatch"),
    (
        HEADER + TYPE_V_V + FUNC_1 + code(b"\x02\xff\xff\xff\xff\x0f\x7f\x02\x7e\x0b"),
        "too many locals",
    ),
]


@pytest.mark.parametrize("data, message", MALFORMED)
def test_malformed(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_module(data)
    assert message in info.value.message
    assert info.value.offset is None or 0 <= info.value.offset <= len(data)


def test_bytearray_and_memoryview_inputs() -> None:
    assert decode_module(bytearray(HEADER)).types == []
    assert decode_module(memoryview(HEADER)).types == []


def test_locals_limit() -> None:
    ok = HEADER + TYPE_V_V + FUNC_1 + code(b"\x01" + encode_u(50_000) + b"\x7f\x0b")
    assert len(decode_module(ok).funcs[0].locals) == 50_000
    too_many = HEADER + TYPE_V_V + FUNC_1 + code(b"\x01" + encode_u(50_001) + b"\x7f\x0b")
    with pytest.raises(DecodeError, match="too many locals"):
        decode_module(too_many)
