#!/usr/bin/env bash
# Why this exists: the Android SDK cannot be installed on our CI machines, but the Android-facing
# Kotlin (activities, FileProvider, ContentResolver helpers) must still be type-checked. This
# compiles it with kotlinc against android/stubs/android-api-stub: a COMPILE-ONLY jar of the few
# android.* and androidx.* signatures ShareSafe uses (bodies throw; never shipped, never run),
# plus an R class generated from the app's resources as aapt2 would. The bindings are generated
# with the ANDROID config (bindings/ffi/uniffi-android.toml, android = true), as Gradle does.
# A type error in app or library code fails this script; it cannot find a signature the stub
# gets wrong, which only a Gradle build with the real SDK (android/README.md) can.
#
# Usage: android/scripts/compile-android-stub.sh     (after test-host.sh built the host library)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/kotlin-env.sh"
out="$target/android-stub-compile"
stub="$android/stubs/android-api-stub"
rm -rf "$out"
mkdir -p "$out/stub-classes" "$out/r" "$out/app"

# 1. The stub jar: android.* in Java, androidx.* in Kotlin (as the real libraries are), R.
mapfile -t java_stubs < <(find "$stub/java" -name '*.java' | sort)
javac -nowarn -d "$out/stub-classes" "${java_stubs[@]}"
python3 "$android/stubs/generate_r_stub.py" "$android/app/src/main/res" org.sharesafe.app "$out/r"
javac -nowarn -d "$out/stub-classes" "$out/r/org/sharesafe/app/R.java"
mapfile -t kotlin_stubs < <(find "$stub/kotlin" -name '*.kt' | sort)
"$kotlinc" -nowarn -cp "$out/stub-classes:$coroutines" -d "$out/stub-classes" "${kotlin_stubs[@]}" 2>&1 |
    grep -v '^warning:' || true
jar cf "$out/android-api-stub.jar" -C "$out/stub-classes" .

# 2. The bindings as Gradle generates them.
"$target/debug/uniffi-bindgen" generate --library "$target/debug/libsharesafe_ffi.so" --language kotlin \
    --config "$repo/bindings/ffi/uniffi-android.toml" --out-dir "$out/generated" >/dev/null

# 3. The bindings, then library and app against the stub. Our own code compiles with -Werror; the
#    generated code is compiled first, apart, since its warnings are not ours to fix.
mapfile -t generated < <(find "$out/generated" -name '*.kt' | sort)
"$kotlinc" -nowarn -cp "$out/android-api-stub.jar:$jna:$coroutines" -d "$out/bindings" "${generated[@]}" \
    >"$out/kotlinc-bindings.log" 2>&1 || {
    grep -E '^e: ' "$out/kotlinc-bindings.log" | head -20
    echo "FAIL generated Android bindings do not compile against android-api-stub"
    exit 1
}
mapfile -t sources < <(find "$android/sharesafe/src/main/kotlin" "$android/app/src/main/kotlin" -name '*.kt' | sort)
if "$kotlinc" -Werror -cp "$out/bindings:$out/android-api-stub.jar:$jna:$coroutines" -d "$out/app" "${sources[@]}" \
    >"$out/kotlinc.log" 2>&1; then
    echo "PASS android-facing Kotlin compiles against android-api-stub (${#sources[@]} files, -Werror)"
    exit 0
fi
grep -E '^(e|w): ' "$out/kotlinc.log" | head -40
echo "FAIL android-facing Kotlin does not compile against android-api-stub"
exit 1
