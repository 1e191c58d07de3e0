"""wasmlite: a WebAssembly + WASI runtime in Python."""

__version__ = "0.1.0"
