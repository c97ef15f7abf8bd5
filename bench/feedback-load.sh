#!/usr/bin/env bash
# Feedback posts under load: `POST /api/v1/feedback` with wrk on loopback, against `serve`
# with a SQLite store (WAL) and with PostgreSQL, for a bounded time each.
#   bash bench/feedback-load.sh [SECONDS] [CONNECTIONS]
# Needs wrk (apt-get install wrk) and, for PostgreSQL, `bash .ci/postgres start` (run here).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-32}
bin=${CARGO_TARGET_DIR:-target}/release/errdecode
[ -x "$bin" ] || cargo build --release -p errdecode
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = '{"diagnosis":{"entry":"graph-token-expired","causes":[{"id":"token-expired","confidence":0.79},{"id":"stale-cached-session","confidence":0.513}],"fingerprint":{"codes":["InvalidAuthenticationToken"],"status":401,"endpoint":"/users/{id}/calendar/events","flow":"app-only","cloud":"global","token_kind":"access-token"}},"verdict":"confirmed","cause":"token-expired"}'
LUA

run() {
  local name=$1 spec=$2 port=$3
  # The rate limit is per client address; wrk is one address, so it is lifted for the run.
  ERRDECODE_LOG=off ERRDECODE_FEEDBACK_RATE=100000000 "$bin" serve --addr "127.0.0.1:$port" --feedback-db "$spec" &
  local pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  echo "== $name: $seconds s, $connections connections"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/api/v1/feedback" | grep -E "Requests/sec|99%|Non-2xx|Socket errors|requests in"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run sqlite "$work/feedback.db" 18941
url=$(bash .ci/postgres start)
run postgres "$url" 18942
