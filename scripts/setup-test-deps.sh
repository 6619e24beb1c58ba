#!/usr/bin/env bash
# Installs what the core's tests need besides Rust: exiftool, the metadata oracle the tests use to
# prove nothing is left. Idempotent; quick when everything is already there. Debian/Ubuntu (apt).
set -euo pipefail

need_apt=()
command -v exiftool >/dev/null 2>&1 || need_apt+=(libimage-exiftool-perl)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-test-deps: installing ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v exiftool >/dev/null && echo "setup-test-deps: exiftool $(exiftool -ver)"
