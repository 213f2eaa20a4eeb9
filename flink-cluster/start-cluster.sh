#!/usr/bin/env bash
# Starts a real standalone Flink session cluster (one JobManager, one TaskManager) from Maven Central jars.
#
#   flink-cluster/start-cluster.sh [--run-dir DIR] [--rest-port 8081] [--rpc-port 6123] [--slots 2]
#                                  [--jm-memory 1024m] [--tm-memory 1536m] [--timeout 90] [--owner-pid PID]
#
# flink-dist is not published on Maven Central, so the cluster's classpath is assembled from the Flink module
# jars plus log4j (flink-cluster/pom.xml, copied into flink-cluster/target/lib on first use). The configuration
# is written from conf/config.yaml.template into <run dir>/conf/config.yaml. Both JVMs run in the background;
# their pids, logs, checkpoints, savepoints and uploaded jars all live in the run directory (default
# <repo>/.run/flink-cluster). Prints the REST/web UI URL once /overview answers with a registered TaskManager.
# Stop with flink-cluster/stop-cluster.sh (same --run-dir). With --owner-pid (e.g. a test JVM), a small watchdog
# stops the cluster as soon as that process is gone, so a killed test leaves no cluster behind.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
# shellcheck source=cluster-common.sh
source "$HERE/cluster-common.sh"

RUN_DIR="${FLINK_CLUSTER_RUN_DIR:-$REPO/.run/flink-cluster}"
REST_PORT="${FLINK_CLUSTER_REST_PORT:-8081}"
RPC_PORT="${FLINK_CLUSTER_RPC_PORT:-6123}"
SLOTS="${FLINK_CLUSTER_SLOTS:-2}"
JM_MEMORY="${FLINK_CLUSTER_JM_MEMORY:-1024m}"
TM_MEMORY="${FLINK_CLUSTER_TM_MEMORY:-1536m}"
TIMEOUT="${FLINK_CLUSTER_TIMEOUT:-90}"
OWNER_PID=""

usage() { print_help "$0"; exit "${1:-0}"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --run-dir)   RUN_DIR="$2"; shift 2 ;;
    --rest-port) REST_PORT="$2"; shift 2 ;;
    --rpc-port)  RPC_PORT="$2"; shift 2 ;;
    --slots)     SLOTS="$2"; shift 2 ;;
    --jm-memory) JM_MEMORY="$2"; shift 2 ;;
    --tm-memory) TM_MEMORY="$2"; shift 2 ;;
    --timeout)   TIMEOUT="$2"; shift 2 ;;
    --owner-pid) OWNER_PID="$2"; shift 2 ;;
    -h|--help)   usage 0 ;;
    *) fail "unknown option '$1' (see --help)" ;;
  esac
done

for n in REST_PORT RPC_PORT SLOTS TIMEOUT; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || fail "${n,,} must be a number, was '${!n}'"
done
[[ "$JM_MEMORY" =~ ^[0-9]+[kmgKMG]?$ && "$TM_MEMORY" =~ ^[0-9]+[kmgKMG]?$ ]] \
  || fail "memory sizes look like 1024m or 2g (jm '$JM_MEMORY', tm '$TM_MEMORY')"

mkdir -p "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
for role in jobmanager taskmanager; do
  if pid_alive "$RUN_DIR/$role.pid"; then
    fail "a $role is already running from $RUN_DIR (pid $(cat "$RUN_DIR/$role.pid")); stop it with stop-cluster.sh --run-dir $RUN_DIR"
  fi
done
if port_in_use "$REST_PORT"; then fail "REST port $REST_PORT is in use (choose another with --rest-port)"; fi
if port_in_use "$RPC_PORT"; then fail "RPC port $RPC_PORT is in use (choose another with --rpc-port)"; fi

t_start=$(date +%s%N)
LIB="$(resolve_cluster_lib)"
LIB="$(cd "$LIB" && pwd)"

# ---- configuration ----
mkdir -p "$RUN_DIR"/{conf,log,checkpoints,savepoints,tmp,web-tmp,jars,plugins}
sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@REST_PORT@|$REST_PORT|g" -e "s|@RPC_PORT@|$RPC_PORT|g" \
    -e "s|@SLOTS@|$SLOTS|g" -e "s|@JM_MEMORY@|$JM_MEMORY|g" -e "s|@TM_MEMORY@|$TM_MEMORY|g" \
    "$HERE/conf/config.yaml.template" > "$RUN_DIR/conf/config.yaml"
cp "$HERE/conf/log4j.properties" "$RUN_DIR/conf/log4j.properties"
echo "$REST_PORT" > "$RUN_DIR/rest.port"

# ---- JobManager, then TaskManager ----
start_role jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS
start_role taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS

# ---- optional watchdog: stop the cluster when the owner process is gone ----
if [[ -n "$OWNER_PID" ]]; then
  [[ "$OWNER_PID" =~ ^[0-9]+$ ]] && kill -0 "$OWNER_PID" 2>/dev/null || fail "--owner-pid $OWNER_PID is not a running process"
  setsid nohup bash -c 'while kill -0 "$1" 2>/dev/null && [[ -f "$2/jobmanager.pid" ]]; do sleep 1; done
    if [[ -f "$2/jobmanager.pid" ]]; then rm -f "$2/watchdog.pid"; exec "$3/stop-cluster.sh" --run-dir "$2"; fi' \
    flink-cluster-watchdog "$OWNER_PID" "$RUN_DIR" "$HERE" >"$RUN_DIR/log/watchdog.out" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/watchdog.pid"
fi

# ---- wait until the REST API answers and the TaskManager has registered its slots ----
URL="http://127.0.0.1:$REST_PORT"
deadline=$(( $(date +%s) + TIMEOUT ))
while true; do
  overview="$(curl -fsS --max-time 2 "$URL/overview" 2>/dev/null || true)"
  if [[ -n "$overview" ]] && [[ "$(jq -r '.taskmanagers // 0' <<<"$overview")" -ge 1 ]]; then
    break
  fi
  for role in jobmanager taskmanager; do
    if ! pid_alive "$RUN_DIR/$role.pid"; then
      echo "the $role exited; last lines of $RUN_DIR/log/$role.log and .out:" >&2
      tail -n 30 "$RUN_DIR/log/$role.log" "$RUN_DIR/log/$role.out" >&2 2>/dev/null || true
      "$HERE/stop-cluster.sh" --run-dir "$RUN_DIR" >/dev/null 2>&1 || true
      exit 1
    fi
  done
  if [[ $(date +%s) -ge $deadline ]]; then
    echo "cluster not ready after ${TIMEOUT}s; see $RUN_DIR/log/" >&2
    "$HERE/stop-cluster.sh" --run-dir "$RUN_DIR" >/dev/null 2>&1 || true
    exit 1
  fi
  sleep 0.3
done
t_ready=$(date +%s%N)

echo "flink cluster ready in $(( (t_ready - t_start) / 1000000 )) ms: $URL (slots $(jq -r '."slots-total"' <<<"$overview"), flink $(jq -r '."flink-version"' <<<"$overview"))"
echo "  run dir $RUN_DIR (logs in log/, checkpoints/, savepoints/)"
echo "  submit: $HERE/submit-job.sh --url $URL flink-job/target/flink-job-0.1.0-SNAPSHOT.jar -- --sequencer.<key> <value> ..."
echo "  stop:   $HERE/stop-cluster.sh --run-dir $RUN_DIR"
