#!/usr/bin/env bash
# Why this exists: no Android SDK can be installed on our CI machines, yet the :sharesafe library's
# Kotlin must be proven against the real native code. So, as tests/run_bindings.sh does for the
# raw bindings, this builds the host cdylib (libsharesafe_ffi.so), generates the Kotlin bindings
# with the in-repo uniffi-bindgen and the HOST config (bindings/ffi/uniffi.toml, no android = true),
# compiles the library's Android-independent sources (everything under
# android/sharesafe/src/main/kotlin except content/, which needs android.*) with its host tests,
# and runs them on the desktop JVM with JNA loading the host library.
#
# kotlinx-coroutines: the library needs Flow (1.3+); Debian ships 1.0.1, so the tests use the
# kotlinx-coroutines-core-jvm jar that the kotlin-compiler npm package ships (1.8.0); Gradle builds
# pin their own version (android/gradle/libs.versions.toml).
#
# Face tests need the CenterFace model (scripts/fetch-face-model.sh: core/assets/ or $SHARESAFE_CACHE)
# and ../shared/corpus; without them they print SKIPPED, and under CI=true they fail.
#
# Usage: android/scripts/test-host.sh     Prints PASS/FAIL/SKIPPED lines and "android-host: N passed, N failed, N skipped".
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/kotlin-env.sh"
out="$target/android-host"
lib_dir="$target/debug"
rm -rf "$out"
mkdir -p "$out"
"$target/debug/uniffi-bindgen" generate --library "$lib_dir/libsharesafe_ffi.so" --language kotlin \
    --config "$repo/bindings/ffi/uniffi.toml" --out-dir "$out/generated" >/dev/null

mapfile -t sources < <(find "$android/sharesafe/src/main/kotlin" -name '*.kt' -not -path '*/content/*' | sort)
mapfile -t tests < <(find "$android/sharesafe/src/hostTest/kotlin" -name '*.kt' | sort)
mapfile -t generated < <(find "$out/generated" -name '*.kt')
"$kotlinc" -nowarn -include-runtime -cp "$jna:$coroutines" -d "$out/android-host-tests.jar" \
    "${generated[@]}" "${sources[@]}" "${tests[@]}" 2>&1 | grep -v '^warning:' || true
[[ -f "$out/android-host-tests.jar" ]] || { echo "android-host: 0 passed, 1 failed (kotlinc failed)"; exit 1; }

java -Djna.library.path="$lib_dir" -Dsharesafe.repo="$repo" \
    -cp "$out/android-host-tests.jar:$jna:$coroutines" org.sharesafe.android.LibraryHostTestsKt
