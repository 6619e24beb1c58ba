#!/usr/bin/env bash
# Fuzzes every parser for a fixed time and prints executions per target.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 30 s, every target)
#
# cargo-fuzz needs nightly compiler flags (-Zsanitizer, coverage instrumentation); the stable
# toolchain accepts them with RUSTC_BOOTSTRAP=1, so no nightly toolchain is needed. Seeds come
# from ../shared/corpus (SHARESAFE_CORPUS overrides), sorted by content into fuzz/corpus/<target>/
# (git-ignored; libFuzzer keeps growing it there, so later runs start where earlier ones stopped).
# Any crash, timeout or out-of-memory input is copied into core/tests/fuzz_regressions/<target>/,
# where `cargo test -p sharesafe-core --test fuzz_regressions` replays it; the script then exits 1.
#
# Environment: FUZZ_SANITIZER (address|none, default address: libFuzzer's -malloc_limit_mb needs
# the sanitizer's allocator hooks), FUZZ_MAX_LEN (default 65536), FUZZ_TRACE_COMPARES (1|0,
# default 1: 0 builds without libFuzzer's comparison tracing, which guides mutations towards the
# constants a parser compares with but took 80 % of `jpeg_dc_split`'s time (5.6x more executions
# without it, and more coverage in the same time): 0 is for the decoder targets, once traced
# runs have grown their corpus; its build has its own target directory), FUZZ_DETECT_LEAKS
# (1|0, default 1: LeakSanitizer's scan after any input that ends with more allocations than
# frees; `decode`, whose JPEG decoder starts worker threads for each image, spent a quarter of
# its time in that scan and ran 1.6x faster with 0).
# FUZZ_JOBS is not offered on purpose: the machine's two cores are shared.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
seconds=${1:-30}
shift || true
all_targets=(clean_jpeg clean_png clean_webp clean_gif clean_isobmff inspect clean_then_verify decode caption jpeg_dc_split)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
corpus_src=${SHARESAFE_CORPUS:-$repo/../shared/corpus}
sanitizer=${FUZZ_SANITIZER:-address}
max_len=${FUZZ_MAX_LEN:-65536}
detect_leaks=${FUZZ_DETECT_LEAKS:-1}
build_flags=(--fuzz-dir fuzz -s "$sanitizer")
tracing=traced
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}/fuzz
if [ "${FUZZ_TRACE_COMPARES:-1}" = 0 ]; then
  build_flags+=(--no-trace-compares)
  tracing="no comparison tracing"
  CARGO_TARGET_DIR=$CARGO_TARGET_DIR-notc
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz (once)"
  cargo install cargo-fuzz --locked
fi

# format_of FILE: jpeg|png|webp|gif|isobmff|other, from the first bytes (never the name).
format_of() {
  local head
  head=$(head -c 12 "$1" | od -An -v -tx1 | tr -d ' \n')
  case "$head" in
    ffd8ff*) echo jpeg ;;
    89504e470d0a1a0a*) echo png ;;
    52494646????????57454250) echo webp ;;
    474946383761* | 474946383961*) echo gif ;;
    ????????66747970*) echo isobmff ;;
    *) echo other ;;
  esac
}

# Seeds: every corpus file of the target's format (all formats for the format-blind targets).
# Files larger than max_len are still useful: libFuzzer reads their first max_len bytes.
build_seeds() {
  local target=$1 want dir f fmt n=0
  case "$target" in
    clean_jpeg | jpeg_dc_split) want=jpeg ;;
    clean_png) want=png ;;
    clean_webp) want=webp ;;
    clean_gif) want=gif ;;
    clean_isobmff) want=isobmff ;;
    decode) want=image ;;
    *) want=any ;;
  esac
  dir=fuzz/corpus/$target
  mkdir -p "$dir"
  if [ "$target" = caption ]; then
    # Seeds: captions in the four languages, with the kinds of detail the analysis looks for
    # (the first byte is the locale hint).
    printf '\x00Lisa (7) at Sunnyside Primary on Elm Street every Tuesday #lisa2019' >"$dir/seed-en"
    printf '\x01Emma, 6 ans, sortie de l ecole Jules Ferry a Lyon, 12 rue des Lilas' >"$dir/seed-fr"
    printf '\x02Max (5) vom Kindergarten Sonnenschein in Berlin, jeden Montag um 8 Uhr' >"$dir/seed-de"
    printf '\x03Sophie op de basisschool De Regenboog in Utrecht, 3581 AB #zwemles' >"$dir/seed-nl"
    echo "$target: 4 seed captions"
    return
  fi
  if [ ! -d "$corpus_src" ]; then
    echo "no corpus at $corpus_src: $target starts from an empty corpus" >&2
    return
  fi
  while IFS= read -r -d '' f; do
    fmt=$(format_of "$f")
    if [ "$want" = any ] || [ "$fmt" = "$want" ] ||
      { [ "$want" = image ] && [[ "$fmt" =~ ^(jpeg|png|webp|gif)$ ]]; }; then
      # Named by content so re-running the script adds nothing twice.
      cp -n "$f" "$dir/seed-$(sha1sum "$f" | cut -c1-16)"
      n=$((n + 1))
    fi
  done < <(find "$corpus_src" -type f ! -name '*.json' ! -name '*.md' ! -name '*.xml' -size -4M -print0)
  echo "$target: $n seed files from the corpus, $(find "$dir" -type f | wc -l) inputs in fuzz/corpus/$target"
}

dict_for() {
  case "$1" in
    clean_jpeg | jpeg_dc_split) echo fuzz/dicts/jpeg.dict ;;
    clean_png) echo fuzz/dicts/png.dict ;;
    clean_webp) echo fuzz/dicts/webp.dict ;;
    clean_gif) echo fuzz/dicts/gif.dict ;;
    clean_isobmff) echo fuzz/dicts/isobmff.dict ;;
    caption) echo fuzz/dicts/caption.dict ;;
    *)
      cat fuzz/dicts/{jpeg,png,webp,gif,isobmff}.dict | grep -v '^#' | sort -u > fuzz/corpus/all.dict
      echo fuzz/corpus/all.dict
      ;;
  esac
}

echo "building fuzz targets (sanitizer: $sanitizer, $tracing)"
cargo fuzz build "${build_flags[@]}"
crashes=0
summary=()
total_start=$(date +%s)
for t in "${targets[@]}"; do
  build_seeds "$t"
  dict=$(dict_for "$t")
  log=fuzz/artifacts/$t.log
  mkdir -p "fuzz/artifacts/$t"
  start=$(date +%s)
  # Artifacts older than this run are earlier sessions' (already in the regression set).
  stamp=$(mktemp)
  set +e
  cargo fuzz run "${build_flags[@]}" "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -malloc_limit_mb=256 -detect_leaks="$detect_leaks" -dict="$dict" -print_final_stats=1 \
    -close_fd_mask=1 >"$log" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  found=()
  for a in "fuzz/artifacts/$t"/crash-* "fuzz/artifacts/$t"/timeout-* "fuzz/artifacts/$t"/oom-* "fuzz/artifacts/$t"/leak-*; do
    [ -f "$a" ] && [ "$a" -nt "$stamp" ] || continue
    mkdir -p "core/tests/fuzz_regressions/$t"
    cp -n "$a" "core/tests/fuzz_regressions/$t/$(basename "$a")"
    found+=("$(basename "$a")")
  done
  rm -f "$stamp"
  if [ "$rc" -ne 0 ] && [ ${#found[@]} -eq 0 ]; then
    echo "$t: cargo fuzz failed (exit $rc) without a crash file; last lines of $log:" >&2
    tail -20 "$log" >&2
    crashes=$((crashes + 1))
  fi
  crashes=$((crashes + ${#found[@]}))
  summary+=("$(printf '%-18s %12s executions %8s exec/s %5ss  %s' "$t" "${execs:-?}" "${rate:-?}" "$elapsed" "${found[*]:-no crash}")")
done
echo
echo "== fuzzing summary (${seconds}s per target, sanitizer $sanitizer, $tracing, detect_leaks $detect_leaks, max_len $max_len) =="
printf '%s\n' "${summary[@]}"
echo "total fuzzing time: $(( $(date +%s) - total_start ))s"
if [ "$crashes" -ne 0 ]; then
  echo "$crashes finding(s): copied to core/tests/fuzz_regressions/; replay with" \
    "cargo test -p sharesafe-core --test fuzz_regressions" >&2
  exit 1
fi
