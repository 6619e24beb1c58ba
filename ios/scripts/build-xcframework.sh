#!/usr/bin/env bash
# Why this exists: the iOS app links the Rust core as a static library, one slice per platform,
# packed in an XCFramework that the Swift package names as its binaryTarget. This script builds it
# on a Mac (it needs Xcode's `xcodebuild` and `lipo`; it cannot run on Linux):
#   device     aarch64-apple-ios
#   simulator  aarch64-apple-ios-sim + x86_64-apple-ios, merged with lipo into one fat library
#              (an XCFramework takes one library per platform variant)
# with the workspace's release profile (LTO "fat", one codegen unit, stripped, overflow checks on,
# never panic=abort: a Rust bug must reach Swift as ShareSafeFailure.internalError, not kill the
# host app). It then generates the Swift bindings from a host build of the same crate and places
# them in ios/ShareSafe/Sources/ShareSafeFFI, puts the C header and `module.modulemap` into every
# slice's Headers, and writes ios/ShareSafe/sharesafe_ffiFFI.xcframework. Prints each slice's size.
#
# Usage (on macOS, from anywhere):   ios/scripts/build-xcframework.sh
# Env:   SHARESAFE_IOS_OPT_LEVEL   overrides opt-level for this build only (e.g. "s" or "z" to trade
#                                  speed for size; default: the workspace's release profile)
#        IPHONEOS_DEPLOYMENT_TARGET   default 16.0 (the package's minimum)
# Needs: Xcode command line tools, rustup targets (added here when missing).
set -euo pipefail

if [[ "$(uname -s)" != Darwin ]]; then
    echo "build-xcframework.sh needs macOS with Xcode (xcodebuild, lipo); on Linux run ios/scripts/check.sh" >&2
    exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
pkg="$repo/ios/ShareSafe"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
out="$target_dir/ios-xcframework"
framework="$pkg/sharesafe_ffiFFI.xcframework"
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-16.0}"
if [[ -n "${SHARESAFE_IOS_OPT_LEVEL:-}" ]]; then
    export CARGO_PROFILE_RELEASE_OPT_LEVEL="$SHARESAFE_IOS_OPT_LEVEL"
fi

cd "$repo"
installed="$(rustup target list --installed)"
for t in "${targets[@]}"; do
    grep -qx "$t" <<<"$installed" || rustup target add "$t"
done

for t in "${targets[@]}"; do
    echo "== cargo build --release --target $t"
    cargo build --locked --release -p sharesafe-ffi --lib --target "$t"
done

rm -rf "$out"
mkdir -p "$out/device" "$out/simulator" "$out/headers"
cp "$target_dir/aarch64-apple-ios/release/libsharesafe_ffi.a" "$out/device/"
lipo -create \
    "$target_dir/aarch64-apple-ios-sim/release/libsharesafe_ffi.a" \
    "$target_dir/x86_64-apple-ios/release/libsharesafe_ffi.a" \
    -output "$out/simulator/libsharesafe_ffi.a"

# Bindings come from a host dylib of the same source (library mode reads the exported metadata).
echo "== generate Swift bindings"
cargo build --locked --release -p sharesafe-ffi --lib
cargo build --locked --release --bin uniffi-bindgen
BINDGEN="$target_dir/release/uniffi-bindgen" bash "$here/generate-bindings.sh" \
    "$target_dir/release/libsharesafe_ffi.dylib" "$out/headers"

rm -rf "$framework"
xcodebuild -create-xcframework \
    -library "$out/device/libsharesafe_ffi.a" -headers "$out/headers" \
    -library "$out/simulator/libsharesafe_ffi.a" -headers "$out/headers" \
    -output "$framework"

echo "== sizes"
du -h "$out/device/libsharesafe_ffi.a" "$out/simulator/libsharesafe_ffi.a"
echo "xcframework written: $framework"
echo "(the linked app size is what matters: Xcode → Product → Archive → App Thinning Size Report)"
