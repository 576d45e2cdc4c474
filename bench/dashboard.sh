#!/usr/bin/env bash
# GET /api/dashboard/overview latency, cold (cache miss) and cached, p50/p99.
# Usage: bench/dashboard.sh [cold_samples]   (default 200)
#   cold:   before each timed request an admin ingests a 1-cent credit for the customer (untimed),
#           which invalidates their cached views; then one GET is timed with curl.
#   cached: wrk on the same URL, 1 connection (latency) and 16 connections (throughput), 10 s each.
# Rate limits are off for the run: the loop would otherwise hit the customer's 600/min.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
samples=${1:-200}
port=18200
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
trap 'stop_api; rm -rf "$dir"' EXIT

publish_api
start_api $port "$dir/data" --RateLimits:Enabled=false
url="http://127.0.0.1:$port/api/dashboard/overview"
customer=$(login $port alex@bankbot.dev 'BankBot2026!')
admin=$(login $port admin@bankbot.dev 'Bench-Admin-Pass-1!')
user_id=$(curl -fs -H "Authorization: Bearer $customer" "http://127.0.0.1:$port/api/auth/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user_id"])')

for i in $(seq 1 "$samples"); do
  curl -fs -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"external_id\":\"bench-$i\",\"user_id\":\"$user_id\",\"merchant\":\"Interest\",\"amount\":0.01}" "http://127.0.0.1:$port/api/transactions"
  curl -fs -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $customer" "$url"
done | awk '{printf "%.3f\n", $1*1000}' > "$dir/cold.txt"
echo "cold   n=$samples p50_ms=$(percentile 50 < "$dir/cold.txt") p99_ms=$(percentile 99 < "$dir/cold.txt")"

curl -fs -o /dev/null -H "Authorization: Bearer $customer" "$url"
for c in 1 16; do
  wrk -t1 -c$c -d10s --latency -H "Authorization: Bearer $customer" "$url" > "$dir/wrk$c.txt"
  p50=$(awk '$1=="50%" {print $2}' "$dir/wrk$c.txt"); p99=$(awk '$1=="99%" {print $2}' "$dir/wrk$c.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk$c.txt")
  echo "cached connections=$c p50=$p50 p99=$p99 req_per_s=$rps"
done
