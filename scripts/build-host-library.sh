#!/usr/bin/env bash
# Why this exists: the bindings scenarios (tests/run_bindings.sh), the Android host-JVM tests and
# stub compile, and the iOS Linux XCTests all need the host build of `libsharesafe_ffi.so` and the
# in-repo `uniffi-bindgen`. They build them with this one command, which selects the whole
# workspace with all targets and the same features as `scripts/test.sh`'s `cargo test`: Cargo
# unifies dependency features per invocation, and another selection can turn on a different
# feature set in a shared dependency (miniz_oxide's `std`, for one) and recompile it and everything
# above it, tract included: about ten minutes of CI each time. (`-p sharesafe-ffi` alone, which
# maturin builds, is pinned to the workspace's features in bindings/ffi/Cargo.toml and checked by
# scripts/check-feature-unification.sh.)
# After `cargo test` this takes a second or two (cargo test leaves the cdylib in deps/; this
# copies it up to target/debug).
#
# Usage: scripts/build-host-library.sh      (then: ${CARGO_TARGET_DIR:-target}/debug/libsharesafe_ffi.so
#                                            and .../debug/uniffi-bindgen)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
features="${SHARESAFE_CARGO_FEATURES:-sharesafe-ffi/test-hooks}"
cargo build --quiet --locked --workspace --all-targets --features "$features"
