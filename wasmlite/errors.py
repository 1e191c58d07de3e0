"""The exceptions wasmlite raises.

Three failure classes are kept apart, as in the reference interpreter:

* the *module's* fault before it runs: `DecodeError` (malformed binary), `ParseError`
  (malformed text), `ValidationError` (invalid module), `LinkError` (unlinkable imports);
* the *program's* fault while it runs: `Trap` (spec trap message), with `Exhaustion` for
  call-stack exhaustion and `ExitTrap` for a WASI `proc_exit`;
* anything else is an internal bug and surfaces as an ordinary Python exception.

Every message contains the spec testsuite's wording (e.g. "unexpected end", "type mismatch")
so that `assert_malformed`/`assert_invalid` can match on it.
"""

from __future__ import annotations

from .records import FrozenRecord


class WasmError(Exception):
    """Base of every error wasmlite raises on purpose."""


class ModuleError(WasmError):
    """A module that cannot be used: malformed, invalid or unlinkable.

    `offset` is a byte offset into the binary, `line` a line in the text source, when known.
    """

    def __init__(self, message: str, offset: int | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.line = line

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.offset is not None:
            where.append(f"offset 0x{self.offset:x}")
        return f"{self.message} ({', '.join(where)})" if where else self.message


class DecodeError(ModuleError):
    """Malformed binary module (`assert_malformed` on binary input)."""


class ParseError(ModuleError):
    """Malformed text (`assert_malformed` on quoted text)."""


class ValidationError(ModuleError):
    """Well-formed but invalid module (`assert_invalid`)."""


class LinkError(ModuleError):
    """Imports that do not match what the module needs (`assert_unlinkable`)."""


class Frame(FrozenRecord):
    """One wasm frame of a trap backtrace."""

    __slots__ = _fields = ("module", "func_index", "func_name", "offset")
    _defaults = (None,)
    module: str | None
    func_index: int
    func_name: str | None
    offset: int | None  # byte offset of the instruction in the module, when known

    def __str__(self) -> str:
        name = (
            self.func_name if self.func_name is not None else f"<wasm function {self.func_index}>"
        )
        where = f"0x{self.offset:x}" if self.offset is not None else "?"
        mod = f"{self.module}!" if self.module else ""
        return f"{where} - {mod}{name}"


class Trap(WasmError):
    """A WebAssembly trap. `message` is the spec's wording, e.g. "integer divide by zero"."""

    def __init__(self, message: str, frames: list[Frame] | None = None):
        super().__init__(message)
        self.message = message
        self.frames: list[Frame] = frames or []

    def backtrace(self) -> str:
        return "\n".join(f"  {i}: {f}" for i, f in enumerate(self.frames))

    @property
    def trap_code(self) -> str | None:
        """wasmtime's name for the kind of trap (e.g. "unreachable"), or None when unknown."""
        if isinstance(self, Exhaustion):
            return "stack_overflow"
        for prefix, code in TRAP_CODES:
            if self.message.startswith(prefix):
                return code
        return None

    def __str__(self) -> str:
        if not self.frames:
            return self.message
        return f"{self.message}\nwasm backtrace:\n{self.backtrace()}"


class Exhaustion(Trap):
    """Call stack exhausted (`assert_exhaustion`)."""

    def __init__(self, message: str = "call stack exhausted", frames: list[Frame] | None = None):
        super().__init__(message, frames)


class Interrupted(Trap):
    """Execution stopped by fuel exhaustion, a deadline or an interrupt request."""


# Spec trap message prefix -> trap code, as wasmtime's TrapCode names them (lower case).
TRAP_CODES: tuple[tuple[str, str], ...] = (
    ("unreachable", "unreachable"),
    ("out of bounds memory access", "memory_out_of_bounds"),
    ("out of bounds table access", "table_out_of_bounds"),
    ("undefined element", "table_out_of_bounds"),
    ("uninitialized element", "indirect_call_to_null"),
    ("indirect call type mismatch", "bad_signature"),
    ("integer overflow", "integer_overflow"),
    ("integer divide by zero", "integer_division_by_zero"),
    ("invalid conversion to integer", "bad_conversion_to_integer"),
    ("call stack exhausted", "stack_overflow"),
    ("all fuel consumed", "out_of_fuel"),
    ("deadline exceeded", "interrupt"),
    ("interrupted", "interrupt"),
)


class ExitTrap(WasmError):
    """Raised by WASI `proc_exit`: not a failure, the guest asked to exit with `code`."""

    def __init__(self, code: int):
        super().__init__(f"exit with status {code}")
        self.code = code
