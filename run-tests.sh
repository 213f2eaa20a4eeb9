#!/usr/bin/env bash
# README command 2: build everything and run every test (unit tests, then the integration tests that start their own
# Kafka broker, Anvil, IPFS node, js-libp2p peers, Flink clusters and a headless browser). CI runs this (.ci/run).
#
#   ./run-tests.sh [extra Maven arguments, e.g. -pl flink-job -am]
#
# The explorer's browser test drives Debian's headless chromium through chromium-driver: they are installed here when
# missing (apt-get, as root or through sudo; skipped at once when both are there). Everything else comes from Maven
# Central and npm with pinned versions.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  sudo=""
  if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver
fi

exec mvn -B -ntp verify "$@"
