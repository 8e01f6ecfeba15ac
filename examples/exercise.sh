#!/usr/bin/env bash
# A game day on the enterprise example's storage outage: the drill of examples/drill.sh run as an
# exercise with the injections of examples/storage-drill.yaml (they arrive on the drill's clock as
# the scribe logs each action with --as and --at) and one live injection from the facilitator.
# Ends with the score, written back into a copy of the plan, and the KPIs.
#
#   examples/exercise.sh [STORE]   (default: a new store in a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
PLANNER="${PLANNER:-planner}"
export PLANNER_STORE="${1:-$(mktemp -d)/incidents.db}"
export NO_COLOR=1
PLAN=examples/enterprise.yaml
DAY=2026-11-27

source examples/drill-steps.sh

show exercise plan "$PLAN" --as-of "$DAY"
"$PLANNER" exercise plan "$PLAN" --as-of "$DAY" | sed -n '1,/^$/p'
show exercise start "$PLAN" --scenario storage-outage --inject examples/storage-drill.yaml ...
OPENED=$("$PLANNER" exercise start "$PLAN" --scenario storage-outage --inject examples/storage-drill.yaml \
  --title "Game day: storage cluster failure in DC-A" --as grace --at "$(at 02:10)")
echo "$OPENED"
ID=$(echo "$OPENED" | tail -1)

begin storage-cluster dave 02:12
run incident escalate "$ID" storage-cluster --as grace --at "$(at 02:15)"
run incident escalate "$ID" storage-cluster --as grace --at "$(at 02:22)"
run incident update "$ID" --audience executive --as judy --at "$(at 02:40)"
up storage-cluster dave 02:55

begin_wave_two
echo "\$ planner incident status $ID --at $(at 03:00) | sed -n '/^Injections waiting/,\$p'"
"$PLANNER" incident status "$ID" --at "$(at 03:00)" | sed -n '/^Injections waiting/,$p'
run incident check "$ID" db-primary storage-cluster --fail --observed "I/O errors on the orders volume" \
  --as erin --at "$(at 03:01)"
restore_the_rest
run exercise inject "$ID" --update customer --says "the status page is being asked about" \
  --as facilitator --at "$(at 04:01)"
run incident check "$ID" app-api db-primary --pass --as nina --at "$(at 04:05)" 2>&1 || true
run incident remove-workaround "$ID-WA1" --as nina --at "$(at 04:08)"
run incident update "$ID" --audience customer --as judy --at "$(at 04:10)"
run incident resolve "$ID" --as grace --at "$(at 04:12)"
run exercise score "$ID"
COPY="$(dirname "$PLANNER_STORE")/enterprise.yaml"
cp "$PLAN" "$COPY"
show exercise score "$ID" --write enterprise.yaml
"$PLANNER" exercise score "$ID" --write "$COPY" --format json 2>&1 >/dev/null
run kpi
