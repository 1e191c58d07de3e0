"""`Config` and `Engine`: how modules are compiled and what every store made from them allows."""

from __future__ import annotations

import os
from typing import Any

from ..errors import WasmError
from ..records import Record
from ..runtime.memory import PAGE_SIZE


class Config(Record):
    """Settings shared by an `Engine` and every `Store` made from it.

    engine            "llvm" (native code), "python" (pure Python) or None: the default,
                      $WASMLITE_ENGINE if set, else llvm when it is available, else python
    cache             reuse compiled code across processes when the engine can (llvm)
    consume_fuel      stores start with 0 fuel and code stops when it runs out
                      (`Store.set_fuel`); without it, `set_fuel` is an error
    interruptible     compiled code polls for `Store.interrupt()` and deadlines set after
                      instantiation (costs some speed; a deadline set *before* instantiating
                      works without it)
    max_memory_size   cap in bytes on every linear memory (memory.grow fails above it)
    max_table_elements cap on every table's size (table.grow fails above it)
    """

    _fields = (
        *("engine", "cache", "consume_fuel", "interruptible"),
        *("max_memory_size", "max_table_elements"),
    )

    def __init__(
        self,
        engine: str | None = None,
        cache: bool = True,
        consume_fuel: bool = False,
        interruptible: bool = False,
        max_memory_size: int | None = None,
        max_table_elements: int | None = None,
    ):
        self.engine = engine
        self.cache = cache
        self.consume_fuel = consume_fuel
        self.interruptible = interruptible
        self.max_memory_size = max_memory_size
        self.max_table_elements = max_table_elements

    @property
    def max_memory_pages(self) -> int | None:
        """`max_memory_size` in 64 KiB pages (rounded down)."""
        return None if self.max_memory_size is None else self.max_memory_size // PAGE_SIZE


class Engine:
    """A configured compiler: `Engine()`, `Engine(Config(engine="python"))`.

    `name` is the engine in use ("llvm" or "python"); `runtime` is wasmlite's engine object
    (the `wasmlite.engines.base.Engine` interface) for code that needs the layer below.
    """

    def __init__(self, config: Config | None = None):
        from ..engines import default_engine_name, get_engine

        self.config = config if config is not None else Config()
        name = self.config.engine or os.environ.get("WASMLITE_ENGINE") or default_engine_name()
        try:
            self.runtime: Any = get_engine(name)
        except ImportError as e:
            raise WasmError(f"engine {name!r} is not available: {e}") from None
        self.name: str = name

    def __repr__(self) -> str:
        return f"<wasmlite.Engine {self.name}>"
