#!/usr/bin/env bash
# Sourced by test.sh: installs Debian's PostgreSQL and Redis when missing, starts a throwaway server of
# each on 127.0.0.1 (data in a temp dir, a free port, no fsync/persistence) and exports VB_TEST_POSTGRES
# and VB_TEST_REDIS. stop_throwaway_postgres and stop_throwaway_redis remove them again.

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_postgres_if_missing() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "test.sh: installing PostgreSQL (Debian package)..."
    as_root apt-get update -qq
    # policy-rc.d keeps the package from starting its own cluster service; we start ours.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "$port"; return; fi
  done
  return 1
}

start_throwaway_postgres() {
  install_postgres_if_missing
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PG_TMP=$(mktemp -d /tmp/vb-postgres.XXXXXX)
  PG_PORT=$(free_port)
  # initdb refuses to run as root: run the server as the postgres system user when we are root.
  local run=()
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_TMP"; run=(runuser -u postgres --); fi
  PG_RUN=("${run[@]}")
  PG_BIN=$bin
  "${run[@]}" "$bin/initdb" -D "$PG_TMP/data" -U vb -A trust --no-sync -E UTF8 >"$PG_TMP/initdb.log" 2>&1
  "${run[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_TMP -c fsync=off -c full_page_writes=off -c max_connections=500" start >/dev/null
  export VB_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=vb;Database=postgres;Pooling=true"
  echo "test.sh: throwaway PostgreSQL on 127.0.0.1:$PG_PORT"
}

stop_throwaway_postgres() {
  if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP" ]; then
    "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
}

start_throwaway_redis() {
  if ! command -v redis-server >/dev/null; then
    echo "test.sh: installing Redis (Debian package)..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  REDIS_TMP=$(mktemp -d /tmp/vb-redis.XXXXXX)
  REDIS_PORT=$(free_port)
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_TMP" --save "" --appendonly no \
    --daemonize yes --pidfile "$REDIS_TMP/redis.pid" --logfile "$REDIS_TMP/redis.log"
  for _ in $(seq 1 50); do
    if (exec 3<>/dev/tcp/127.0.0.1/$REDIS_PORT) 2>/dev/null; then break; fi
    sleep 0.1
  done
  export VB_TEST_REDIS="127.0.0.1:$REDIS_PORT"
  echo "test.sh: throwaway Redis on 127.0.0.1:$REDIS_PORT"
}

stop_throwaway_redis() {
  if [ -n "${REDIS_TMP:-}" ] && [ -f "$REDIS_TMP/redis.pid" ]; then
    local pid
    pid=$(cat "$REDIS_TMP/redis.pid")
    kill "$pid" 2>/dev/null || true
    # Redis writes its log (and removes its pid file) while it shuts down: removing the folder meanwhile failed
    # with "Directory not empty" and failed a green run. Wait for the process to be gone first (5 s at most).
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    rm -rf "$REDIS_TMP" || true
  fi
}
