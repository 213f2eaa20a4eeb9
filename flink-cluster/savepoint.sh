#!/usr/bin/env bash
# Takes a savepoint of a running job through the REST API, optionally stopping the job (stop-with-savepoint),
# for upgrades: stop with a savepoint, then resubmit the new jar with submit-job.sh --savepoint <printed path>.
#
#   flink-cluster/savepoint.sh [--url URL] <job id> [--stop] [--drain] [--dir DIR] [--format canonical|native]
#                              [--timeout 300]
#
# Without --stop: POST /jobs/<id>/savepoints (the job keeps running). With --stop: POST /jobs/<id>/stop (the job
# stops once the savepoint is complete; --drain first emits the final watermark, which flushes event-time windows:
# use it only when the job will not be resumed). Both then poll /jobs/<id>/savepoints/<trigger id> and print the
# savepoint location on standard output. --dir defaults to the cluster's execution.checkpointing.savepoint-dir.
# It first waits (up to --timeout) until every task of the job is running, as a savepoint needs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=cluster-common.sh
source "$HERE/cluster-common.sh"
need curl
need jq

URL="" JOB="" STOP=false DRAIN=false DIR="" FORMAT="canonical" TIMEOUT=300
while [[ $# -gt 0 ]]; do
  case "$1" in
    --url)     URL="$2"; shift 2 ;;
    --stop)    STOP=true; shift ;;
    --drain)   DRAIN=true; shift ;;
    --dir)     DIR="$2"; shift 2 ;;
    --format)  FORMAT="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    -h|--help) print_help "$0"; exit 0 ;;
    -*) fail "unknown option '$1' (see --help)" ;;
    *)  [[ -z "$JOB" ]] || fail "one job id only, got '$JOB' and '$1'"; JOB="$1"; shift ;;
  esac
done
[[ "$JOB" =~ ^[0-9a-f]{32}$ ]] || fail "a job id is 32 hex characters, was '$JOB'"
[[ "$FORMAT" == canonical || "$FORMAT" == native ]] || fail "--format is canonical or native, was '$FORMAT'"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || fail "--timeout takes seconds, was '$TIMEOUT'"
$DRAIN && ! $STOP && fail "--drain only goes with --stop"
URL="${URL:-$(default_url)}"
URL="${URL%/}"

# a savepoint needs every task running: a job just submitted may still be deploying them
deadline=$(( $(date +%s) + TIMEOUT ))
while true; do
  job_json="$(rest GET "$URL/jobs/$JOB")"
  state="$(jq -r '.state' <<<"$job_json")"
  case "$state" in
    FINISHED|FAILED|CANCELED|SUSPENDED) fail "job $JOB is $state: no savepoint" ;;
  esac
  [[ "$state" == RUNNING && "$(jq '[.vertices[] | select(.status != "RUNNING")] | length' <<<"$job_json")" == 0 ]] && break
  [[ $(date +%s) -lt $deadline ]] || fail "job $JOB still has tasks not running after ${TIMEOUT}s (state $state)"
  sleep 0.5
done

FORMAT_TYPE="$(tr '[:lower:]' '[:upper:]' <<<"$FORMAT")"
if $STOP; then
  body="$(jq -n --arg dir "$DIR" --argjson drain "$DRAIN" --arg fmt "$FORMAT_TYPE" \
    '{drain: $drain, formatType: $fmt} + (if $dir != "" then {targetDirectory: $dir} else {} end)')"
  answer="$(rest POST "$URL/jobs/$JOB/stop" -H 'Content-Type: application/json' --data-binary "$body")"
else
  body="$(jq -n --arg dir "$DIR" --arg fmt "$FORMAT_TYPE" \
    '{"cancel-job": false, formatType: $fmt} + (if $dir != "" then {"target-directory": $dir} else {} end)')"
  answer="$(rest POST "$URL/jobs/$JOB/savepoints" -H 'Content-Type: application/json' --data-binary "$body")"
fi
TRIGGER="$(jq -r '."request-id" // empty' <<<"$answer")"
[[ -n "$TRIGGER" ]] || fail "no trigger id in the answer: $answer"
echo "savepoint of job $JOB triggered ($TRIGGER)$($STOP && echo ', job stops when it completes')" >&2
t0=$(date +%s%N)
location="$(await_savepoint "$URL" "$JOB" "$TRIGGER" "$TIMEOUT")"
echo "savepoint complete in $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
echo "$location"
