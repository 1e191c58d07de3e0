#!/usr/bin/env python3
"""Bar charts of a compare.py JSON file as one SVG (standard library only).

    python3 bench/chart.py results.json -o chart.svg

One panel per kind of ratio present: whole-process time / the baseline runtime's, peak RSS /
wasmtime-py's (bench/report.py), compile-only time / the first compile runtime's. In each,
one group of bars per benchmark plus a "geomean" group, one bar per runtime. The y axis is
logarithmic (ratios span 0.01x to 100,000x); bars start at 1.0, so a bar going up means
"more than the reference" (slower, bigger), going down "less".
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from xml.sax.saxutils import escape

from report import (
    compile_ratios,
    geomean,
    load,
    rss_ratios,
    rss_refs,
    runtime_names,
    time_ratios,
)

COLOURS = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
]
WIDTH = 1000
PANEL_HEIGHT = 300
TOP = 40  # room for the panel title and legend
BOTTOM = 70  # room for rotated benchmark names
LEFT = 60
RIGHT = 20
GEOMEAN = "geomean"


@dataclass
class Panel:
    title: str
    series: dict[str, dict[str, float]]  # runtime -> group -> ratio
    order: list[str]  # groups in display order

    def groups(self) -> list[str]:
        present = {g for per_group in self.series.values() for g in per_group}
        return [g for g in self.order if g in present]


def with_geomeans(ratios: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    out = {}
    for name, per_bench in ratios.items():
        g = geomean(per_bench.values())
        out[name] = dict(per_bench, **({GEOMEAN: g} if g else {}))
    return out


def panels_from_results(results: dict) -> list[Panel]:
    names = runtime_names(results)
    candidates = [
        (
            f"whole-process time / {names[0] if names else '?'} (higher = slower)",
            time_ratios(results),
        ),
        (
            f"peak RSS / {' and '.join(dict.fromkeys(rss_refs(results).values())) or '?'} (higher = more memory)",
            rss_ratios(results),
        ),
        (
            "compile-only time / " + next(iter(results.get("compile_runtimes", {})), "?"),
            compile_ratios(results),
        ),
    ]
    order = list(results.get("benchmarks", {})) + [GEOMEAN]
    return [Panel(t, with_geomeans(r), order) for t, r in candidates if any(r.values())]


def _decades(values: list[float]) -> tuple[int, int]:
    lo = math.floor(math.log10(min(values + [1.0])))
    hi = math.ceil(math.log10(max(values + [1.0])))
    return lo, max(hi, lo + 1)


def _axis_label(exp: int) -> str:
    v = 10.0**exp
    return f"{v:g}x" if -3 <= exp <= 4 else f"1e{exp}x"


def render_panel(panel: Panel, y0: float) -> list[str]:
    """SVG elements of one panel whose top edge is at y0."""
    groups = panel.groups()
    runtimes = list(panel.series)
    values = [v for s in panel.series.values() for v in s.values() if v > 0]
    lo, hi = _decades(values)
    plot_top, plot_bottom = y0 + TOP, y0 + PANEL_HEIGHT - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT

    def y(v: float) -> float:
        return plot_bottom - (math.log10(v) - lo) / (hi - lo) * (plot_bottom - plot_top)

    out = [f'<text x="{LEFT}" y="{y0 + 16}" font-weight="bold">{escape(panel.title)}</text>']
    spacing = min(150.0, (WIDTH - LEFT - RIGHT) / max(1, len(runtimes)))
    for i, name in enumerate(runtimes):  # legend
        x = LEFT + 10 + i * spacing
        out.append(
            f'<rect x="{x}" y="{y0 + 24}" width="10" height="10" fill="{COLOURS[i % len(COLOURS)]}"/>'
        )
        out.append(f'<text x="{x + 14}" y="{y0 + 33}" font-size="11">{escape(name)}</text>')
    for exp in range(lo, hi + 1):  # grid, one line per decade
        yy = y(10.0**exp)
        stroke = "#000" if exp == 0 else "#ddd"
        out.append(
            f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" stroke="{stroke}"/>'
        )
        out.append(
            f'<text x="{LEFT - 4}" y="{yy + 4:.1f}" font-size="10" text-anchor="end">{_axis_label(exp)}</text>'
        )
    group_w = plot_w / max(1, len(groups))
    bar_w = max(1.0, group_w * 0.8 / max(1, len(runtimes)))
    for g, group in enumerate(groups):
        gx = LEFT + g * group_w + group_w * 0.1
        for i, name in enumerate(runtimes):
            v = panel.series[name].get(group)
            if not v or v <= 0:
                continue
            top, bottom = sorted((y(v), y(1.0)))
            x = gx + i * bar_w
            out.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar_w:.1f}" height="{max(0.5, bottom - top):.1f}" '
                f'fill="{COLOURS[i % len(COLOURS)]}"><title>{escape(name)} {escape(group)}: {v:.3g}x</title></rect>'
            )
        cx = LEFT + (g + 0.5) * group_w
        weight = ' font-weight="bold"' if group == GEOMEAN else ""
        out.append(
            f'<text x="{cx:.1f}" y="{plot_bottom + 12:.1f}" font-size="11" text-anchor="end"{weight} '
            f'transform="rotate(-40 {cx:.1f} {plot_bottom + 12:.1f})">{escape(group)}</text>'
        )
    return out


def svg(panels: list[Panel], caption: str = "") -> str:
    height = PANEL_HEIGHT * max(1, len(panels)) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
    ]
    if not panels:
        parts.append(
            '<text x="20" y="30">no ratios to plot (one runtime, or every check failed)</text>'
        )
    for i, panel in enumerate(panels):
        parts += render_panel(panel, i * PANEL_HEIGHT)
    if caption:
        parts.append(
            f'<text x="{LEFT}" y="{height - 10}" font-size="10" fill="#555">{escape(caption)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def caption_of(results: dict) -> str:
    m = results.get("machine", {})
    small = ", SMALL inputs" if results.get("small") else ""
    return (
        f"{results.get('date', '')}  {m.get('processor', '')}  {m.get('cpus', '?')} cpus  "
        f"reps={results.get('reps')} warmup={results.get('warmup')}, metric={results.get('metric')}{small}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("json", help="compare.py --json output")
    ap.add_argument("-o", "--output", required=True, help="SVG file to write")
    a = ap.parse_args(argv)
    results = load(a.json)
    with open(a.output, "w", encoding="utf-8") as f:
        f.write(svg(panels_from_results(results), caption_of(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
