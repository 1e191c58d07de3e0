"""Python functions that examples/loader/mathlib.wat imports."""


def scale(x: int) -> int:
    return x * 10
