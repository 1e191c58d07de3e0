"""The store: the unit of isolation that instances, limits and interruption live in.

Engines poll the store at function entries and loop headers, but only when the store has
something to poll for (`store.polling`): code compiled for a store without limits pays
nothing. The protocol an engine follows:

* at instantiation, read `store.polling`; if false, emit no checks at all;
* otherwise call `store.tick(cost)` (or decrement `store.countdown` and call
  `store.tick(0)` when it goes negative) at each poll point; `tick` raises
  `Interrupted` when fuel runs out, the deadline passes or `interrupt()` was called.
"""

from __future__ import annotations

import time
from typing import Any

from ..errors import Interrupted

# How many poll points pass between two looks at the clock (the deadline check is the
# costly one; fuel and the interrupt flag are checked on every tick).
CLOCK_EVERY = 4096


class Store:
    """Holds the engine, resource limits, and the fuel / deadline / interrupt state.

    `max_memory_pages` caps every memory created in this store (memory.grow fails above
    it); `max_table_elements` does the same for tables.
    """

    def __init__(
        self,
        engine: Any = None,
        *,
        fuel: int | None = None,
        timeout: float | None = None,
        max_memory_pages: int | None = None,
        max_table_elements: int | None = None,
    ):
        if isinstance(engine, str):
            from ..engines import get_engine

            engine = get_engine(engine)
        self.engine = engine
        self.fuel = fuel
        self.deadline = time.monotonic() + timeout if timeout is not None else None
        self.max_memory_pages = max_memory_pages
        self.max_table_elements = max_table_elements
        self.interrupted = False
        self._clock = CLOCK_EVERY
        self.instances: list[Any] = []
        self.data: Any = None  # free for the embedder

    @property
    def polling(self) -> bool:
        """True when compiled code must poll (`tick`) at function entries and loop headers."""
        return self.fuel is not None or self.deadline is not None or self._may_interrupt

    _may_interrupt = False

    def enable_interrupts(self) -> None:
        """Make code instantiated from now on poll, so that `interrupt()` can stop it."""
        self._may_interrupt = True

    def set_fuel(self, fuel: int | None) -> None:
        self.fuel = fuel

    def set_timeout(self, seconds: float | None) -> None:
        self.deadline = time.monotonic() + seconds if seconds is not None else None

    def interrupt(self) -> None:
        """Ask running code to stop at its next poll point (safe from another thread)."""
        self.interrupted = True

    def tick(self, cost: int = 1) -> None:
        """Charge `cost` fuel units and check every limit; raise `Interrupted` when one is hit."""
        if self.interrupted:
            self.interrupted = False
            raise Interrupted("interrupted")
        if self.fuel is not None:
            self.fuel -= cost
            if self.fuel < 0:
                self.fuel = 0
                raise Interrupted("all fuel consumed")
        if self.deadline is not None:
            self._clock -= 1
            if self._clock <= 0:
                self._clock = CLOCK_EVERY
                if time.monotonic() >= self.deadline:
                    raise Interrupted("deadline exceeded (timeout)")
