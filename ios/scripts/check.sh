#!/usr/bin/env bash
# Why this exists: the one entry point CI calls for ios/. Without Xcode, three checks keep the iOS
# code from rotting:
#   1. test-linux.sh         the Swift package builds and its XCTests pass against the real library
#   2. check_swift_syntax.py every Swift file parses (tree-sitter-swift); no network API is used
#   3. check_plists.py       Info.plist/entitlements keys; check_strings.py: EN/FR/DE/NL tables
# Runs all of them (a failure does not hide the others), prints each one's counts and time, and
# exits non-zero when any fails.
#
# Usage: ios/scripts/check.sh [swift-tests|syntax|plists|strings ...]   (default: all)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ios="$(cd "$here/.." && pwd)"
wanted=("$@")
((${#wanted[@]})) || wanted=(swift-tests syntax plists strings)
wants() { [[ " ${wanted[*]} " == *" $1 "* ]]; }

failed=()
step() { # name command...
    local start=$SECONDS
    echo "== ios: $1"
    "${@:2}"
    local rc=$?
    echo "== ios: $1: exit $rc in $((SECONDS - start)) s"
    ((rc == 0)) || failed+=("$1")
}

total_start=$SECONDS
if wants syntax; then
    if parser_python="$(bash "$here/setup-swift-parser.sh" | tail -1)"; then
        step syntax "$parser_python" "$here/check_swift_syntax.py" "$ios"
    else
        echo "== ios: syntax: could not install tree-sitter-swift"
        failed+=(syntax)
    fi
fi
wants plists && step plists python3 "$here/check_plists.py" "$ios"
wants strings && step strings python3 "$here/check_strings.py" "$ios"
wants swift-tests && step swift-tests bash "$here/test-linux.sh"

echo "ios checks: $((${#wanted[@]} - ${#failed[@]})) passed, ${#failed[@]} failed${failed[*]:+ (${failed[*]})} in $((SECONDS - total_start)) s"
((${#failed[@]} == 0))
