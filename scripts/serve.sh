#!/usr/bin/env bash
# Serves Qudao the way production does: gunicorn with several worker processes, static files
# through WhiteNoise, and the task worker (`manage.py worker`, which also enqueues the daily jobs
# at DAILY_RUN_AT) beside it. `make run` and `make serve` both come here.
#
#   HOST, PORT         where gunicorn listens (127.0.0.1:8000)
#   WEB_CONCURRENCY    gunicorn worker processes (2 per CPU core)
#   TASK_WORKERS       task worker processes (1; each job still runs once a day)
#   PY                 the virtualenv's python (.venv/bin/python)
#
# Ctrl-C or SIGTERM stops them all. If one of them dies, the others are stopped too and the
# script exits with a failure, so that a supervisor (systemd, …) restarts the whole.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WEB_CONCURRENCY=${WEB_CONCURRENCY:-$(($(nproc) * 2))}
TASK_WORKERS=${TASK_WORKERS:-1}
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}

"$PY" manage.py collectstatic --noinput --verbosity 0

pids=()
stop() {
  trap - INT TERM EXIT
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

for _ in $(seq "$TASK_WORKERS"); do
  "$PY" manage.py worker --interval 1 &
  pids+=($!)
done
"$PY" -m gunicorn qudao.wsgi:application \
  --bind "$HOST:$PORT" --workers "$WEB_CONCURRENCY" \
  --timeout 60 --graceful-timeout 20 --max-requests 5000 --max-requests-jitter 500 \
  --access-logfile - --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" &
pids+=($!)
echo "Qudao: gunicorn with $WEB_CONCURRENCY workers on http://$HOST:$PORT, $TASK_WORKERS task worker(s)"

status=0
wait -n "${pids[@]}" || status=$?
echo "serve.sh: a Qudao process ended (status $status); stopping the others" >&2
exit $((status == 0 ? 1 : status))
