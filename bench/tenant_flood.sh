#!/usr/bin/env bash
# One tenant flooding the API does not starve another: tenant A's admin key hammers GET /v1/keys with wrk
# while tenant B's key calls the same endpoint 5 times a second, with the contract's default limits
# (002: 600 per minute per caller). B is measured alone first, then during A's flood.
# Usage: bench/tenant_flood.sh [seconds=20] [flood_connections=16]
# Prints A's answers by status and B's success rate and latency (p50/p99) alone and under the flood.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
seconds=${1:-20}; connections=${2:-16}; port=18300
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
trap 'stop_api; rm -rf "$dir"' EXIT
publish_api
start_api $port "$dir/data"
base="http://127.0.0.1:$port"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
platform=$(admin_login $port)
curl -fs -o /dev/null -H "Authorization: Bearer $platform" -H 'Content-Type: application/json' "$base/api/v1/clients" \
  -d '{"id":"bank-b","name":"Bank B","domain":"bank-b.example","admin":{"email":"admin@bank-b.example","password":"Second-Tenant-Pass-1!","name":"B Admin"}}'
admin_b=$(curl -fs -H 'Content-Type: application/json' -H 'X-Client-ID: bank-b' -d '{"email":"admin@bank-b.example","password":"Second-Tenant-Pass-1!"}' "$base/api/v1/auth/login" | json access_token)
key() { curl -fs -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d '{"label":"bench","scopes":["admin"]}' "$base/v1/keys" | json secret; }
key_a=$(key "$platform"); key_b=$(key "$admin_b")

# B: 5 calls a second for N seconds; one line per call: status and seconds.
tenant_b() {
  local calls=()
  for _ in $(seq 1 $(( $1 * 5 ))); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "X-API-Key: $key_b" "$base/v1/keys" &
    calls+=($!)
    sleep 0.2
  done
  wait "${calls[@]}"   # these calls only: a bare wait would also wait for the server
}
summary() {
  local total ok; total=$(wc -l < "$1"); ok=$(awk '$1==200' "$1" | wc -l)
  awk '{printf "%.3f\n", $2*1000}' "$1" > "$1.ms"
  echo "calls=$total ok=$ok p50_ms=$(percentile 50 < "$1.ms") p99_ms=$(percentile 99 < "$1.ms")"
}
tenant_b 5 > "$dir/alone.txt"

cat > "$dir/flood.lua" <<LUA
wrk.headers["X-API-Key"] = "$key_a"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() counts = {} end
function response(status) counts[status] = (counts[status] or 0) + 1 end
function done()
  local total, parts = {}, {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do parts[#parts + 1] = "status_" .. status .. "=" .. n end
  io.write(table.concat(parts, " ") .. "\n")
end
LUA
wrk -t1 -c"$connections" -d"${seconds}s" -s "$dir/flood.lua" "$base/v1/keys" > "$dir/flood.txt" &
flood=$!
sleep 1
tenant_b $(( seconds - 3 )) > "$dir/flooded.txt"
wait $flood
echo "tenant A flood $(awk '/Requests\/sec/ {print "req_per_s=" $2}' "$dir/flood.txt") $(grep status_ "$dir/flood.txt")"
echo "tenant B alone   $(summary "$dir/alone.txt")"
echo "tenant B flooded $(summary "$dir/flooded.txt")"
