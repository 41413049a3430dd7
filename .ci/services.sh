#!/usr/bin/env bash
# Starts what the test suite needs on this machine and exports MYSQL_URL, POSTGRES_URL and MONGODB_URL.
# Sourced by .ci/run (and usable by hand: `source .ci/services.sh`); stop_services undoes it.
# Strict mode while it starts the services; the caller's shell options are given back at the end
# (left on, -e would end the caller at its first failing test command, before stop_services).
_services_caller_options="$(set +o)"
set -euo pipefail

FERRETDB_VERSION=v1.24.2
FERRETDB_BIN="${FERRETDB_BIN:-$HOME/.cache/ferretdb/ferretdb-$FERRETDB_VERSION}"
FERRETDB_PORT="${FERRETDB_PORT:-27018}"
SERVICES_TMP="$(mktemp -d /tmp/auth-ci.XXXXXX)"
FERRETDB_PID=""

log() { printf '[services] %s\n' "$*" >&2; }

wait_for_port() { # host port seconds
  local deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.2
  done
}

start_mariadb() {
  if ! mariadb -uroot -h127.0.0.1 -e 'select 1' >/dev/null 2>&1; then
    log "MariaDB is not answering: starting it"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_for_port 127.0.0.1 3306 60 || { log "MariaDB did not start"; return 1; }
    for _ in $(seq 1 100); do mariadb -uroot -h127.0.0.1 -e 'select 1' >/dev/null 2>&1 && break; sleep 0.3; done
  fi
  export MYSQL_URL="${MYSQL_URL:-mysql://root@127.0.0.1:3306/test}"
}

# PostgreSQL (Debian's cluster, trust auth on 127.0.0.1); the tests make their own databases from `test`.
start_postgres() {
  if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    log "PostgreSQL is not answering: starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    wait_for_port 127.0.0.1 5432 60 || { log "PostgreSQL did not start"; return 1; }
    for _ in $(seq 1 100); do psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1 && break; sleep 0.3; done
  fi
  if [ "$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1 from pg_database where datname = 'test'")" != 1 ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database test'
  fi
  export POSTGRES_URL="${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
}

# Redis backs the shared IP rate limiter (REDIS_URL); this kind of machine runs it on 6379.
start_redis() {
  if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
    log "Redis is not answering: starting it"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_for_port 127.0.0.1 6379 30 || { log "Redis did not start"; return 1; }
  fi
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
}

# The module zip lacks build/version/version.txt, which FerretDB needs at run time: build from a copy.
build_ferretdb() {
  [ -x "$FERRETDB_BIN" ] && return 0
  log "building FerretDB $FERRETDB_VERSION with Go (once per machine)"
  local dir src
  dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  src="$SERVICES_TMP/ferretdb-src"
  cp -r "$dir" "$src" && chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  (cd "$src" && CGO_ENABLED=0 go build -o "$FERRETDB_BIN" ./cmd/ferretdb)
}

start_ferretdb() {
  build_ferretdb
  mkdir -p "$SERVICES_TMP/ferretdb-data"
  "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$SERVICES_TMP/ferretdb-data/" \
    --listen-addr="127.0.0.1:$FERRETDB_PORT" --debug-addr=- --telemetry=disable \
    --state-dir="$SERVICES_TMP" --log-level=warn >"$SERVICES_TMP/ferretdb.log" 2>&1 &
  FERRETDB_PID=$!
  wait_for_port 127.0.0.1 "$FERRETDB_PORT" 30 || { log "FerretDB did not start"; cat "$SERVICES_TMP/ferretdb.log" >&2; return 1; }
  # The port answering is not enough: another FerretDB (someone else's run) may hold it.
  if ! kill -0 "$FERRETDB_PID" 2>/dev/null; then
    log "FerretDB exited: is port $FERRETDB_PORT taken? Set FERRETDB_PORT to a free port"; cat "$SERVICES_TMP/ferretdb.log" >&2; return 1
  fi
  export MONGODB_URL="mongodb://127.0.0.1:$FERRETDB_PORT/test"
}

stop_services() {
  if [ -n "$FERRETDB_PID" ]; then kill "$FERRETDB_PID" 2>/dev/null || true; wait "$FERRETDB_PID" 2>/dev/null || true; fi
  rm -rf "$SERVICES_TMP"
}

start_mariadb
start_postgres
start_redis
start_ferretdb
log "MYSQL_URL=$MYSQL_URL POSTGRES_URL=$POSTGRES_URL MONGODB_URL=$MONGODB_URL REDIS_URL=$REDIS_URL"
eval "$_services_caller_options"
unset _services_caller_options
