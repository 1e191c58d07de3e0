#!/usr/bin/env python3
"""Per-phase ratios from a compare.py JSON: median run_s / compile_s / whole-process time of
each runtime against the baseline (the first runtime), per benchmark, with geometric means.

compare.py's own table prints phase times to the millisecond, too coarse for runs of a few
ms; this reads the raw timing-file values. Usage:

    python bench/phases.py results/DATE/python.json [--base pywasm]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from pathlib import Path


def _median(runs: list[dict], key: str) -> float | None:
    values = []
    for run in runs:
        if run.get("problems") or run.get("timed_out"):
            continue
        v = run.get("wall_s") if key == "wall_s" else (run.get("phases") or {}).get(key)
        if v is not None:
            values.append(float(v))
    return statistics.median(values) if values else None


def _geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def report(data: dict, base: str) -> str:
    runtimes = [r for r in data["runtimes"] if r != base]
    benchmarks = data["benchmarks"]
    lines = []
    for key, label in (("run_s", "run phase"), ("wall_s", "whole process")):
        lines.append(f"\n{label}: {base} time / runtime time (higher = faster than {base})\n")
        lines.append("| benchmark | " + " | ".join(f"{r} (ms) | x" for r in runtimes) + " |")
        lines.append("|---|" + "---|---|" * len(runtimes))
        ratios: dict[str, list[float]] = {r: [] for r in runtimes}
        for name, entry in benchmarks.items():
            runs = entry.get("runs", {})
            b = _median(runs.get(base, []), key)
            cells = []
            for r in runtimes:
                t = _median(runs.get(r, []), key)
                if b is None or t is None:
                    cells.append("n/a | -")
                    continue
                ratio = b / max(t, 1e-6)
                ratios[r].append(ratio)
                cells.append(f"{t * 1000:.2f} | {ratio:.1f}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        for r in runtimes:
            xs = ratios[r]
            lines.append(f"geomean {r}: {_geomean(xs):.1f}x over {len(xs)} benchmarks")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", type=Path)
    ap.add_argument("--base", help="baseline runtime (default: the first)")
    args = ap.parse_args()
    data = json.loads(args.json.read_text())
    print(report(data, args.base or next(iter(data["runtimes"]))))


if __name__ == "__main__":
    main()
