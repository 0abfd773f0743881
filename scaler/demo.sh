#!/usr/bin/env bash
# Joblane scaler demo: run the built scaler jar as a process against a small world on localhost: the fabric8 mock
# Kubernetes API server, a local EC2 Auto Scaling endpoint, and a scheduler and kubelets of the demo's own
# (scaler/src/test/java/io/joblane/scaler/e2e: the same run that ScalerE2EIT checks in mvn verify). Bursts of Jobs
# arrive; watch the scaler add nodes, taint and cordon the ones no longer needed, terminate each only once it is
# empty, and bring the group back to zero nodes. Takes about a minute; nothing leaves 127.0.0.1.
# Needs java 17+ and, the first time, maven (it builds the jar and the demo world).
set -euo pipefail
cd "$(dirname "$0")/.."

jar=scaler/target/joblane-scaler.jar
classpath=scaler/target/demo.classpath
world_class=scaler/target/test-classes/io/joblane/scaler/e2e/DemoWorld.class
health=${JOBLANE_DEMO_HEALTH_PORT:-18090}
if [[ ! -f $jar || ! -f $classpath || ! -f $world_class || pom.xml -nt $classpath || scaler/pom.xml -nt $classpath ]]; then
  echo "building the scaler jar and the demo world (once): mvn -B -q -pl scaler -am package -DskipTests ..."
  mvn -B -q -pl scaler -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile=target/demo.classpath -Dmdep.includeScope=test
fi

work=$(mktemp -d)
world_pid=
scaler_pid=
cleanup() {
  for pid in $scaler_pid $world_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The world: API server, Auto Scaling endpoint, scheduler, kubelets. It writes the kubeconfig and node-group file.
java -Xmx384m -cp "scaler/target/test-classes:scaler/target/classes:$(cat "$classpath")" \
  io.joblane.scaler.e2e.DemoWorld "$work" "$health" &
world_pid=$!
for _ in $(seq 1 600); do
  [[ -f $work/ready ]] && break
  kill -0 "$world_pid" 2>/dev/null || { echo "the demo world exited" >&2; exit 1; }
  sleep 0.1
done
[[ -f $work/ready ]] || { echo "the demo world did not start within 60 s" >&2; exit 1; }

# 2. The scaler, configured as in a cluster: a kubeconfig, the node-group file (with scaler.aws.endpoint pointing at
#    the local Auto Scaling endpoint), the AWS SDK's credential variables.
echo
echo "node-group file ($work/config.yaml):"
sed 's/^/    /' "$work/config.yaml"
echo
echo "starting: KUBECONFIG=$work/kubeconfig java -jar $jar run --config $work/config.yaml --lease-namespace joblane --health-port $health"
echo "(the scaler's decisions are shown as 'scaler>'; its full log: $work/scaler.log)"
echo
KUBECONFIG=$work/kubeconfig AWS_ACCESS_KEY_ID=AKIDDEMO AWS_SECRET_ACCESS_KEY=demo AWS_EC2_METADATA_DISABLED=true \
  java -Xmx256m -jar "$jar" run --config "$work/config.yaml" --lease-namespace joblane --identity scaler-demo \
  --health-port "$health" >"$work/scaler.log" 2>&1 &
scaler_pid=$!
# tail stops by itself when the scaler exits.
tail --pid="$scaler_pid" -n +1 -F "$work/scaler.log" 2>/dev/null \
  | grep --line-buffered -E ' (ScaleLoop|LeaderElection) - (group|became)' \
  | sed -u -E -e 's/^[^ ]+ +[A-Z]+ +\[[^]]*\] [A-Za-z]+ - /          scaler> /' -e 's/( [a-z_]+=[^ ]*)+ *$//' &

status=0
wait "$world_pid" || status=$?
world_pid=
echo
if [[ $status -eq 0 ]]; then
  echo "demo done: every Job succeeded, none was interrupted, and the group is back to zero nodes"
else
  echo "demo FAILED (exit $status); the scaler's log ends with:" >&2
  tail -n 40 "$work/scaler.log" >&2
fi
exit "$status"
