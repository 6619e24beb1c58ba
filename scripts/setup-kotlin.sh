#!/usr/bin/env bash
# Why this exists: the Kotlin bindings are tested on the host JVM, as UniFFI's own examples are, so
# no Android SDK is needed. kotlinc comes from the npm registry (package `kotlin-compiler`, which
# ships the whole JVM compiler), JNA and kotlinx-coroutines from Debian. Idempotent: a second run
# only checks that everything is there.
#
# Usage: scripts/setup-kotlin.sh     (prints KOTLINC=... and CLASSPATH=... lines)
# Cache: $SHARESAFE_CACHE/kotlin, default /var/cache/sharesafe/kotlin.
set -euo pipefail

cache="${SHARESAFE_CACHE:-/var/cache/sharesafe}"
kotlin_version="2.4.20"
prefix="$cache/kotlin-$kotlin_version"
kotlinc="$prefix/node_modules/kotlin-compiler/bin/kotlinc"

need_apt=()
command -v java >/dev/null || need_apt+=(default-jdk-headless)
[[ -f /usr/share/java/jna.jar ]] || need_apt+=(libjna-java)
[[ -f /usr/share/java/kotlinx-coroutines-core.jar ]] || need_apt+=(libkotlinx-coroutines-java)
[[ -f /usr/share/java/atomicfu.jar ]] || need_apt+=(libkotlinx-atomicfu-java)
if ((${#need_apt[@]})); then
    apt-get -o DPkg::Lock::Timeout=900 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
        --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [[ ! -x "$kotlinc" ]]; then
    mkdir -p "$prefix"
    npm install --no-audit --no-fund --loglevel=error --prefix "$prefix" \
        "kotlin-compiler@$kotlin_version" >/dev/null
fi
"$kotlinc" -version 2>&1 | head -1 >&2

echo "KOTLINC=$kotlinc"
# JNA, kotlinx-coroutines and the atomicfu runtime it needs (Debian's builds).
echo "CLASSPATH=/usr/share/java/jna.jar:/usr/share/java/kotlinx-coroutines-core.jar:/usr/share/java/atomicfu.jar"
