#!/usr/bin/env bash
# Runs the cluster takeover benchmark: for each killed node and each target, R runs on a fresh
# cluster of 3 node JVMs on 127.0.0.1 under an open-loop load on 60 counters (fixed arrival rate,
# latency from each request's intended start, a request given up after 10 s is failed), kill -9
# of the node (node3; node1, the oldest node and the shard coordinator's host), and the time until
# every counter that lived there, or stalled elsewhere, answers again, with the failures and the
# p99 and max latency of the fault window; Baton and stock Pekko Cluster Sharding measured in the
# same run, each target and node in its own driver JVM (io.baton.benchmarks.cluster.ClusterBenchmark).
#
# What it does:
#   1. builds the benchmarks fat jar if it is missing or older than its sources;
#   2. if a stock Pekko target is asked for: starts a private PostgreSQL (postgres.sh: installs it
#      with apt-get if missing, initdb in a temp dir, a free port of 127.0.0.1, default settings)
#      with the pekko-persistence-jdbc schema, the journal all stock nodes share;
#   3. runs ClusterBenchmark once per target;
#   4. writes under benchmarks/results/ (git-ignored):
#        cluster-<stamp>/<target>-<node>.json        each target's runs with that node killed
#        cluster-<stamp>/<target>-<node>-logs/run-N/ each node's output (and Baton's own log
#                                                    lines) and the load's history.jsonl
#        cluster-<stamp>/run.log              everything the driver JVMs printed
#        cluster-<stamp>.md                   command, machine, settings and the markdown tables
#      and prints the tables;
#   5. on exit, however it exits: stops the driver JVM (its shutdown hook kills every node JVM it
#      started, by PID; the nodes also halt when their driver is gone), stops the PostgreSQL it
#      started and deletes the temp dir. It signals only processes it started itself.
#
# Usage: benchmarks/run-cluster.sh [target ...]
#   targets: baton baton-tls pekko-default pekko-tuned (default: baton pekko-default pekko-tuned;
#            baton-tls is baton with the cluster transport on TLS, for the cost of TLS:
#            CLUSTER_KILLS=node1 benchmarks/run-cluster.sh baton baton-tls)
#   CLUSTER_KILLS the nodes killed, each in runs of its own (default: "node3 node1"; node1 is the
#                 oldest node, the shard coordinator's host)
#   CLUSTER_OPTS  extra options for ClusterBenchmark (see ClusterSettings), e.g. a smoke run:
#     CLUSTER_OPTS="--runs=1" benchmarks/run-cluster.sh baton pekko-default
#   JAVA_OPTS     JVM options of the driver JVMs (default: -Xmx512m: the open loop may hold
#                 thousands of requests in flight during a stall); the node JVMs get
#                 -Xmx512m (ClusterSettings --heap)
#
# The full run (5 runs per target and killed node) takes about 30-40 minutes, most of it the stock
# targets (about a minute and a half per run). Run on an otherwise idle machine: 3 node JVMs, the driver and
# PostgreSQL share the CPUs, and other load delays both failure detection and recovery.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/baton-benchmarks-all.jar"
java_opts="${JAVA_OPTS:--Xmx512m}"
cluster_opts="${CLUSTER_OPTS:-}"
read -r -a kills <<< "${CLUSTER_KILLS:-node3 node1}"
for kill in "${kills[@]}"; do
  case "$kill" in
    node1 | node2 | node3) ;;
    *) echo "unknown node '$kill' in CLUSTER_KILLS: use node1, node2, node3" >&2; exit 2 ;;
  esac
done
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(baton pekko-default pekko-tuned)
fi
needs_db=""
for target in "${targets[@]}"; do
  case "$target" in
    baton | baton-tls) ;;
    pekko-default | pekko-tuned) needs_db=yes ;;
    *) echo "unknown target '$target': use baton, baton-tls, pekko-default, pekko-tuned" >&2; exit 2 ;;
  esac
done

if [[ -n "$needs_db" && $(id -u) -ne 0 ]]; then
  echo "run-cluster.sh runs PostgreSQL (for the stock Pekko targets) as the 'postgres' user and" \
    "may apt-get install it: run it as root" >&2
  exit 2
fi

# Build when the jar is missing or older than any source or pom it is made from.
if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/pom.xml" "$root/supervision" "$root/runtime" \
    "$root/benchmarks" \( -path '*/target' -o -path '*/results' -o -path '*/data' \) -prune \
    -o -type f -newer "$jar" -print -quit)" ]]; then
  echo "building $jar ..."
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi

# shellcheck source=postgres.sh
source "$here/postgres.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/baton-cluster-bench.XXXXXX")"
java_pid=""

cleanup() {
  local status=$?
  set +e
  if [[ -n "$java_pid" ]] && process_running "$java_pid"; then
    kill "$java_pid"  # SIGTERM: its shutdown hook kills the node JVMs it started
    wait "$java_pid" 2>/dev/null
  fi
  pg_stop
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

jdbc_opts=()
pg_line="not used"
if [[ -n "$needs_db" ]]; then
  pg_start "$work" "$jar" baton_cluster_bench
  jdbc_opts=(--jdbc-url="$pg_jdbc_url" --jdbc-user=postgres)
  pg_line="PostgreSQL $pg_version on 127.0.0.1:$pg_port, default settings: $pg_settings"
  echo "$pg_line; data in $work"
fi

stamp="$(date +%Y%m%d-%H%M%S)"
out="$here/results/cluster-$stamp"
md="$here/results/cluster-$stamp.md"
mkdir -p "$out"
load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
driver_failed=""

for kill in "${kills[@]}"; do
  for target in "${targets[@]}"; do
    # shellcheck disable=SC2086  # java_opts and cluster_opts are lists of options
    java $java_opts -cp "$jar" io.baton.benchmarks.cluster.ClusterBenchmark \
      --target="$target" --kill="$kill" --work-dir="$work/nodes" \
      --out="$out/$target-$kill.json" "${jdbc_opts[@]}" $cluster_opts \
      > >(tee -a "$out/run.log") 2>&1 &
    java_pid=$!
    if ! wait "$java_pid"; then
      echo "[$target, kill $kill] the driver failed; see $out/run.log"
      driver_failed=yes
    fi
    java_pid=""
  done
done

{
  echo "# Cluster takeover benchmark, $started_at to $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- Command: \`benchmarks/run-cluster.sh ${targets[*]}\` with CLUSTER_KILLS \`${kills[*]}\`${cluster_opts:+ and CLUSTER_OPTS \`$cluster_opts\`}; driver JVM options \`$java_opts\`"
  echo "- Commit: \`$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(
    git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "- Java: $(java -version 2>&1 | head -n 1); CPUs: $(nproc); memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
  echo "- Shared journal of the stock targets: $pg_line"
  echo "- Load average before / after: $load_before / $(cut -d ' ' -f 1-3 /proc/loadavg)"
  echo
  java -cp "$jar" io.baton.benchmarks.cluster.ClusterReport "$out"
  echo
  echo "Set-ups:"
  echo
  for target in "${targets[@]}"; do
    file="$out/$target-${kills[0]}.json"
    if [[ -f "$file" ]]; then
      echo "- \`$target\`: $(sed -n 's/^  "setUp" : "\(.*\)",$/\1/p' "$file")"
    fi
  done
} > "$md"

echo
cat "$md"
echo
echo "results: $out"
echo "table:   $md"
if [[ -n "$driver_failed" ]]; then
  echo "a driver failed: the tables above lack its runs" >&2
  exit 1
fi
