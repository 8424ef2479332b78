#!/usr/bin/env bash
# The load test (benchmarks/README.md): 200 judges scoring and 20 entrants uploading at once
# against gunicorn (4 workers) + PostgreSQL + Redis on this machine, loopback only.
#
#   benchmarks/loadtest/run.sh            # from the project root; about 8 minutes
#
# Creates the PostgreSQL database microvideo_load (dropped again at the end unless
# LOAD_KEEP_DB=1), seeds it with seed_scale, starts gunicorn and the workers of the default and
# video queues, runs locust headless (bounded in time and in requests; it stops by itself),
# stops everything it started, then checks the database against what locust was told
# (check.py) and prints the figures. Results go to var/loadtest/<time>/.
#
# Settings (environment): LOAD_WORKS (10000), LOAD_JUDGES (200), LOAD_UPLOADERS (20),
# LOAD_FORM_LOGINS (20 judges log in through the form; the others get a session beforehand),
# LOAD_DURATION (seconds measured after the logins, 240), LOAD_THINK ("1,3" seconds between a
# judge's actions), LOAD_MAX_REQUESTS (200000), LOAD_PORT (8765), LOAD_REDIS_DB (12: the
# queues; the cache uses the next one), GUNICORN_WORKERS (4), GUNICORN_THREADS (4),
# GUNICORN_ARGS (more gunicorn options), LOAD_KEEP_DB=1 (keep the database afterwards).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

: "${LOAD_WORKS:=10000}" "${LOAD_JUDGES:=200}" "${LOAD_UPLOADERS:=20}" "${LOAD_DURATION:=240}"
: "${LOAD_THINK:=1,3}" "${LOAD_MAX_REQUESTS:=200000}" "${LOAD_PORT:=8765}" "${LOAD_REDIS_DB:=12}"
: "${GUNICORN_WORKERS:=4}" "${GUNICORN_THREADS:=4}" "${LOAD_FORM_LOGINS:=20}"
# The simulated browsers talk to gunicorn directly, where browsers keep their connection to
# nginx open (75 s): gunicorn's 5 s would close idle connections under a judge's pauses and
# race with the next request (RemoteDisconnected), which no browser would see.
: "${GUNICORN_KEEPALIVE:=75}"
DB=microvideo_load
PG="postgres://postgres@127.0.0.1:5432"
OUT=$ROOT/var/loadtest/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT/private"

# Locust lives in its own virtualenv (requirements-bench.txt): its dependencies never mix with
# the platform's.
BENCH=$ROOT/var/bench-venv
if [ ! -x "$BENCH/bin/locust" ]; then
  .venv/bin/python -m venv "$BENCH"
  "$BENCH/bin/pip" install --quiet -r requirements-bench.txt
fi

export DJANGO_SETTINGS_MODULE=benchmarks.loadtest.settings
export DATABASE_URL="$PG/$DB" REDIS_URL="redis://127.0.0.1:6379/$LOAD_REDIS_DB"
export HUEY_NAME=microvideo_load SECRET_KEY="load-test-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')"
export ALLOWED_HOSTS=127.0.0.1 PRIVATE_MEDIA_ROOT="$OUT/private" LOG_LEVEL=WARNING
export GUNICORN_BIND="127.0.0.1:$LOAD_PORT" GUNICORN_WORKERS GUNICORN_THREADS GUNICORN_KEEPALIVE
export GUNICORN_ACCESS_LOG="$OUT/access.log"
PASSWORD="load-test-$RANDOM$RANDOM"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  redis-cli -n "$LOAD_REDIS_DB" flushdb >/dev/null
  redis-cli -n "$((LOAD_REDIS_DB + 1))" flushdb >/dev/null
  if [ "${LOAD_KEEP_DB:-0}" != 1 ]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
    rm -rf "$OUT/private"
  fi
}
trap cleanup EXIT

echo "== Database $DB: migrate and seed ($LOAD_WORKS works, $LOAD_JUDGES judges, $LOAD_UPLOADERS entrants)"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
redis-cli -n "$LOAD_REDIS_DB" flushdb >/dev/null
redis-cli -n "$((LOAD_REDIS_DB + 1))" flushdb >/dev/null
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_scale --works "$LOAD_WORKS" --judges "$LOAD_JUDGES" \
  --uploaders "$LOAD_UPLOADERS" --submitted 0.5 --slug load --password "$PASSWORD" --force \
  --manifest "$OUT/manifest.json" | tail -n 1
.venv/bin/python -c "
import sys; sys.path.insert(0, '.')
from tests.media_clips import make_clip
make_clip('$OUT/clip.mp4', seconds=4, width=640, height=360, faststart=True)"
echo "   clip: $(stat -c %s "$OUT/clip.mp4") bytes"
.venv/bin/python benchmarks/loadtest/prepare.py "$OUT/manifest.json" "$OUT/state.json" "$LOAD_FORM_LOGINS"

echo "== Starting gunicorn ($GUNICORN_WORKERS workers × $GUNICORN_THREADS threads) and workers"
# GUNICORN_ARGS: extra command-line options, e.g. "--worker-class sync" to compare.
# shellcheck disable=SC2086
.venv/bin/gunicorn -c deploy/gunicorn.conf.py ${GUNICORN_ARGS:-} >"$OUT/gunicorn.log" 2>&1 &
web=$!
pids+=("$web")
.venv/bin/python manage.py run_worker --queue default >"$OUT/worker-default.log" 2>&1 &
pids+=($!)
.venv/bin/python manage.py run_worker --queue video >"$OUT/worker-video.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  curl -sf -o /dev/null "http://127.0.0.1:$LOAD_PORT/accounts/login/" && break
  sleep 1
done

# What limits it: CPU per process (top every 10 s), and PostgreSQL's sessions and lock waits.
top -b -d 10 -w 200 >"$OUT/top.log" &
monitors=($!)
(
  while sleep 5; do
    psql "$PG/postgres" -Atc "SELECT now()::time(0), count(*) FILTER (WHERE state = 'active'),
      count(*) FILTER (WHERE wait_event_type = 'Lock'),
      (SELECT count(*) FROM pg_locks WHERE NOT granted)
      FROM pg_stat_activity WHERE datname = '$DB'" || true
    # Who waits for whom, and which process each connection belongs to.
    waits=$(psql "$PG/postgres" -Atc "SELECT now()::time(0), pid, client_port, wait_event,
      left(regexp_replace(query, '\s+', ' ', 'g'), 90), pg_blocking_pids(pid)
      FROM pg_stat_activity WHERE datname = '$DB' AND (cardinality(pg_blocking_pids(pid)) > 0
      OR pid IN (SELECT unnest(pg_blocking_pids(pid)) FROM pg_stat_activity))" || true)
    if [ -n "$waits" ]; then
      echo "$waits" >>"$OUT/pg_waits.log"
      ss -Htnp dst 127.0.0.1:5432 >>"$OUT/pg_waits.log" 2>&1 || true
    fi
  done
) >"$OUT/pg_activity.log" 2>&1 &
monitors+=($!)
pids+=("${monitors[@]}")

echo "== Locust: $LOAD_JUDGES judges + $LOAD_UPLOADERS entrants, ${LOAD_DURATION}s after the logins"
export LOAD_MANIFEST="$OUT/manifest.json" LOAD_CLIP="$OUT/clip.mp4" LOAD_RECORD="$OUT/record.json"
export LOAD_DURATION LOAD_THINK LOAD_MAX_REQUESTS LOAD_JUDGES LOAD_UPLOADERS LOAD_FORM_LOGINS
"$BENCH/bin/locust" -f benchmarks/loadtest/locustfile.py --headless \
  --host "http://127.0.0.1:$LOAD_PORT" -u "$((LOAD_JUDGES + LOAD_UPLOADERS))" -r 20 \
  --run-time "$((LOAD_DURATION + 300))s" --stop-timeout 30 --csv "$OUT/locust" \
  --only-summary --loglevel WARNING 2>&1 | tee "$OUT/locust.log" || true
kill "${monitors[@]}" "$web" 2>/dev/null || true

echo "== Check: the database against what locust was told"
status=0
.venv/bin/python benchmarks/loadtest/check.py "$OUT/state.json" "$OUT/record.json" || status=1
.venv/bin/python benchmarks/loadtest/report.py "$OUT"
echo "Results in $OUT"
exit $status
