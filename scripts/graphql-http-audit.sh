#!/usr/bin/env bash
# GraphQL-over-HTTP conformance audit (npm `graphql-http`) against a freshly started server.
#
#   cargo build && scripts/graphql-http-audit.sh [path/to/okrs]
#
# The binary is $1, else $OKRS_BIN, else ${CARGO_TARGET_DIR:-<repo>/target}/debug/okrs.
# The server runs in HS256 mode on a free loopback port with a throw-away SQLite database and
# no demo data. Exits with the audit's status (non-zero on any failed MUST/SHOULD or an
# unaccepted MAY; see ACCEPTED_NOTICES in scripts/conformance/graphql-http-audit.mjs).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-${OKRS_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/okrs}}"
source "$repo/scripts/lib/server.sh"

# Node dependencies, exactly as locked.
npm ci --prefix "$repo/scripts/conformance" --silent --no-audit --no-fund

start_server "$bin" JWT_SECRET="$(printf 'x%.0s' {1..40})"
node "$repo/scripts/conformance/graphql-http-audit.mjs" "$base/graphql"
