"""Every public name of the API has a docstring and appears in docs/api.md."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import wasmlite
import wasmlite.api
import wasmlite.loader

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()

# Names that are the module model's or errors' own (documented there) or plain aliases.
ALIASES = {"I32", "I64", "F32", "F64", "V128", "FuncRef", "ExternRef"}


def public_members(obj: object) -> list[tuple[str, object]]:
    return [
        (n, m)
        for n, m in vars(obj).items()
        if not n.startswith("_") and (inspect.isfunction(m) or isinstance(m, property))
    ]


@pytest.mark.parametrize("name", sorted(wasmlite.api.__all__))
def test_documented_in_api_md(name: str) -> None:
    assert f"`{name}" in DOC or f"{name}(" in DOC or f" {name}" in DOC


@pytest.mark.parametrize("name", sorted(set(wasmlite.api.__all__) - ALIASES))
def test_has_docstring(name: str) -> None:
    obj = getattr(wasmlite.api, name)
    assert inspect.getdoc(obj), name


API_CLASSES = ["Config", "Engine", "Store", "Module", "Linker", "Instance", "InstanceExports",
               "Func", "Memory", "Table", "Global", "WasiConfig"]  # fmt: skip


@pytest.mark.parametrize("cls", API_CLASSES)
def test_methods_documented(cls: str) -> None:
    klass = getattr(wasmlite.api, cls)
    missing = [n for n, m in public_members(klass) if not inspect.getdoc(m)]
    assert not missing, f"{cls}: no docstring on {missing}"
    undocumented = [n for n, _ in public_members(klass) if n not in DOC]
    assert not undocumented, f"{cls}: not in docs/api.md: {undocumented}"


def test_loader_documented() -> None:
    for name in ("install", "shared_store", "WasmFinder", "WasmLoader"):
        assert inspect.getdoc(getattr(wasmlite.loader, name))
        assert name in DOC


def test_top_level_reexports() -> None:
    for name in wasmlite.api.__all__:
        assert getattr(wasmlite, name) is getattr(wasmlite.api, name)
