"""Base classes for small record types that behave as dataclasses would, defined cheaply.

Every process that runs a module imports the model, the errors, the WASI interface and the
embedding API. Declaring their records with `@dataclass` cost each such process about 10 ms
(the decorator generates and compiles every `__init__`, `__eq__` and `__repr__` at import),
a fifth of a warm `wasmlite run`; these bases give the same behaviour for nothing at import.

A record class lists its fields in `_fields` (declaration order: construction, == and repr)
with defaults for the last ones in `_defaults`; fields in `_not_compared` take no part in ==
(and hash), those in `_not_shown` none in repr (dataclasses' `field(compare=False)`,
`field(repr=False)`). Mutable records write their own
`__init__` (usually faster than a generic one, and they are made in bulk by the decoder).
"""

from __future__ import annotations

from typing import Any


class Record:
    """Equal to a record of the same class whose fields compare equal; repr like a
    dataclass; mutable, hence unhashable (as a dataclass with eq)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _not_compared: frozenset[str] = frozenset()
    _not_shown: frozenset[str] = frozenset()

    def _compared(self) -> tuple[Any, ...]:
        skip = self._not_compared
        return tuple(getattr(self, f) for f in self._fields if f not in skip)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self is other or self._compared() == other._compared()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        skip = self._not_shown
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields if f not in skip)
        return f"{type(self).__name__}({shown})"


class FrozenRecord(Record):
    """An immutable record: built from its fields (positional or keyword, `_defaults` for
    the last ones), hashable (the hash is computed once), assigning to a field is an error.
    Subclasses declare `__slots__ = _fields = (...)`."""

    __slots__ = ("_hash",)
    _defaults: tuple[Any, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any):
        fields = self._fields
        if kwargs or len(args) != len(fields):
            args = self._complete(args, kwargs)
        for name, value in zip(fields, args):
            object.__setattr__(self, name, value)
        compared = self._compared() if self._not_compared else args
        object.__setattr__(self, "_hash", hash((type(self).__name__, *compared)))

    def _complete(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        """`args` + `kwargs` + defaults as one value per field, in order."""
        fields, defaults = self._fields, self._defaults
        name = type(self).__name__
        if len(args) > len(fields):
            raise TypeError(f"{name}() takes {len(fields)} arguments ({len(args)} given)")
        values = list(args)
        first_default = len(fields) - len(defaults)
        for i in range(len(args), len(fields)):
            field = fields[i]
            if field in kwargs:
                values.append(kwargs.pop(field))
            elif i >= first_default:
                values.append(defaults[i - first_default])
            else:
                raise TypeError(f"{name}() missing argument {field!r}")
        for field in kwargs:
            raise TypeError(f"{name}() got an unexpected argument {field!r}")
        return tuple(values)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self is other or (
            self._hash == other._hash and self._compared() == other._compared()  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return self._hash

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a {type(self).__name__}")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), self._values()  # unpickling must not go through __setattr__
