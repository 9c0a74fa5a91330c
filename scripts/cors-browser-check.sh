#!/usr/bin/env bash
# CORS in a real browser: starts the server with the demo data, a JWT_SECRET and
# CORS_ALLOWED_ORIGINS naming one page origin, then headless Chromium loads a page from that
# origin (its POST with a bearer token, after a preflight, gets `me`) and from another origin
# (the browser blocks it). See scripts/cors-browser-check.mjs for the checks.
#
#   cargo build && scripts/cors-browser-check.sh [path/to/okrs]
#
# Needs /usr/bin/chromium (Debian package `chromium`; .ci/run installs it).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-${OKRS_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/okrs}}"
source "$repo/scripts/lib/server.sh"

npm ci --prefix "$repo/scripts/conformance" --silent --no-audit --no-fund

# Two free loopback ports for the pages: one origin allowed, one not.
read -r allowed other < <(python3 -c 'import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
secret="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
# LOG_FILTER=info: the access log shows which requests reached the server.
start_server "$bin" SEED_DEMO=always JWT_SECRET="$secret" LOG_FILTER=info \
  CORS_ALLOWED_ORIGINS="http://127.0.0.1:$allowed"
token="$(demo_admin_token "$bin" "$secret")"
node "$repo/scripts/cors-browser-check.mjs" "$base" "$token" "$allowed" "$other" "$work/server.log"
