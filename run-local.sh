#!/usr/bin/env bash
# README command 1: build everything and start the whole local network (see docs/local-network.md).
#
#   ./run-local.sh [--no-build] [LocalNetwork options, e.g. --local.slots 20 --local.duration 150s]
#
# Needs Java 17+, Maven 3.8+ and npm (Node 20 is enough: the build installs Node 22, Anvil, Helia and js-libp2p
# from package-lock.json into local-infra/node). The first build downloads about 300 MB of Maven and npm packages.
# --no-build skips `mvn install` (use it once a build has run). Ctrl-C stops everything that was started.
set -euo pipefail

cd "$(dirname "$0")"
ROOT="$(pwd)"

build=1
if [[ "${1:-}" == "--no-build" ]]; then
  build=0
  shift
fi

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "run-local.sh: '$1' is not installed ($2)" >&2; exit 1; }
}
need java "Java 17 or newer"
need mvn "Maven 3.8 or newer"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [[ -z "$java_major" || "${java_major%%.*}" -lt 17 ]]; then
  echo "run-local.sh: Java 17 or newer is needed, found '${java_major:-unknown}'" >&2
  exit 1
fi

if [[ $build -eq 1 ]]; then
  if [[ ! -f local-infra/node/node_modules/.package-lock.json ]]; then
    need npm "npm (with Node 20+) installs the pinned packages"
  fi
  echo "building (mvn install -DskipTests of local-network and the modules it needs; the first time this downloads the dependencies) ..."
  mvn -B -q -DskipTests -pl local-network -am install
fi

JAR="$ROOT/local-network/target/local-network-0.1.0-SNAPSHOT.jar"
CP_FILE="$ROOT/local-network/target/runtime-classpath.txt"
if [[ ! -f "$JAR" || ! -f "$CP_FILE" ]]; then
  echo "run-local.sh: $JAR or $CP_FILE is missing: run without --no-build" >&2
  exit 1
fi

mkdir -p "$ROOT/.run/local/tmp" "$ROOT/.run/local/logs"

# Flink on Java 17 needs these opens/exports (the list Flink's own scripts pass)
OPENS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
  --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
)

# exec: Ctrl-C reaches the JVM directly, whose shutdown hook stops every component it started
exec java "${OPENS[@]}" -Xmx2g -XX:+UseG1GC \
  -Djava.io.tmpdir="$ROOT/.run/local/tmp" \
  -Dpowerloom.node.dir="$ROOT/local-infra/node" \
  -Dpowerloom.local.logdir="$ROOT/.run/local/logs" \
  -cp "$JAR:$(cat "$CP_FILE")" \
  io.powerloom.sequencer.local.LocalNetwork "$@"
