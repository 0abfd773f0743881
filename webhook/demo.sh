#!/usr/bin/env bash
# Joblane webhook demo: start the webhook on localhost with a self-signed certificate and the example node groups,
# send it the AdmissionReview the API server sends for a pod created by the Job controller, print the JSON Patch
# it answers, then stop it. Needs java 17+ and curl, and the jar: mvn -B -q package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."

jar=webhook/target/joblane-webhook.jar
review=examples/admission/job-pod.json
port=${JOBLANE_DEMO_PORT:-18443}
health=${JOBLANE_DEMO_HEALTH_PORT:-18080}
if [[ ! -f $jar ]]; then
  echo "missing $jar: build it first with: mvn -B -q package -DskipTests" >&2
  exit 1
fi

work=$(mktemp -d)
java -Xmx256m -jar "$jar" --config examples/config/node-groups.yaml \
  --self-signed-dir "$work/tls" --service joblane-webhook --namespace joblane \
  --host 127.0.0.1 --port "$port" --health-port "$health" --namespace-routing off >"$work/webhook.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "starting the webhook (log: $work/webhook.log) ..."
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the webhook exited:" >&2
    cat "$work/webhook.log" >&2
    exit 1
  fi
  if curl -sf "http://127.0.0.1:$health/readyz" >/dev/null; then
    break
  fi
  sleep 0.5
done
curl -sf "http://127.0.0.1:$health/readyz" >/dev/null || { echo "not ready after 60 s" >&2; cat "$work/webhook.log" >&2; exit 1; }

echo "POST $review to https://localhost:$port/mutate (certificate checked against $work/tls/ca.crt)"
response=$(curl -sS --fail-with-body --cacert "$work/tls/ca.crt" -H 'Content-Type: application/json' \
  --data-binary "@$review" "https://localhost:$port/mutate")
echo
echo "AdmissionReview response:"
echo "$response"
echo
echo "JSON Patch (base64-decoded response.patch), one operation per line:"
echo "$response" | sed -n 's/.*"patch":"\([^"]*\)".*/\1/p' | base64 -d | sed 's/},{"op"/},\n{"op"/g'
echo
echo
echo "stopping the webhook"
