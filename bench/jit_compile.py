"""Compile a module as a first `wasmlite run` does (JIT tiers: quick tier for huge functions
and modules), without the code cache: the compile preset's `wasmlite-llvm-jit`.

    python bench/jit_compile.py MODULE.wasm
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    os.environ["WASMLITE_CACHE"] = "0"
    import wasmlite

    wasmlite.Module.from_file(wasmlite.Engine(wasmlite.Config(engine="llvm")), sys.argv[1])


if __name__ == "__main__":
    main()
