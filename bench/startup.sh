#!/usr/bin/env bash
# Whole-process start-up of the CLI: median wall time of RUNS runs per command, as a ratio to
# `errdecode --version`, and peak RSS from /usr/bin/time -v. Usage: bench/startup.sh [BIN] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/errdecode}
RUNS=${2:-30}
SEED=fixtures/seeds/000_ee8fd830ad4052b7.txt
JWT=$(grep -o 'eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*' crates/errdecode/tests/fixtures/seed-000-with-jwt.txt | head -1)
median() { # command...; prints the median wall time in ms
  local times=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s%N); "$@" >/dev/null 2>&1 </dev/null || true; end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
rss() { /usr/bin/time -v "$@" </dev/null 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {printf "%.1f", $2/1024}'; }
empty=$(mktemp); trap 'rm -f "$empty"' EXIT
base=$(median "$BIN" --version)
printf '%-14s %9s %7s %9s\n' command "median ms" ratio "peak MB"
printf '%-14s %9s %7s %9s\n' --version "$base" 1.0 "$(rss "$BIN" --version)"
for name in decode-seed decode-empty token; do
  case $name in
    decode-seed) cmd=("$BIN" decode "$SEED");;
    decode-empty) cmd=("$BIN" decode "$empty");;
    token) cmd=("$BIN" token "$JWT");;
  esac
  t=$(median "${cmd[@]}")
  printf '%-14s %9s %7.1f %9s\n' "$name" "$t" "$(echo "$t / $base" | bc -l)" "$(rss "${cmd[@]}")"
done
