#!/usr/bin/env bash
# Saturation figures with wrk (C, lighter than any JVM client; Debian: apt-get install -y wrk), against the real
# jar in a -Xmx256m JVM with a self-signed certificate. wrk has no fixed-rate mode: use run.sh for the 1,000/s phase.
# Usage, from the repository root: webhook/bench/wrk.sh [connections=32] [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=${1:-32}
seconds=${2:-20}
port=19443
[[ -f webhook/target/joblane-webhook.jar ]] || mvn -B -q -pl webhook -am package -DskipTests
work=$(mktemp -d)
java -Xmx256m -jar webhook/target/joblane-webhook.jar --config examples/config/node-groups.yaml \
  --self-signed-dir "$work/tls" --service joblane-webhook --namespace joblane --host 127.0.0.1 \
  --port "$port" --health-port $((port + 1)) --namespace-routing off --log-level warn >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$((port + 1))/readyz" >/dev/null && break; sleep 0.5; done
echo "warm-up 15 s ..."
wrk -t1 -c"$connections" -d15s -s webhook/bench/post.lua "https://localhost:$port/mutate" >/dev/null
echo "measuring ${seconds} s with $connections connections:"
wrk -t1 -c"$connections" -d"${seconds}s" -s webhook/bench/post.lua "https://localhost:$port/mutate" | grep '^wrk:'
