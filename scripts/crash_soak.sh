#!/usr/bin/env bash
# Long crash soak (not part of CI): the SIGKILL crash test of core/tests/batch_crash.rs with
# thousands of kills. Every kill must leave each file its original bytes or its verified clean
# version, no accumulating temporary files, and a batch that resumes to the end.
# usage: scripts/crash_soak.sh [KILLS] [SEED]     (default 3000 kills, a fresh seed)
set -euo pipefail
cd "$(dirname "$0")/.."
export SHARESAFE_CRASH_KILLS="${1:-3000}"
export SHARESAFE_CRASH_SECONDS=86400
if [ -n "${2:-}" ]; then export SHARESAFE_CRASH_SEED="$2"; fi
exec cargo test -p sharesafe-core --test batch_crash -- --nocapture crash_kills_never_lose_or_tear_a_file
