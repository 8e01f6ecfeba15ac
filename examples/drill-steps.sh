# The steps examples/drill.sh and examples/exercise.sh share: how a command is shown and run, and
# the drill from the second wave to the last restore. Sourced by both, after they set PLANNER,
# PLANNER_STORE, PLAN and DAY; the functions read the incident id from ID.
# shellcheck shell=bash

show() {                                          # the command as typed, quoting what needs it
  local line="\$ planner" arg
  for arg in "$@"; do
    if [[ $arg == *[[:space:]\;\']* ]]; then line+=" \"$arg\""; else line+=" $arg"; fi
  done
  echo "$line"
}
run() { show "$@"; "$PLANNER" "$@"; }
refused() { show "$@"; if "$PLANNER" "$@"; then echo "expected a refusal" >&2; exit 1; fi; }
at() { echo "${DAY}T$1:00Z"; }

# up SERVICE WHO DONE_AT DEP...: pass each dependency check, confirm the verify, declare restored
up() {
  local svc=$1 who=$2 when=$3; shift 3
  for dep in "$@"; do run incident check "$ID" "$svc" "$dep" --pass --as "$who" --at "$(at "$when")"; done
  run incident verify "$ID" "$svc" --as "$who" --at "$(at "$when")"
  run incident restored "$ID" "$svc" --as "$who" --at "$(at "$when")"
}
begin() { run incident begin "$ID" "$1" --as "$2" --at "$(at "$3")"; }

# wave 2: everything storage-cluster held up begins
begin_wave_two() {
  begin secrets-vault heidi 02:57
  begin db-primary erin 02:57
  begin message-queue ivan 02:57
  begin metrics-tsdb nina 02:58
  begin object-store carol 02:58
  begin db-replica frank 02:59
}

# the rest of the recovery, as the scribe logged it, up to the status before resolving
restore_the_rest() {
  up secrets-vault heidi 03:02 storage-cluster
  begin ldap-directory heidi 03:03
  up message-queue ivan 03:05 storage-cluster
  up ldap-directory heidi 03:09 storage-cluster
  up db-primary erin 03:10 storage-cluster
  run incident update "$ID" --as judy --at "$(at 03:10)"
  up object-store carol 03:12 storage-cluster
  up metrics-tsdb nina 03:13 storage-cluster
  begin backup-vault carol 03:14
  begin file-share dave 03:14
  up backup-vault carol 03:20 storage-cluster
  up file-share dave 03:22 storage-cluster

  # wave 3, and the message queue breaks again
  begin sso-idp heidi 03:12
  up sso-idp heidi 03:18 ldap-directory db-primary secrets-vault
  begin payments-gateway ken 03:12
  run incident check "$ID" payments-gateway message-queue --pass --observed "consumer lag 0 on payments topic" \
    --as ken --at "$(at 03:15)"
  up payments-gateway ken 03:19 secrets-vault db-primary
  begin api-gateway judy 03:19
  up api-gateway judy 03:24 sso-idp
  up db-replica frank 03:25 db-primary storage-cluster
  run incident fail "$ID" message-queue --as ivan --at "$(at 03:26)"
  run incident note "$ID" "broker 3 lost its volume again after the storage failover; re-mounting" \
    --as ivan --at "$(at 03:27)"
  begin message-queue ivan 03:27
  up message-queue ivan 03:33 storage-cluster
  begin payments-gateway ken 03:34
  run incident check "$ID" payments-gateway message-queue --pass --observed "consumer lag 0 after remount" \
    --as ken --at "$(at 03:35)"
  up payments-gateway ken 03:38
  begin orders-service lena 03:34
  up orders-service lena 03:39 db-primary message-queue secrets-vault
  begin log-pipeline nina 03:34
  up log-pipeline nina 03:38 object-store message-queue
  run incident update "$ID" --as judy --at "$(at 03:40)"

  # wave 4
  begin service-desk mallory 03:26
  up service-desk mallory 03:33 sso-idp db-replica
  begin fraud-scoring ken 03:39
  up fraud-scoring ken 03:45 db-replica object-store
  begin billing-batch lena 03:40
  run incident check "$ID" billing-batch file-share --pass --observed "nightly share mounted, ls ok" \
    --as lena --at "$(at 03:41)"
  up billing-batch lena 03:46 db-replica

  # wave 5: the app API, and the bypass this product exists to keep honest
  begin app-api nina 03:40
  refused incident restored "$ID" app-api --as nina --at "$(at 03:41)"
  run incident check "$ID" app-api db-primary --fail --observed "replica consistency check hangs at 97%" \
    --as nina --at "$(at 03:42)"
  run incident bypass "$ID" app-api db-primary --expires 24h --as nina --at "$(at 03:44)" \
    --reason "consistency check hangs while the replica catches up; skip_consistency=true in app-api config"
  up app-api nina 03:48 message-queue api-gateway

  # wave 6
  begin web-frontend nina 03:49
  begin mobile-bff lena 03:49
  up web-frontend nina 03:53 app-api
  run incident check "$ID" mobile-bff app-api --pass --observed "bff health shows api 200s" --as lena --at "$(at 03:54)"
  up mobile-bff lena 03:55 sso-idp

  run incident status "$ID" --at "$(at 03:56)"
  refused incident resolve "$ID" --as grace --at "$(at 04:00)"
}
