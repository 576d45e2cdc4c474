#!/usr/bin/env bash
# SQL injection scan with sqlmap (Debian package) against a running server (SQLite, Release, rate limits
# off so the scan is not throttled into false negatives): the id-taking and filter parameters of the
# customer, gateway, management and portal surfaces, with a real customer's or admin's token.
# Usage: bench/security.sh [level=2]     Prints one line per target: what sqlmap concluded.
# The rest of the outside review's cases (outbound addresses, tokens in logs, limits on every channel, portal assertions,
# account linking, injected text, secrets, sign-in delays, demo data in Production) are API tests that run in CI; the README's
# "Security notes" name each one and its test.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
level=${1:-2}; port=18300
if ! command -v sqlmap >/dev/null; then
  echo "bench/security.sh: installing sqlmap (Debian package)..." >&2
  $([ "$(id -u)" -eq 0 ] || echo sudo) apt-get install -y -qq sqlmap >/dev/null
fi
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
trap 'stop_api; cp "$dir/data.log" bench/out/security-server.log 2>/dev/null || true; rm -rf "$dir"' EXIT
publish_api
start_api $port "$dir/data" --RateLimits:Enabled=false
base="http://127.0.0.1:$port"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
token=$(login $port alex@bankbot.dev 'BankBot2026!')
admin=$(admin_login $port)
user=$(curl -fs -H "Authorization: Bearer $token" "$base/api/auth/me" | json 'd["user_id"]')
session=$(curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"message":"hello"}' "$base/v1/session/message" | json 'd["session_id"]')
notification=$(curl -fs -H "Authorization: Bearer $token" "$base/api/notifications" | json 'd["notifications"][0]["id"]')
agent=$(curl -fs -H "Authorization: Bearer $admin" "$base/api/v1/agents" | json 'd[0]["id"]')

scan() {  # scan NAME TOKEN sqlmap-args...
  local name=$1 bearer=$2; shift 2
  sqlmap --batch --level "$level" --risk 1 --threads 2 --timeout 10 --retries 1 --time-sec 2 --flush-session \
    --output-dir "$dir/sqlmap" -H "Authorization: Bearer $bearer" "$@" > "$dir/$name.log" 2>&1 || true
  local verdict
  if grep -q "is vulnerable\|sqlmap identified the following injection" "$dir/$name.log"; then verdict="INJECTABLE (see the log)"; cp "$dir/$name.log" "bench/out/sqlmap-$name.log"
  elif grep -q "do not appear to be injectable\|does not seem to be injectable" "$dir/$name.log"; then verdict="not injectable"
  else verdict="inconclusive: $(grep -m1 -o 'CRITICAL.*' "$dir/$name.log" || echo 'see the log')"; cp "$dir/$name.log" "bench/out/sqlmap-$name.log"
  fi
  echo "sqlmap $name: $verdict ($(grep -c 'testing ' "$dir/$name.log") tests)"
}
mkdir -p bench/out
scan transactions-filters "$token" -u "$base/api/transactions?page=1&limit=20&category=Groceries&type=debit" -p "page,limit,category,type"
scan transactions-user "$token" -u "$base/api/transactions?user_id=$user" -p user_id
scan twin-months "$token" -u "$base/api/ai/twin/future?months=12" -p months
scan log-session "$token" -u "$base/api_log_get?session_id=$session" -p session_id
scan notification-id "$token" -u "$base/api/notifications/$notification*/read" --method PATCH
scan agent-id "$admin" -u "$base/api/v1/agents/$agent*"
scan agents-filter "$admin" -u "$base/api/v1/agents?client_id=demo-bank&active=true" -p "client_id,active"
scan chat-session "$token" -u "$base/v1/session/message" --data "{\"session_id\":\"$session\",\"message\":\"hi\"}" -p session_id
scan login "$token" -u "$base/api/auth/login" --data "username=alex%40bankbot.dev&password=wrong" -p username --ignore-code 401
scan verify-email "$token" -u "$base/api/auth/verify-email?token=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" -p token --ignore-code 400
