#!/usr/bin/env bash
# Why this exists: there is no Xcode here, yet the Swift package's platform-independent code (the
# API the share extension and the app call) must build and pass its XCTests against the real Rust
# library before it reaches a Mac. This script does what tests/run_bindings.sh does for the
# boundary tests: builds the host cdylib, generates the Swift bindings with the workspace's own
# uniffi-bindgen (placed by generate-bindings.sh), and runs `swift test` on ios/ShareSafe inside
# the Debian trixie chroot of scripts/setup-swift.sh (entered with `unshare -m`, the repository,
# the corpus and the build directory bind-mounted at the same paths). UIKit/SwiftUI code is behind
# `#if canImport(UIKit)` and is parsed, not compiled, by check_swift_syntax.py.
#
# Usage: ios/scripts/test-linux.sh       prints "ios swift tests: <n> passed, <m> failed"
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"
lib_dir="$target/ios-test/lib"
pkg="$repo/ios/ShareSafe"

cd "$repo" || exit 1
start=$SECONDS
# Each step checked on its own: `set -e` has no effect in a subshell tested by `||`.
{
    bash "$repo/scripts/build-host-library.sh" &&   # the test command's feature set: reuses its build
    rm -rf "$lib_dir" &&
    mkdir -p "$lib_dir" &&
    cp "$target/debug/libsharesafe_ffi.so" "$lib_dir/" &&
    BINDGEN="$target/debug/uniffi-bindgen" bash "$here/generate-bindings.sh" "$lib_dir/libsharesafe_ffi.so" >/dev/null
} || { echo "ios swift tests: 0 passed, 1 failed (library build or binding generation)"; exit 1; }
echo "== library built and bindings generated in $((SECONDS - start)) s"

# The face model (a setup step, never a run-time download) and the shared corpus for the face,
# zeroed-GPS and redaction tests; the tests skip without them, and fail without them under CI=true.
face_model="$(bash "$repo/scripts/fetch-face-model.sh" 2>/dev/null | tail -1)" || face_model=""
if [[ -f "$face_model" ]]; then
    # The cache may sit outside what the chroot sees: copy it beside the library.
    cp "$face_model" "$lib_dir/centerface.onnx" && face_model="$lib_dir/centerface.onnx"
fi
corpus="$(dirname "$repo")/shared/corpus"

root="$(bash "$repo/scripts/setup-swift.sh" | tail -1)" || { echo "ios swift tests: 0 passed, 1 failed (no swift chroot)"; exit 1; }
[[ -d "$root/usr" ]] || { echo "ios swift tests: 0 passed, 1 failed (no swift chroot)"; exit 1; }

log="$target/ios-test/swift-test.log"
shared="$(dirname "$repo")/shared"
bash "$repo/scripts/in-swift-chroot.sh" "$root" "$repo" "$shared" "$target" -- \
    SHARESAFE_REPO="$repo" SHARESAFE_LIB_DIR="$lib_dir" LD_LIBRARY_PATH="$lib_dir" \
    SHARESAFE_FACE_MODEL="$face_model" SHARESAFE_CORPUS="$corpus" \
    swift test --package-path "$pkg" --scratch-path "$target/ios-swift-build" --disable-swift-testing \
    >"$log" 2>&1
rc=$?

grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Build|Linking|Write|Planning|Wrapping)' "$log" |
    grep -vE "^Test Case .* (started|passed)"
passed=$(grep -cE "^Test Case .* passed" "$log")
failed=$(grep -cE "^Test Case .* failed" "$log")
skipped=$(grep -cE "^Test Case .* skipped" "$log")
# A build failure runs no test at all: count it as a failure, never as "0 failed".
if ((rc != 0 && failed == 0)); then failed=1; fi
if ((passed == 0 && failed == 0)); then failed=1; fi
echo "ios swift tests: $passed passed, $failed failed, $skipped skipped (in $((SECONDS - start)) s)"
((rc == 0 && failed == 0))
