#!/usr/bin/env bash
# Webhook load benchmark against nginx as the reference, on loopback: builds the jar and the test classes, then
# runs io.joblane.webhook.bench.LoadBenchmark (webhook jar at -Xmx256m with its default flags and nginx with a canned
# answer, same P-256 certificate; the same wrk -t1 -c32 against both in alternating rounds; the ratio; the webhook
# at a fixed 1,000/s; its heap). About 5 minutes with the defaults (warm-up waits for the JIT); every phase is bounded.
# Needs nginx and wrk (Debian: apt-get install -y nginx-light wrk); installs them when run as root with apt-get.
# Usage, from anywhere: webhook/bench/run.sh [--duration 15] [--rounds 2] [--rate 1000] [--baseline-jar JAR] ...
# (JOBLANE_BENCH_SKIP_BUILD=1 skips the Maven build; --help lists every option.)
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
if (( ${#missing[@]} )); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} ..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing ${missing[*]}: install with  sudo apt-get update && sudo apt-get install -y nginx-light wrk" >&2
    exit 2
  fi
fi
if [[ ${JOBLANE_BENCH_SKIP_BUILD:-} != 1 ]]; then
  mvn -B -q -o -pl webhook -am package -DskipTests 2>/dev/null || mvn -B -q -pl webhook -am package -DskipTests
  mvn -B -q -o -pl webhook -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/webhook/target/bench.classpath" -Dmdep.includeScope=test >/dev/null
fi
exec java -Xmx512m -cp "webhook/target/test-classes:webhook/target/classes:$(cat webhook/target/bench.classpath)" \
  io.joblane.webhook.bench.LoadBenchmark "$@"
