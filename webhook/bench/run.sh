#!/usr/bin/env bash
# Load benchmark of the webhook: builds the jar and the test classes, then runs
# io.joblane.webhook.bench.LoadBenchmark (server in its own JVM with -Xmx256m, JDK HTTP client with keep-alive).
# Usage, from the repository root: webhook/bench/run.sh [--connections 32] [--duration 20] [--rate 1000] ...
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -pl webhook -am package -DskipTests
mvn -B -q -pl webhook -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/webhook/target/bench.classpath" -Dmdep.includeScope=test >/dev/null
exec java -Xmx512m -cp "webhook/target/test-classes:webhook/target/classes:$(cat webhook/target/bench.classpath)" \
  io.joblane.webhook.bench.LoadBenchmark "$@"
