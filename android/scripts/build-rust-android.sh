#!/usr/bin/env bash
# Why this exists: the app ships the Rust core as libsharesafe_ffi.so for each Android ABI. This
# cross-builds it in release (the workspace profile: LTO, strip, overflow checks, no
# panic = "abort") with cargo-ndk, which finds the NDK's clang and sets the linker per target.
# NOT EXERCISED BY CI: our CI machines cannot download the NDK or Rust's Android targets.
#
# One-time setup on a developer machine:
#   rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
#   cargo install cargo-ndk --locked
#   Android Studio > SDK Manager > SDK Tools > NDK (Side by side) 27.2.12479018, or set
#   ANDROID_NDK_HOME to an NDK r27 directory.
#
# Usage: android/scripts/build-rust-android.sh [JNI_LIBS_DIR]
#        (default android/sharesafe/src/main/jniLibs; Gradle's buildRustAndroid task passes it)
set -euo pipefail

android="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$android")"
out="${1:-$android/sharesafe/src/main/jniLibs}"
# Must match android/gradle/libs.versions.toml (min-sdk).
min_sdk=26
abis=(arm64-v8a armeabi-v7a x86_64)

command -v cargo-ndk >/dev/null || {
    echo "cargo-ndk is missing: cargo install cargo-ndk --locked" >&2
    exit 1
}
if [[ -z "${ANDROID_NDK_HOME:-}" && -n "${ANDROID_HOME:-}" && -d "${ANDROID_HOME}/ndk" ]]; then
    ANDROID_NDK_HOME="$(ls -d "$ANDROID_HOME"/ndk/* | sort -V | tail -1)"
    export ANDROID_NDK_HOME
fi
[[ -n "${ANDROID_NDK_HOME:-}" ]] || {
    echo "set ANDROID_NDK_HOME (or ANDROID_HOME with an NDK installed by the SDK Manager)" >&2
    exit 1
}

targets=()
for abi in "${abis[@]}"; do targets+=(-t "$abi"); done
cd "$repo"
# The shipped library never has the test-hooks feature.
cargo ndk --platform "$min_sdk" "${targets[@]}" -o "$out" build --release --locked -p sharesafe-ffi
for abi in "${abis[@]}"; do
    [[ -f "$out/$abi/libsharesafe_ffi.so" ]] || { echo "missing $out/$abi/libsharesafe_ffi.so" >&2; exit 1; }
    echo "$abi: $(stat -c %s "$out/$abi/libsharesafe_ffi.so" 2>/dev/null || stat -f %z "$out/$abi/libsharesafe_ffi.so") bytes"
done
