"""Engines the API tests run on: python always, llvm when it can be imported."""

from __future__ import annotations

import pytest


def llvm_unavailable_reason() -> str | None:
    """Why the llvm engine cannot be used here, or None when it can."""
    try:
        from wasmlite.engines import get_engine

        get_engine("llvm")
    except Exception as e:  # ImportError, or the engine package not written yet
        return f"llvm engine not importable: {type(e).__name__}: {e}"
    return None


ENGINE_PARAMS = [
    pytest.param("python", id="python"),
    pytest.param(
        "llvm",
        id="llvm",
        marks=pytest.mark.skipif(
            llvm_unavailable_reason() is not None, reason=str(llvm_unavailable_reason())
        ),
    ),
]


@pytest.fixture(params=ENGINE_PARAMS)
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def engine(engine_name: str):
    from wasmlite import Config, Engine

    return Engine(Config(engine=engine_name))


@pytest.fixture
def store(engine):
    from wasmlite import Store

    return Store(engine)
