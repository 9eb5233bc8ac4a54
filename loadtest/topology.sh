#!/usr/bin/env bash
# `make loadtest-topology` (or LOADTEST_TOPOLOGY=1 loadtest/run.sh): Platsa as deployed on several servers,
# all on loopback. A PostgreSQL primary and a streaming replica of it (pg_basebackup -R), Redis (cache,
# sessions, broker), a Celery worker on its own, two gunicorn web nodes with the production settings
# unchanged, and HAProxy (deploy/haproxy.cfg) in front of them, terminating TLS with a self-signed
# certificate made for the run. Locust runs the journeys of loadtest/locustfile.py at 150 users; a third
# of the way in, a manager asks for a quarterly report (the worker computes its figures on the replica);
# half-way, web node 2 is stopped (SIGTERM, then waited for) and stays down. The script prints locust's
# table and one JSON line: the usual figures, the stopped node's window and the failed requests inside and
# outside it, the report's replica reads, and the load average. Everything it started is stopped on exit.
#
# Settings: LOADTEST_USERS (150), LOADTEST_SPAWN_RATE (5/s), LOADTEST_DURATION (3m), LOADTEST_PARTICIPANTS
# (20000), LOADTEST_WORKERS (gunicorn workers per node, 2 × cores + 1), LOADTEST_PORT (HAProxy, 58443;
# the nodes listen on the next two ports), LOADTEST_PG_PORT (primary 55442, replica the next port),
# LOADTEST_REDIS_PORT (LOADTEST_PORT + 30), LOADTEST_OUT (keep the CSV files, logs and summary.json).
# Exit status: 0 when no request failed but those in flight on the stopped node; 1 otherwise, or when the
# set-up fails.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${LOADTEST_USERS:-150}
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-5}
DURATION=${LOADTEST_DURATION:-3m}
PARTICIPANTS=${LOADTEST_PARTICIPANTS:-20000}
WORKERS=${LOADTEST_WORKERS:-$(($(nproc) * 2 + 1))}
PORT=${LOADTEST_PORT:-58443}
WEB1_PORT=$((PORT + 1))
WEB2_PORT=$((PORT + 2))
PG_PORT=${LOADTEST_PG_PORT:-55442}
REPLICA_PORT=$((PG_PORT + 1))
REDIS_PORT=${LOADTEST_REDIS_PORT:-$((PORT + 30))}
PY=.venv/bin/python
HOST=127.0.0.1

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
for need in "$PG_BIN/pg_basebackup:postgresql" haproxy:haproxy redis-server:redis-server; do
  command -v "${need%%:*}" >/dev/null 2>&1 || {
    echo "loadtest: the topology mode needs ${need##*:} (Debian: apt-get install ${need##*:})" >&2
    exit 1
  }
done

case "$DURATION" in
  *h) SECONDS_TOTAL=$((${DURATION%h} * 3600)) ;;
  *m) SECONDS_TOTAL=$((${DURATION%m} * 60)) ;;
  *s) SECONDS_TOTAL=${DURATION%s} ;;
  *) SECONDS_TOTAL=$DURATION ;;
esac

WORK=$(mktemp -d -t platsa-topology-XXXX)
chmod 755 "$WORK"
OUT=${LOADTEST_OUT:-$WORK/out}
mkdir -p "$OUT"

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  cp "$WORK"/*.log "$WORK"/pglog/*.log "$OUT/" 2>/dev/null || true
  for data in replica pg; do
    [ -f "$WORK/$data/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl -D $WORK/$data -m fast stop" >/dev/null 2>&1
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
now() { date +%s.%N | cut -c1-14; }
wait_for() { # what, command...
  local what=$1
  shift
  # Generous: a node loads and warms up the app before it answers, slowly on a busy machine.
  for _ in $(seq 1 900); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "loadtest: $what did not start" >&2
  exit 1
}

echo "== PostgreSQL primary on $HOST:$PG_PORT and a streaming replica on $HOST:$REPLICA_PORT"
mkdir -p "$WORK/pg" "$WORK/replica" "$WORK/sock" "$WORK/pglog"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg" "$WORK/replica" "$WORK/sock" "$WORK/pglog"
chmod 700 "$WORK/replica"
# initdb's pg_hba.conf lets local connections replicate; wal_level is `replica` by default.
as_postgres "$PG_BIN/initdb -D $WORK/pg -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
as_postgres "$PG_BIN/pg_ctl -D $WORK/pg -l $WORK/pglog/primary.log -w -o \"-p $PG_PORT -k $WORK/sock -c listen_addresses=$HOST -c wal_level=replica\" start" >/dev/null
psql -h "$HOST" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q \
  -c "CREATE ROLE platsa LOGIN PASSWORD 'platsa'" \
  -c "CREATE DATABASE platsa OWNER platsa" \
  -c "CREATE ROLE replicator REPLICATION LOGIN PASSWORD 'replicator'"
# -R writes primary_conninfo and standby.signal: the copy starts as a hot standby that streams from the
# primary. hot_standby_feedback keeps the primary from vacuuming rows a long report still reads.
as_postgres "$PG_BIN/pg_basebackup -h $HOST -p $PG_PORT -U replicator -D $WORK/replica -R -X stream -c fast"
as_postgres "$PG_BIN/pg_ctl -D $WORK/replica -l $WORK/pglog/replica.log -w -o \"-p $REPLICA_PORT -k $WORK/sock -c listen_addresses=$HOST -c hot_standby=on -c hot_standby_feedback=on\" start" >/dev/null
[ "$(psql -h "$HOST" -p "$REPLICA_PORT" -U postgres -Atc 'SELECT pg_is_in_recovery()')" = t ] || {
  echo "loadtest: the replica is not in recovery" >&2
  exit 1
}

echo "== Redis on $HOST:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind "$HOST" --save "" --appendonly no --daemonize yes \
  --dir "$WORK" --logfile "$WORK/redis.log"
wait_for Redis sh -c "redis-cli -p $REDIS_PORT ping | grep -q PONG"

# Production settings, and the topology's services; nothing relaxed.
# shellcheck source=loadtest/common.sh
. loadtest/common.sh
export_production_settings
export DATABASE_URL="postgres://platsa:platsa@$HOST:$PG_PORT/platsa"
export DATABASE_REPLICA_URL="postgres://platsa:platsa@$HOST:$REPLICA_PORT/platsa"
export REDIS_URL="redis://$HOST:$REDIS_PORT/0"

echo "== migrating and seeding the demo ($PARTICIPANTS participants) on the primary"
prepare_demo
MANAGER=$($PY -c "import json, sys; print(json.load(open(sys.argv[1]))['manager'][0])" "$WORK/users.json")

echo "== a Celery worker on its own"
LOG_LEVEL=INFO .venv/bin/celery -A config worker --concurrency 1 --without-heartbeat --without-gossip \
  --without-mingle --loglevel INFO >"$WORK/worker.log" 2>&1 &
PIDS+=($!)

echo "== two gunicorn nodes ($WORKERS workers each) on $HOST:$WEB1_PORT and $HOST:$WEB2_PORT"
# Plain HTTP behind HAProxy, which terminates TLS and says so in X-Forwarded-Proto (deploy/haproxy.cfg).
.venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi --bind "$HOST:$WEB1_PORT" --workers "$WORKERS" \
  --log-level warning >"$WORK/web1.log" 2>&1 &
WEB1_PID=$!
PIDS+=("$WEB1_PID")
.venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi --bind "$HOST:$WEB2_PORT" --workers "$WORKERS" \
  --log-level warning >"$WORK/web2.log" 2>&1 &
WEB2_PID=$!
PIDS+=("$WEB2_PID")
wait_for "web node 1" curl -sf "http://$HOST:$WEB1_PORT/healthz"
wait_for "web node 2" curl -sf "http://$HOST:$WEB2_PORT/healthz"

echo "== HAProxy on https://$HOST:$PORT"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=$HOST" \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
cat "$WORK/cert.pem" "$WORK/key.pem" >"$WORK/haproxy.pem"
export PLATSA_HAPROXY_BIND="$HOST:$PORT" PLATSA_HAPROXY_CERT="$WORK/haproxy.pem" PLATSA_HOST=$HOST
export PLATSA_WEB1="$HOST:$WEB1_PORT" PLATSA_WEB2="$HOST:$WEB2_PORT" PLATSA_WEB_MAXCONN=$WORKERS
haproxy -c -q -f deploy/haproxy.cfg
haproxy -db -f deploy/haproxy.cfg >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)
wait_for HAProxy curl -skf "https://$HOST:$PORT/healthz"

replica_reads() { $PY manage.py shell -v 0 -c "from config.db_router import replica_reads; print(replica_reads())"; }
replica_xacts() {
  psql -h "$HOST" -p "$REPLICA_PORT" -U postgres -Atc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'platsa'"
}

# A manager asks for the last quarter's report through the archive page, as in a browser; the worker
# generates it. Writes report.json: how long it took, and how many queries the replica answered meanwhile.
request_report() {
  local jar="$WORK/manager.cookies" base="https://$HOST:$PORT" token reads_before xacts_before month year quarter
  csrf_of() { grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
  reads_before=$(replica_reads)
  xacts_before=$(replica_xacts)
  month=$(date +%-m) year=$(date +%Y)
  quarter=$(((month - 1) / 3))
  [ "$quarter" = 0 ] && quarter=4 && year=$((year - 1))
  local asked_at
  asked_at=$(now)
  local code="" where="" try
  # A few tries: a page answered 503 while no node was up is tried again, as a person would.
  for try in 1 2 3 4 5; do
    token=$(curl -sk -c "$jar" -b "$jar" "$base/accounts/login/" | csrf_of)
    curl -sk -c "$jar" -b "$jar" -o /dev/null -e "$base/accounts/login/" \
      --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$MANAGER" \
      --data-urlencode "password=${LOADTEST_PASSWORD:-platsa-demo}" "$base/accounts/login/"
    token=$(curl -sk -c "$jar" -b "$jar" "$base/dashboard/reports/" | csrf_of)
    read -r code where < <(curl -sk -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}\n' \
      -e "$base/dashboard/reports/" --data-urlencode "csrfmiddlewaretoken=$token" -d "year=$year&quarter=$quarter" \
      "$base/dashboard/reports/generate/")
    [ "$code" = 302 ] && [ "${where%%\?*}" = "$base/dashboard/reports/" ] && break
    echo "report request, try $try: $code $where" >&2
    sleep 2
  done
  $PY manage.py shell -v 0 -c "
import json, time
from reporting.models import QuarterlyReport
started = time.monotonic()
report = None
while time.monotonic() - started < 180:
    report = QuarterlyReport.objects.filter(year=$year, quarter=$quarter, requested_by__username='$MANAGER').order_by('-version').first()
    if report is not None and report.status in (QuarterlyReport.Status.DONE, QuarterlyReport.Status.FAILED):
        break
    time.sleep(0.5)
print(json.dumps({'status': report.status if report else None, 'version': report.version if report else None}))
" >"$WORK/report-status.json"
  local done_at
  done_at=$(now)
  $PY -c "
import json, sys
status = json.load(open(sys.argv[1]))
print(json.dumps({
    'quarter': f'{sys.argv[2]} Q{sys.argv[3]}', 'post_status': int(sys.argv[4]), 'status': status['status'],
    'asked_at': float(sys.argv[5]), 'done_at': float(sys.argv[6]),
    'replica_reads': int(sys.argv[8]) - int(sys.argv[7]),
    'replica_transactions': int(sys.argv[10]) - int(sys.argv[9]),
}))" "$WORK/report-status.json" "$year" "$quarter" "$code" "$asked_at" "$done_at" \
    "$reads_before" "$(replica_reads)" "$xacts_before" "$(replica_xacts)" >"$WORK/report.json"
}

echo "== locust: $USERS users (spawn $SPAWN_RATE/s) for $DURATION; report at 1/3, web node 2 stopped at 1/2"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before: $LOAD_BEFORE"
export LOADTEST_FAILURES_FILE="$OUT/failures.jsonl"
: >"$LOADTEST_FAILURES_FILE"
STARTED=$(now)
.venv/bin/locust -f loadtest/locustfile.py --headless --users "$USERS" --spawn-rate "$SPAWN_RATE" \
  --run-time "$DURATION" --host "https://$HOST:$PORT" --csv "$OUT/locust" --only-summary \
  --loglevel WARNING &
LOCUST_PID=$!
PIDS+=("$LOCUST_PID")

sleep $((SECONDS_TOTAL / 3))
request_report &
REPORT_PID=$!
PIDS+=("$REPORT_PID")

sleep $((SECONDS_TOTAL / 2 - SECONDS_TOTAL / 3))
echo "== stopping web node 2 (SIGTERM) at +$(awk -v a="$(now)" -v b="$STARTED" 'BEGIN { printf "%.0f", a - b }') s"
STOP_START=$(now)
kill -TERM "$WEB2_PID"
wait "$WEB2_PID" || true
STOP_END=$(now)
echo "web node 2 gone after $(awk -v a="$STOP_END" -v b="$STOP_START" 'BEGIN { printf "%.1f", a - b }') s"

set +e
wait "$LOCUST_PID"
wait "$REPORT_PID"
set -e
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average after: $LOAD_AFTER"
REPORT=$(cat "$WORK/report.json" 2>/dev/null || echo null)
REPLICA_TOTAL=$(replica_reads)

# A failed request was in flight on the stopped node when it was under way while the node stopped.
read -r IN_WINDOW OUTSIDE EXTRA < <($PY -c "
import json, sys
start, end = float(sys.argv[2]), float(sys.argv[3])
failures = [json.loads(line) for line in open(sys.argv[1], encoding='utf-8') if line.strip()]
inside = [f for f in failures if f['end'] - f['ms'] / 1000 <= end and f['end'] >= start]
outside = [f for f in failures if f not in inside]
extra = {
    'topology': 'haproxy + 2 gunicorn nodes, PostgreSQL primary + streaming replica, Redis, 1 Celery worker',
    'stopped_node_window': {'from_s': round(start - float(sys.argv[4]), 1), 'to_s': round(end - float(sys.argv[4]), 1)},
    'errors_in_window': len(inside),
    'errors_outside_window': len(outside),
    'error_pages': sorted({f['page'] for f in failures}),
    'report': json.loads(sys.argv[5]),
    'replica_reads_total': int(sys.argv[6]),
}
print(len(inside), len(outside), json.dumps(extra))
" "$LOADTEST_FAILURES_FILE" "$STOP_START" "$STOP_END" "$STARTED" "$REPORT" "$REPLICA_TOTAL")

$PY loadtest/summary.py "$OUT/locust_stats.csv" --users "$USERS" --duration "$DURATION" \
  --workers "$WORKERS" --participants "$PARTICIPANTS" --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" \
  --target-p95-ms 200 --in-flight-errors "$IN_WINDOW" --extra "$EXTRA" | tee "$OUT/summary.json"
[ "$OUTSIDE" = 0 ]
