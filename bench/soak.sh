#!/usr/bin/env bash
# Soak: mixed load for MINUTES (default 10) on one server (SQLite, Release), recording its RSS every 10 s.
# Load, all at once: wrk on the cached dashboard (2 connections), 20 chat sockets each asking one question
# a second (bench/ChatLoad), one transaction ingested a second (each invalidates the customer's cached
# views, so dashboard reads keep missing too), and a portal session opened every half second.
# Usage: bench/soak.sh [minutes=10]
# Prints the RSS series, then: RSS after 1 minute, at the half, at the end, the maximum, and the growth over
# the second half. Memory that levels off grows little or not at all in the second half.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
minutes=${1:-10}; seconds=$((minutes * 60)); port=18300
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; stop_api; rm -rf "$dir"' EXIT
publish_api
dotnet build bench/ChatLoad -c Release -nologo -v q >/dev/null
start_api $port "$dir/data" --RateLimits:Enabled=false
base="http://127.0.0.1:$port"
token=$(login $port alex@bankbot.dev 'BankBot2026!')
admin=$(admin_login $port)
user=$(curl -fs -H "Authorization: Bearer $token" "$base/api/auth/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user_id"])')
portal_configure $port
for i in $(seq 1 20); do
  curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"soak$i@bankbot.dev\",\"password\":\"Soak-Test-Pass-$i\",\"name\":\"Soak $i\"}" \
    "$base/api/auth/register" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
done > "$dir/tokens.txt"

wrk -t1 -c2 -d"${seconds}s" -H "Authorization: Bearer $token" "$base/api/dashboard/overview" > "$dir/wrk.txt" & pids+=($!)
dotnet bench/ChatLoad/bin/Release/net10.0/ChatLoad.dll --url "ws://127.0.0.1:$port/api/ai/chat/ws" --tokens "$dir/tokens.txt" \
  --sessions 20 --messages "$seconds" --interval-ms 1000 > "$dir/chat.txt" & pids+=($!)
( for n in $(seq 1 "$seconds"); do
    curl -fs -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$base/api/transactions" \
      -d "{\"external_id\":\"soak-$n\",\"user_id\":\"$user\",\"merchant\":\"Soak Cafe\",\"amount\":-0.01}" || echo "ingest $n failed" >&2
    sleep 1
  done ) & pids+=($!)
( for _ in $(seq 1 $((seconds * 2))); do
    curl -fs -o /dev/null -H 'Content-Type: application/json' -d "{\"tenant_id\":\"demo-bank\",\"auth_assertion\":\"$(portal_assertions 1)\"}" "$base/v1/sessions" || true
    sleep 0.5
  done ) & pids+=($!)

for t in $(seq 10 10 "$seconds"); do
  sleep 10
  echo "$t $(($(rss_kib "$API_PID") / 1024))" | tee -a "$dir/rss.txt"
done
wait "${pids[@]}" 2>/dev/null || true
python3 - "$dir/rss.txt" "$minutes" <<'PY'
import sys
rows = [tuple(map(int, line.split())) for line in open(sys.argv[1])]
at = lambda s: min(rows, key=lambda r: abs(r[0] - s))[1]
end = rows[-1][0]
print(f"soak minutes={sys.argv[2]} rss_mib_1min={at(60)} rss_mib_half={at(end // 2)} rss_mib_end={rows[-1][1]} rss_mib_max={max(r[1] for r in rows)} "
      f"growth_second_half_mib={rows[-1][1] - at(end // 2)}")
PY
echo "chat: $(tail -1 "$dir/chat.txt")"
echo "dashboard: $(awk '/Requests\/sec/ {print "req_per_s=" $2}' "$dir/wrk.txt") $(grep -o 'Non-2xx[^\n]*' "$dir/wrk.txt" || echo 'non_2xx=0')"
