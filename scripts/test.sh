#!/usr/bin/env bash
# Runs every test ShareSafe has, as CI does: formatting, lints, the Rust tests (unit tests and
# behaviour over ../shared/corpus), the dependency check (no network crates), and the bindings
# scenarios in Kotlin, Swift and Python. Installs what it needs with the project's own scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
section() { printf '\n== %s (%ss) ==\n' "$1" "$(( $(date +%s) - start ))"; }

section "setup"
bash scripts/setup-test-deps.sh
bash scripts/setup-media-tools.sh
bash scripts/fetch-face-model.sh

section "cargo fmt --check"
cargo fmt --all -- --check

section "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

section "no network code in the dependency tree"
bash scripts/check-no-network.sh

section "cargo test"
cargo test --workspace --locked

section "bindings: the scenario list in Rust, Kotlin, Swift and Python"
bash tests/run_bindings.sh

section "android: host-JVM tests, stub compile, manifest checks"
bash android/scripts/check.sh

section "ios: Linux XCTests, Swift syntax, plists, strings"
bash ios/scripts/check.sh

section "done"
echo "all tests passed in $(( $(date +%s) - start ))s"
