#!/usr/bin/env bash
# Why this exists: the Python bindings are tested twice, as a generated module loaded against the
# built library and as a wheel built by maturin (`bindings = "uniffi"`) and installed. This makes
# a virtual environment outside the repository with maturin and pytest from PyPI. Idempotent.
#
# Usage: scripts/setup-python.sh    (prints VENV=... on its last line)
# Cache: $SHARESAFE_CACHE/python-venv, default /var/cache/sharesafe/python-venv.
set -euo pipefail

cache="${SHARESAFE_CACHE:-/var/cache/sharesafe}"
venv="$cache/python-venv"
maturin_version="1.16.0"
pytest_version="9.2.0"

if [[ ! -x "$venv/bin/python" ]]; then
    mkdir -p "$cache"
    python3 -m venv "$venv"
fi
if ! "$venv/bin/maturin" --version 2>/dev/null | grep -q "$maturin_version" ||
    ! "$venv/bin/python" -m pytest --version 2>&1 | grep -q "$pytest_version"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "maturin==$maturin_version" "pytest==$pytest_version"
fi
"$venv/bin/maturin" --version >&2
"$venv/bin/python" -m pytest --version >&2
echo "VENV=$venv"
