#!/usr/bin/env bash
# Submits a job jar to any Flink cluster through its REST API, as `flink run` does.
#
#   flink-cluster/submit-job.sh [--url URL] <jar> [--entry-class C] [--parallelism N] [--savepoint PATH]
#                               [--allow-non-restored-state] [--wait SECONDS] [--keep-jar] [-- program args...]
#
#   e.g. flink-cluster/submit-job.sh flink-job/target/flink-job-0.1.0-SNAPSHOT.jar --parallelism 2 -- \
#          --sequencer.kafka.bootstrap-servers 127.0.0.1:9092 --sequencer.data-markets 0x...
#
# 1. POST <url>/jars/upload (multipart, field "jarfile")   2. POST <url>/jars/<jar id>/run with entryClass,
# parallelism, programArgsList, savepointPath, allowNonRestoredState. Prints the job id on standard output (progress
# goes to standard error). The uploaded jar is deleted from the cluster afterwards (the job keeps its own copy),
# unless --keep-jar (then it stays listed under "Submit New Job" in the web UI). --wait waits until the job
# reaches a terminal state and fails unless it is FINISHED.
# URL: --url, else $FLINK_REST_URL, else the local cluster of .run/flink-cluster, else http://127.0.0.1:8081.
# Without --entry-class the jar's manifest Main-Class is used (the sequencer jar names SequencerJob there).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=cluster-common.sh
source "$HERE/cluster-common.sh"
need curl
need jq

URL="" JAR="" ENTRY="" PARALLELISM="" SAVEPOINT="" ALLOW_NON_RESTORED=false WAIT="" KEEP_JAR=false
PROGRAM_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --url)                      URL="$2"; shift 2 ;;
    --entry-class|-c)           ENTRY="$2"; shift 2 ;;
    --parallelism|-p)           PARALLELISM="$2"; shift 2 ;;
    --savepoint|-s)             SAVEPOINT="$2"; shift 2 ;;
    --allow-non-restored-state) ALLOW_NON_RESTORED=true; shift ;;
    --wait)                     WAIT="$2"; shift 2 ;;
    --keep-jar)                 KEEP_JAR=true; shift ;;
    -h|--help)                  print_help "$0"; exit 0 ;;
    --)                         shift; PROGRAM_ARGS=("$@"); break ;;
    -*)                         fail "unknown option '$1' (program arguments go after --)" ;;
    *)  [[ -z "$JAR" ]] || fail "one jar only (program arguments go after --): '$1'"; JAR="$1"; shift ;;
  esac
done
[[ -n "$JAR" ]] || fail "which jar? usage: submit-job.sh [--url URL] <jar> [options] [-- program args]"
[[ -f "$JAR" ]] || fail "no such jar: $JAR (build it with: mvn -pl flink-job -am package -DskipTests)"
[[ -z "$PARALLELISM" || "$PARALLELISM" =~ ^[1-9][0-9]*$ ]] || fail "--parallelism must be a positive number, was '$PARALLELISM'"
[[ -z "$WAIT" || "$WAIT" =~ ^[0-9]+$ ]] || fail "--wait takes seconds, was '$WAIT'"
URL="${URL:-$(default_url)}"
URL="${URL%/}"

t0=$(date +%s%N)
upload="$(rest POST "$URL/jars/upload" -F "jarfile=@$JAR;type=application/x-java-archive")"
[[ "$(jq -r '.status' <<<"$upload")" == "success" ]] || fail "jar upload refused: $upload"
JAR_ID="$(basename "$(jq -r '.filename' <<<"$upload")")"
t1=$(date +%s%N)
echo "uploaded $(basename "$JAR") as $JAR_ID in $(( (t1 - t0) / 1000000 )) ms" >&2
if ! $KEEP_JAR; then
  trap 'curl -sS -o /dev/null -X DELETE "$URL/jars/$JAR_ID" || true' EXIT
fi

if [[ ${#PROGRAM_ARGS[@]} -gt 0 ]]; then
  ARGS_JSON="$(for a in "${PROGRAM_ARGS[@]}"; do jq -n --arg a "$a" '$a'; done | jq -s -c .)"
else
  ARGS_JSON='[]'
fi
body="$(jq -n \
  --arg entry "$ENTRY" --arg parallelism "$PARALLELISM" --arg savepoint "$SAVEPOINT" \
  --argjson allow "$ALLOW_NON_RESTORED" --argjson args "$ARGS_JSON" \
  '{programArgsList: $args, allowNonRestoredState: $allow}
   + (if $entry != "" then {entryClass: $entry} else {} end)
   + (if $parallelism != "" then {parallelism: ($parallelism | tonumber)} else {} end)
   + (if $savepoint != "" then {savepointPath: $savepoint} else {} end)')"
run="$(rest POST "$URL/jars/$JAR_ID/run" -H 'Content-Type: application/json' --data-binary "$body")"
JOB_ID="$(jq -r '.jobid // empty' <<<"$run")"
[[ -n "$JOB_ID" ]] || fail "run answered without a job id: $run"
t2=$(date +%s%N)
echo "submitted job $JOB_ID in $(( (t2 - t1) / 1000000 )) ms; web UI: $URL/#/job/running/$JOB_ID/overview" >&2
echo "$JOB_ID"

if [[ -n "$WAIT" ]]; then
  deadline=$(( $(date +%s) + WAIT ))
  while true; do
    state="$(rest GET "$URL/jobs/$JOB_ID" | jq -r '.state')"
    case "$state" in
      FINISHED) echo "job $JOB_ID FINISHED after $(( ($(date +%s%N) - t2) / 1000000 )) ms" >&2; exit 0 ;;
      FAILED|CANCELED|SUSPENDED)
        echo "job $JOB_ID ended $state; root exception:" >&2
        rest GET "$URL/jobs/$JOB_ID/exceptions" | jq -r '."root-exception" // .exceptionHistory.entries[0].stacktrace // "?"' \
          | head -30 >&2 || true
        exit 1 ;;
    esac
    [[ $(date +%s) -lt $deadline ]] || fail "job $JOB_ID still $state after ${WAIT}s"
    sleep 0.5
  done
fi
