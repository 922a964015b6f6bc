#!/bin/sh
# Starts a throw-away PostgreSQL server on loopback for the store's tests, installing
# Debian's package first if the machine lacks it, and prints its connection URL.
#   export NIANBAO_TEST_POSTGRES="$(sh scripts/start-postgres.sh)"
# Stop it with: pg_ctl -D "${PGDATA:-/tmp/nianbao-pg}" stop
set -eu
PGDATA="${PGDATA:-/tmp/nianbao-pg}"
PORT="${PGPORT:-55432}"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
    echo "安装 PostgreSQL（Debian 软件包）…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! run "$bindir/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    rm -rf "$PGDATA"
    mkdir -p "$PGDATA"
    [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
    run "$bindir/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    run "$bindir/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
        -o "-p $PORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$PORT/postgres"
