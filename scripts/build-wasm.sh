#!/usr/bin/env bash
# Builds the browser's decoder (crates/errdecode-wasm) for the site and for Node:
#   crates/errdecode-web/wasm/   the module and its glue for pages (`wasm-bindgen --target web`),
#                                embedded by the next `cargo build` of the server and the export
#   target/wasm/node/            the same module for Node (`--target nodejs`), for
#                                scripts/wasm-parity.mjs
# Needs the wasm32-unknown-unknown target and wasm-bindgen-cli at the version of the
# wasm-bindgen crate in Cargo.lock (`.ci/run` installs both when missing). The size comes from
# the `wasm-release` profile (opt-level "s", fat LTO, one codegen unit); wasm-opt is not run:
# Debian's binaryen (108) breaks the module wasm-bindgen 0.2.130 writes (its externref table).
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"
web_dir="${ERRDECODE_WASM_DIR:-crates/errdecode-web/wasm}"
node_dir="$target_dir/wasm/node"

cargo build --locked -p errdecode-wasm --target wasm32-unknown-unknown --profile wasm-release
raw="$target_dir/wasm32-unknown-unknown/wasm-release/errdecode_wasm.wasm"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$tmp/web" "$raw"
wasm-bindgen --target nodejs --no-typescript --remove-name-section --remove-producers-section --out-dir "$tmp/node" "$raw"

mkdir -p "$web_dir" "$node_dir"
# Copy only what changed, so that an unchanged module does not rebuild the server.
for file in errdecode_wasm.js errdecode_wasm_bg.wasm; do
  cmp -s "$tmp/web/$file" "$web_dir/$file" || cp "$tmp/web/$file" "$web_dir/$file"
done
cp "$tmp/node/"* "$node_dir/"
printf 'module: %s bytes (%s gzipped)\n' "$(wc -c <"$web_dir/errdecode_wasm_bg.wasm")" \
  "$(gzip -9c "$web_dir/errdecode_wasm_bg.wasm" | wc -c)"
