#!/usr/bin/env bash
# The schema clients see agrees with schema.graphql, checked with graphql-js (npm `graphql`):
# the full introspection query through buildClientSchema and printSchema against
# printSchema(buildSchema(schema.graphql)), and GET /graphql/schema.graphql byte for byte.
#
#   cargo build && scripts/sdl-check.sh [path/to/okrs]
#
# The binary is $1, else $OKRS_BIN, else ${CARGO_TARGET_DIR:-<repo>/target}/debug/okrs.
# Exits non-zero on any difference (shown as a diff; see scripts/conformance/sdl-check.mjs).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-${OKRS_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/okrs}}"
source "$repo/scripts/lib/server.sh"

npm ci --prefix "$repo/scripts/conformance" --silent --no-audit --no-fund

start_server "$bin" JWT_SECRET="$(printf 'x%.0s' {1..40})" LOG_FILTER=warn
node "$repo/scripts/conformance/sdl-check.mjs" "$base" "$repo/schema.graphql"
