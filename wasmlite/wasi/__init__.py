"""WASI preview1 (`wasi_snapshot_preview1`), witx-driven and sandboxed by preopened directories.

ctx = WasiContext(WasiConfig(argv=["prog"], preopens=[("/tmp/data", "/data", True)]))
imports = {("wasi_snapshot_preview1", name): f for name, f in ctx.imports().items()}
... instantiate the module with these imports ...
ctx.bind(instance_memory)   # the module's exported "memory"
"""

from .config import Preopen, WasiConfig
from .context import MODULE, WasiContext
from .errno import ERRNO, WasiError

__all__ = ["ERRNO", "MODULE", "Preopen", "WasiConfig", "WasiContext", "WasiError"]
