"""Regenerate `spec_data.py` from the witx files.

    python -m wasmlite.wasi.generate [WITX_DIR]

WITX_DIR defaults to ../shared/wasi-spec next to the checkout. tests/wasi/test_generate.py
checks that the committed `spec_data.py` matches what this script produces.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .witx_text import witx_to_data

HERE = Path(__file__).resolve().parent
DEFAULT_WITX_DIR = HERE.parents[2] / "shared" / "wasi-spec"
OUTPUT = HERE / "spec_data.py"

_HEADER = '''"""WASI preview1 as plain data, generated from the witx files by `generate.py`. Do not edit.

`DATA` is a JSON document: {"module", "types": {name: type}, "functions": [...]}.
"""

DATA = r"""
'''


def render(witx_dir: Path) -> str:
    """The text of spec_data.py for the witx files in `witx_dir`."""
    data = witx_to_data(
        (witx_dir / "typenames.witx").read_text(encoding="utf-8"),
        (witx_dir / "wasi_snapshot_preview1.witx").read_text(encoding="utf-8"),
    )
    lines = ["{", f'"module": {json.dumps(data["module"])},', '"types": {']
    items = list(data["types"].items())
    for i, (name, t) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"  {json.dumps(name)}: {json.dumps(t)}{comma}")
    lines.append("},")
    lines.append('"functions": [')
    for i, f in enumerate(data["functions"]):
        comma = "," if i < len(data["functions"]) - 1 else ""
        lines.append(f"  {json.dumps(f)}{comma}")
    lines.append("]")
    lines.append("}")
    return _HEADER + "\n".join(lines) + '\n"""\n'


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    witx_dir = Path(args[0]) if args else DEFAULT_WITX_DIR
    OUTPUT.write_text(render(witx_dir), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
