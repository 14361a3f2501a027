#!/usr/bin/env bash
# The open-loop capacity probe of docs/benchmarks.md ("Open-loop capacity of a warm 3-node bank
# cluster"): for each rate, a fresh cluster of 3 bank node JVMs from the samples fat jar on
# 127.0.0.1 (full JIT, -Xmx512m, Serial GC, TLS with a throw-away dev CA), 40 s of warm-up at
# 10 transfers/s + 5 deposits and withdrawals/s, then 40 s of the open-loop bank load at the rate
# (the jar's own `open-load`: fixed arrival rates, latency from each request's intended start,
# 1.5 s per attempt, the next node on a timeout, given up after 10 s; saga and money checks at the
# end). Every node is stopped by its PID (kill -9) before the next rate and at exit.
#
# Usage: benchmarks/run-open-load-capacity.sh [TRANSFERS:ACCOUNT_OPS ...]   (default 30:15 50:20 70:30)
#        JAR=path/to/baton-samples-all.jar to probe another build (e.g. the previous commit's).
# Output: benchmarks/results/open-load-capacity-<stamp>/<rate>/{warm,load}.out and node logs.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-samples/target/baton-samples-all.jar}
[ -f "$JAR" ] || mvn -B -q install -DskipTests
OUT=benchmarks/results/open-load-capacity-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
PIDS=()
stop_nodes() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    kill -9 "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  done
  PIDS=()
}
trap stop_nodes EXIT
targets=http://127.0.0.1:8081,http://127.0.0.1:8082,http://127.0.0.1:8083
seeds=pekko://bank@127.0.0.1:25521,pekko://bank@127.0.0.1:25522
for rate in "${@:-30:15 50:20 70:30}"; do
  for r in $rate; do
    t=${r%%:*}; a=${r##*:}; dir="$OUT/$t-$a"; mkdir -p "$dir"
    for i in 1 2 3; do
      java -Xmx512m -XX:+UseSerialGC -Dbaton.node.tls.dev-ca-dir="$dir/ca" -jar "$JAR" bank-node \
        --cluster-name=bank --name=node$i --host=127.0.0.1 --port=2552$i --seed=$seeds \
        --data-dir="$dir/data$i" --http-port=808$i > "$dir/node$i.log" 2>&1 &
      PIDS+=($!)
      [ $i = 1 ] && sleep 4
    done
    deadline=$((SECONDS + 90))
    until [ "$(grep -l 'MEMBERS-UP 3' "$dir"/node*.log 2>/dev/null | wc -l)" = 3 ]; do
      [ $SECONDS -lt $deadline ] || { echo "cluster for $t:$a did not form in 90 s" >&2; exit 1; }
      sleep 1
    done
    java -jar "$JAR" open-load --targets=$targets --duration=40s --transfer-rate=10 \
      --account-rate=5 > "$dir/warm.out" 2>&1 || true
    java -jar "$JAR" open-load --targets=$targets --duration=40s --transfer-rate=$t \
      --account-rate=$a > "$dir/load.out" 2>&1 || true
    echo "== $t transfers/s + $a account operations/s"
    grep -E "^load: |latency from intended start|^OPEN LOAD" "$dir/load.out" || true
    stop_nodes
    rm -rf "$dir"/data?
  done
done
