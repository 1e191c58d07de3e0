"""`import wasmlite.loader`, then wasm modules import like Python modules.

Run: python examples/loader_demo.py
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "loader"))

import wasmlite.loader  # noqa: E402,F401  (installs the .wasm/.wat importer)


def main() -> None:
    import mathlib  # examples/loader/mathlib.wat, found by the loader

    print("gcd(84, 36) =", mathlib.gcd(84, 36))
    assert mathlib.gcd(84, 36) == 12
    print("scaled_gcd(84, 36) =", mathlib.scaled_gcd(84, 36))  # calls pyhelpers.scale
    assert mathlib.scaled_gcd(84, 36) == 120
    store = mathlib.__wasm_store__
    print("answer =", mathlib.answer.value(store))
    print("memory pages:", mathlib.memory.size(store))
    print(f"ok ({store.engine.name} engine)")


if __name__ == "__main__":
    main()
