#!/usr/bin/env bash
# Starts a local bank cluster of N nodes on 127.0.0.1 from the samples fat jar, runs an open-loop
# load of transfers, deposits and withdrawals against it (fixed arrival rates, latency from each
# request's intended start), optionally kills one node with kill -9 and restarts it, and upgrades
# every node to bank release 2, prints a live line every second and a summary, and stops
# everything it started.
#
#   samples/run-cluster.sh [--nodes=N] [--duration=D] [--transfer-rate=R] [--account-rate=R]
#                          [--kill[=nodeK]] [--upgrade]
#
#   --nodes=N           node JVMs (default 3; at least 3 with --kill)
#   --duration=D        how long the load runs: 90s, 2m, or seconds (default 60s)
#   --transfer-rate=R   transfers ordered per second (default 20; --rate=R is the same)
#   --account-rate=R    deposits and withdrawals per second (default 10)
#   --kill[=nodeK]      kill -9 node1 (the oldest node, the shard coordinator's host; or nodeK) a
#                       fifth into the run, restart it half-way
#   --upgrade           then upgrade every node to bank release 2, node1 first, under the load
#
# It builds the jar through the Maven reactor first if it is missing (mvn package, never
# install). Exit status: the load's (0 when every check held, 1 when one did not, 2 for bad
# flags). Stopping: the load process kills every node it started, by PID, when it ends or is
# interrupted; each node also halts when the load process dies; and this script, on exit or
# Ctrl-C, kills the load process and then any node PID the load reported that is still alive.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
jar="$here/target/baton-samples-all.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [[ ! -f "$jar" ]]; then
  echo "building $jar (mvn -pl samples -am package -DskipTests)"
  (cd "$repo" && mvn -B -q -pl samples -am package -DskipTests)
fi

log="$(mktemp -t baton-run-cluster.XXXXXX)"
load_pid=""

stop_everything() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$load_pid" ]] && kill -0 "$load_pid" 2>/dev/null; then
    # SIGTERM: the load's shutdown hook kills its nodes by PID.
    kill -TERM "$load_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$load_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$load_pid" 2>/dev/null || true
  fi
  # Last resort: every node the load said it started, by PID.
  for pid in $(grep -o 'started, pid [0-9]*' "$log" 2>/dev/null | awk '{print $3}'); do
    if kill -0 "$pid" 2>/dev/null; then
      echo "stopping node pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$log"
  exit "$status"
}
trap stop_everything EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$java" -jar "$jar" bank-load "$@" > >(tee "$log") 2>&1 &
load_pid=$!
set +e
wait "$load_pid"
status=$?
set -e
load_pid=""
exit "$status"
