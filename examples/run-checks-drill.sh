#!/usr/bin/env bash
# The planner measures success: a real service (a file server on 127.0.0.1:18765, started here)
# is verified with `--run`, the planner keeping each command's exit status, duration and output
# in the journal; then the server is stopped and the failure is recorded the same way.
#
#   examples/run-checks-drill.sh [STORE]      (default: a new store in a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
PLANNER="${PLANNER:-planner}"
export PLANNER_STORE="${1:-$(mktemp -d)/incidents.db}"
export NO_COLOR=1
PLAN=examples/run-checks.yaml
PORT=18765

run() { echo "\$ planner $*"; "$PLANNER" "$@"; }
fails() { echo "\$ planner $*"; if "$PLANNER" "$@"; then echo "expected a failure" >&2; exit 1; fi; }

if python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), timeout=1)" 2>/dev/null; then
  echo "port $PORT is in use: stop what listens there first" >&2
  exit 2
fi
site=$(mktemp -d)
echo ok > "$site/health"
echo "<h1>shop</h1>" > "$site/index.html"
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$site" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do  # until it answers (at most 5 s)
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), timeout=1)" 2>/dev/null && break
  sleep 0.1
done

ID=$("$PLANNER" incident start "$PLAN" --exercise --title "run-checks drill" --as ana | tail -1)
echo "# exercise $ID, store $PLANNER_STORE; the file server is up (pid $server)"
run incident begin "$ID" files --as ana
run incident verify "$ID" files --run --as ana
run incident restored "$ID" files --as ana
run incident begin "$ID" shop --as ana
run incident check "$ID" shop files --run --as ana

echo "# the file server goes down"
kill "$server"
wait "$server" 2>/dev/null || true
fails incident verify "$ID" shop --run --timeout 5 --as ana
fails incident restored "$ID" shop --as ana
run incident status "$ID"
