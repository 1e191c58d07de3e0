"""Outcomes of WAST commands and their summaries."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass
class CommandResult:
    file: str
    line: int
    kind: str  # e.g. "module", "assert_return", "assert_malformed"
    outcome: str  # PASSED, FAILED or SKIPPED
    message: str = ""


@dataclass
class FileSummary:
    file: str
    passed: int
    failed: int
    skipped: int

    @classmethod
    def of(cls, file: str, results: list[CommandResult]) -> FileSummary:
        counts = Counter(r.outcome for r in results)
        return cls(file, counts[PASSED], counts[FAILED], counts[SKIPPED])

    def line(self) -> str:
        status = "ok" if self.failed == 0 else "FAIL"
        return f"{self.file}: {status} ({self.passed} passed, {self.failed} failed, {self.skipped} skipped)"


def totals_line(results: list[CommandResult]) -> str:
    counts = Counter(r.outcome for r in results)
    return f"{counts[PASSED]} passed, {counts[FAILED]} failed, {counts[SKIPPED]} skipped"


def skip_reasons(results: list[CommandResult]) -> Counter[str]:
    return Counter(r.message for r in results if r.outcome == SKIPPED)


def write_json(path: str, results: list[CommandResult]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump([asdict(r) for r in results], f, indent=1)
