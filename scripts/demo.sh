#!/usr/bin/env bash
# The main job, on the bundled sample photo: show what it gives away, clean it, show the result.
# Usage: ./scripts/demo.sh [PHOTO]   (default: samples/beach-day.jpg, drawn by scripts/make_sample.py)
set -euo pipefail
cd "$(dirname "$0")/.."
photo="${1:-samples/beach-day.jpg}"
out="${SHARESAFE_DEMO_OUT:-target/demo}"
# The dev profile (dependencies optimised, see Cargo.toml) shares its build with the test command
# and builds in a fraction of the release profile's time (fat LTO over tract, meant for phones
# and benchmarks); cleaning one photo needs no more.
cargo build -q -p sharesafe-cli
bin="${CARGO_TARGET_DIR:-target}/debug/sharesafe"
rm -rf "$out" && mkdir -p "$out"
echo "== What the photo carries (sharesafe inspect) =="
"$bin" inspect "$photo"
echo
echo "== Cleaning (sharesafe clean --out $out) =="
"$bin" clean --out "$out" "$photo"
echo
echo "== The clean copy =="
"$bin" inspect "$out/$(basename "$photo")"
