# Sourced by the check scripts: start the okrs binary on a free loopback port and wait for it.
#
#   source scripts/lib/server.sh
#   start_server "$bin" VAR=value ...   # sets $base (http://127.0.0.1:PORT) and $server_pid
#   token="$(demo_admin_token "$bin" "$secret")"   # with SEED_DEMO=always JWT_SECRET=$secret
#
# The server runs in a throw-away folder ($work) with a fresh SQLite database unless the
# caller passes DATABASE_URL; the folder and the server go away when the script exits.

work="$(mktemp -d)"
server_pid=""
cleanup_server() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup_server EXIT

start_server() {
  local bin="$1"; shift
  [[ -x "$bin" ]] || { echo "no server binary at $bin (run cargo build, or pass its path)" >&2; exit 2; }
  # Ask the kernel for a free loopback port.
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  base="http://127.0.0.1:$port"
  (
    cd "$work"
    exec env SEED_DEMO=never DATABASE_URL="sqlite://$work/check.db?mode=rwc" "$@" \
      BIND_ADDR="127.0.0.1:$port" "$bin"
  ) >"$work/server.log" 2>&1 &
  server_pid=$!
  # Wait up to ~30 s for /healthz; show the log if the server never answers.
  local i why
  for i in $(seq 60); do
    curl -sf "$base/healthz" >/dev/null && return 0
    if ! kill -0 "$server_pid" 2>/dev/null; then why="exited"; elif [[ $i -eq 60 ]]; then why="timed out"; else why=""; fi
    if [[ -n "$why" ]]; then
      echo "server did not come up on $base ($why); its log:" >&2
      cat "$work/server.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

# After `start_server "$bin" SEED_DEMO=always JWT_SECRET="$secret" ...` on the default SQLite
# database: print a bearer token of the demo admin (ada.admin@example.com), minted by the binary.
demo_admin_token() {
  local bin="$1" secret="$2" id
  id="$(python3 -c 'import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("select id from users where user_name = ?", ("ada.admin@example.com",)).fetchone()
print(row[0] if row else "")' "$work/check.db")"
  [[ -n "$id" ]] || { echo "no demo admin in $work/check.db (was the server started with SEED_DEMO=always?)" >&2; return 1; }
  DATABASE_URL="sqlite://$work/check.db?mode=rwc" JWT_SECRET="$secret" LOG_FILTER=error "$bin" token "$id" | tail -n 1
}
