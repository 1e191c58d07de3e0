"""args, environ, clocks, randomness, process control and poll_oneoff."""

from __future__ import annotations

import os
import select
import time
from collections.abc import Callable

from ..errors import ExitTrap, WasmError
from . import codec
from . import rights as R
from .calls_base import CallsBase, enum_value, host_fd
from .errno import WasiError
from .fdtable import FT_DIR, FT_FILE, FdEntry
from .witx import Ref, load_spec

_CLOCKS: dict[str, tuple[Callable[[], int], int]] = {
    "realtime": (time.time_ns, time.CLOCK_REALTIME),
    "monotonic": (time.monotonic_ns, time.CLOCK_MONOTONIC),
    "process_cputime_id": (time.process_time_ns, time.CLOCK_PROCESS_CPUTIME_ID),
    "thread_cputime_id": (time.thread_time_ns, time.CLOCK_THREAD_CPUTIME_ID),
}
_EVENTTYPE = load_spec().enum("eventtype")
_EV_CLOCK, _EV_READ, _EV_WRITE = (_EVENTTYPE.value(n) for n in ("clock", "fd_read", "fd_write"))
_ABSTIME = load_spec().flags("subclockflags").bit("subscription_clock_abstime")
_SUBSCRIPTION = Ref("subscription")
_EVENT = Ref("event")


class MiscCalls(CallsBase):
    args: list[bytes]
    environ: list[bytes]

    # -- args and environment -----------------------------------------------------------------

    def args_sizes_get(self) -> tuple[int, int]:
        return len(self.args), sum(map(len, self.args))

    def args_get(self, argv: int, argv_buf: int) -> None:
        self._write_strings(self.args, argv, argv_buf)

    def environ_sizes_get(self) -> tuple[int, int]:
        return len(self.environ), sum(map(len, self.environ))

    def environ_get(self, environ: int, environ_buf: int) -> None:
        self._write_strings(self.environ, environ, environ_buf)

    def _write_strings(self, items: list[bytes], ptrs: int, buf: int) -> None:
        mem = self.memory
        mem.check(ptrs, 4 * len(items))
        mem.check(buf, sum(map(len, items)))
        for i, item in enumerate(items):
            mem.write_u32(ptrs + 4 * i, buf)
            mem.write(buf, item)
            buf += len(item)

    # -- clocks -------------------------------------------------------------------------------

    def clock_res_get(self, id: int) -> int:
        _, host = _CLOCKS[enum_value(self.spec, "clockid", id)]
        return max(1, round(time.clock_getres(host) * 1e9))

    def clock_time_get(self, id: int, precision: int) -> int:
        now, _ = _CLOCKS[enum_value(self.spec, "clockid", id)]
        return now()

    # -- randomness, scheduling, process ------------------------------------------------------

    def random_get(self, buf: int, buf_len: int) -> None:
        self.memory.check(buf, buf_len)
        self.memory.write(buf, os.urandom(buf_len))

    def sched_yield(self) -> None:
        os.sched_yield()

    def proc_exit(self, rval: int) -> None:
        if rval >= 126:
            # As wasmtime: statuses from 126 up mean "could not run" / "killed by a signal" to
            # a shell, so a guest may not claim them; the run fails instead.
            raise WasmError("exit with invalid exit status outside of [0..126)")
        raise ExitTrap(rval)

    def proc_raise(self, sig: int) -> None:
        enum_value(self.spec, "signal", sig)
        raise WasiError("notsup")  # as wasmtime: signals are not part of the sandbox

    # -- poll_oneoff --------------------------------------------------------------------------

    def poll_oneoff(self, in_: int, out: int, nsubscriptions: int) -> int:
        if nsubscriptions == 0:
            raise WasiError("inval")
        spec, mem = self.spec, self.memory
        sub_size = spec.size_align(_SUBSCRIPTION)[0]
        ev_size = spec.size_align(_EVENT)[0]
        mem.check(in_, sub_size * nsubscriptions)
        mem.check(out, ev_size * nsubscriptions)
        subs = [
            codec.load(spec, mem, _SUBSCRIPTION, in_ + i * sub_size) for i in range(nsubscriptions)
        ]
        events = self._poll(subs)
        for i, ev in enumerate(events):
            codec.store(spec, mem, _EVENT, out + i * ev_size, ev)
        return len(events)

    def _poll(self, subs: list[tuple]) -> list[tuple]:
        ready: list[tuple] = []  # (userdata, errno, type, (nbytes, flags))
        waits: list[tuple[int, int]] = []  # (userdata, delay in ns)
        readers: dict[int, list[int]] = {}
        writers: dict[int, list[int]] = {}
        for userdata, (tag, payload) in subs:
            if tag == _EV_CLOCK:
                clock_id, timeout, _precision, flags = payload
                try:
                    now, _ = _CLOCKS[enum_value(self.spec, "clockid", clock_id)]
                except WasiError as exc:
                    ready.append((userdata, exc.errno, tag, (0, 0)))
                    continue
                delay = timeout - now() if flags & _ABSTIME else timeout
                waits.append((userdata, max(0, delay)))
                continue
            (fd,) = payload
            try:
                entry = self._poll_entry(fd, tag)
            except WasiError as exc:
                ready.append((userdata, exc.errno, tag, (0, 0)))
                continue
            if entry.stream is not None or entry.filetype in (FT_FILE, FT_DIR):
                ready.append((userdata, 0, tag, (_available(entry, tag), 0)))
            else:
                (readers if tag == _EV_READ else writers).setdefault(host_fd(entry), []).append(
                    userdata
                )
        if ready:
            timeout: float | None = 0.0
        elif waits:
            timeout = min(d for _, d in waits) / 1e9
        else:
            timeout = None
        start = time.monotonic_ns()
        if readers or writers:
            r, w, _ = select.select(list(readers), list(writers), [], timeout)
            for host in r:
                ready += [(u, 0, _EV_READ, (0, 0)) for u in readers[host]]
            for host in w:
                ready += [(u, 0, _EV_WRITE, (0, 0)) for u in writers[host]]
        elif timeout:
            time.sleep(timeout)
        elapsed = time.monotonic_ns() - start
        fired = [u for u, d in waits if d <= elapsed]
        if not ready and not fired and waits:
            # Woken by the timeout a hair before the clock's own reading: the earliest fired.
            fired = [min(waits, key=lambda w: w[1])[0]]
        return ready + [(u, 0, _EV_CLOCK, (0, 0)) for u in fired]

    def _poll_entry(self, fd: int, tag: int) -> FdEntry:
        entry = self.entry(fd)
        needed = R.right("fd_read") if tag == _EV_READ else R.right("fd_write")
        if not entry.rights_base & needed:
            raise WasiError("badf")
        entry.require(R.right("poll_fd_readwrite"))
        return entry


def _available(entry: FdEntry, tag: int) -> int:
    """Bytes readable from a regular file's current position (0 for anything else)."""
    if tag != _EV_READ or entry.host_fd is None or entry.filetype != FT_FILE:
        return 0
    try:
        st = os.fstat(entry.host_fd)
        return max(0, st.st_size - os.lseek(entry.host_fd, 0, os.SEEK_CUR))
    except OSError:
        return 0
