#!/usr/bin/env python3
"""Extra tables from a compare.py JSON file: peak memory and compile throughput.

    python3 bench/report.py results.json [--suite suite.json]   # Markdown on stdout

compare.py's own table has wall times, time ratios and phases; this adds
  * peak resident memory of the whole process per benchmark and runtime (`peak_rss_kb`,
    which bench/run.py adds from one extra run under GNU time, else compare.py's
    `maxrss_kb`), with its ratio to wasmtime-py's (or, without wasmtime-py, to the first
    runtime's) and the geometric mean of those ratios;
  * compile-only seconds per MB of code section (suite.json `code_bytes`) for every
    benchmark that has compile-only measurements, with ratios to the first compile runtime.
A runtime whose runs failed a check on a benchmark gets no ratio there, as in compare.py.
The same ratio functions feed bench/chart.py.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Iterable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_SUITE = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "bench", "suite.json"))
RSS_REFERENCE = "wasmtime-py"
COMPILE_PREFIX = "compile:"
MB = 1e6

Ratios = dict[str, dict[str, float]]  # runtime -> benchmark -> ratio


def load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def geomean(values: Iterable[float]) -> float | None:
    xs = [x for x in values if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def runtime_names(results: dict[str, Any]) -> list[str]:
    """The -r runtimes in command-line order; the first is the time baseline."""
    return list(results.get("runtimes", {}))


def compile_names(results: dict[str, Any]) -> list[str]:
    return list(results.get("compile_runtimes", {}))


def measured(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Benchmark -> its summary (runtime -> statistics), skipped benchmarks left out."""
    return {
        name: br.get("summary", {})
        for name, br in results.get("benchmarks", {}).items()
        if not br.get("skipped")
    }


def _clean(summary: dict[str, Any], key: str) -> dict[str, Any] | None:
    x = summary.get(key)
    return x if x and not x.get("problems") else None


def _ratios(results: dict[str, Any], keys: list[str], base: str, stat: str) -> Ratios:
    out: Ratios = {k: {} for k in keys if k != base}
    for bench, summary in measured(results).items():
        b = _clean(summary, base)
        if not b or not b.get(stat):
            continue
        for k in out:
            x = _clean(summary, k)
            if x and x.get(stat):
                out[k][bench] = x[stat] / b[stat]
    return out


def _time_stat(results: dict[str, Any]) -> str:
    return {"wall": "median_s", "min": "min_s", "cpu": "cpu_median_s"}[
        results.get("metric", "wall")
    ]


def time_ratios(results: dict[str, Any]) -> Ratios:
    """Whole-process time of each runtime / the baseline's (compare.py's ratio columns)."""
    names = runtime_names(results)
    return _ratios(results, names, names[0], _time_stat(results)) if names else {}


def rss_stat(results: dict[str, Any]) -> str:
    """`peak_rss_kb` (bench/run.py's separate pass under GNU time) when present, else
    compare.py's `maxrss_kb`, which never reads below the harness's own RSS (~20 MB):
    Linux carries the parent's peak over into a vfork+exec'd child's max RSS."""
    for summary in measured(results).values():
        if any("peak_rss_kb" in x for x in summary.values()):
            return "peak_rss_kb"
    return "maxrss_kb"


def rss_groups(results: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(reference, keys) for the runtimes and for the compile-only runtimes, each group
    compared within itself: wasmtime-py (or its first member) is the reference."""
    stat = rss_stat(results)
    present = {k for s in measured(results).values() for k, x in s.items() if x.get(stat)}
    groups = []
    for prefix, names in (("", runtime_names(results)), (COMPILE_PREFIX, compile_names(results))):
        keys = [prefix + n for n in names if prefix + n in present]
        if keys:
            ref = prefix + RSS_REFERENCE if prefix + RSS_REFERENCE in keys else keys[0]
            groups.append((ref, keys))
    return groups


def rss_keys(results: dict[str, Any]) -> list[str]:
    """Summary keys with a memory figure: the runtimes, then compile-only runtimes."""
    return [k for _, keys in rss_groups(results) for k in keys]


def rss_reference(results: dict[str, Any]) -> str | None:
    """The first group's reference (the runtimes', else the compile-only runtimes')."""
    groups = rss_groups(results)
    return groups[0][0] if groups else None


def rss_refs(results: dict[str, Any]) -> dict[str, str]:
    """Key of every ratio in `rss_ratios` -> the reference it is taken against."""
    return {k: ref for ref, keys in rss_groups(results) for k in keys if k != ref}


def rss_ratios(results: dict[str, Any]) -> Ratios:
    """Peak RSS of each runtime / its group's reference runtime's."""
    stat = rss_stat(results)
    out: Ratios = {}
    for ref, keys in rss_groups(results):
        out.update(_ratios(results, keys, ref, stat))
    return out


def compile_ratios(results: dict[str, Any]) -> Ratios:
    """Compile-only time of each compile runtime / the first one's."""
    keys = [COMPILE_PREFIX + c for c in compile_names(results)]
    if not keys:
        return {}
    raw = _ratios(results, keys, keys[0], _time_stat(results))
    return {k.removeprefix(COMPILE_PREFIX): v for k, v in raw.items()}


def _fmt(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "-"
    return f"{x:.{digits}g}" if abs(x) < 1e4 else f"{x:.3g}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def _footer(ratios: Ratios, ref: str, what: str) -> list[str]:
    out = []
    for name, per_bench in ratios.items():
        g = geomean(per_bench.values())
        if g is not None:
            out.append(f"geomean {what} {name}/{ref} = {g:.3f} over {len(per_bench)} benchmarks")
    return out


def rss_table(results: dict[str, Any]) -> str:
    """Markdown: peak RSS (MB) per benchmark and runtime, ratios to the reference runtime."""
    keys = rss_keys(results)
    if not keys:
        return ""
    stat = rss_stat(results)
    ratios = rss_ratios(results)
    refs = rss_refs(results)
    header = ["benchmark"] + [f"{k} (MB)" for k in keys] + [f"{k}/{refs[k]}" for k in ratios]
    rows = []
    for bench, summary in measured(results).items():
        row = [bench]
        for k in keys:
            x = summary.get(k)
            cell = _fmt(x[stat] / 1024) if x and x.get(stat) else "n/a"
            row.append(cell + ("!" if x and x.get("problems") else ""))
        row += [_fmt(ratios[k].get(bench)) if bench in ratios[k] else "-" for k in ratios]
        rows.append(row)
    how = (
        "one extra run each under GNU time"
        if stat == "peak_rss_kb"
        else "compare.py's max RSS: never below the harness's own ~20 MB"
    )
    lines = [f"Peak resident memory of the whole process ({how}):", ""]
    lines += _table(header, rows) + [""]
    for k, per_bench in ratios.items():
        g = geomean(per_bench.values())
        if g is not None:
            lines.append(
                f"geomean peak RSS {k}/{refs[k]} = {g:.3f} over {len(per_bench)} benchmarks"
            )
    return "\n".join(lines)


def compile_table(results: dict[str, Any], suite: dict[str, Any]) -> str:
    """Markdown: compile-only seconds and seconds per MB of code section, with ratios."""
    cnames = compile_names(results)
    code_bytes = {b["name"]: b.get("code_bytes") for b in suite.get("benchmarks", [])}
    stat = _time_stat(results)
    rows = []
    for bench, summary in measured(results).items():
        if not any(COMPILE_PREFIX + c in summary for c in cnames):
            continue
        size = code_bytes.get(bench)
        row = [bench, _fmt(size / MB) if size else "?"]
        for c in cnames:
            x = summary.get(COMPILE_PREFIX + c)
            t = x.get(stat) if x else None
            bad = "!" if x and x.get("problems") else ""
            row += [_fmt(t) + bad, (_fmt(t / (size / MB)) + bad) if t and size else "-"]
        rows.append(row)
    if not rows:
        return ""
    ratios = compile_ratios(results)
    header = ["benchmark", "code MB"]
    for c in cnames:
        header += [f"{c} (s)", f"{c} s/MB"]
    header += [f"{c}/{cnames[0]}" for c in ratios]
    for row, bench in zip(rows, [r[0] for r in rows]):
        row += [_fmt(ratios[c].get(bench)) if bench in ratios[c] else "-" for c in ratios]
    lines = ["Compile only (seconds; s/MB = seconds per MB of code section, lower is better):", ""]
    lines += _table(header, rows) + [""] + _footer(ratios, cnames[0], "compile-only")
    return "\n".join(lines)


def suite_of(results: dict[str, Any], override: str | None = None) -> dict[str, Any]:
    """The suite the run used: --suite, else what bench/run.py recorded, else the shared one."""
    path = override or results.get("bench_run", {}).get("suite") or SHARED_SUITE
    try:
        return load(path)
    except OSError:
        return {}


def report(results: dict[str, Any], suite: dict[str, Any]) -> str:
    parts = [rss_table(results), compile_table(results, suite)]
    return "\n\n".join(p for p in parts if p)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("json", help="compare.py --json output")
    ap.add_argument("--suite", help="suite.json the run used (for code sizes)")
    a = ap.parse_args(argv)
    results = load(a.json)
    print(report(results, suite_of(results, a.suite)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
