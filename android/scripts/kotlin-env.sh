# Why this exists: the host-JVM tests and the stub compile need the same things before they
# start: where the repository and the cargo target are, kotlinc and the jars the Kotlin code
# links against (kotlinx-coroutines from the kotlin-compiler package, JNA from apt), and the host
# build of the library (scripts/build-host-library.sh: the test command's own feature set, so it
# reuses that build). Sourced, not run: it sets android, repo, target, kotlinc, coroutines, jna.
#
# Usage (from a script in android/scripts): source "$(dirname "${BASH_SOURCE[0]}")/kotlin-env.sh"
android="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$android")"
target="${CARGO_TARGET_DIR:-$repo/target}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"

vars="$(bash "$repo/scripts/setup-kotlin.sh")"
kotlinc="$(sed -n 's/^KOTLINC=//p' <<<"$vars")"
coroutines="$(dirname "$kotlinc")/../lib/kotlinx-coroutines-core-jvm.jar"
jna=/usr/share/java/jna.jar
[[ -f "$coroutines" && -f "$jna" ]] || { echo "android: missing $coroutines or $jna" >&2; exit 1; }

cd "$repo"
bash "$repo/scripts/build-host-library.sh"
