#!/usr/bin/env bash
# Stops the standalone Flink cluster started by start-cluster.sh: TaskManager, then JobManager.
#
#   flink-cluster/stop-cluster.sh [--run-dir DIR] [--grace 20]
#
# Sends SIGTERM, waits up to --grace seconds, then SIGKILL. Only kills the pids recorded in the run directory,
# and only when their command line still names that run directory (a recycled pid is left alone).
# The run directory (logs, checkpoints, savepoints) is kept.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
# shellcheck source=cluster-common.sh
source "$HERE/cluster-common.sh"

RUN_DIR="${FLINK_CLUSTER_RUN_DIR:-$REPO/.run/flink-cluster}"
GRACE=20
while [[ $# -gt 0 ]]; do
  case "$1" in
    --run-dir) RUN_DIR="$2"; shift 2 ;;
    --grace)   GRACE="$2"; shift 2 ;;
    -h|--help) print_help "$0"; exit 0 ;;
    *) fail "unknown option '$1' (see --help)" ;;
  esac
done
[[ -d "$RUN_DIR" ]] || { echo "no cluster run directory at $RUN_DIR: nothing to stop"; exit 0; }
RUN_DIR="$(cd "$RUN_DIR" && pwd)"

# ours <pid>: the process was started with this run directory's configuration.
ours() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "--configDir $RUN_DIR/conf"; }

stopped_any=0
for role in taskmanager jobmanager watchdog; do
  pid_file="$RUN_DIR/$role.pid"
  if ! pid_alive "$pid_file"; then
    rm -f "$pid_file"
    continue
  fi
  pid="$(cat "$pid_file")"
  if [[ "$role" != watchdog ]] && ! ours "$pid"; then
    echo "pid $pid in $pid_file is not this cluster's $role any more: left alone" >&2
    rm -f "$pid_file"
    continue
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $(( GRACE * 10 ))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$role (pid $pid) still running after ${GRACE}s: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
  [[ "$role" == watchdog ]] || { echo "stopped $role (pid $pid)"; stopped_any=1; }
done
[[ $stopped_any == 1 ]] || echo "no cluster process was running from $RUN_DIR"
