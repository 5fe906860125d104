#!/usr/bin/env bash
# The API keeps its own OpenAPI contract: schemathesis generates requests for every operation of
# $BASE/api/v1/openapi.json, as HQ staff (director) and as a partner user (p1_sales), and fails on
# any server error or any response that does not match the schema declared for its status.
#
#   scripts/api_contract.sh http://127.0.0.1:8000
#
# The server must hold the demo data (manage.py seed_demo); schemathesis writes through the API,
# so reseed from scratch before the next run. Exits non-zero if either run has a finding, or if
# a run's token stopped working during it.
#
# Environment: PY (the virtualenv's python), DEMO_PASSWORD, SEED (schemathesis's random seed:
# the same seed and data generate the same requests), REPORTS (where the full output and JUnit
# reports go; a new temporary folder by default), HEADERS (request headers, one "Name: value" a
# line, sent with every request; by default X-Forwarded-Proto: https, as the TLS proxy in front
# of production mode sends it, so that DEBUG=0's redirect to HTTPS does not answer instead of
# the API; with DEBUG=1 the header is ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${1:?usage: scripts/api_contract.sh BASE_URL (e.g. http://127.0.0.1:8000)}
BASE=${BASE%/}
PY=${PY:-.venv/bin/python}
SCHEMATHESIS=${SCHEMATHESIS:-$(dirname "$PY")/schemathesis}
DEMO_PASSWORD=${DEMO_PASSWORD:-Qudao@2026}
SEED=${SEED:-20260101}
HEADERS=${HEADERS-X-Forwarded-Proto: https}
REPORTS=${REPORTS:-$(mktemp -d)}
mkdir -p "$REPORTS"
export BASE HEADERS DEMO_PASSWORD CI=true NO_COLOR=1 PYTHONUNBUFFERED=1

header_args=()
while IFS= read -r line; do
  [ -n "$line" ] && header_args+=(--header "$line")
done <<<"$HEADERS"

# Prints the API's answer to `$1 $2` (method, path) with the body $3 (JSON, may be empty) and the
# bearer token $4 (may be empty), as "status body"; used for the token and the token check.
api_call() {
  METHOD=$1 URL_PATH=$2 BODY=$3 TOKEN=$4 "$PY" - <<'EOF'
import os, urllib.error, urllib.request

headers = {"Content-Type": "application/json"}
for line in os.environ["HEADERS"].splitlines():
    if line.strip():
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
if os.environ["TOKEN"]:
    headers["Authorization"] = "Bearer " + os.environ["TOKEN"]
request = urllib.request.Request(
    os.environ["BASE"] + os.environ["URL_PATH"],
    data=os.environ["BODY"].encode() or None,
    headers=headers,
    method=os.environ["METHOD"],
)
try:
    with urllib.request.urlopen(request, timeout=30) as response:
        print(response.status, response.read().decode())
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode()[:500])
except urllib.error.URLError as error:  # no server, or redirected to HTTPS (see HEADERS)
    print("000", error.reason)
EOF
}

# The bearer token of user $1 (POST /api/v1/auth/token); fails with the API's answer.
token_of() {
  local body answer
  body=$(USERNAME=$1 "$PY" -c \
    'import json, os; print(json.dumps({"username": os.environ["USERNAME"], "password": os.environ["DEMO_PASSWORD"]}))')
  answer=$(api_call POST /api/v1/auth/token "$body" "")
  if [[ $answer != "200 "* ]]; then
    echo "no token for $1: $answer" >&2
    return 1
  fi
  "$PY" -c 'import json, sys; print(json.loads(sys.argv[1])["token"])' "${answer#200 }"
}

# One schemathesis run as user $1 with token $2: prints its summary (and its failures, if any)
# and returns non-zero on any finding.
#
# No operation is excluded. None revokes a bearer token (there is no log-out), and POST
# /api/v1/auth/token only issues new ones; but a run could still lose its token by deactivating
# its own user (PATCH /partners/{id}/users/{id}) or having it locked, which would turn the rest
# of its requests into 401s and hide findings. So after each run the token must still answer
# GET /api/v1/me as that user, or the run fails.
contract_run() {
  local user=$1 token=$2 status=0 log=$REPORTS/$1.log answer
  echo "== API contract as $user: $BASE/api/v1/openapi.json (seed $SEED)"
  "$SCHEMATHESIS" run "$BASE/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    "${header_args[@]}" \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples 15 \
    --workers 2 \
    --seed "$SEED" \
    --generation-database none \
    --no-color \
    --report junit --report-junit-path "$REPORTS/$user.xml" \
    </dev/null >"$log" 2>&1 || status=$?
  if grep -q '^=* SUMMARY =*$' "$log"; then
    if [ "$status" -ne 0 ]; then
      sed -n '/^=* FAILURES =*$/,/^=* \(WARNINGS\|SUMMARY\) =*$/p' "$log" | sed '$d'
    fi
    sed -n '/^=* SUMMARY =*$/,$p' "$log"
  else
    tail -n 40 "$log"  # schemathesis stopped before testing (no schema, no server)
  fi
  answer=$(api_call GET /api/v1/me "" "$token")
  if [[ $answer != "200 "* ]] || ! "$PY" -c \
    'import json, sys; sys.exit(json.loads(sys.argv[1])["username"] != sys.argv[2])' \
    "${answer#200 }" "$user"; then
    echo "== $user's token stopped working during the run ($answer): its results do not count"
    status=1
  fi
  echo "== $user: exit code $status; full output in $log"
  return "$status"
}

# Both tokens before either run: each run sends POST /api/v1/auth/token many wrong passwords,
# and log-in throttling per client address would then refuse the next log-in (tokens already
# issued keep working).
p1_sales_token=$(token_of p1_sales)
director_token=$(token_of director)
failed=0
# The partner user first: the staff run may change partner users, never the other way round.
contract_run p1_sales "$p1_sales_token" || failed=1
contract_run director "$director_token" || failed=1
exit "$failed"
