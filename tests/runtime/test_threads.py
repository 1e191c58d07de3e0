from __future__ import annotations

import sys
import threading

import pytest

from wasmlite.runtime.threads import run_with_big_stack


def depth(n: int) -> int:
    return 0 if n == 0 else 1 + depth(n - 1)


def test_runs_deep_recursion_and_returns_its_value() -> None:
    assert run_with_big_stack(lambda: depth(50_000)) == 50_000


def test_reraises_in_the_caller() -> None:
    class Boom(Exception):
        pass

    def fail() -> None:
        raise Boom("x")

    with pytest.raises(Boom, match="x"):
        run_with_big_stack(fail)


def test_restores_process_settings() -> None:
    limit, size = sys.getrecursionlimit(), threading.stack_size()
    run_with_big_stack(lambda: None)
    assert (sys.getrecursionlimit(), threading.stack_size()) == (limit, size)


def test_concurrent_use() -> None:
    results: list[int] = []

    def worker() -> None:
        results.append(run_with_big_stack(lambda: depth(20_000)))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [20_000] * 4
