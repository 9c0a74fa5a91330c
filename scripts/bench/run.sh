#!/usr/bin/env bash
# Benchmark: the okrs server against PostGraphile 4 on the same PostgreSQL data.
#
#   scripts/bench/run.sh [--scale small|medium|large] [--runs 3] [--duration 10s]
#                        [--connections 16] [--timeout 10s] [--reseed] [--bin target/release/okrs]
#                        [--ops q1,q2,q3,q4,m1] [--explain]
#
# Creates (or reuses) the database okrs_bench_<scale> on $PG_BASE (default
# postgres://postgres@127.0.0.1:5432), migrates and seeds it with `okrs seed --scale`, starts
# the release server (pinned to CPU 0 with taskset) and PostGraphile (also CPU 0; run from
# scripts/bench after `npm ci`), warms each, then drives the operations in ops/ with wrk
# (pinned to CPU 1) for --runs runs of --duration each per server, alternating servers, and
# prints a Markdown table of medians: req/s, p50 and p99 latency, SQL statements per request
# (ours, from extensions.sqlStatements) and the ratios ours/PostGraphile, then each
# server's peak RSS (VmHWM). PostgreSQL itself is not pinned. Both servers talk to PostgreSQL
# without TLS (PostGraphile's default) and log warnings only. A request slower than --timeout
# counts as a socket error in wrk's RESULT line (printed to stderr for every run).
# --explain runs no load: it loads PostgreSQL's auto_explain for the benchmark database's
# sessions, sends each operation once to each server, prints the plans PostgreSQL executed
# for it (EXPLAIN ANALYZE, read from the server log, which must be a plain file such as
# Debian's /var/log/postgresql/postgresql-<version>-main.log; PG_LOG overrides), and exits.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scale=small runs=3 duration=10s connections=16 timeout=10s reseed=0 bin="" explain=0
ops=(q1 q2 q3 q4 m1)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --reseed) reseed=1; shift ;;
    --bin) bin="$2"; shift 2 ;;
    --explain) explain=1; shift ;;
    --ops) IFS=, read -r -a ops <<<"$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
pg_base="${PG_BASE:-postgres://postgres@127.0.0.1:5432}"
db="okrs_bench_$scale"
db_url="$pg_base/$db"
ours_port="${OURS_PORT:-18080}"
peer_port="${PEER_PORT:-18081}"
export JWT_SECRET="${JWT_SECRET:-bench-secret-0123456789abcdef0123456789abcdef}"
work="$(mktemp -d)"
pids=()
cleanup() {
  [[ $explain -eq 0 ]] || explain_off
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "== $*" >&2; }

# Tools.
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get install -y wrk >&2 || { apt-get update >&2 && apt-get install -y wrk >&2; }
fi
for tool in taskset curl jq psql node npm; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
if [[ -z "$bin" ]]; then
  log "building the release binary"
  (cd "$root" && cargo build --release --locked >&2)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/okrs"
fi
[[ -x "$bin" ]] || { echo "no binary at $bin" >&2; exit 2; }
(cd "$here" && [[ -d node_modules/postgraphile ]] || npm ci --no-audit --no-fund >&2)

# Database.
psql_db() { psql "$db_url" -v ON_ERROR_STOP=1 -Atc "$1"; }
seeded=0
if psql "$pg_base/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  if [[ $reseed -eq 0 ]] && psql_db "SELECT 1 FROM users WHERE user_name = 'bench.admin@example.com'" 2>/dev/null | grep -q 1; then
    seeded=1
    log "reusing the seeded database $db (pass --reseed to rebuild it)"
  else
    psql "$pg_base/postgres" -v ON_ERROR_STOP=1 -qc "DROP DATABASE \"$db\" WITH (FORCE)"
  fi
fi
if [[ $seeded -eq 0 ]]; then
  psql "$pg_base/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$db\""
  log "seeding $db at scale $scale"
  start=$(date +%s)
  DATABASE_URL="$db_url" "$bin" seed --scale "$scale" --rng-seed 1 >&2
  log "seeded in $(( $(date +%s) - start )) s"
fi
counts="$(psql_db "SELECT (SELECT count(*) FROM users) || ' users, ' || (SELECT count(*) FROM groups) || ' groups, ' || (SELECT count(*) FROM okrs) || ' OKRs, ' || (SELECT count(*) FROM objectives) || ' objectives, ' || (SELECT count(*) FROM key_results) || ' key results, ' || (SELECT count(*) FROM objective_links) || ' links'")"
admin_id="$(psql_db "SELECT id FROM users WHERE user_name = 'bench.admin@example.com'")"
psql_db "SELECT id FROM key_results WHERE deleted_at IS NULL ORDER BY id LIMIT 2000" >"$work/kr-ids"
# The cycle window of Q4: the four cycles before the current one.
from="$(psql_db "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM cycles ORDER BY starts_at OFFSET 2 LIMIT 1")"
to="$(psql_db "SELECT to_char(ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM cycles ORDER BY starts_at OFFSET 5 LIMIT 1")"
token="$(DATABASE_URL="$db_url" "$bin" token "$admin_id" --ttl-hours 6)"

# Plans (--explain): auto_explain in every new session of the benchmark database.
explain_settings=("session_preload_libraries = 'auto_explain'" "auto_explain.log_min_duration = 0"
  "auto_explain.log_analyze = on" "auto_explain.log_buffers = on" "auto_explain.log_timing = on"
  "auto_explain.log_nested_statements = on")
explain_on() {
  local setting
  for setting in "${explain_settings[@]}"; do
    psql "$pg_base/postgres" -v ON_ERROR_STOP=1 -q -c "ALTER DATABASE \"$db\" SET $setting"
  done
}
explain_off() {
  local setting
  for setting in "${explain_settings[@]}"; do
    psql "$pg_base/postgres" -q -c "ALTER DATABASE \"$db\" RESET ${setting%% =*}" || true
  done
}
pg_log="${PG_LOG:-$(ls -t /var/log/postgresql/postgresql-*-main.log 2>/dev/null | head -1)}"
if [[ $explain -eq 1 ]]; then
  [[ -r "$pg_log" ]] || { echo "--explain: no readable PostgreSQL log (set PG_LOG)" >&2; exit 2; }
  explain_on
fi
log_size() { stat -c %s "$pg_log"; }
plans_since() { # plans_since <byte offset>: the auto_explain entries logged after it
  tail -c +"$(( $1 + 1 ))" "$pg_log" | awk '/ LOG:  duration: .* plan:$/ {on=1} / (LOG|ERROR|STATEMENT|DETAIL):  / && !/ plan:$/ {on=0} on'
}

# Servers.
wait_for() {
  local url="$1" pid="$2" i
  for i in $(seq 120); do
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' "$url" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "server for $url exited" >&2; return 1; }
    sleep 0.5
  done
  echo "server for $url did not come up" >&2; return 1
}
# Ten PostgreSQL connections each: ours opens two pools of DATABASE_MAX_CONNECTIONS (requests
# and DataLoader batches), PostGraphile one of --max-pool-size.
DATABASE_URL="$db_url?sslmode=disable" BIND_ADDR="127.0.0.1:$ours_port" EXPOSE_SQL_STATEMENT_COUNT=true \
  DATABASE_MAX_CONNECTIONS=5 SEED_DEMO=never GRAPHIQL=false LOG_FILTER=warn taskset -c 0 "$bin" serve >"$work/ours.log" 2>&1 &
ours_pid=$!; pids+=("$ours_pid")
(cd "$here" && exec taskset -c 0 node node_modules/postgraphile/cli.js -c "$db_url?sslmode=disable" --schema public \
  --append-plugins postgraphile-plugin-connection-filter,@graphile-contrib/pg-order-by-related \
  --port "$peer_port" --host 127.0.0.1 --disable-graphiql --disable-query-log \
  --max-pool-size 10) >"$work/peer.log" 2>&1 &
peer_pid=$!; pids+=("$peer_pid")
ours_url="http://127.0.0.1:$ours_port/graphql"
peer_url="http://127.0.0.1:$peer_port/graphql"
wait_for "$ours_url" "$ours_pid" || { cat "$work/ours.log" >&2; exit 1; }
wait_for "$peer_url" "$peer_pid" || { cat "$work/peer.log" >&2; exit 1; }

# Request bodies: body <server> <op> <variables-json>.
body() {
  jq -n --rawfile q "$here/ops/$1/$2.graphql" --argjson v "$3" '{query: $q, variables: $v}'
}
post() { # post <url> <body-file> [token]
  curl -sf -X POST -H 'Content-Type: application/json' -H 'Accept: application/json' \
    ${3:+-H "Authorization: Bearer $3"} --data-binary @"$2" "$1"
}
# Q4 is page 3: follow two pages' end cursors first.
q4_after() { # q4_after <server> <url> [token]
  local after=null i
  for i in 1 2; do
    body "$1" q4 "{\"from\":\"$from\",\"to\":\"$to\",\"after\":$after}" >"$work/q4-page"
    after="$(post "$2" "$work/q4-page" "${3:-}" | jq -c '(.data.objectives // .data.allObjectives).pageInfo.endCursor')"
  done
  echo "$after"
}
for server in ours postgraphile; do
  [[ $server == ours ]] && url="$ours_url" tok="$token" || url="$peer_url" tok=""
  body "$server" q1 '{}' >"$work/$server-q1.json"
  body "$server" q2 "{\"owner\":\"$admin_id\"}" >"$work/$server-q2.json"
  body "$server" q3 "{\"owner\":\"$admin_id\"}" >"$work/$server-q3.json"
  body "$server" q4 "{\"from\":\"$from\",\"to\":\"$to\",\"after\":$(q4_after "$server" "$url" "$tok")}" >"$work/$server-q4.json"
  body "$server" m1 '{"id":"__ID__","mid":"__MID__"}' >"$work/$server-m1.json"
done

declare -A statements size
for op in "${ops[@]}"; do
  for server in ours postgraphile; do
    [[ $server == ours ]] && url="$ours_url" tok="$token" || url="$peer_url" tok=""
    sed "s/__ID__/$(head -1 "$work/kr-ids")/; s/__MID__/$([[ $server == ours ]] && echo 0.35 || echo 350000000)/" \
      "$work/$server-$op.json" >"$work/check.json"
    offset="$([[ $explain -eq 1 ]] && log_size || echo 0)"
    response="$(post "$url" "$work/check.json" "$tok")" || { echo "$server $op: HTTP error" >&2; exit 1; }
    if [[ $explain -eq 1 ]]; then
      printf '\n### %s %s (%s)\n\n```\n%s\n```\n' "$server" "${op^^}" "$scale" "$(plans_since "$offset")"
    fi
    if jq -e '.errors' <<<"$response" >/dev/null; then
      echo "$server $op answered with errors: $(jq -c .errors <<<"$response")" >&2; exit 1
    fi
    size[$server-$op]="$(wc -c <<<"$response")"
    [[ $server == ours ]] && statements[$op]="$(jq '.extensions.sqlStatements' <<<"$response")"
  done
done

[[ $explain -eq 0 ]] || exit 0

# Load.
# A client that gives up on a request (wrk's --timeout) leaves its statement running in
# PostgreSQL, where it would slow down the next run, possibly the other server's: wait for
# the database to go quiet first, and cancel what is still running after a minute.
quiet_database() {
  local others="FROM pg_stat_activity WHERE datname = '$db' AND state = 'active' AND pid <> pg_backend_pid()"
  local i
  for i in $(seq 120); do
    [[ "$(psql_db "SELECT count(*) $others")" == 0 ]] && return 0
    sleep 0.5
  done
  log "cancelling $(psql_db "SELECT count(*) $others") statement(s) still running after 60 s"
  psql_db "SELECT count(pg_cancel_backend(pid)) $others" >/dev/null
}
measure() { # measure <server> <op> <duration> -> RESULT line
  local server="$1" op="$2" url ids="" unit=""
  quiet_database
  [[ $server == ours ]] && url="$ours_url" || url="$peer_url"
  [[ $op == m1 ]] && ids="$work/kr-ids"
  [[ $server == postgraphile ]] && unit=ppb
  BENCH_BODY="$work/$server-$op.json" BENCH_TOKEN="$([[ $server == ours ]] && echo "$token")" \
    BENCH_IDS="$ids" BENCH_SCORE_UNIT="$unit" \
    taskset -c 1 wrk -t1 -c"$connections" -d"$3" --timeout "$timeout" -s "$here/wrk.lua" "$url" | grep '^RESULT'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN {print (b > 0 ? a / b : 0)}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
declare -A result
for op in "${ops[@]}"; do
  for server in ours postgraphile; do
    log "warming $server $op"
    measure "$server" "$op" 3s >/dev/null
  done
  for run in $(seq "$runs"); do
    for server in ours postgraphile; do
      line="$(measure "$server" "$op" "$duration")"
      log "$server $op run $run: $line"
      result[$server-$op]+="$line"$'\n'
    done
  done
done

rss() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
ours_rss="$(rss "$ours_pid")"; peer_rss="$(rss "$peer_pid")"

echo
echo "Scale $scale: $counts. $runs runs of $duration per server and operation, $connections connections, wrk -t1 on CPU 1, servers on CPU 0; medians."
echo
echo "| Op | ours req/s | PG req/s | ratio | ours p50 ms | PG p50 ms | ours p99 ms | PG p99 ms | p99 ratio | SQL stmts/req (ours) | non-2xx ours/PG |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for op in "${ops[@]}"; do
  declare -A m=()
  for server in ours postgraphile; do
    for f in rps p50_ms p99_ms non2xx; do
      m[$server-$f]="$(printf '%s' "${result[$server-$op]}" | field "$f" | median)"
    done
  done
  printf '| %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s/%s |\n' \
    "${op^^}" "${m[ours-rps]}" "${m[postgraphile-rps]}" \
    "$(div "${m[ours-rps]}" "${m[postgraphile-rps]}")" \
    "${m[ours-p50_ms]}" "${m[postgraphile-p50_ms]}" "${m[ours-p99_ms]}" "${m[postgraphile-p99_ms]}" \
    "$(div "${m[ours-p99_ms]}" "${m[postgraphile-p99_ms]}")" \
    "${statements[$op]}" "${m[ours-non2xx]}" "${m[postgraphile-non2xx]}"
done
echo
echo "Peak RSS (VmHWM) after all runs: ours $ours_rss MB, PostGraphile $peer_rss MB."
echo "Response sizes (bytes, ours/PG): $(for op in "${ops[@]}"; do printf '%s %s/%s; ' "${op^^}" "${size[ours-$op]}" "${size[postgraphile-$op]}"; done)"
