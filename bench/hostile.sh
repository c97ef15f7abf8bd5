#!/usr/bin/env bash
# The reproductions of the hostile requests, on loopback: CPU time of each request against
# `errdecode serve` with a 1 MiB input (the server's CPU time, read from /proc, before and
# after), of each CLI call with a 4 MiB input (every shape of errdecode_core::hostile, decode
# and token), and /healthz latency while two of each hostile request run at once. Linux only
# (reads /proc). Prints a table; stops what it started.
#
#   bash bench/hostile.sh            # builds the release binary first
#   BIN=target/release/errdecode bash bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN=${BIN:-$TARGET_DIR/release/errdecode}
EXAMPLE=${EXAMPLE:-$TARGET_DIR/release/examples/hostile}
if [[ -z "${SKIP_BUILD:-}" ]]; then
  cargo build --release -p errdecode
  cargo build --release -p errdecode-core --example hostile
fi
PORT=${PORT:-18087}
WORK=$(mktemp -d)
SERVER=""
cleanup() {
  [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null || true
  jobs -p | xargs -r kill 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$EXAMPLE" --seeds "$WORK/1m" $((1024 * 1024)) >/dev/null
"$EXAMPLE" --seeds "$WORK/4m" $((4 * 1024 * 1024)) >/dev/null
python3 - "$WORK" <<'PY'
import json, sys, urllib.parse
work = sys.argv[1]
# What the issue sent: 512 KiB of `a.` to /api/v1/token, a 1 MiB form to /decode.
open(f"{work}/token.json", "w").write(json.dumps({"text": "a." * (256 * 1024)}))
open(f"{work}/token-1m.json", "w").write(json.dumps({"text": "a." * (512 * 1024 - 64)}))
for name in ["dotted-words", "jwt-headers-dotted", "distinct-aadsts", "tenant-identifiers"]:
    text = open(f"{work}/1m/{name}.txt").read()
    form = "text=" + urllib.parse.quote(text)
    while len(form) > 1024 * 1024 - 64:
        text = text[: len(text) * 9 // 10]
        form = "text=" + urllib.parse.quote(text)
    open(f"{work}/{name}.form", "w").write(form)
PY

ERRDECODE_LOG=off "$BIN" serve --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
TICK=$(getconf CLK_TCK)
LONG_ID=$(head -c 7000 /dev/zero | tr '\0' 'x')
HUGE_ID=$(head -c 60000 /dev/zero | tr '\0' 'x')

request() { # name, curl arguments...
  local name=$1; shift
  local before after status
  before=$(cpu)
  status=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$@")
  after=$(cpu)
  printf '%-44s %-14s server CPU %6.3f s\n' "$name" "$status" "$(echo "($after - $before) / $TICK" | bc -l)"
}
U="http://127.0.0.1:$PORT"
echo "== one request at a time (status, answer bytes, server CPU)"
request "GET /api/v1/errors/{7,000-char id}" "$U/api/v1/errors/aadsts7000216$LONG_ID"
request "GET /errors/{7,000-char id}/" "$U/errors/aadsts7000216$LONG_ID/"
request "GET /api/v1/errors/{60,000-char id}" "$U/api/v1/errors/aadsts7000216$HUGE_ID"
request "POST /api/v1/token 512 KiB of a." -H 'content-type: application/json' --data-binary "@$WORK/token.json" "$U/api/v1/token"
request "POST /api/v1/token ~1 MiB of a." -H 'content-type: application/json' --data-binary "@$WORK/token-1m.json" "$U/api/v1/token"
for file in "$WORK"/1m/*.txt; do
  name=$(basename "$file" .txt)
  request "POST /api/v1/decode 1 MiB $name" -H 'content-type: text/plain' --data-binary "@$file" "$U/api/v1/decode"
done
for name in dotted-words jwt-headers-dotted distinct-aadsts tenant-identifiers; do
  request "POST /decode (form) <1 MiB $name" -H 'content-type: application/x-www-form-urlencoded' --data-binary "@$WORK/$name.form" "$U/decode"
done

echo "== /healthz while two of each hostile request run"
hammer() { while true; do curl -s -o /dev/null "$@" || true; done; }
for _ in 1 2; do
  hammer "$U/api/v1/errors/aadsts7000216$LONG_ID" &
  hammer -H 'content-type: application/json' --data-binary "@$WORK/token-1m.json" "$U/api/v1/token" &
  for name in dotted-words jwt-headers-dotted distinct-aadsts tenant-identifiers; do
    hammer -H 'content-type: text/plain' --data-binary "@$WORK/1m/$name.txt" "$U/api/v1/decode" &
  done
done
sleep 2
for _ in $(seq 40); do
  curl -s -o /dev/null -w '%{time_total}\n' "$U/healthz"
  sleep 0.1
done | sort -n | awk '{t[NR]=$1} END {printf "healthz over %d requests: median %.1f ms, p95 %.1f ms, max %.1f ms\n", NR, 1000*t[int(NR/2)+1], 1000*t[int(NR*0.95)], 1000*t[NR]}'
jobs -p | xargs -r kill 2>/dev/null || true
wait 2>/dev/null || true

echo "== CLI with a 4 MiB input (user + system CPU)"
for file in "$WORK"/4m/*.txt; do
  name=$(basename "$file" .txt)
  /usr/bin/time -f "errdecode decode 4 MiB $name: %U s user %S s sys" "$BIN" decode --format json "$WORK/4m/$name.txt" >/dev/null 2>"$WORK/time" || true
  tail -n 1 "$WORK/time"
  /usr/bin/time -f "errdecode token 4 MiB $name: %U s user %S s sys" "$BIN" token --format json "$WORK/4m/$name.txt" >/dev/null 2>"$WORK/time" || true
  tail -n 1 "$WORK/time"
done
/usr/bin/time -f "errdecode show {100,000-char id}: %U s user %S s sys" "$BIN" show "aadsts7000216$(head -c 100000 /dev/zero | tr '\0' 'x')" >/dev/null 2>"$WORK/time" || true
tail -n 1 "$WORK/time"
