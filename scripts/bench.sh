#!/usr/bin/env bash
# Benchmarks: builds the corpus once (../shared/tools/make_bench_corpus.py, 0.9 GB, ~2 min), the
# release binaries, and prints the figures of scripts/bench.py. Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${SHARESAFE_BENCH_CORPUS:-target/bench-corpus}"
bash scripts/setup-test-deps.sh
if [ ! -f "$corpus/corpus.json" ]; then
  python3 -c 'import numpy, PIL' 2>/dev/null || python3 -m pip install -q numpy pillow
  mkdir -p "$corpus"
  python3 ../shared/tools/make_bench_corpus.py "$corpus"
fi
cargo build --release -q -p sharesafe-cli -p sharesafe-core --example write_baseline
python3 scripts/bench.py "$corpus" target/release/sharesafe target/release/examples/write_baseline
