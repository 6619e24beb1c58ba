#!/usr/bin/env bash
# Why this exists: check_swift_syntax.py needs tree-sitter and tree-sitter-swift from PyPI (pinned
# in requirements-parser.txt, binary wheels). They go into a virtualenv in a cache directory outside
# the repository, made once and reused; the virtualenv's python is printed on the last line.
#
# Usage: ios/scripts/setup-swift-parser.sh
# Cache: $SHARESAFE_CACHE/ios-swift-parser-venv, default /var/cache/sharesafe/ios-swift-parser-venv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${SHARESAFE_CACHE:-/var/cache/sharesafe}"
venv="$cache/ios-swift-parser-venv"
requirements="$here/requirements-parser.txt"
stamp="$venv/.requirements"

if [[ -x "$venv/bin/python" ]] && cmp -s "$requirements" "$stamp"; then
    echo "$venv/bin/python"
    exit 0
fi
mkdir -p "$cache"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
echo "$venv/bin/python"
