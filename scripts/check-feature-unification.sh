#!/usr/bin/env bash
# Why this exists: maturin builds the Python wheel from `sharesafe-ffi` alone, and Cargo unifies
# dependency features per selection. When that selection turns on fewer features of a shared
# dependency than the workspace build does (`cargo test --workspace`), the wheel build compiles
# that dependency again and everything above it, tract included: about ten minutes of CI.
# `bindings/ffi/Cargo.toml` pins those features; this check fails when a new dependency makes the
# two selections drift apart, naming the crate and the features that differ. It reads only
# `cargo tree` (no build, about a second).
#
# Allowed to differ: uniffi itself (the workspace's uniffi-bindgen turns on `cli`/`bindgen`) and
# what only that side pulls in; rebuilding those costs seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
features="${SHARESAFE_CARGO_FEATURES:-sharesafe-ffi/test-hooks}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo tree --locked -e normal,build,dev -f '{p} {f}' --prefix none --workspace \
    --features "$features" >"$tmp/workspace"
cargo tree --locked -e normal,build -f '{p} {f}' --prefix none -p sharesafe-ffi \
    --features "$features" >"$tmp/ffi"
python3 - "$tmp/workspace" "$tmp/ffi" <<'EOF'
import sys

ALLOWED = {"uniffi", "winnow"}
# Our own crates: their features are set on the command line, not unified.
OURS = ("sharesafe-",)


def load(path):
    feats = {}
    for line in open(path):
        parts = line.replace(" (*)", "").replace(" (proc-macro)", "").split()
        if len(parts) < 2:
            continue
        key = (parts[0], parts[1])
        last = parts[-1] if len(parts) > 2 else ""
        f = set(last.split(",")) if last and last[0] not in "(/" else set()
        feats.setdefault(key, set()).update(f)
    return feats


workspace, ffi = load(sys.argv[1]), load(sys.argv[2])
drift = [
    (name, ver, sorted(workspace[(name, ver)] - f))
    for (name, ver), f in sorted(ffi.items())
    if (name, ver) in workspace and workspace[(name, ver)] != f and name not in ALLOWED
    and not name.startswith(OURS)
]
for name, ver, missing in drift:
    print(f"{name} {ver}: the workspace build turns on {missing}, `-p sharesafe-ffi` does not")
if drift:
    print("pin these features in bindings/ffi/Cargo.toml (see the comment there)")
    sys.exit(1)
if len(ffi) < 50:
    print(f"only {len(ffi)} packages in the tree of sharesafe-ffi: cargo tree failed?")
    sys.exit(1)
print(f"sharesafe-ffi alone unifies its {len(ffi)} dependencies like the workspace build")
EOF
