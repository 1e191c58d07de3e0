"""The fuzz targets: what must hold for any input.

Each target runs the front end on one input and raises `ContractViolation` when it breaks
the contract: only `WasmError`s for bad input, and round trips that give back equal modules.
`WasmError`s themselves are the expected outcome for bad input and are swallowed.
"""

from __future__ import annotations

from wasmlite.binary import decode_module, encode_module
from wasmlite.errors import WasmError
from wasmlite.model import Module
from wasmlite.text import parse_module, print_module
from wasmlite.validate import validate_module


class ContractViolation(AssertionError):
    """The front end misbehaved; `__cause__` holds the stray exception, if any."""


def _guard(stage: str, fn, *args):  # type: ignore[no-untyped-def]
    """Run one stage: WasmError passes through, anything else is a violation."""
    try:
        return fn(*args)
    except WasmError:
        raise
    except Exception as e:  # noqa: BLE001 - the point is to catch everything else
        raise ContractViolation(f"{stage}: {type(e).__name__}: {e}"[:500]) from e


def check_binary(data: bytes, roundtrip: bool = True) -> Module | None:
    """decode (+ validate, + encode/decode round trip) must only raise WasmError."""
    try:
        module = _guard("decode", decode_module, data)
    except WasmError:
        return None
    if roundtrip:
        again = _guard("re-decode", decode_module, _guard("encode", encode_module, module))
        if again != module:
            raise ContractViolation("decode(encode(m)) != m")
    try:
        _guard("validate", validate_module, module)
    except WasmError:
        pass
    return module


def check_text(src: str, roundtrip: bool = True) -> Module | None:
    """parse (+ validate, + print/parse and encode/decode round trips) only raise WasmError."""
    try:
        module = _guard("parse", parse_module, src)
    except WasmError:
        return None
    if roundtrip:
        printed = _guard("print", print_module, module)
        try:
            again = _guard("re-parse", parse_module, printed)
        except WasmError as e:
            raise ContractViolation(f"printed module does not parse: {e}") from e
        if again != module:
            raise ContractViolation("parse(print(m)) != m")
    try:
        _guard("validate", validate_module, module)
    except WasmError:
        return module
    if roundtrip:  # only valid modules: an invalid index need not be encodable
        _check_encodable(module)
    return module


def _check_encodable(module: Module) -> None:
    """A parsed module encodes to a binary that decodes back to it (names aside)."""
    data = _guard("encode", encode_module, module)
    try:
        again = _guard("decode encoded text", decode_module, data)
    except WasmError as e:
        raise ContractViolation(f"encoded text module does not decode: {e}") from e
    again.customs = [c for c in again.customs if c.name != "name"]
    if again != module:
        raise ContractViolation("decode(encode(parse(text))) != parse(text)")


def check_printed_binary(data: bytes) -> Module | None:
    """A valid decoded module prints as text that parses back to it.

    Custom sections and the data count section have no text form, so they are left out
    of the comparison.
    """
    module = check_binary(data, roundtrip=False)
    if module is None:
        return None
    try:
        validate_module(module)
    except WasmError:
        return None
    printed = _guard("print", print_module, module)
    try:
        again = _guard("re-parse", parse_module, printed)
    except WasmError as e:
        raise ContractViolation(f"printed module does not parse: {e}") from e
    again.customs, again.data_count = module.customs, module.data_count
    if again != module:
        raise ContractViolation("parse(print(decode(b))) != decode(b)")
    return module
