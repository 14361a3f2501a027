#!/usr/bin/env bash
# Runs the journal benchmark: Baton's journal (R=2 sync, R=2 async, R=1) against
# pekko-persistence-jdbc 1.1.1 on a local PostgreSQL, in the same run, each target in a fresh JVM.
#
# What it does:
#   1. installs PostgreSQL with apt-get if no initdb is found under /usr/lib/postgresql/*/bin;
#   2. starts a private PostgreSQL cluster (initdb in a temp dir, owned by and run as the
#      'postgres' user, listening on 127.0.0.1 on a free port, PostgreSQL's default settings:
#      synchronous_commit = on, fsync = on) and creates the pekko-persistence-jdbc schema from the
#      postgres-create-schema.sql shipped in the pekko-persistence-jdbc jar;
#   3. runs io.baton.benchmarks.journal.JournalBenchmark once per target; the Baton nodes keep their
#      data in the same temp dir, i.e. on the same disk as PostgreSQL;
#   4. writes under benchmarks/results/ (git-ignored):
#        journal-<stamp>/<target>.json   each target's results
#        journal-<stamp>/run.log         everything the benchmark JVMs printed
#        journal-<stamp>.md              command, machine, settings and the markdown tables
#      and prints the tables;
#   5. on exit, however it exits: stops the PostgreSQL it started and deletes the temp dir. It
#      signals only processes it started itself (the benchmark JVM, the postmaster it started).
#
# Usage: benchmarks/run-journal.sh [target ...]
#   targets: jdbc baton-r1 baton-sync baton-async (default: all four, in this order)
#   JOURNAL_OPTS  extra options for JournalBenchmark (see BenchSettings), e.g. a smoke run:
#     JOURNAL_OPTS="--sequential-events=1000 --concurrent-events-each=50 --replay-events=5000" \
#       benchmarks/run-journal.sh
#   JAVA_OPTS     JVM options of the benchmark JVMs (default: -Xms2g -Xmx2g)
#
# The full run takes a few minutes. Run on an otherwise idle machine: fsync latency is most of what
# is measured, and another process writing to the same disk moves both sides a lot.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/baton-benchmarks-all.jar"
java_opts="${JAVA_OPTS:--Xms2g -Xmx2g}"
journal_opts="${JOURNAL_OPTS:-}"
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(jdbc baton-r1 baton-sync baton-async)
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "run-journal.sh runs PostgreSQL as the 'postgres' user and may apt-get install it:" \
    "run it as root" >&2
  exit 2
fi

# Build when the jar is missing or older than any source or pom it is made from.
if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/pom.xml" "$root/supervision" "$root/runtime" \
    "$root/benchmarks" \( -path '*/target' -o -path '*/results' -o -path '*/data' \) -prune \
    -o -type f -newer "$jar" -print -quit)" ]]; then
  echo "building $jar ..."
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi

# --- PostgreSQL ---------------------------------------------------------------------------------

# shellcheck source=postgres.sh
source "$here/postgres.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/baton-journal-bench.XXXXXX")"
java_pid=""

cleanup() {
  local status=$?
  set +e
  if [[ -n "$java_pid" ]] && process_running "$java_pid"; then
    kill "$java_pid"
    wait "$java_pid" 2>/dev/null
  fi
  pg_stop
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg_start "$work" "$jar" baton_bench
jdbc_url="$pg_jdbc_url"

# --- the benchmark --------------------------------------------------------------------------------

stamp="$(date +%Y%m%d-%H%M%S)"
out="$here/results/journal-$stamp"
md="$here/results/journal-$stamp.md"
mkdir -p "$out"
echo "PostgreSQL $pg_version on 127.0.0.1:$pg_port ($pg_settings); data in $work"

for target in "${targets[@]}"; do
  # shellcheck disable=SC2086  # java_opts and journal_opts are lists of options
  java $java_opts -cp "$jar" io.baton.benchmarks.journal.JournalBenchmark \
    --target="$target" --work-dir="$work/baton-$target" --out="$out/$target.json" \
    --jdbc-url="$jdbc_url" --jdbc-user=postgres $journal_opts \
    > >(tee -a "$out/run.log") 2>&1 &
  java_pid=$!
  wait "$java_pid"
  java_pid=""
done

{
  echo "# Journal benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- Command: \`benchmarks/run-journal.sh ${targets[*]}\`${journal_opts:+ with JOURNAL_OPTS \`$journal_opts\`}; JVM options \`$java_opts\`"
  echo "- Commit: \`$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(
    git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "- Java: $(java -version 2>&1 | head -n 1); CPUs: $(nproc); memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
  echo "- Disk of the data (Baton's and PostgreSQL's): $(df -PT "$work" | awk 'NR == 2 {print $2 " on " $1}')"
  echo "- PostgreSQL $pg_version, default settings: $pg_settings"
  echo "- Load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
  echo
  java -cp "$jar" io.baton.benchmarks.journal.JournalReport "$out"
} > "$md"

echo
cat "$md"
echo
echo "results: $out"
echo "table:   $md"
