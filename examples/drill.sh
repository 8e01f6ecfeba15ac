#!/usr/bin/env bash
# A whole recovery drill on the enterprise example's storage outage, logged from the shell as a
# scribe would: each action with --as (who did it) and --at (when it happened), typed in as the
# calls come in. Ends with the post-incident review.
#
#   examples/drill.sh [STORE]      (default: a new store in a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
PLANNER="${PLANNER:-planner}"
export PLANNER_STORE="${1:-$(mktemp -d)/incidents.db}"
export NO_COLOR=1
PLAN=examples/enterprise.yaml
DAY=2026-11-27

source examples/drill-steps.sh

echo "\$ planner incident start $PLAN --scenario storage-outage --exercise ..."
ID=$("$PLANNER" incident start "$PLAN" --scenario storage-outage --exercise \
  --title "Drill: storage cluster failure in DC-A" --detected "$(at 02:02)" --as grace --at "$(at 02:10)" | tail -1)
echo "$ID"

begin storage-cluster dave 02:12
run incident escalate "$ID" storage-cluster --as grace --at "$(at 02:20)"
run incident update "$ID" --audience executive --as judy --at "$(at 02:40)"
up storage-cluster dave 02:55

begin_wave_two
restore_the_rest
run incident check "$ID" app-api db-primary --pass --as nina --at "$(at 04:05)" 2>&1 || true
run incident remove-workaround "$ID-WA1" --as nina --at "$(at 04:08)"
run incident update "$ID" --audience customer --as judy --at "$(at 04:10)"
run incident resolve "$ID" --as grace --at "$(at 04:12)"
run report "$ID"
