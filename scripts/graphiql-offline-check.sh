#!/usr/bin/env bash
# Proves GraphiQL works without internet: fetches its files, starts the server in development
# mode with the demo data, opens `/` in headless Chromium with every non-local request blocked,
# runs the pre-filled `me` query with the pre-filled token and expects the demo admin; then,
# with no local files, expects the page to say how to get them.
#
#   cargo build && scripts/graphiql-offline-check.sh [path/to/okrs] [screenshot.png]
#
# Needs /usr/bin/chromium (Debian package `chromium`; .ci/run installs it).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-${OKRS_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/okrs}}"
screenshot="${2:-/tmp/graphiql.png}"
source "$repo/scripts/lib/server.sh"

npm ci --prefix "$repo/scripts/conformance" --silent --no-audit --no-fund
"$repo/scripts/fetch-graphiql.sh" "$work/graphiql"

# No JWT_SECRET: development mode, demo data, a token pre-filled in the page.
start_server "$bin" SEED_DEMO=always GRAPHIQL_ASSETS_DIR="$work/graphiql"
output="$(node "$repo/scripts/graphiql-offline-check.mjs" "$base/" "$screenshot")"
echo "$output"
grep -q 'ada.admin@example.com' <<<"$output" || { echo "GraphiQL did not show the demo admin" >&2; exit 1; }

# Without local files and without internet, the page explains what to do instead of
# showing "Loading…" forever.
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
mkdir -p "$work/empty"
start_server "$bin" SEED_DEMO=always GRAPHIQL_ASSETS_DIR="$work/empty"
node "$repo/scripts/graphiql-offline-check.mjs" --expect-help "$base/" "${screenshot%.png}-help.png"
echo "GraphiQL offline check: ok (screenshot $screenshot)"
