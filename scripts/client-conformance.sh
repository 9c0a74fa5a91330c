#!/usr/bin/env bash
# Real GraphQL clients against a freshly started server with the demo data: Apollo Client
# (automatic persisted queries over POST and GET, BatchHttpLink), urql and graphql-request
# (scripts/conformance/js-clients.mjs), and PyPI gql validating against schema.graphql
# (scripts/conformance/gql-client.py). Each runs a query with variables, a mutation answered
# with userErrors, errors with their extensions.code, and a batch (not urql: it has none).
#
#   cargo build && scripts/client-conformance.sh [path/to/okrs]
#
# The binary is $1, else $OKRS_BIN, else ${CARGO_TARGET_DIR:-<repo>/target}/debug/okrs.
# Exits non-zero when any check fails.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-${OKRS_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/okrs}}"
source "$repo/scripts/lib/server.sh"

# Node clients exactly as locked; gql, as pinned, in a cached virtual environment.
npm ci --prefix "$repo/scripts/conformance" --silent --no-audit --no-fund
venv="${XDG_CACHE_HOME:-$HOME/.cache}/okrs-clients-venv"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$repo/scripts/conformance/requirements-clients.txt"

secret="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
start_server "$bin" SEED_DEMO=always JWT_SECRET="$secret" LOG_FILTER=warn
token="$(demo_admin_token "$bin" "$secret")"

status=0
echo "--- Apollo Client, urql, graphql-request"
node "$repo/scripts/conformance/js-clients.mjs" "$base/graphql" "$token" || status=1
echo "--- gql (Python)"
"$venv/bin/python" "$repo/scripts/conformance/gql-client.py" "$base/graphql" "$token" "$repo/schema.graphql" || status=1

if [[ $status -ne 0 ]]; then
  echo "client conformance FAILED (server log: last lines below)" >&2
  tail -n 30 "$work/server.log" >&2
  exit 1
fi
echo "client conformance passed: Apollo Client, urql, graphql-request, gql"
