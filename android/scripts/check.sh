#!/usr/bin/env bash
# Why this exists: the one entry point CI calls for the Android part. It runs, without an Android
# SDK:
#   (1) test-host.sh           the :sharesafe Kotlin on the desktop JVM against the real library
#   (2) compile-android-stub.sh the Android-facing Kotlin type-checked against android-api-stub
#   (3) check-manifest.py      manifest, resources, file_paths.xml, shortcuts, four languages
#       (and its --self-test, which proves each check fails on a broken copy)
# and exits non-zero when any fails. The NDK cross-build (build-rust-android.sh) and a Gradle
# build are not run here: this machine cannot fetch the NDK, the SDK or the Gradle plugins.
#
# Usage: android/scripts/check.sh     Last line: "android: N passed, N failed" (the steps).
set -uo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
passed=0
failed=0
step() { # label command...
    local start=$SECONDS
    echo "== $1"
    if "${@:2}"; then
        passed=$((passed + 1))
        echo "== $1: ok in $((SECONDS - start)) s"
    else
        failed=$((failed + 1))
        echo "== $1: FAILED in $((SECONDS - start)) s"
    fi
}

step "host JVM tests of the Kotlin library" bash "$scripts/test-host.sh"
step "Android-facing Kotlin against the API stub" bash "$scripts/compile-android-stub.sh"
step "manifest and resources" python3 "$scripts/check-manifest.py"
step "manifest checks fail on broken copies" python3 "$scripts/check-manifest.py" --self-test
echo "android: $passed passed, $failed failed"
((failed == 0))
