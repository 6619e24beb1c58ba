#!/usr/bin/env bash
# Runs every test ShareSafe has, as CI does: formatting, lints, the Rust tests (unit tests and
# behaviour over ../shared/corpus), the dependency check (no network crates), and the bindings
# scenarios in Kotlin, Swift and Python, then the Android and iOS checks. Installs what it needs
# with the project's own scripts.
#
# CI time: the tool set-ups (apt, the face model, Kotlin, Python, the Swift chroot) are network
# and disk work, so they run in the background while clippy uses the cores. Every cargo build
# below selects the whole workspace with the same features (`$features`), so the bindings
# scripts reuse what `cargo test` compiled instead of rebuilding tract with other features.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
free_gb() { df -Pk "${CARGO_TARGET_DIR:-target}" 2>/dev/null | awk 'NR==2 {printf "%.1f", $4 / 1048576}'; }
section() { printf '\n== %s (%ss, %s GB free) ==\n' "$1" "$(( $(date +%s) - start ))" "$(free_gb)"; }
# A CI run builds once from a clean checkout: incremental caches would only cost disk (~2 GB).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
features="sharesafe-ffi/test-hooks"
export SHARESAFE_CARGO_FEATURES="$features"   # read by tests/run_bindings.sh and the app scripts

logs="${CARGO_TARGET_DIR:-target}/setup-logs"
mkdir -p "$logs"
setup_all() { # one after another: several of them use apt, which takes a lock
    local s
    for s in scripts/setup-test-deps.sh scripts/setup-media-tools.sh scripts/fetch-face-model.sh \
        scripts/setup-kotlin.sh scripts/setup-python.sh scripts/setup-swift.sh \
        ios/scripts/setup-swift-parser.sh; do
        echo "-- $s"
        bash "$s" || { echo "-- $s FAILED"; return 1; }
    done
}
section "setup (in the background, log in $logs/setup.log)"
setup_all >"$logs/setup.log" 2>&1 &
setup_pid=$!

section "cargo fmt --check"
cargo fmt --all -- --check

section "cargo clippy"
cargo clippy --workspace --all-targets --locked --features "$features" -- -D warnings

section "no network code in the dependency tree"
bash scripts/check-no-network.sh

section "the wheel build (sharesafe-ffi alone) unifies features like the workspace build"
bash scripts/check-feature-unification.sh

section "setup: waiting for the background set-up"
setup_rc=0
wait "$setup_pid" || setup_rc=$?
grep -v '^$' "$logs/setup.log" | tail -n 40
if [ "$setup_rc" -ne 0 ]; then
    echo "setup failed (exit $setup_rc); the whole log is $logs/setup.log"
    exit 1
fi

section "cargo test"
cargo test --workspace --locked --features "$features"

section "bindings: the scenario list in Rust, Kotlin, Swift and Python"
bash tests/run_bindings.sh

section "android: host-JVM tests, stub compile, manifest checks"
bash android/scripts/check.sh

section "ios: Linux XCTests, Swift syntax, plists, strings"
bash ios/scripts/check.sh

section "done"
echo "all tests passed in $(( $(date +%s) - start ))s"
