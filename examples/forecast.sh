#!/usr/bin/env bash
# The worked example of docs/guide/forecast.md: three past storage outages of
# examples/forecast.yaml logged from the shell with --at (when each step happened), then the
# forecast before and after `planner tune --write` (on a copy of the plan).
#
#   examples/forecast.sh [STORE]      (default: a new store in a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
PLANNER="${PLANNER:-planner}"
WORK=$(mktemp -d)
export PLANNER_STORE="${1:-$WORK/incidents.db}"
export NO_COLOR=1 COLUMNS=100
PLAN=$WORK/plan.yaml
cp examples/forecast.yaml "$PLAN"

# incident DAY STORAGE DB API WEB: one outage; each number is how many minutes that task took
incident() {
  local day=$1 t=0 id
  at() { date -u -d "${day}T02:00:00Z + $t minutes" +%Y-%m-%dT%H:%M:%SZ; }
  id=$("$PLANNER" incident start "$PLAN" --scenario storage-outage --as carol --at "$(at)" | tail -1)
  restore() {  # SERVICE MINUTES [DEPENDENCY]
    local svc=$1 took=$2 dep=${3:-}
    if [[ -n $dep ]]; then "$PLANNER" incident check "$id" "$svc" "$dep" --pass --as alice --at "$(at)" >/dev/null; fi
    "$PLANNER" incident begin "$id" "$svc" --as alice --at "$(at)" >/dev/null
    t=$((t + took))
    "$PLANNER" incident verify "$id" "$svc" --as alice --at "$(at)" >/dev/null
    "$PLANNER" incident restored "$id" "$svc" --as alice --at "$(at)" >/dev/null
  }
  t=3; restore storage "$2"; restore db "$3" storage; restore api "$4" db; restore web "$5" api
  "$PLANNER" incident resolve "$id" --as carol --at "$(at)" >/dev/null 2>&1
  echo "$id: storage ${2}m, db ${3}m, api ${4}m, web ${5}m"
}

echo "\$ # three past outages, logged with --at"
incident 2026-09-03 32 12 5 6
incident 2026-10-11 38 18 4 7
incident 2026-11-19 35 15 6 5
echo
echo "\$ planner forecast plan.yaml --scenario storage-outage"
"$PLANNER" forecast "$PLAN" --scenario storage-outage
echo "\$ planner forecast plan.yaml --scenario storage-outage --store incidents.db"
"$PLANNER" forecast "$PLAN" --scenario storage-outage --store "$PLANNER_STORE"
echo
echo "\$ planner tune plan.yaml --store incidents.db --write"
(cd "$WORK" && "$PLANNER" tune plan.yaml --store "$PLANNER_STORE" --write 2>&1) | sed "s|$WORK/||"
echo
echo "\$ planner forecast plan.yaml --scenario storage-outage"
"$PLANNER" forecast "$PLAN" --scenario storage-outage
echo
echo "\$ planner audit plan.yaml --scenario storage-outage   # its rto-unlikely findings"
(COLUMNS=1000 "$PLANNER" audit "$PLAN" --scenario storage-outage || true) | grep -A1 "rto-unlikely" | sed "s|$WORK/||"
