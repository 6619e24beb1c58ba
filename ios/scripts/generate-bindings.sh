#!/usr/bin/env bash
# Why this exists: the Swift bindings are a build output of the Rust library (never committed), and
# SwiftPM wants them in fixed places. This script generates them from a built library with the
# workspace's own uniffi-bindgen (library mode) and places them in the package:
#   ios/ShareSafe/Sources/ShareSafeFFI/sharesafe_ffi.swift        the Swift API UniFFI generates
#   <header-dir>/sharesafe_ffiFFI.h + module.modulemap              the C module it imports
# The module map must be called `module.modulemap` (SwiftPM and XCFramework headers both look
# for that name), so the generated `sharesafe_ffiFFI.modulemap` is renamed.
#
# Usage: ios/scripts/generate-bindings.sh <path to libsharesafe_ffi.{so,a,dylib}> [header-dir]
#   header-dir defaults to ios/ShareSafe/Sources/sharesafe_ffiFFI (the Linux system-library target);
#   build-xcframework.sh passes its own directory for the XCFramework's Headers.
# Env: BINDGEN = path to a built uniffi-bindgen (default: $CARGO_TARGET_DIR/debug/uniffi-bindgen).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pkg="$here/../ShareSafe"
lib="${1:?usage: generate-bindings.sh <library> [header-dir]}"
headers="${2:-$pkg/Sources/sharesafe_ffiFFI}"
repo="$(cd "$here/../.." && pwd)"
bindgen="${BINDGEN:-${CARGO_TARGET_DIR:-$repo/target}/debug/uniffi-bindgen}"

cd "$repo"  # library mode reads bindings/ffi/uniffi.toml through cargo metadata
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bindgen" generate --library "$lib" --language swift --out-dir "$tmp" >/dev/null

rm -rf "$pkg/Sources/ShareSafeFFI"
mkdir -p "$pkg/Sources/ShareSafeFFI" "$headers"
cp "$tmp"/*.swift "$pkg/Sources/ShareSafeFFI/"
cp "$tmp"/*.h "$headers/"
cp "$tmp"/*.modulemap "$headers/module.modulemap"
echo "bindings placed: $pkg/Sources/ShareSafeFFI, $headers"
