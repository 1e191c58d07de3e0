"""Engines the API tests run on: python always, llvm when it can be imported."""

from __future__ import annotations

import pytest
from wasm_helpers import ENGINE_PARAMS


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
