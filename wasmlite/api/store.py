"""`Store`: where instances live, with user data, fuel, a deadline and interruption."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import WasmError
from ..runtime.store import Store as RuntimeStore
from .engine import Engine

if TYPE_CHECKING:
    from ..wasi import WasiContext
    from .wasi import WasiConfig


class Store:
    """A store: `Store(engine=None, data=None)`.

    Instances, memories, tables, globals and host functions belong to one store; `data` is
    free for the embedder. Limits from the engine's `Config` apply to everything created
    here. `runtime` is the layer-below store (`wasmlite.runtime.store.Store`).
    """

    def __init__(self, engine: Engine | None = None, data: Any = None):
        self.engine = engine if engine is not None else Engine()
        config = self.engine.config
        self.runtime = RuntimeStore(
            self.engine.runtime,
            fuel=0 if config.consume_fuel else None,
            max_memory_pages=config.max_memory_pages,
            max_table_elements=config.max_table_elements,
        )
        if config.interruptible:
            self.runtime.enable_interrupts()
        self.data = data
        self.runtime.data = self
        self._wasi_config: WasiConfig | None = None
        self._wasi: WasiContext | None = None

    # -- fuel, deadline, interruption ------------------------------------------------------

    def set_fuel(self, fuel: int) -> None:
        """Give the store `fuel` units (about one per instruction executed).

        Needs `Config(consume_fuel=True)`: code compiled without fuel checks cannot stop.
        """
        if not self.engine.config.consume_fuel:
            raise WasmError("fuel is not enabled: create the engine with Config(consume_fuel=True)")
        if fuel < 0:
            raise ValueError("fuel must not be negative")
        self.runtime.set_fuel(fuel)

    def get_fuel(self) -> int:
        """The fuel left (raises WasmError when fuel is not enabled)."""
        if not self.engine.config.consume_fuel or self.runtime.fuel is None:
            raise WasmError("fuel is not enabled: create the engine with Config(consume_fuel=True)")
        return self.runtime.fuel

    def set_deadline(self, seconds: float | None) -> None:
        """Stop running code `seconds` from now with an `Interrupted` trap (None: no deadline).

        Code instantiated before the call only notices when the engine's Config has
        `interruptible=True`.
        """
        self.runtime.set_timeout(seconds)

    def interrupt(self) -> None:
        """Stop the code running in this store at its next poll point (thread-safe).

        Effective for code instantiated with `Config(interruptible=True)` or while a
        deadline or fuel is set; the running call raises `Interrupted`.
        """
        self.runtime.interrupt()

    # -- WASI ------------------------------------------------------------------------------

    def set_wasi(self, config: WasiConfig) -> None:
        """Use `config` for the WASI imports of modules instantiated in this store."""
        if self._wasi is not None:
            raise WasmError("this store's WASI context already exists; set_wasi must come first")
        self._wasi_config = config

    def wasi_context(self, default: WasiConfig | None = None) -> WasiContext:
        """This store's WASI context, created on first use from `set_wasi`'s config or
        `default` (a default WasiConfig when neither is given)."""
        if self._wasi is None:
            from .wasi import WasiConfig

            config = self._wasi_config or default or WasiConfig()
            self._wasi_config = config
            self._wasi = config.make_context()
        return self._wasi

    def wasi_stdout(self) -> bytes:
        """What the guest wrote to stdout, when its WasiConfig asked for `stdout_capture()`."""
        return self._captured("stdout")

    def wasi_stderr(self) -> bytes:
        """What the guest wrote to stderr, when its WasiConfig asked for `stderr_capture()`."""
        return self._captured("stderr")

    def _captured(self, stream: str) -> bytes:
        if self._wasi is None or self._wasi_config is None:
            return b""
        return self._wasi_config.captured(self._wasi, stream)

    def close(self) -> None:
        """Close the host files the guest's WASI context still holds (captures stay readable)."""
        if self._wasi is not None:
            self._wasi.close()

    def __repr__(self) -> str:
        return f"<wasmlite.Store engine={self.engine.name}>"
