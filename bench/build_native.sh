#!/bin/sh
# Build native counterparts of the shared suite's own C programs (../shared/bench/src/*.c),
# as ../shared/bench/src/build.sh does, into bench/native/ (git-ignored): NAME with gcc and,
# if clang is installed, NAME-clang, both at the wasm build's -O2. compare.py finds them with
# `--native-dir bench/native` (bench/run.py passes it) for its `native` / `native-clang` aliases.
# Also builds `hello` from our own tests/fixtures/wasi/c/hello.c for the startup preset.
# The registry-library benchmarks (zstd, brotli, ...) need fetched sources and are not built here.
#
# Usage: sh bench/build_native.sh            (from anywhere)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${SHARED_BENCH:-$HERE/../../shared/bench}/src
OUT=$HERE/native
mkdir -p "$OUT"

build() {  # build NAME SOURCE: gcc (required) and clang (if present) at -O2, like src/build.sh
  gcc -O2 -I"$SRC" -o "$OUT/$1" "$2" -lm
  if command -v clang >/dev/null 2>&1; then
    clang -O2 -I"$SRC" -o "$OUT/$1-clang" "$2" -lm
  fi
  echo "built $1"
}

for c in "$SRC"/*.c; do
  build "$(basename "$c" .c)" "$c"
done
build hello "$HERE/../tests/fixtures/wasi/c/hello.c"
echo "native builds in $OUT"
