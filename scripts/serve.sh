#!/usr/bin/env bash
# Serves Qudao at http://127.0.0.1:$PORT together with the task worker; Ctrl-C stops both.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
"$PY" manage.py db_worker --interval 1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
"$PY" manage.py demo_accounts --url "http://127.0.0.1:$PORT"
"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload
