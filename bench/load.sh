#!/usr/bin/env bash
# Load run on loopback: the decode API and one error page served by `errdecode serve`, and the
# same error page from the static export served by nginx, each measured with wrk.
# Prints requests/s and p99 latency for each and checks the targets. Stops what it started.
#
#   bash bench/load.sh                      # 15 s per run, 2 wrk threads, 16 connections
#   DURATION=30s CONNECTIONS=32 bash bench/load.sh
#
# Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
SERVE_PORT=${SERVE_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
PAGE=${PAGE:-/errors/graph-invalid-authentication-token/}
if [[ -z "${PASTE:-}" ]]; then
  PASTE=../shared/seeds/000_ee8fd830ad4052b7.txt
  [[ -f "$PASTE" ]] || PASTE=examples/graph-calendar-401.txt
fi
export PASTE

need() {
  local program=$1 package=$2
  command -v "$program" >/dev/null 2>&1 && return
  if [[ $(id -u) -ne 0 ]]; then
    echo "load.sh: $program is missing; install the Debian package $package" >&2
    exit 2
  fi
  echo "==> installing $package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null
}
need wrk wrk
need nginx nginx
need curl curl

echo "==> building the release binary"
cargo build --release --locked --quiet

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() {
  local url=$1
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return
    sleep 0.1
  done
  echo "load.sh: nothing answers at $url" >&2
  exit 1
}

results=()
# run NAME URL [wrk options...]: a 3 s warm-up, then the measured run.
run() {
  local name=$1 url=$2
  shift 2
  local out="$work/wrk-${#results[@]}.txt"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "$@" "$url" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$out"
  if grep -q "Non-2xx" "$out"; then
    cat "$out" >&2
    echo "load.sh: $name got answers other than 200" >&2
    exit 1
  fi
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  results+=("$name|$rps|$p99")
  printf '    %-44s %10s req/s   p99 %s\n' "$name" "$rps" "$p99"
}

# wrk prints latencies as 850.00us, 12.34ms or 1.02s; this gives milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
    else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 }
    else print v }'
}

echo "==> errdecode serve on 127.0.0.1:$SERVE_PORT"
target/release/errdecode serve --addr "127.0.0.1:$SERVE_PORT" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$SERVE_PORT/healthz"
echo "    paste: $PASTE ($(wc -c <"$PASTE") bytes); wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
run "decode: POST /api/v1/decode" "http://127.0.0.1:$SERVE_PORT/api/v1/decode" -s bench/decode.lua
run "error page: errdecode serve" "http://127.0.0.1:$SERVE_PORT$PAGE"
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
pids=()

echo "==> the static export served by nginx on 127.0.0.1:$NGINX_PORT"
target/release/errdecode export "$work/site" >/dev/null 2>&1
chmod -R a+rX "$work/site"
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $work/site;
    index index.html;
    error_page 404 /404.html;
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_for "http://127.0.0.1:$NGINX_PORT$PAGE"
cmp -s <(curl -fsS "http://127.0.0.1:$NGINX_PORT$PAGE") "$work/site${PAGE}index.html"
run "error page: nginx, static export" "http://127.0.0.1:$NGINX_PORT$PAGE"

echo
echo "==> results (wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores, loopback)"
IFS='|' read -r _ decode_rps decode_p99 <<<"${results[0]}"
IFS='|' read -r _ page_rps page_p99 <<<"${results[1]}"
IFS='|' read -r _ nginx_rps nginx_p99 <<<"${results[2]}"
printf '  %-34s %10s req/s   p99 %8s\n' "decode API" "$decode_rps" "$decode_p99" \
  "error page, errdecode serve" "$page_rps" "$page_p99" \
  "error page, nginx (static)" "$nginx_rps" "$nginx_p99"
verdict() { if [[ $1 == 1 ]]; then echo "met"; else echo "MISSED"; fi; }
decode_ok=$(awk -v r="$decode_rps" -v p="$(to_ms "$decode_p99")" 'BEGIN { print (r >= 5000 && p < 20) ? 1 : 0 }')
page_ok=$(awk -v a="$page_rps" -v b="$nginx_rps" 'BEGIN { print (a >= b / 2) ? 1 : 0 }')
ratio=$(awk -v a="$page_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')
echo "  target: decode >= 5000 req/s with p99 < 20 ms: $(verdict "$decode_ok")"
echo "  target: error page >= half of nginx's rate ($ratio x): $(verdict "$page_ok")"
