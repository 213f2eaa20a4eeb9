#!/usr/bin/env bash
# Shared functions of the flink-cluster scripts (sourced, not run). Expects HERE (this folder) to be set.

# errors inside $(...) stop the calling script too
shopt -s inherit_errexit

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Flink's default JVM options for Java 17 (env.java.opts.all of Flink's shipped config.yaml).
FLINK_JAVA17_OPTS=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

fail() { echo "error: $*" >&2; exit 1; }

# print_help <script>: the script's leading comment block, without the '#'.
print_help() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"; }

need() { command -v "$1" >/dev/null 2>&1 || fail "'$1' is required on the PATH"; }

# pid_alive <pid file>: the file exists and names a running process.
pid_alive() {
  [[ -f "$1" ]] || return 1
  local pid
  pid="$(cat "$1" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

# port_in_use <port>: something accepts connections on 127.0.0.1:<port>.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# resolve_cluster_lib: prints the folder holding the cluster's jars, copying them from Maven (offline first,
# then Maven Central) when missing or when flink-cluster/pom.xml or the root pom's Flink/log4j/slf4j versions
# changed since. FLINK_CLUSTER_LIB points at a ready folder instead.
resolve_cluster_lib() {
  if [[ -n "${FLINK_CLUSTER_LIB:-}" ]]; then
    ls "$FLINK_CLUSTER_LIB"/flink-runtime-*.jar >/dev/null 2>&1 || fail "FLINK_CLUSTER_LIB=$FLINK_CLUSTER_LIB holds no flink-runtime jar"
    echo "$FLINK_CLUSTER_LIB"
    return
  fi
  local lib="$HERE/target/lib" stamp="$HERE/target/lib/.resolved" fingerprint
  fingerprint="$( { cat "$HERE/pom.xml"; grep -E '<(flink|log4j|slf4j)\.version>' "$HERE/../pom.xml"; } | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$fingerprint" ]]; then
    echo "$lib"
    return
  fi
  need mvn
  echo "resolving the Flink cluster classpath into $lib ..." >&2
  rm -rf "$lib"
  if ! mvn -B -q -o -Dstyle.color=never -Dcluster.classpath-only -f "$HERE/pom.xml" dependency:copy-dependencies >&2 2>/dev/null; then
    echo "  (not all jars in the local Maven repository: downloading from Maven Central)" >&2
    mvn -B -q -Dstyle.color=never -Dcluster.classpath-only -f "$HERE/pom.xml" dependency:copy-dependencies >&2 || fail "could not resolve the cluster classpath (mvn failed)"
  fi
  ls "$lib"/flink-runtime-*.jar >/dev/null 2>&1 || fail "no flink-runtime jar in $lib after resolution"
  echo "$fingerprint" >"$stamp"
  echo "$lib"
}

# start_role <role> <main class> <BashJavaUtils command>: starts one Flink process in the background with the
# memory flags and dynamic properties that Flink's own scripts would compute. Uses RUN_DIR and LIB.
start_role() {
  local role="$1" main="$2" utils="$3" out params jvm_flags dynamic
  out="$RUN_DIR/log/$role-resources.out"
  if ! "$JAVA" -cp "$LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$utils" --configDir "$RUN_DIR/conf" \
      >"$out" 2>&1; then
    cat "$out" >&2
    fail "could not compute the $role memory settings from $RUN_DIR/conf/config.yaml"
  fi
  params="$(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' "$out")"
  jvm_flags="$(sed -n 1p <<<"$params")"
  dynamic="$(sed -n 2p <<<"$params")"
  [[ -n "$jvm_flags" ]] || { cat "$out" >&2; fail "BashJavaUtils printed no JVM flags for the $role"; }
  # shellcheck disable=SC2086  # the flags and -D pairs are word lists by design
  cd "$RUN_DIR"
  FLINK_PLUGINS_DIR="$RUN_DIR/plugins" setsid nohup "$JAVA" $jvm_flags "${FLINK_JAVA17_OPTS[@]}" \
      -Dlog.file="$RUN_DIR/log/$role.log" \
      -Dlog4j.configurationFile="file:$RUN_DIR/conf/log4j.properties" \
      -Djava.io.tmpdir="$RUN_DIR/tmp" \
      -classpath "$LIB/*" "$main" --configDir "$RUN_DIR/conf" $dynamic \
      >"$RUN_DIR/log/$role.out" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$role.pid"
  echo "started $role (pid $!), log $RUN_DIR/log/$role.log" >&2
}

# default_url: --url, else FLINK_REST_URL, else the REST port of the local cluster's run dir, else 8081.
default_url() {
  if [[ -n "${FLINK_REST_URL:-}" ]]; then echo "$FLINK_REST_URL"; return; fi
  local port_file="${FLINK_CLUSTER_RUN_DIR:-$HERE/../.run/flink-cluster}/rest.port"
  if [[ -f "$port_file" ]]; then echo "http://127.0.0.1:$(cat "$port_file")"; else echo "http://127.0.0.1:8081"; fi
}

# rest <method> <url> [curl args...]: one REST call; prints the body; on HTTP >= 400 prints Flink's "errors" and fails.
rest() {
  local method="$1" url="$2" body code
  shift 2
  body="$(mktemp)"
  code="$(curl -sS -o "$body" -w '%{http_code}' -X "$method" "$@" "$url")" \
    || { rm -f "$body"; fail "$method $url: no answer from the Flink REST API"; }
  if [[ "$code" -ge 400 ]]; then
    local msg
    msg="$(jq -r '(.errors // [.]) | map(tostring) | join("\n")' "$body" 2>/dev/null || cat "$body")"
    rm -f "$body"
    # a Java stack trace: its first line and the "Caused by" chain say what went wrong
    if grep -q '^Caused by: ' <<<"$msg"; then
      msg="$(sed -n '1p; /^Caused by: /p' <<<"$msg")"
    fi
    fail "$method $url: HTTP $code: $(head -c 4000 <<<"$msg")"
  fi
  cat "$body"
  rm -f "$body"
}

# await_savepoint <url> <job id> <trigger id> <timeout s>: polls the savepoint operation; prints its location.
await_savepoint() {
  local url="$1" job="$2" trigger="$3" timeout="$4" deadline answer status
  deadline=$(( $(date +%s) + timeout ))
  while true; do
    answer="$(rest GET "$url/jobs/$job/savepoints/$trigger")"
    status="$(jq -r '.status.id' <<<"$answer")"
    if [[ "$status" == "COMPLETED" ]]; then
      if [[ "$(jq -r '.operation."failure-cause" // empty' <<<"$answer")" != "" ]]; then
        fail "savepoint of job $job failed: $(jq -r '.operation."failure-cause"."stack-trace" // .operation."failure-cause"' <<<"$answer" | head -20)"
      fi
      jq -r '.operation.location' <<<"$answer"
      return
    fi
    [[ $(date +%s) -lt $deadline ]] || fail "savepoint of job $job not done after ${timeout}s (trigger $trigger)"
    sleep 0.5
  done
}
