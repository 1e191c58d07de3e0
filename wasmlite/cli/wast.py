"""`wasmlite wast FILE...`: the spec-test runner."""

from __future__ import annotations

import argparse
import sys

from .options import add_engine_argument


def add_arguments(name: str, p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help=".wast scripts")
    add_engine_argument(p, allow_none=True)
    p.add_argument("--json", metavar="PATH", help="write one JSON record per command here")
    p.add_argument("-v", "--verbose", action="store_true", help="print every failed command")


def main(args: argparse.Namespace) -> int:
    from ..runtime.threads import run_with_big_stack
    from ..script.results import FileSummary, skip_reasons, totals_line, write_json
    from ..script.runner import run_script_file
    from .options import engine_name

    engine = engine_name(args)
    results = []
    for path in args.files:
        file_results = run_with_big_stack(lambda p=path: run_script_file(p, engine))
        results.extend(file_results)
        print(FileSummary.of(path, file_results).line())
        if args.verbose:
            for r in file_results:
                if r.outcome == "failed":
                    print(f"  {r.file}:{r.line}: {r.kind}: {r.message}")
    reasons = skip_reasons(results)
    for reason, count in reasons.most_common():
        print(f"skipped {count}: {reason}")
    if args.json:
        write_json(args.json, results)
    print(totals_line(results))
    sys.stdout.flush()
    return 1 if any(r.outcome == "failed" for r in results) else 0
