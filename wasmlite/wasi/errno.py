"""WASI errno values (from the witx) and the one host-errno -> WASI-errno table."""

from __future__ import annotations

import errno as host_errno

from .witx import load_spec

_ERRNO = load_spec().enum("errno")

# WASI errno name -> value, e.g. ERRNO["badf"] == 8.
ERRNO: dict[str, int] = {name: i for i, name in enumerate(_ERRNO.cases)}
ERRNO_NAMES: tuple[str, ...] = _ERRNO.cases

SUCCESS = ERRNO["success"]


def _host_table() -> dict[int, int]:
    # WASI's names are POSIX's without the leading E, so the table is derived, not typed in.
    table: dict[int, int] = {}
    for name, value in ERRNO.items():
        code = getattr(host_errno, "E" + name.upper(), None)
        if code is not None:
            table[code] = value
    # Host codes with no WASI name of their own.
    table[host_errno.EOPNOTSUPP] = ERRNO["notsup"]
    table[host_errno.EWOULDBLOCK] = ERRNO["again"]
    return table


HOST_TO_WASI: dict[int, int] = _host_table()


class WasiError(Exception):
    """A WASI call failed with `errno` (a WASI errno value); the call returns it to the guest."""

    def __init__(self, errno: int | str):
        value = ERRNO[errno] if isinstance(errno, str) else errno
        super().__init__(ERRNO_NAMES[value])
        self.errno = value


def from_oserror(exc: OSError) -> int:
    """The WASI errno for a host OSError (EIO when the host code has no WASI equivalent)."""
    if exc.errno is None:
        return ERRNO["io"]
    return HOST_TO_WASI.get(exc.errno, ERRNO["io"])


def errno_name(value: int) -> str:
    return ERRNO_NAMES[value] if 0 <= value < len(ERRNO_NAMES) else str(value)
