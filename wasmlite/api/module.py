"""`Module`: a validated, compiled module, ready to instantiate in any store of its engine."""

from __future__ import annotations

import os
from typing import Any

from .. import __version__
from .. import model as m
from ..errors import WasmError
from ..frontend import load_module
from . import serialize as cwasm
from .engine import Engine
from .engine_code import code_of, code_target, compile_module, from_code
from .types import ExportType, ImportType, export_types, import_types


class Module:
    """`Module(engine, wasm)`: decode (or parse WAT text), validate and compile.

    `wasm` is a binary module (bytes), WAT text (str or bytes), or a precompiled module
    from `serialize()`. Raises DecodeError / ParseError / ValidationError for bad input.
    """

    def __init__(self, engine: Engine, wasm: bytes | bytearray | str):
        if isinstance(wasm, (bytes, bytearray, memoryview)) and cwasm.is_precompiled(bytes(wasm)):
            self._init_precompiled(engine, cwasm.unpack(bytes(wasm)))
            return
        self._init_model(engine, load_module(wasm), wasm if _is_binary(wasm) else None)

    def _init_model(self, engine: Engine, model: m.Module, binary: Any) -> None:
        self.engine = engine
        self._model = model
        self._binary: bytes | None = bytes(binary) if binary is not None else None
        self._compiled: Any = compile_module(engine.runtime, model, engine.config.cache)

    def _init_precompiled(self, engine: Engine, p: cwasm.Precompiled) -> None:
        from ..binary import decode_module

        # The container came from serialize(), which only ever holds validated modules.
        model = decode_module(p.wasm)
        self.engine = engine
        self._model = model
        self._binary = p.wasm
        runtime = engine.runtime
        usable = (
            p.engine == engine.name
            and p.version == __version__
            and p.code
            and p.target == code_target(runtime)
        )
        if usable:
            self._compiled = from_code(runtime, model, p.code)
        else:
            self._compiled = compile_module(runtime, model, engine.config.cache)

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def from_file(cls, engine: Engine, path: str | os.PathLike[str]) -> Module:
        """Load a .wasm, .wat or precompiled .cwasm file (recognized by content)."""
        with open(path, "rb") as f:
            data = f.read()
        module = cls(engine, data)
        if module._model.names is None or module._model.names.module is None:
            module._default_name = os.path.splitext(os.path.basename(os.fspath(path)))[0]
        return module

    @classmethod
    def from_model(cls, engine: Engine, model: m.Module) -> Module:
        """Compile an already validated `wasmlite.model.Module`."""
        self = cls.__new__(cls)
        self._init_model(engine, model, None)
        return self

    @staticmethod
    def validate(engine: Engine, wasm: bytes | str) -> None:
        """Raise DecodeError/ParseError/ValidationError if `wasm` is not a valid module."""
        load_module(wasm)

    @classmethod
    def deserialize(cls, engine: Engine, data: bytes) -> Module:
        """A module from `serialize()`'s output (compiled again if made by another engine)."""
        self = cls.__new__(cls)
        self._init_precompiled(engine, cwasm.unpack(bytes(data)))
        return self

    @classmethod
    def deserialize_file(cls, engine: Engine, path: str | os.PathLike[str]) -> Module:
        """`deserialize` the contents of the file at `path`."""
        with open(path, "rb") as f:
            return cls.deserialize(engine, f.read())

    # -- what it is --------------------------------------------------------------------------

    _default_name: str | None = None

    @property
    def name(self) -> str | None:
        """The module's name from its name section (or file name), if any."""
        names = self._model.names
        return names.module if names is not None and names.module else self._default_name

    @property
    def imports(self) -> list[ImportType]:
        """What the module imports: module, name and type of each, in order."""
        return import_types(self._model)

    @property
    def exports(self) -> list[ExportType]:
        """What the module exports: name and type of each, in order."""
        return export_types(self._model)

    @property
    def model(self) -> m.Module:
        """The validated module model (`wasmlite.model.Module`)."""
        return self._model

    def serialize(self) -> bytes:
        """This module, precompiled: for the llvm engine its native code, for the python
        engine the wasm binary alone. Load with `Module.deserialize(engine, data)`."""
        from ..binary import encode_module

        binary = self._binary if self._binary is not None else encode_module(self._model)
        runtime = self.engine.runtime
        code = code_of(runtime, self._compiled)
        return cwasm.pack(
            cwasm.Precompiled(self.engine.name, __version__, binary, code, code_target(runtime))
        )

    def __repr__(self) -> str:
        return f"<wasmlite.Module {self.name or '?'} engine={self.engine.name}>"


def _is_binary(wasm: Any) -> bool:
    return isinstance(wasm, (bytes, bytearray, memoryview)) and bytes(wasm[:4]) == b"\0asm"


def check_engine(module: Module, engine: Engine) -> None:
    """Modules only run in stores of the engine kind they were compiled for."""
    if module.engine.name != engine.name:
        raise WasmError(
            f"module compiled for the {module.engine.name} engine used in a {engine.name} store"
        )
