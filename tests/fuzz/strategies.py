"""Hypothesis strategies over the seed corpus and the mutators."""

from __future__ import annotations

from hypothesis import strategies as st

from .corpus import binary_seeds, text_seeds
from .mutate import mutate_binary, mutate_text

# Huge seeds make each example slow without reaching new decoder states.
_MAX_TEXT_SEED = 20_000


def _small_text_seeds() -> list[str]:
    return [s for s in text_seeds() if len(s) <= _MAX_TEXT_SEED]


@st.composite
def mutated_binaries(draw: st.DrawFn) -> bytes:
    seeds = binary_seeds()
    seed = draw(st.sampled_from(seeds))
    return mutate_binary(draw(st.randoms(use_true_random=False)), seed, seeds)


@st.composite
def mutated_texts(draw: st.DrawFn) -> str:
    seeds = _small_text_seeds()
    seed = draw(st.sampled_from(seeds))
    return mutate_text(draw(st.randoms(use_true_random=False)), seed, seeds)


def spec_texts() -> st.SearchStrategy[str]:
    return st.sampled_from(_small_text_seeds())


def spec_binaries() -> st.SearchStrategy[bytes]:
    return st.sampled_from(binary_seeds())
