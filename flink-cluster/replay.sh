#!/usr/bin/env bash
# Replays a range of the log to audit or re-anchor it, on a Flink cluster or in a local JVM, and reports.
#
#   flink-cluster/replay.sh [--url URL | --local] [--jar JAR] [--parallelism N] [--wait SECONDS] -- \
#       --mode audit|reanchor --from SPEC [--to SPEC] [--market 0x...] [--run-id ID] [--settings live|given] \
#       --sequencer.<key> <value> ...
#
#   SPEC: epoch:<id> | timestamp:<epoch ms> | offsets:<partition>=<offset>,...   (--to also: latest, the default)
#
# With --url URL (or $FLINK_REST_URL): submits io.powerloom.sequencer.job.ReplayJob from the job jar with
# submit-job.sh (REST API), waits until it has finished, then reads its results from Kafka here and prints the report.
# With --local (the default without a URL): runs the same replay in a JVM on this machine (Flink's local mini cluster).
# Either way the replay first checks its arguments and settings, that Kafka, the input topics and the chain RPC answer,
# and creates its output topics <topic>-<run id>; each failure is one line.
# Exit code: 0 every batch matches the chain (or was re-anchored), 2 a mismatch, 3 pending (batches of epochs the chain
# has not completed yet, and no mismatch), 1 an error.
# This machine needs Java 17 and Flink's jars: the classpath start-cluster.sh resolves (flink-cluster/target/lib), or
# FLINK_CLUSTER_LIB=<folder>.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=cluster-common.sh
source "$HERE/cluster-common.sh"

URL="${FLINK_REST_URL:-}" LOCAL=false JAR="" PARALLELISM="" WAIT=3600
REPLAY_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --url)            URL="$2"; shift 2 ;;
    --local)          LOCAL=true; shift ;;
    --jar)            JAR="$2"; shift 2 ;;
    --parallelism|-p) PARALLELISM="$2"; shift 2 ;;
    --wait)           WAIT="$2"; shift 2 ;;
    -h|--help)        print_help "$0"; exit 0 ;;
    --)               shift; REPLAY_ARGS=("$@"); break ;;
    *)                fail "unknown option '$1' (the replay's arguments go after --)" ;;
  esac
done
[[ ${#REPLAY_ARGS[@]} -gt 0 ]] || fail "no replay arguments: replay.sh [options] -- --mode audit --from epoch:<id> ... (see --help)"
[[ -z "$PARALLELISM" || "$PARALLELISM" =~ ^[1-9][0-9]*$ ]] || fail "--parallelism must be a positive number, was '$PARALLELISM'"
[[ "$WAIT" =~ ^[0-9]+$ ]] || fail "--wait takes seconds, was '$WAIT'"
if [[ -z "$JAR" ]]; then
  JAR="$(ls "$HERE"/../flink-job/target/flink-job-*.jar 2>/dev/null | grep -v '/original-' | head -1 || true)"
  [[ -n "$JAR" ]] || fail "no job jar in flink-job/target (build it with: mvn -pl flink-job -am package -DskipTests) or pass --jar"
fi
[[ -f "$JAR" ]] || fail "no such jar: $JAR"
$LOCAL && URL=""

# the run id names the output topics; the report finds them by it
MODE="" RUN_ID=""
for ((i = 0; i < ${#REPLAY_ARGS[@]}; i++)); do
  case "${REPLAY_ARGS[$i]}" in
    --mode)   MODE="${REPLAY_ARGS[$((i + 1))]:-}" ;;
    --run-id) RUN_ID="${REPLAY_ARGS[$((i + 1))]:-}" ;;
  esac
done
[[ "$MODE" == "audit" || "$MODE" == "reanchor" ]] || fail "--mode must be audit or reanchor${MODE:+, was '$MODE'}"
if [[ -z "$RUN_ID" ]]; then
  RUN_ID="$MODE-$(date +%s%3N)"
  REPLAY_ARGS+=(--run-id "$RUN_ID")
fi

LIB="$(resolve_cluster_lib)"
replay_command() {
  "$JAVA" "${FLINK_JAVA17_OPTS[@]}" -cp "$JAR:$LIB/*" io.powerloom.sequencer.job.ReplayCommand "$@"
}

if [[ -z "$URL" ]]; then
  echo "replay $RUN_ID in a local JVM" >&2
  set +e
  replay_command ${PARALLELISM:+--parallelism "$PARALLELISM"} "${REPLAY_ARGS[@]}"
  exit $?
fi

need curl
need jq
echo "replay $RUN_ID on $URL" >&2
"$HERE/submit-job.sh" --url "$URL" "$JAR" --entry-class io.powerloom.sequencer.job.ReplayJob \
  ${PARALLELISM:+--parallelism "$PARALLELISM"} --wait "$WAIT" -- "${REPLAY_ARGS[@]}" >/dev/null
set +e
replay_command --report "${REPLAY_ARGS[@]}"
exit $?
