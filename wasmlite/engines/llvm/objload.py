"""A small loader for the relocatable ELF x86-64 objects this engine emits.

On a compile-cache hit the engine needs only to place the cached object code in memory and
patch it, as a static linker would: importing llvmlite and starting ORC LLJIT for that
costs most of a short program's start-up time and tens of megabytes. This loader handles
what LLVM emits for our modules (PIC, small code model): sections laid out in one mapping
(code read+execute, constants and GOT read-only, data read+write), RELA relocations of the
kinds listed in `_RELOCS`, external symbols from the engine's host symbols or the process
(`dlsym`), and calls to them through 16-byte jump stubs placed next to the code.

Anything it does not know (another machine, TLS, constructors, unknown relocations, a
relocation out of range) raises `UnsupportedObject`; `link` then falls back to LLJIT.
Unwind tables (`.eh_frame`) are not loaded: traps leave native code by `longjmp`.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import struct
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...runtime.memory import address_of


class UnsupportedObject(Exception):
    """The object is malformed or uses something this loader does not implement."""


# ELF constants (System V gABI, x86-64 psABI)
_SHT_RELA, _SHT_NOBITS, _SHT_REL = 4, 8, 9
_SHT_INIT_ARRAY, _SHT_FINI_ARRAY, _SHT_PREINIT_ARRAY = 14, 15, 16
_SHT_X86_64_UNWIND = 0x70000001
_SHF_WRITE, _SHF_ALLOC, _SHF_EXECINSTR, _SHF_TLS = 0x1, 0x2, 0x4, 0x400
_SHN_UNDEF, _SHN_LORESERVE, _SHN_ABS, _SHN_COMMON = 0, 0xFF00, 0xFFF1, 0xFFF2
_STT_TLS, _STB_LOCAL = 6, 0

_R_64, _R_PC32, _R_PLT32, _R_GOTPCREL, _R_32, _R_32S, _R_PC64 = 1, 2, 4, 9, 10, 11, 24
_R_GOTPCRELX, _R_REX_GOTPCRELX = 41, 42
_GOT_RELOCS = frozenset((_R_GOTPCREL, _R_GOTPCRELX, _R_REX_GOTPCRELX))
_RELOCS = frozenset((_R_64, _R_PC32, _R_PLT32, _R_32, _R_32S, _R_PC64)) | _GOT_RELOCS

_EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
_SHDR = struct.Struct("<IIQQQQIIQQ")
_SYM = struct.Struct("<IBBHQQ")
_RELA = struct.Struct("<QQq")
_STUB = 16  # jmp *0(%rip); .quad target; 2 bytes of padding
_PAGE = mmap.PAGESIZE

_libc = ctypes.CDLL(None, use_errno=True)
_mprotect = _libc.mprotect
_mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]


class LoadedObject:
    """Object code placed in memory; maps exported names to addresses, like LLJIT's resource
    tracker. The code is unmapped when this is collected: keep it alive while in use.

    The memory is held by Python `mmap` objects, which CPython unmaps itself (no Python-level
    finalizer, which could not run if collected at the recursion limit, or at exit)."""

    def __init__(self) -> None:
        self._mappings: list[mmap.mmap] = []
        self._symbols: dict[str, int] = {}

    def __getitem__(self, name: str) -> int:
        return self._symbols[name]


class _Section:
    __slots__ = ("index", "name", "kind", "offset", "size", "align", "nobits", "address")

    def __init__(self, index: int, name: str, kind: int, offset: int, size: int, align: int):
        self.index, self.name, self.kind = index, name, kind
        self.offset, self.size, self.align = offset, size, max(align, 1)
        self.nobits = False
        self.address = 0


_CODE, _CONST, _DATA = 0, 1, 2  # mapping regions, in address order


def _cstr(table: bytes, offset: int) -> str:
    end = table.find(b"\0", offset)
    if offset >= len(table) or end < 0:
        raise UnsupportedObject("bad string table offset")
    return table[offset:end].decode("utf-8", "replace")


def _align(n: int, a: int) -> int:
    return (n + a - 1) & -a


class _Parsed:
    """The parts of an ELF relocatable file the loader needs."""

    def __init__(self, obj: bytes):
        if len(obj) < _EHDR.size or obj[:4] != b"\x7fELF":
            raise UnsupportedObject("not an ELF file")
        ident, etype, machine, _v, _e, _p, shoff, _f, _eh, _pe, _pn, shentsize, shnum, shstrndx = (
            _EHDR.unpack_from(obj)
        )
        if ident[4] != 2 or ident[5] != 1 or etype != 1 or machine != 62:
            raise UnsupportedObject("not a little-endian ELF64 x86-64 relocatable object")
        if shentsize != _SHDR.size or shoff + shnum * shentsize > len(obj):
            raise UnsupportedObject("bad section header table")
        headers = [_SHDR.unpack_from(obj, shoff + i * shentsize) for i in range(shnum)]
        for h in headers:
            if h[1] != _SHT_NOBITS and h[4] + h[5] > len(obj):
                raise UnsupportedObject("section extends past the end of the file")
        shstr = self._bytes(obj, headers, shstrndx)
        self.obj = obj
        self.headers = headers
        self.names = [_cstr(shstr, h[0]) for h in headers]
        self.sections: dict[int, _Section] = {}
        self.symtab: list[tuple[str, int, int, int, int]] = []  # name, info, shndx, value, size
        self.relas: list[tuple[int, bytes]] = []  # (target section index, entries)
        for i, (_n, stype, flags, _a, off, size, link, info, align, _es) in enumerate(headers):
            if stype in (_SHT_INIT_ARRAY, _SHT_FINI_ARRAY, _SHT_PREINIT_ARRAY, _SHT_REL):
                raise UnsupportedObject(f"section type {stype} not supported")
            if stype == 2:  # SHT_SYMTAB
                self._read_symbols(obj, headers, i, link)
            elif stype == _SHT_RELA:
                self.relas.append((info, obj[off : off + size]))
            elif flags & _SHF_ALLOC and stype != _SHT_X86_64_UNWIND:
                if flags & _SHF_TLS:
                    raise UnsupportedObject("thread-local storage not supported")
                name = self.names[i]
                if name.startswith((".init_array", ".fini_array", ".ctors", ".dtors")):
                    raise UnsupportedObject(f"section {name} not supported")
                kind = _CODE if flags & _SHF_EXECINSTR else _DATA if flags & _SHF_WRITE else _CONST
                if align & (align - 1):
                    raise UnsupportedObject("bad section alignment")
                sec = _Section(i, name, kind, off, size, align)
                sec.nobits = stype == _SHT_NOBITS
                self.sections[i] = sec

    @staticmethod
    def _bytes(obj: bytes, headers: list[tuple[int, ...]], index: int) -> bytes:
        if not 0 <= index < len(headers):
            raise UnsupportedObject("bad section index")
        h = headers[index]
        return obj[h[4] : h[4] + h[5]]

    def _read_symbols(self, obj: bytes, headers: list[tuple[int, ...]], i: int, link: int) -> None:
        if self.symtab:
            raise UnsupportedObject("more than one symbol table")
        data = self._bytes(obj, headers, i)
        strtab = self._bytes(obj, headers, link)
        for name, info, _other, shndx, value, size in _SYM.iter_unpack(
            data[: len(data) - len(data) % _SYM.size]
        ):
            self.symtab.append((_cstr(strtab, name) if name else "", info, shndx, value, size))


class _Image:
    """The mapping being built: section placement, symbol addresses, GOT and stubs."""

    def __init__(self, parsed: _Parsed):
        self.p = parsed
        self.relocs: list[tuple[_Section, int, int, int, int]] = []  # sec, off, type, sym, add
        got_syms: dict[int, int] = {}
        stub_syms: dict[int, int] = {}
        nsyms = len(parsed.symtab)
        for target, entries in parsed.relas:
            sec = parsed.sections.get(target)
            if sec is None:
                continue  # relocations of unwind tables or other unloaded sections
            if sec.nobits:
                raise UnsupportedObject("relocation in a bss section")
            for offset, info, addend in _RELA.iter_unpack(entries):
                rtype, sym = info & 0xFFFFFFFF, info >> 32
                if rtype not in _RELOCS:
                    raise UnsupportedObject(f"relocation type {rtype} not supported")
                if not 0 < sym < nsyms or offset + 8 > sec.size and rtype in (_R_64, _R_PC64):
                    raise UnsupportedObject("bad relocation")
                if offset + 4 > sec.size:
                    raise UnsupportedObject("relocation outside its section")
                if rtype in _GOT_RELOCS:
                    got_syms.setdefault(sym, len(got_syms))
                elif rtype == _R_PLT32 and parsed.symtab[sym][2] == _SHN_UNDEF:
                    stub_syms.setdefault(sym, len(stub_syms))
                self.relocs.append((sec, offset, rtype, sym, addend))
        self.got_syms, self.stub_syms = got_syms, stub_syms
        self._layout()

    def _layout(self) -> None:
        """Offsets (from the mapping's start) of sections, stubs, GOT and common symbols."""
        p = self.p
        region_start = [0, 0, 0]
        pos = 0
        self.commons: dict[int, int] = {}
        for kind in (_CODE, _CONST, _DATA):
            pos = _align(pos, _PAGE)
            region_start[kind] = pos
            for sec in p.sections.values():
                if sec.kind == kind:
                    pos = _align(pos, sec.align)
                    sec.address = pos
                    pos += sec.size
            if kind == _CODE:
                pos = _align(pos, 16)
                self.stubs_at = pos
                pos += _STUB * len(self.stub_syms)
            elif kind == _CONST:
                pos = _align(pos, 8)
                self.got_at = pos
                pos += 8 * len(self.got_syms)
            else:
                for i, (_n, _info, shndx, value, size) in enumerate(p.symtab):
                    if shndx == _SHN_COMMON:
                        pos = _align(pos, max(value, 1))
                        self.commons[i] = pos
                        pos += size
        self.region_start = region_start
        self.size = _align(max(pos, 1), _PAGE)

    def assign(self, base: int) -> None:
        """Fix the mapping's address: sections get theirs."""
        self.base = base
        for sec in self.p.sections.values():
            sec.address += base

    def definitions(self) -> dict[str, int]:
        """Addresses of the global symbols this object defines (other objects may use them)."""
        found: dict[str, int] = {}
        for name, info, shndx, value, _size in self.p.symtab:
            if name and info >> 4 != _STB_LOCAL and shndx != _SHN_UNDEF:
                sec = self.p.sections.get(shndx)
                if sec is not None:
                    found[name] = sec.address + value
        return found

    def place(self, host: Mapping[str, int]) -> bytearray:
        """The mapping's bytes, with every relocation applied; `host` resolves undefined
        symbols before the process's libraries do."""
        p, base = self.p, self.base
        self.host = host
        image = bytearray(self.size)
        for sec in p.sections.values():
            if not sec.nobits:
                start = sec.address - base
                image[start : start + sec.size] = p.obj[sec.offset : sec.offset + sec.size]
        addresses = [self._symbol_address(i, base) for i in range(len(p.symtab))]
        got = {sym: base + self.got_at + 8 * n for sym, n in self.got_syms.items()}
        for sym, n in self.got_syms.items():
            struct.pack_into("<Q", image, self.got_at + 8 * n, addresses[sym])
        stubs = {}
        for sym, n in self.stub_syms.items():
            at = self.stubs_at + _STUB * n
            image[at : at + 6] = b"\xff\x25\x00\x00\x00\x00"  # jmp *0(%rip)
            struct.pack_into("<Q", image, at + 6, addresses[sym])
            stubs[sym] = base + at
        for sec, offset, rtype, sym, addend in self.relocs:
            place = sec.address + offset
            at = place - base
            if rtype in _GOT_RELOCS:
                _put32s(image, at, got[sym] + addend - place)
            elif rtype == _R_PLT32:
                _put32s(image, at, stubs.get(sym, addresses[sym]) + addend - place)
            elif rtype == _R_PC32:
                _put32s(image, at, addresses[sym] + addend - place)
            elif rtype == _R_64:
                struct.pack_into("<Q", image, at, (addresses[sym] + addend) & (1 << 64) - 1)
            elif rtype == _R_PC64:
                struct.pack_into("<q", image, at, addresses[sym] + addend - place)
            elif rtype == _R_32S:
                _put32s(image, at, addresses[sym] + addend)
            else:  # _R_32
                value = addresses[sym] + addend
                if not 0 <= value < 1 << 32:
                    raise UnsupportedObject("32-bit relocation out of range")
                struct.pack_into("<I", image, at, value)
        return image

    def _symbol_address(self, i: int, base: int) -> int:
        name, info, shndx, value, _size = self.p.symtab[i]
        if info & 0xF == _STT_TLS:
            raise UnsupportedObject("thread-local symbol")
        if shndx == _SHN_UNDEF:
            if i == 0 or (i not in self.got_syms and i not in self.stub_syms and not name):
                return 0
            return self._external(name) if name else 0
        if shndx == _SHN_ABS:
            return value
        if shndx == _SHN_COMMON:
            return base + self.commons[i]
        if shndx >= _SHN_LORESERVE:
            raise UnsupportedObject(f"symbol section index {shndx:#x} not supported")
        sec = self.p.sections.get(shndx)
        if sec is None:
            return 0  # a symbol of an unloaded section (unwind tables): never relocated against
        return sec.address + value

    def _external(self, name: str) -> int:
        address = self.host.get(name)
        if address is None:
            address = _process_symbol(name)
        if not address:
            raise UnsupportedObject(f"undefined symbol {name}")
        return address

    def protect(self) -> None:
        base = self.base
        code, const, data = self.region_start
        for start, end, prot in (
            (code, const, mmap.PROT_READ | mmap.PROT_EXEC),
            (const, data, mmap.PROT_READ),
        ):
            if end > start and _mprotect(base + start, end - start, prot) != 0:
                raise OSError(ctypes.get_errno(), "mprotect failed")


def _put32s(image: bytearray, at: int, value: int) -> None:
    if not -(1 << 31) <= value < 1 << 31:
        raise UnsupportedObject("32-bit relocation out of range")
    struct.pack_into("<i", image, at, value)


_libs: list[Any] = []


def _process_symbol(name: str) -> int:
    """Address of a C library function (memcpy, fmod, ...) already in the process."""
    if not _libs:
        _libs.append(_libc)
        try:
            _libs.append(ctypes.CDLL("libm.so.6"))
        except OSError:
            pass
    for lib in _libs:
        try:
            return ctypes.cast(getattr(lib, name), ctypes.c_void_p).value or 0
        except AttributeError:
            continue
    return 0


def load_objects(
    objects: Sequence[bytes], exports: Iterable[str], host: Mapping[str, int]
) -> LoadedObject:
    """Place `objects` (which may use each other's global symbols) in fresh memory and
    relocate them; `host` names the symbols the process provides (others are looked up in
    libc/libm). Raises `UnsupportedObject`."""
    try:
        images = [_Image(_Parsed(obj)) for obj in objects]
    except (struct.error, IndexError, ValueError) as exc:
        raise UnsupportedObject(f"malformed object: {exc}") from None
    loaded = LoadedObject()  # unmaps everything on a failure below
    prot = mmap.PROT_READ | mmap.PROT_WRITE
    flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
    for image in images:
        mapping = mmap.mmap(-1, image.size, flags=flags, prot=prot)
        loaded._mappings.append(mapping)
        image.assign(address_of(mapping))
    defined: dict[str, int] = {}
    for image in images:
        defined.update(image.definitions())
    resolve = {**host, **defined}
    for image in images:
        data = image.place(resolve)
        ctypes.memmove(image.base, (ctypes.c_char * image.size).from_buffer(data), image.size)
        image.protect()
    for name in exports:
        if name not in defined:
            raise UnsupportedObject(f"symbol {name} not defined")
        loaded._symbols[name] = defined[name]
    return loaded


def enabled() -> bool:
    return os.environ.get("WASMLITE_OBJLOAD", "1") not in ("0", "off", "no")


def link(obj: bytes | list[bytes], exports: list[str]) -> Any:
    """Load object code with this loader, or through LLJIT when it cannot: a mapping from
    each exported name to its address that must be kept alive while the code may run."""
    from .runtime_state import host_symbols

    if enabled():
        try:
            objects = [obj] if isinstance(obj, bytes) else obj
            return load_objects(objects, exports, host_symbols())
        except (UnsupportedObject, OSError):  # OSError: a system refusing executable mappings
            pass
    from .jit import link_object

    return link_object(obj, exports)
