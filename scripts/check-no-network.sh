#!/usr/bin/env bash
# Promise 5, on device only: no HTTP, TLS or socket-client crate may be in the dependency tree of
# anything we ship. Fails (exit 1) naming the crate and what pulls it in.
set -euo pipefail
cd "$(dirname "$0")/.."
banned='^(reqwest|hyper|hyper-util|h2|ureq|curl|curl-sys|isahc|surf|attohttpc|tokio|async-std|native-tls|openssl|openssl-sys|rustls|webpki|tungstenite|mio|socket2|http|awc|actix-web)$'
found=0
for pkg in $(cargo metadata --format-version 1 --locked --no-deps | python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"]))'); do
  while read -r dep; do
    [ -z "$dep" ] && continue
    if [[ "$dep" =~ $banned ]]; then
      echo "network crate '$dep' in the tree of $pkg:"
      cargo tree --locked -p "$pkg" -e normal -i "$dep" | head -20
      found=1
    fi
  done < <(cargo tree --locked -p "$pkg" -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
done
if [ "$found" -ne 0 ]; then
  exit 1
fi
echo "no network crates in the normal dependency tree of any workspace crate"
