# shellcheck shell=bash
# Starts a private PostgreSQL server for the store tests and exports where it
# is. Source it (as root on CI's fresh Debian machine, or as yourself where
# PostgreSQL is installed):
#
#   source .ci/postgres.sh && go test -race ./store/...
#
# It installs Debian's `postgresql` package if no initdb is found under
# /usr/lib/postgresql/*/bin, creates a cluster in a temporary directory
# (trust authentication, listening on 127.0.0.1 only, on the first free port
# from 55432, its Unix socket in the same directory), starts it, and exports
#
#   NEWSBOT_TEST_POSTGRES=postgres://newsbot@127.0.0.1:PORT/newsbot?sslmode=disable
#   NEWSBOT_REQUIRE_POSTGRES=1   (a missing server then fails the tests)
#   NEWSBOT_PG_DIR=the temporary directory
#
# The role newsbot may create databases (each test makes and drops its own).
# An EXIT trap (chained after any existing one) stops the server and removes
# the directory; newsbot_pg_stop does the same by hand. Sourcing it again in
# the same shell while the server runs does nothing. The cluster trades
# durability for speed (fsync off): it is for tests only.

newsbot_pg_start() {
  local bin dir port user run prev
  if [ -n "${NEWSBOT_PG_DIR:-}" ] && [ -n "${NEWSBOT_PG_BIN:-}" ] &&
    "$NEWSBOT_PG_BIN/pg_isready" -q -h "$NEWSBOT_PG_DIR" -p "$NEWSBOT_PG_PORT" 2>/dev/null; then
    echo "postgres.sh: already running in $NEWSBOT_PG_DIR on port $NEWSBOT_PG_PORT" >&2
    return 0
  fi
  local started=$SECONDS

  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "postgres.sh: PostgreSQL is not installed; run as root, or: sudo apt-get install postgresql" >&2
      return 1
    fi
    echo "postgres.sh: installing postgresql" >&2
    # The package would create and start a cluster of its own: not wanted.
    mkdir -p /etc/postgresql-common
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
      echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      echo "postgres.sh: postgresql installed, but no initdb under /usr/lib/postgresql/*/bin" >&2
      return 1
    fi
  fi

  # initdb and postgres refuse to run as root: run them as postgres.
  if [ "$(id -u)" -eq 0 ]; then
    user=postgres
    if ! id -u "$user" >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/postgresql --shell /bin/sh "$user"
    fi
    run=(runuser -u "$user" --)
  else
    user=$(id -un)
    run=()
  fi

  dir=$(mktemp -d "${TMPDIR:-/tmp}/newsbot-pg.XXXXXX")
  chmod 0755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$user": "$dir"
  fi

  # The first port from 55432 that nothing listens on.
  port=55432
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
    if [ "$port" -gt 55532 ]; then
      echo "postgres.sh: no free port in 55432-55532" >&2
      return 1
    fi
  done

  if ! "${run[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
    >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    return 1
  fi
  if ! "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
    cat "$dir/server.log" >&2
    return 1
  fi
  "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE newsbot LOGIN CREATEDB" \
    -c "CREATE DATABASE newsbot OWNER newsbot" >/dev/null

  export NEWSBOT_PG_BIN=$bin NEWSBOT_PG_DIR=$dir NEWSBOT_PG_PORT=$port NEWSBOT_PG_RUN="${run[*]}"
  export NEWSBOT_TEST_POSTGRES="postgres://newsbot@127.0.0.1:$port/newsbot?sslmode=disable"
  export NEWSBOT_REQUIRE_POSTGRES=1

  # Stop the server on exit, after whatever the EXIT trap did before.
  prev=$(trap -p EXIT)
  if [ -n "$prev" ]; then
    eval "set -- $prev"
    prev=$3
  fi
  # shellcheck disable=SC2064 # expand prev now
  trap "newsbot_pg_stop; ${prev:-:}" EXIT
  echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir ($((SECONDS - started))s)" >&2
}

newsbot_pg_stop() {
  if [ -z "${NEWSBOT_PG_DIR:-}" ] || [ ! -d "$NEWSBOT_PG_DIR" ]; then
    return 0
  fi
  # shellcheck disable=SC2086 # NEWSBOT_PG_RUN is a word list
  $NEWSBOT_PG_RUN "$NEWSBOT_PG_BIN/pg_ctl" -D "$NEWSBOT_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$NEWSBOT_PG_DIR"
  unset NEWSBOT_PG_DIR NEWSBOT_PG_PORT NEWSBOT_TEST_POSTGRES
}

newsbot_pg_start
