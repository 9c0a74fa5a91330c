#!/usr/bin/env bash
# Response completion against the GraphQL reference implementation (npm `graphql`).
#
#   scripts/reference-check.sh
#
# Runs the `reference` integration test with REFERENCE_CORPUS_OUT set, so that it writes its
# corpus (documents, every resolver's recorded outcome, the server's answers) for SQLite and,
# when TEST_DATABASE_URL is set, PostgreSQL; then graphql-js replays the outcomes and must
# answer the same (scripts/conformance/reference-execution.mjs says what "the same" allows).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

npm ci --prefix "$repo/scripts/conformance" --silent --no-audit --no-fund

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
REFERENCE_CORPUS_OUT="$out" cargo test --locked --test api \
  reference::the_corpus_is_answered_as_over_http_and_recorded_for_the_reference

corpora=("$out/sqlite.json")
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  corpora+=("$out/postgres.json")
fi
node "$repo/scripts/conformance/reference-execution.mjs" "$repo/schema.graphql" "${corpora[@]}"
