#!/usr/bin/env bash
# Why this exists: Swift runs here only inside the Debian trixie chroot of scripts/setup-swift.sh.
# The bindings' Swift scenarios (tests/run_bindings.sh) and the iOS package's XCTests
# (ios/scripts/test-linux.sh) both run `swift test` there, with the repository, the corpus and the
# build directory visible inside at the same paths. This does that once: a private mount
# namespace (`unshare -m`, gone with the command) with those folders bind-mounted, /proc and
# /dev, then the command under a clean environment (PATH, HOME, LANG and CI, plus the VAR=VALUE
# pairs given).
#
# Usage: scripts/in-swift-chroot.sh ROOT [DIR...] -- [VAR=VALUE...] COMMAND [ARG...]
#        ROOT is the chroot (the last line scripts/setup-swift.sh prints); each DIR that exists is
#        mounted at its own path. The exit status is the command's.
set -euo pipefail
root="${1:?usage: in-swift-chroot.sh ROOT [DIR...] -- [VAR=VALUE...] COMMAND...}"
shift
dirs=()
while (($#)) && [[ "$1" != "--" ]]; do
    dirs+=("$1")
    shift
done
(($#)) || { echo "in-swift-chroot.sh: no -- before the command" >&2; exit 2; }
shift
[[ -d "$root/usr" ]] || { echo "in-swift-chroot.sh: no chroot at $root" >&2; exit 1; }
exec unshare -m -- bash -c '
    set -e
    root="$1" n="$2"
    shift 2
    for ((i = 0; i < n; i++)); do
        dir="$1"
        shift
        [[ -d "$dir" ]] || continue
        mkdir -p "$root$dir"
        mount --rbind "$dir" "$root$dir"
    done
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 CI="${CI:-}" "$@"
' in-swift-chroot "$root" "${#dirs[@]}" "${dirs[@]}" "$@"
