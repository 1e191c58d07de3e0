"""Long-running mutational fuzzer for the front end, outside pytest.

    python -m tests.fuzz.run_long --target binary --minutes 5 [--seed N] [--crash-dir DIR]

Targets: `binary` (decode, validate, encode round trip), `text` (parse, validate, print
round trip, encode), `script` (parse_script), and the differential `binary-diff` and
`text-diff` against wasmtime-py (see differential.py). Each iteration mutates a seed from the spec
testsuite corpus; inputs that decode or parse are added to the corpus, so mutations pile up
on well-formed modules and reach the validator. Distinct failures (by exception type and
the innermost wasmlite frame) are saved to the crash directory and listed at the end, with
the number of inputs tried and the slowest input's time (a hang shows up there).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from wasmlite.errors import WasmError
from wasmlite.text import parse_script

from .corpus import binary_seeds, text_seeds
from .differential import diff_binary, diff_text
from .mutate import mutate_binary, mutate_text
from .targets import ContractViolation, check_binary, check_text

MAX_CORPUS = 20_000
MAX_TEXT_SEED = 20_000
# Any front-end call needing more than this is a bug ("unbounded memory use").
MEMORY_LIMIT = 2 << 30


def check_script(src: str) -> object:
    try:
        return parse_script(src)
    except WasmError:
        return None
    except Exception as e:  # noqa: BLE001 - everything else is a finding
        raise ContractViolation(f"parse_script: {type(e).__name__}: {e}"[:500]) from e


def crash_key(e: ContractViolation) -> str:
    """Group failures by what failed and where, not by input."""
    cause = e.__cause__
    if cause is None:
        return str(e)[:60]
    if isinstance(cause, RecursionError):
        return "RecursionError"
    frames = [f for f in traceback.extract_tb(cause.__traceback__) if "wasmlite" in f.filename]
    where = f"{frames[-1].filename.split('wasmlite/')[-1]}:{frames[-1].lineno}" if frames else "?"
    return f"{type(cause).__name__} at {where}"


def run(target: str, minutes: float, seed: int, crash_dir: Path) -> dict[str, object]:
    rng = random.Random(seed)
    check: Callable[[object], object]
    if target.startswith("binary"):
        corpus: list = list(binary_seeds())
        check = diff_binary if target == "binary-diff" else check_binary  # type: ignore[assignment]

        def mutate(x: object) -> object:
            return mutate_binary(rng, x, corpus)  # type: ignore[arg-type]
    else:
        corpus = [s for s in text_seeds() if len(s) <= MAX_TEXT_SEED]
        check = {"text": check_text, "script": check_script, "text-diff": diff_text}[target]  # type: ignore[assignment]

        def mutate(x: object) -> object:
            return mutate_text(rng, x, corpus)  # type: ignore[arg-type]

    crashes: dict[str, object] = {}
    tried = accepted = 0
    slowest = (0.0, None)
    deadline = time.monotonic() + minutes * 60
    while time.monotonic() < deadline:
        data = mutate(rng.choice(corpus))
        tried += 1
        start = time.monotonic()
        try:
            if check(data) is not None:
                accepted += 1
                if len(corpus) < MAX_CORPUS:
                    corpus.append(data)
        except Exception as e:  # noqa: BLE001 - MemoryError, or a stray one from the diff targets
            if not isinstance(e, ContractViolation):
                wrapped = ContractViolation(f"{type(e).__name__}: {e}"[:500])
                wrapped.__cause__ = e
                e = wrapped
            key = crash_key(e)
            if key not in crashes:
                crashes[key] = data
                _save(crash_dir, target, len(crashes), data)
                print(f"[{tried}] new crash: {key}: {str(e)[:200]}", flush=True)
        took = time.monotonic() - start
        if took > slowest[0]:
            slowest = (took, data)
    if slowest[1] is not None:
        _save(crash_dir, target, "slowest", slowest[1])
    return {
        "target": target,
        "tried": tried,
        "accepted": accepted,
        "crashes": sorted(crashes),
        "slowest_s": round(slowest[0], 3),
    }


def _save(crash_dir: Path, target: str, n: object, data: object) -> None:
    crash_dir.mkdir(parents=True, exist_ok=True)
    path = crash_dir / f"{target}-{n}"
    if isinstance(data, bytes):
        path.with_suffix(".wasm").write_bytes(data)
    else:
        path.with_suffix(".wat").write_text(str(data), encoding="utf-8", errors="surrogatepass")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    targets = ("binary", "text", "script", "binary-diff", "text-diff")
    ap.add_argument("--target", choices=targets, default="binary")
    ap.add_argument("--minutes", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--crash-dir", type=Path, default=Path("fuzz-crashes"))
    args = ap.parse_args(argv)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    report = run(args.target, args.minutes, args.seed, args.crash_dir)
    for k, v in report.items():
        print(f"{k}: {v}")
    return 1 if report["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
