"""Trap codes: native code stores one of these in the runtime state before unwinding."""

from __future__ import annotations

from ...errors import Exhaustion, Interrupted, Trap

UNREACHABLE = 1
DIV_ZERO = 2
INT_OVERFLOW = 3
INVALID_CONVERSION = 4
MEMORY_OOB = 5
TABLE_OOB = 6
UNDEFINED_ELEMENT = 7
UNINITIALIZED_ELEMENT = 8
INDIRECT_TYPE_MISMATCH = 9
STACK_EXHAUSTED = 10
HOST_EXCEPTION = 11  # a Python exception is stashed in `runtime_state`; re-raise it

MESSAGES = {
    UNREACHABLE: "unreachable",
    DIV_ZERO: "integer divide by zero",
    INT_OVERFLOW: "integer overflow",
    INVALID_CONVERSION: "invalid conversion to integer",
    MEMORY_OOB: "out of bounds memory access",
    TABLE_OOB: "out of bounds table access",
    UNDEFINED_ELEMENT: "undefined element",
    UNINITIALIZED_ELEMENT: "uninitialized element",
    INDIRECT_TYPE_MISMATCH: "indirect call type mismatch",
}


def trap_for(code: int) -> Trap:
    """The exception a trap code stands for (not for HOST_EXCEPTION)."""
    if code == STACK_EXHAUSTED:
        return Exhaustion("call stack exhausted")
    if code == UNINITIALIZED_ELEMENT:
        from .runtime_state import rt

        return Trap(f"uninitialized element {rt[3]}")
    message = MESSAGES.get(code)
    if message is None:
        return Interrupted(f"unknown trap code {code}")
    return Trap(message)
