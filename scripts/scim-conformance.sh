#!/usr/bin/env bash
# SCIM 2.0 conformance against a freshly started server on a fresh PostgreSQL database:
# PyPI scim2-tester (via scim2-cli: every check SUCCESS, none skipped) and scim-sanity probe.
#
#   cargo build && scripts/scim-conformance.sh [path/to/okrs]
#
# The binary is $1, else $OKRS_BIN, else ${CARGO_TARGET_DIR:-<repo>/target}/debug/okrs.
# PostgreSQL comes from $TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
# the script creates its own database there and drops it on exit. Exits non-zero on any failure.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-${OKRS_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/okrs}}"
admin_url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

# Python tools, exactly as pinned, in a cached virtual environment.
venv="${XDG_CACHE_HOME:-$HOME/.cache}/okrs-scim-venv"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$repo/scripts/conformance/requirements.txt"

# A fresh database, dropped on exit (after the server, which server.sh stops first).
db="okrs_scim_$(date +%s)_$$"
psql "$admin_url" -qAtc "CREATE DATABASE \"$db\"" >/dev/null
db_url="${admin_url%/*}/$db"
source "$repo/scripts/lib/server.sh"
drop_db() {
  cleanup_server
  psql "$admin_url" -qAtc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null || true
}
trap drop_db EXIT

token="scim-$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
start_server "$bin" DATABASE_URL="$db_url" JWT_SECRET="$(printf 'x%.0s' {1..40})" SCIM_BEARER_TOKEN="$token" LOG_FILTER=warn
scim="$base/scim/v2"

status=0
echo "--- scim2-tester (scim2 test)"
if "$venv/bin/scim2" --url "$scim" -h "Authorization: Bearer $token" test >"$work/scim2.txt" 2>&1; then
  scim2_rc=0
else
  scim2_rc=$?
  status=1
fi
cat "$work/scim2.txt"
ok=$(grep -c "SUCCESS" "$work/scim2.txt" || true)
not_ok=$(grep -E -c "ERROR|CRITICAL|SKIPPED" "$work/scim2.txt" || true)
echo "scim2-tester: exit $scim2_rc, $ok SUCCESS lines, $not_ok ERROR/CRITICAL/SKIPPED lines"

echo "--- scim-sanity probe"
if "$venv/bin/scim-sanity" probe "$scim" --token "$token" --i-accept-side-effects >"$work/sanity.txt" 2>&1; then
  sanity_rc=0
else
  sanity_rc=$?
  status=1
fi
cat "$work/sanity.txt"
summary=$(grep -E "[0-9]+ passed" "$work/sanity.txt" | tail -1 | sed -E 's/^ +//; s/, [0-9]+ total$//')
failed=$(grep -oE "[0-9]+ failed" <<<"$summary" | grep -oE "[0-9]+" || echo 0)
[[ "$failed" == 0 ]] || status=1
echo "scim-sanity: exit $sanity_rc; ${summary:-no summary line}; $failed failed"

if [[ $status -ne 0 ]]; then
  echo "SCIM conformance FAILED (server log: last lines below)" >&2
  tail -n 30 "$work/server.log" >&2
  exit 1
fi
echo "SCIM conformance passed: scim2-tester all SUCCESS, scim-sanity no failure"
