#!/usr/bin/env bash
# `make loadtest`: serve Platsa with gunicorn and production settings on PostgreSQL seeded with the demo,
# run loadtest/locustfile.py headless against it, print the figures, and stop everything it started.
#
# PostgreSQL: DATABASE_URL when set (a demo already there is kept, else seed_demo builds one); otherwise a
# throw-away cluster on 127.0.0.1:$LOADTEST_PG_PORT, as .ci/run starts one. gunicorn serves HTTPS with a
# self-signed certificate made for the run, so the production settings (secure cookies, HTTPS redirect,
# HSTS) apply unchanged. Settings (make variables of the same name without LOADTEST_ prefix, see Makefile):
#   LOADTEST_USERS (50), LOADTEST_SPAWN_RATE (2/s), LOADTEST_DURATION (2m), LOADTEST_PARTICIPANTS (20000),
#   LOADTEST_WORKERS (gunicorn workers, 2 × cores + 1), LOADTEST_PORT (58443), LOADTEST_PG_PORT (55442),
#   LOADTEST_OUT (directory to keep locust's CSV files and summary.json in; default a temporary one).
# Exit status: locust's (1 when any request failed), or 1 when the set-up fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# LOADTEST_TOPOLOGY=1: two web nodes behind HAProxy, a primary and a replica, Redis (loadtest/topology.sh).
if [ "${LOADTEST_TOPOLOGY:-0}" = 1 ]; then exec loadtest/topology.sh; fi

USERS=${LOADTEST_USERS:-50}
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-2}
DURATION=${LOADTEST_DURATION:-2m}
PARTICIPANTS=${LOADTEST_PARTICIPANTS:-20000}
WORKERS=${LOADTEST_WORKERS:-$(($(nproc) * 2 + 1))}
PORT=${LOADTEST_PORT:-58443}
PG_PORT=${LOADTEST_PG_PORT:-55442}
PY=.venv/bin/python

WORK=$(mktemp -d -t platsa-loadtest-XXXX)
chmod 755 "$WORK"
OUT=${LOADTEST_OUT:-$WORK/out}
mkdir -p "$OUT"

cleanup() {
  if [ -n "${GUNICORN_PID:-}" ]; then
    kill "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  if [ -n "${PG_BIN:-}" ] && [ -f "$WORK/pg/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl -D $WORK/pg -m fast stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# PostgreSQL refuses to run as root: as root, the throw-away cluster belongs to the postgres user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

# CPU seconds a process and its children have used so far (live children, plus those already reaped).
# Fields of /proc/PID/stat after "pid (comm) ": utime stime cutime cstime are the 12th to 15th.
tree_cpu() {
  local ticks=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$pid/stat" ] || continue
    ticks=$((ticks + $(sed 's/^.*) //' "/proc/$pid/stat" | awk -v self="$([ "$pid" = "$1" ] && echo 1 || echo 0)" \
      '{ print (self ? $12 + $13 + $14 + $15 : $12 + $13) }')))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

if [ -z "${DATABASE_URL:-}" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$PG_BIN" ]; then
    echo "loadtest: set DATABASE_URL, or install PostgreSQL (Debian: apt-get install postgresql)" >&2
    exit 1
  fi
  echo "== starting a throw-away PostgreSQL ($PG_BIN) on 127.0.0.1:$PG_PORT"
  mkdir -p "$WORK/pg" "$WORK/sock"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg" "$WORK/sock"
  as_postgres "$PG_BIN/initdb -D $WORK/pg -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
  as_postgres "$PG_BIN/pg_ctl -D $WORK/pg -l $WORK/pg/server.log -w -o \"-p $PG_PORT -k $WORK/sock -c listen_addresses=127.0.0.1\" start" >/dev/null
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE platsa LOGIN PASSWORD 'platsa'" \
    -c "CREATE DATABASE platsa OWNER platsa"
  export DATABASE_URL="postgres://platsa:platsa@127.0.0.1:$PG_PORT/platsa"
fi

# shellcheck source=loadtest/common.sh
. loadtest/common.sh
export_production_settings

echo "== migrating and seeding the demo ($PARTICIPANTS participants)"
prepare_demo

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

echo "== gunicorn with $WORKERS workers on https://127.0.0.1:$PORT"
# config/gunicorn.conf.py, as in production: the app is loaded and warmed up once before the workers fork,
# so all of them are ready when /healthz first answers and their start-up is not measured.
.venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --certfile "$WORK/cert.pem" --keyfile "$WORK/key.pem" --log-level warning &
GUNICORN_PID=$!
for _ in $(seq 1 100); do
  curl -skf "https://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || { echo "loadtest: gunicorn did not start" >&2; exit 1; }
  sleep 0.2
done

echo "== locust: $USERS users (spawn $SPAWN_RATE/s) for $DURATION"
PG_PID=$([ -f "${WORK}/pg/postmaster.pid" ] && head -1 "$WORK/pg/postmaster.pid" || true)
APP_CPU_BEFORE=$(tree_cpu "$GUNICORN_PID")
DB_CPU_BEFORE=$([ -n "$PG_PID" ] && tree_cpu "$PG_PID" || echo "")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before: $LOAD_BEFORE"
set +e
.venv/bin/locust -f loadtest/locustfile.py --headless --users "$USERS" --spawn-rate "$SPAWN_RATE" \
  --run-time "$DURATION" --host "https://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary \
  --loglevel WARNING
LOCUST_RC=$?
set -e
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
# CPU the app (gunicorn) and the database (the throw-away cluster only) spent serving the run: a figure
# that, unlike the response times, hardly depends on what else the machine is doing.
APP_CPU=$(awk -v a="$(tree_cpu "$GUNICORN_PID")" -v b="$APP_CPU_BEFORE" 'BEGIN { printf "%.1f", a - b }')
DB_CPU=$([ -n "$PG_PID" ] && awk -v a="$(tree_cpu "$PG_PID")" -v b="$DB_CPU_BEFORE" 'BEGIN { printf "%.1f", a - b }' || echo "")
echo "load average after: $LOAD_AFTER"

$PY loadtest/summary.py "$OUT/locust_stats.csv" --users "$USERS" --duration "$DURATION" \
  --workers "$WORKERS" --participants "$PARTICIPANTS" \
  --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" --app-cpu "$APP_CPU" ${DB_CPU:+--db-cpu "$DB_CPU"} | tee "$OUT/summary.json"
exit $LOCUST_RC
