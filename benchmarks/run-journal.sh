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
  (cd "$root" && mvn -B -q install -DskipTests)
fi

# --- PostgreSQL ---------------------------------------------------------------------------------

if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  echo "installing PostgreSQL (apt-get) ..."
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
fi
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

work="$(mktemp -d "${TMPDIR:-/tmp}/baton-journal-bench.XXXXXX")"
chmod 711 "$work"  # the postgres user must reach its directory inside
pg_dir="$work/pg"
pg_started=""
java_pid=""

# Whether a process runs (a zombie does not: where PID 1 does not reap orphans, an exited
# postmaster stays a zombie, which kill -0 still finds).
running() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z* ]]
}

cleanup() {
  local status=$?
  set +e
  if [[ -n "$java_pid" ]] && running "$java_pid"; then
    kill "$java_pid"
    wait "$java_pid" 2>/dev/null
  fi
  if [[ -n "$pg_started" ]]; then
    # The postmaster we started, by the PID it recorded; pg_ctl stops it and its children.
    local postmaster
    postmaster="$(head -n 1 "$pg_dir/data/postmaster.pid" 2>/dev/null)"
    if ! runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 30 stop \
        >/dev/null 2>&1 && [[ -n "$postmaster" ]] && running "$postmaster"; then
      echo "PostgreSQL (pid $postmaster) did not stop; killing it" >&2
      kill -9 "$postmaster"
    fi
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$pg_dir"
chown postgres: "$pg_dir"
chmod 700 "$pg_dir"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 \
  --no-instructions >"$pg_dir/initdb.log" 2>&1 \
  || { cat "$pg_dir/initdb.log" >&2; exit 1; }

# A free port: the first in a random window that nothing listens on (bash's /dev/tcp connect).
port=""
start=$((20000 + RANDOM % 30000))
for ((candidate = start; candidate < start + 200; candidate++)); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port=$candidate
    break
  fi
done
[[ -n "$port" ]] || { echo "no free port found near $start" >&2; exit 1; }

pg_started=yes
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $pg_dir" start >/dev/null \
  || { cat "$pg_dir/postgres.log" >&2; exit 1; }

psql() {
  runuser -u postgres -- "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -X -q \
    -v ON_ERROR_STOP=1 "$@"
}
psql -d postgres -c "CREATE DATABASE baton_bench"
# The schema file shipped in the pekko-persistence-jdbc jar (it is inside the fat jar too). psql
# sends a file's statements one by one, each in its own transaction (no --single-transaction): its
# CREATE INDEX CONCURRENTLY statements cannot run inside a transaction block.
(cd "$pg_dir" && jar xf "$jar" schema/postgres/postgres-create-schema.sql)
chown -R postgres: "$pg_dir/schema"
psql -d baton_bench -f "$pg_dir/schema/postgres/postgres-create-schema.sql"
pg_settings="$(psql -d baton_bench -At -c "SELECT string_agg(name || ' = ' || setting, ', '
  ORDER BY name) FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'wal_sync_method',
  'full_page_writes', 'shared_buffers', 'commit_delay', 'max_connections')")"
pg_version="$(psql -d baton_bench -At -c "SHOW server_version")"
jdbc_url="jdbc:postgresql://127.0.0.1:$port/baton_bench?reWriteBatchedInserts=true"

# --- the benchmark --------------------------------------------------------------------------------

stamp="$(date +%Y%m%d-%H%M%S)"
out="$here/results/journal-$stamp"
md="$here/results/journal-$stamp.md"
mkdir -p "$out"
echo "PostgreSQL $pg_version on 127.0.0.1:$port ($pg_settings); data in $work"

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
