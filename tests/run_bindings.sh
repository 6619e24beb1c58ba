#!/usr/bin/env bash
# Why this exists: the apps reach the core only through the UniFFI boundary, so every language we
# ship runs the same scenarios (tests/scenarios.tsv) on this machine. This script builds the
# cdylib (with the `test-hooks` feature), generates the Kotlin, Swift and Python bindings with the
# workspace's own uniffi-bindgen, and runs the four suites:
#   Rust    the `scenarios` test of sharesafe-ffi (the scenarios through the exported Rust functions)
#   Kotlin  kotlinc + JNA on the host JVM, coroutines driving the suspend functions
#   Swift   swift test (XCTest) inside the Debian trixie chroot of scripts/setup-swift.sh
#   Python  pytest against the generated module, then against the wheel built by maturin
# Each runner prints its own pass/fail counts; the last line sums the suites. Exits non-zero when
# any suite fails. Runs the setup scripts first (they return at once when their cache is ready).
#
# Usage: tests/run_bindings.sh [rust|kotlin|swift|python ...]   (default: all four)
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"
out="$target/bindings-test"
# A copy of the built library: maturin's later build of the same crate replaces target/debug's.
lib_dir="$out/lib"
lib="$lib_dir/libsharesafe_ffi.so"
langs=("$@")
((${#langs[@]})) || langs=(rust kotlin swift python)

passed_suites=0
failed_suites=0
failed_names=()
record() { # name status
    if [[ "$2" == 0 ]]; then
        passed_suites=$((passed_suites + 1))
    else
        failed_suites=$((failed_suites + 1))
        failed_names+=("$1")
    fi
}
timed() { # label command...
    local start=$SECONDS
    "${@:2}"
    local rc=$?
    echo "== $1: exit $rc in $((SECONDS - start)) s"
    return $rc
}
wants() { [[ " ${langs[*]} " == *" $1 "* ]]; }

cd "$repo" || exit 1

build_and_generate() { # every step checked: `set -e` does not apply under `timed … || …`
    # The same units, features and profile as CI's `cargo test --workspace --locked --features
    # sharesafe-ffi/test-hooks` (scripts/test.sh), so after it every crate here is already fresh:
    # building the cdylib and the bindgen with another feature unification would rebuild tract
    # and everything under it. The scenarios' model comes from the project's own (cached) fetch.
    bash "$repo/scripts/build-host-library.sh" || return 1
    bash scripts/fetch-face-model.sh "$repo/core/assets" >/dev/null || return 1
    rm -rf "$out" && mkdir -p "$lib_dir" || return 1
    cp "$target/debug/libsharesafe_ffi.so" "$lib" || return 1
    local language
    for language in kotlin swift python; do
        "$target/debug/uniffi-bindgen" generate --library "$lib" --language "$language" \
            --out-dir "$out/generated/$language" >/dev/null || return 1
    done
}

run_rust() {
    # Workspace-wide selection for the same feature unification as the build above (only
    # sharesafe-ffi has a `scenarios` test, so only it runs).
    cargo test --locked --workspace --features sharesafe-ffi/test-hooks --test scenarios \
        -- --nocapture 2>&1 |
        grep -E '^(PASS|FAIL|rust scenarios:|test result:|test .* FAILED|failures:|thread .* panicked)'
    return "${PIPESTATUS[0]}"
}

run_kotlin() {
    local vars kotlinc cp
    vars="$(bash "$repo/scripts/setup-kotlin.sh")" || return 1
    kotlinc="$(sed -n 's/^KOTLINC=//p' <<<"$vars")"
    cp="$(sed -n 's/^CLASSPATH=//p' <<<"$vars")"
    "$kotlinc" -nowarn -include-runtime -cp "$cp" -d "$out/kotlin-scenarios.jar" \
        $(find "$out/generated/kotlin" -name '*.kt') "$repo"/tests/kotlin/*.kt 2>&1 |
        grep -v '^warning:' || true
    [[ -f "$out/kotlin-scenarios.jar" ]] || { echo "kotlinc failed"; return 1; }
    java -Djna.library.path="$lib_dir" -Dsharesafe.repo="$repo" \
        -cp "$out/kotlin-scenarios.jar:$cp" ScenariosKt
}

run_swift() {
    local root
    root="$(bash "$repo/scripts/setup-swift.sh" | tail -1)" || return 1
    [[ -d "$root/usr" ]] || { echo "no swift chroot"; return 1; }
    local pkg="$out/swift"
    mkdir -p "$pkg/Sources/ShareSafeFFI" "$pkg/Sources/sharesafe_ffiFFI"
    cp -r "$repo/tests/swift/Package.swift" "$repo/tests/swift/Tests" "$pkg/"
    cp "$out/generated/swift/"*.swift "$pkg/Sources/ShareSafeFFI/"
    cp "$out/generated/swift/"*.h "$pkg/Sources/sharesafe_ffiFFI/"
    # SwiftPM wants the module map under this exact name.
    cp "$out/generated/swift/"*.modulemap "$pkg/Sources/sharesafe_ffiFFI/module.modulemap"
    # The repository, the corpus beside it and the build directory appear inside the chroot at the
    # same paths, in a private mount namespace that disappears with the command.
    local shared
    shared="$(dirname "$repo")/shared"
    bash "$repo/scripts/in-swift-chroot.sh" "$root" "$repo" "$shared" "$target" -- \
        SHARESAFE_REPO="$repo" SHARESAFE_LIB_DIR="$lib_dir" LD_LIBRARY_PATH="$lib_dir" \
        swift test --package-path "$pkg" --scratch-path "$target/swift-build" --disable-swift-testing 2>&1 |
        grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Build|Linking|Write|Planning|Wrapping)' |
        grep -vE "^Test Case .* (started|passed)"
    return "${PIPESTATUS[0]}"
}

run_python() {
    local vars venv
    vars="$(bash "$repo/scripts/setup-python.sh")" || return 1
    venv="$(sed -n 's/^VENV=//p' <<<"$vars")"
    local rc=0
    # 1. The generated module beside the library it loads.
    local mod="$out/python-module"
    mkdir -p "$mod"
    cp "$out/generated/python/"*.py "$lib" "$mod/"
    echo "-- python: generated module"
    PYTHONPATH="$mod" "$venv/bin/python" -m pytest -q -p no:cacheprovider "$repo/tests/python" || rc=1
    # 2. The wheel maturin builds, installed into its own directory.
    echo "-- python: maturin wheel"
    rm -rf "$out/wheels" "$out/python-wheel"
    "$venv/bin/maturin" build --quiet -m "$repo/bindings/ffi/Cargo.toml" --profile dev \
        --features test-hooks --out "$out/wheels" 2>&1 | grep -E '^(error|💥|📦|Built wheel)' || true
    local wheel
    wheel="$(ls "$out"/wheels/*.whl 2>/dev/null | head -1)"
    [[ -n "$wheel" ]] || { echo "maturin built no wheel"; return 1; }
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
        --target "$out/python-wheel" "$wheel" || return 1
    PYTHONPATH="$out/python-wheel" "$venv/bin/python" -m pytest -q -p no:cacheprovider \
        "$repo/tests/python" || rc=1
    return $rc
}

timed "build library and generate bindings" build_and_generate || {
    echo "bindings: 0 passed, 1 failed"
    exit 1
}
for language in rust kotlin swift python; do
    wants "$language" || continue
    echo "== $language"
    timed "$language" "run_$language"
    record "$language" $?
done
((failed_suites == 0)) || echo "failed suites: ${failed_names[*]}"
echo "binding suites: $passed_suites passed, $failed_suites failed"
((failed_suites == 0))
