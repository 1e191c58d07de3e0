"""bench/report.py and bench/chart.py on a hand-made compare.py result (no runtimes run)."""

from __future__ import annotations

import importlib
import os
import sys
import xml.dom.minidom

import pytest

BENCH_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "bench")


@pytest.fixture(scope="module")
def tools():
    sys.path.insert(0, os.path.abspath(BENCH_DIR))
    try:
        yield importlib.import_module("report"), importlib.import_module("chart")
    finally:
        sys.path.remove(os.path.abspath(BENCH_DIR))


def summary(median: float, rss_kb: int, problems: list[str] | None = None) -> dict:
    return {
        "median_s": median,
        "maxrss_kb": rss_kb,
        "peak_rss_kb": rss_kb,
        "problems": problems or [],
    }


RESULTS = {
    "date": "2026-11-23T22:00:00",
    "machine": {"processor": "test", "cpus": 2},
    "reps": 1,
    "warmup": 0,
    "metric": "wall",
    "small": False,
    "runtimes": {"wasmtime-py": "...", "wasmlite-llvm": "...", "native": "..."},
    "compile_runtimes": {"wasmtime-py": "auto", "wasmlite-llvm": "..."},
    "benchmarks": {
        "a": {
            "summary": {
                "wasmtime-py": summary(1.0, 40_000),
                "wasmlite-llvm": summary(2.0, 80_000),
                "native": summary(0.5, 2_000),
                "compile:wasmtime-py": summary(0.5, 50_000),
                "compile:wasmlite-llvm": summary(1.0, 100_000),
            }
        },
        "b": {
            "summary": {
                "wasmtime-py": summary(1.0, 40_000),
                "wasmlite-llvm": summary(8.0, 20_000, ["stdout differs from expected"]),
                "native": summary(0.1, 2_000),
            }
        },
        "c": {"skipped": "not fetched", "summary": {}},
    },
}
SUITE = {"benchmarks": [{"name": "a", "code_bytes": 500_000}, {"name": "b", "code_bytes": 1_000}]}


def test_time_ratios_leave_out_failed_checks(tools):
    report, _ = tools
    ratios = report.time_ratios(RESULTS)
    assert ratios["wasmlite-llvm"] == {"a": 2.0}
    assert ratios["native"] == {"a": 0.5, "b": pytest.approx(0.1)}


def test_rss_ratios_against_wasmtime_py(tools):
    report, _ = tools
    assert report.rss_stat(RESULTS) == "peak_rss_kb"
    ratios = report.rss_ratios(RESULTS)
    assert ratios["wasmlite-llvm"] == {"a": 2.0}
    assert ratios["compile:wasmlite-llvm"] == {"a": 2.0}
    assert report.geomean(ratios["native"].values()) == pytest.approx(0.05)


def test_compile_table_has_seconds_per_mb(tools):
    report, _ = tools
    text = report.compile_table(RESULTS, SUITE)
    row = next(line for line in text.splitlines() if line.startswith("| a |"))
    # 0.5 s for 0.5 MB of code -> 1 s/MB; 1.0 s -> 2 s/MB; ratio 2
    assert row == "| a | 0.5 | 0.5 | 1 | 1 | 2 | 2 |"
    assert "geomean compile-only wasmlite-llvm/wasmtime-py = 2.000 over 1" in text


def test_report_marks_failed_and_skips_skipped(tools):
    report, _ = tools
    text = report.report(RESULTS, SUITE)
    assert "| b | 39.1 | 19.5! | 1.95 |" in text
    assert "| c |" not in text


def test_chart_is_valid_svg_with_one_panel_per_ratio_kind(tools):
    _, chart = tools
    panels = chart.panels_from_results(RESULTS)
    assert [p.title.split(" /")[0] for p in panels] == [
        "whole-process time",
        "peak RSS",
        "compile-only time",
    ]
    assert panels[0].groups() == ["a", "b", "geomean"]
    doc = xml.dom.minidom.parseString(chart.svg(panels, chart.caption_of(RESULTS)))
    titles = [t.firstChild.data for t in doc.getElementsByTagName("title")]
    assert "wasmlite-llvm a: 2x" in titles
    assert "native geomean: 0.224x" in titles


def test_chart_without_ratios_says_so(tools):
    _, chart = tools
    assert "no ratios" in chart.svg([])
