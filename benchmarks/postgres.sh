# A private PostgreSQL for one benchmark run. Sourced (not run) by run-journal.sh and
# run-cluster.sh, which must run as root:
#
#   source "$here/postgres.sh"
#   pg_start "$work" "$jar" baton_bench   # installs PostgreSQL if needed, starts it, makes the db
#   ... use $pg_jdbc_url, $pg_version, $pg_settings ...
#   pg_stop                               # in the caller's EXIT trap
#
# pg_start: installs PostgreSQL with apt-get if no initdb is found under
# /usr/lib/postgresql/*/bin; creates a cluster in <work>/pg (initdb, owned by and run as the
# 'postgres' user, PostgreSQL's default settings: synchronous_commit = on, fsync = on); starts it
# on 127.0.0.1 on a free port; creates the database and in it the pekko-persistence-jdbc schema
# from the postgres-create-schema.sql shipped in the pekko-persistence-jdbc jar (inside <jar>).
# It sets pg_bin, pg_dir, pg_port, pg_version, pg_settings and pg_jdbc_url.
#
# pg_stop: stops the postmaster pg_start started (pg_ctl, then SIGKILL to the PID it recorded if
# that did not work); does nothing if pg_start did not get as far as starting it. It signals only
# that process.

pg_started=""

# Whether a process runs (a zombie does not: where PID 1 does not reap orphans, an exited
# process stays a zombie, which kill -0 still finds).
process_running() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z* ]]
}

pg_psql() {
  runuser -u postgres -- "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -X -q \
    -v ON_ERROR_STOP=1 "$@"
}

pg_start() {
  local work="$1" jar="$2" database="$3"
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    echo "installing PostgreSQL (apt-get) ..."
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
  fi
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

  chmod 711 "$work"  # the postgres user must reach its directory inside
  pg_dir="$work/pg"
  mkdir -p "$pg_dir"
  chown postgres: "$pg_dir"
  chmod 700 "$pg_dir"
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 \
    --no-instructions >"$pg_dir/initdb.log" 2>&1 \
    || { cat "$pg_dir/initdb.log" >&2; return 1; }

  # A free port: the first in a random window that nothing listens on (bash's /dev/tcp connect).
  pg_port=""
  local start=$((20000 + RANDOM % 30000)) candidate
  for ((candidate = start; candidate < start + 200; candidate++)); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
      pg_port=$candidate
      break
    fi
  done
  [[ -n "$pg_port" ]] || { echo "no free port found near $start" >&2; return 1; }

  pg_started=yes
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $pg_port -k $pg_dir" start >/dev/null \
    || { cat "$pg_dir/postgres.log" >&2; return 1; }

  pg_psql -d postgres -c "CREATE DATABASE $database"
  # psql sends a file's statements one by one, each in its own transaction (no
  # --single-transaction): its CREATE INDEX CONCURRENTLY statements cannot run inside a
  # transaction block.
  (cd "$pg_dir" && jar xf "$jar" schema/postgres/postgres-create-schema.sql)
  chown -R postgres: "$pg_dir/schema"
  pg_psql -d "$database" -f "$pg_dir/schema/postgres/postgres-create-schema.sql"
  pg_settings="$(pg_psql -d "$database" -At -c "SELECT string_agg(name || ' = ' || setting, ', '
    ORDER BY name) FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync',
    'wal_sync_method', 'full_page_writes', 'shared_buffers', 'commit_delay', 'max_connections')")"
  pg_version="$(pg_psql -d "$database" -At -c "SHOW server_version")"
  pg_jdbc_url="jdbc:postgresql://127.0.0.1:$pg_port/$database?reWriteBatchedInserts=true"
}

pg_stop() {
  [[ -n "$pg_started" ]] || return 0
  # The postmaster we started, by the PID it recorded; pg_ctl stops it and its children.
  local postmaster
  postmaster="$(head -n 1 "$pg_dir/data/postmaster.pid" 2>/dev/null)"
  if ! runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 30 stop \
      >/dev/null 2>&1 && [[ -n "$postmaster" ]] && process_running "$postmaster"; then
    echo "PostgreSQL (pid $postmaster) did not stop; killing it" >&2
    kill -9 "$postmaster"
  fi
  pg_started=""
}
