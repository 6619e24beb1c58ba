#!/usr/bin/env bash
# Promise 5, on device only: no HTTP, TLS or socket-client crate may be in the dependency tree of
# anything we ship. Fails (exit 1) naming the crate and what pulls it in. Build dependencies are
# checked too: a build script with an HTTP client downloads at build time (prebuilt runtimes,
# models), which the promise and the registry-only rule forbid as much as a run-time fetch.
set -euo pipefail
cd "$(dirname "$0")/.."
banned='^(reqwest|hyper|hyper-util|h2|ureq|curl|curl-sys|isahc|surf|attohttpc|tokio|async-std|native-tls|openssl|openssl-sys|rustls|webpki|tungstenite|mio|socket2|http|awc|actix-web|minreq|tiny_http|quinn|hickory-resolver|trust-dns-resolver|libp2p|async-net|websocket)$'
found=0
for pkg in $(cargo metadata --format-version 1 --locked --no-deps | python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"]))'); do
  while read -r dep; do
    [ -z "$dep" ] && continue
    if [[ "$dep" =~ $banned ]]; then
      echo "network crate '$dep' in the tree of $pkg:"
      cargo tree --locked -p "$pkg" -e normal,build -i "$dep" | head -20
      found=1
    fi
  done < <(cargo tree --locked -p "$pkg" -e normal,build --prefix none --format '{p}' | awk '{print $1}' | sort -u)
done
if [ "$found" -ne 0 ]; then
  exit 1
fi
echo "no network crates in the normal or build dependency tree of any workspace crate"
