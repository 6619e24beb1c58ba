#!/usr/bin/env bash
# Why this exists: the Swift bindings must be tested on this Linux host, and Swift 6 comes only from
# Debian trixie's `swiftlang` package. The host is older Debian, so we keep a trixie chroot (made
# with debootstrap from Debian's own archive) in a cache directory outside the repository. It is
# built from scratch when missing and reused otherwise; tests/run_bindings.sh enters it with
# `unshare -m` and the repository bind-mounted at the same path.
#
# Usage: scripts/setup-swift.sh            (prints the chroot's path on its last line)
# Cache: $SHARESAFE_CACHE/swift-chroot, default /var/cache/sharesafe/swift-chroot.
set -euo pipefail

cache="${SHARESAFE_CACHE:-/var/cache/sharesafe}"
root="$cache/swift-chroot"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
stamp="$root/.sharesafe-swift-ready"
# Packages inside the chroot: the Swift toolchain (compiler, SwiftPM, Foundation, XCTest) and the C
# headers and linker pieces SwiftPM needs to link a test binary against our Rust library.
packages="swiftlang libc6-dev libstdc++-14-dev libgcc-14-dev binutils"

in_chroot() {
    # A private mount namespace: /proc and /dev appear only inside it and vanish with it.
    unshare -m -- bash -c '
        set -e
        root="$1"; shift
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
    ' in_chroot "$root" "$@"
}

if [[ -f "$stamp" ]] && in_chroot swift --version >/dev/null 2>&1; then
    echo "swift chroot ready (cached)"
    echo "$root"
    exit 0
fi

start=$(date +%s)
if ! command -v debootstrap >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq debootstrap >/dev/null
fi

mkdir -p "$cache"
tmp="$root.partial"
rm -rf "$tmp"
echo "debootstrap trixie into $tmp"
debootstrap --variant=minbase trixie "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
    tail -30 "$cache/debootstrap.log"
    exit 1
}
rm -rf "$root"
mv "$tmp" "$root"
echo "installing $packages"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
in_chroot sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null"
in_chroot apt-get clean
in_chroot swift --version
touch "$stamp"
echo "swift chroot built in $(( $(date +%s) - start )) s"
echo "$root"
