#!/usr/bin/env bash
# Benchmarks cleaning media against the floor any safe writer pays: write + fsync + rename of the
# same bytes. Inputs: a ~100 MB MP4 made here with ffmpeg (with location/make/model metadata),
# and the 3.65 MB Samsung motion-photo HEIC from ../shared/corpus. Prints, per file, the median
# time of each, the ratio clean/copy throughput (target >= 0.85) and peak RSS of each process
# (target: the same for the 3.6 MB and the 100 MB file, i.e. independent of file size).
# Run: bash scripts/bench_media.sh   (needs scripts/setup-media-tools.sh; about 1-2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
RUNS="${RUNS:-5}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sharesafe-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cargo build --release -q -p sharesafe-core --example bench_clean
BIN="$CARGO_TARGET_DIR/release/examples/bench_clean"

VIDEO="$WORK/video.mp4"
# MJPEG encodes fast on two cores; -fs caps the file at 100 MB. Keys-style metadata as phones write.
ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=30" -t 60 -fs 100M \
  -c:v mjpeg -q:v 2 -metadata location="+48.8584+002.2945/" -metadata make=Bench \
  -metadata model=Phone -movflags +faststart+use_metadata_tags "$VIDEO"
HEIC="../shared/corpus/heic/motion/samsung_s22_motionphoto.heic"
[ -f "$HEIC" ] || { echo "missing $HEIC"; exit 1; }

run() { # mode file -> "timing line" and peak RSS
  local out rss
  out=$(/usr/bin/time -v "$BIN" "$1" "$2" "$WORK" "$RUNS" 2>"$WORK/time.txt")
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$WORK/time.txt")
  echo "$out, peak RSS ${rss} KiB"
}

for f in "$HEIC" "$VIDEO"; do
  echo "== $(basename "$f") ($(stat -c %s "$f") bytes)"
  c=$(run clean "$f"); b=$(run copy "$f")
  echo "  $c"; echo "  $b"
  mc=$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$c"); mb=$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$b")
  awk -v c="$mc" -v b="$mb" 'BEGIN { printf "  clean throughput / copy throughput = %.2f (target >= 0.85)\n", b / c }'
done
