#!/usr/bin/env bash
# POST /api/transfers throughput on SQLite with durable writes (WAL, synchronous=FULL, as the server always runs).
# Usage: bench/transfers.sh [seconds] [connections]   (default 10 s, 16 connections)
#   The demo customer moves 0.01 between Everyday Checking and High-Yield Savings, one direction then the other, so
#   the balances never run out. Each transfer is one database transaction: two conditional balance updates, the
#   transfer, two ledger entries, two statement lines and the audit row; then the customer's cached views are dropped.
#   wrk posts on N connections, 30 s unrecorded (JIT warm-up), then the timed run; every answer must be 201 (the
#   Lua script counts others). Afterwards the ledger is checked: every transfer's entries balance, and the two
#   accounts hold together what they held before.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
seconds=${1:-10}
connections=${2:-16}
port=18300
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
trap 'stop_api; rm -rf "$dir"' EXIT
missing=(); command -v wrk >/dev/null || missing+=(wrk); command -v sqlite3 >/dev/null || missing+=(sqlite3)
if [ ${#missing[@]} -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; fi

publish_api
start_api $port "$dir/data" --RateLimits:Enabled=false
token=$(curl -fs -d 'username=alex@bankbot.dev&password=BankBot2026!' "http://127.0.0.1:$port/api/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
overview() { curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/dashboard/overview"; }
read -r checking savings before < <(overview | python3 -c '
import json,sys
a={x["type"]:x for x in json.load(sys.stdin)["accounts"]}
print(a["checking"]["id"], a["savings"]["id"], round(a["checking"]["balance"]+a["savings"]["balance"],2))')
cat > "$dir/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
local n = 0
request = function()
  n = n + 1
  local from, to = "$checking", "$savings"
  if n % 2 == 0 then from, to = to, from end
  return wrk.format(nil, nil, nil, '{"from_account_id":"' .. from .. '","to_account_id":"' .. to .. '","amount":0.01}')
end
local bad = 0
response = function(status) if status ~= 201 then bad = bad + 1 end end
done = function() io.write(string.format("non_201=%d\n", bad)) end
LUA
wrk -t2 -c"$connections" -d30s -s "$dir/post.lua" "http://127.0.0.1:$port/api/transfers" > /dev/null
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$dir/post.lua" "http://127.0.0.1:$port/api/transfers" > "$dir/wrk.txt"
rps=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt")
p50=$(awk '$1=="50%" {print $2}' "$dir/wrk.txt"); p99=$(awk '$1=="99%" {print $2}' "$dir/wrk.txt")
after=$(overview | python3 -c '
import json,sys
a={x["type"]:x for x in json.load(sys.stdin)["accounts"]}
print(round(a["checking"]["balance"]+a["savings"]["balance"],2))')
stop_api
unbalanced=$(sqlite3 "$dir/data/virtualbanker.db" 'SELECT COUNT(*) FROM (SELECT "TransferId" FROM "LedgerEntries" GROUP BY "TransferId" HAVING SUM("AmountMinor") <> 0 OR COUNT(*) <> 2)' 2>/dev/null || echo "?")
transfers=$(sqlite3 "$dir/data/virtualbanker.db" 'SELECT COUNT(*) FROM "Transfers"' 2>/dev/null || echo "?")
echo "transfers connections=$connections transfers_per_s=$rps p50=$p50 p99=$p99 $(grep non_201 "$dir/wrk.txt") stored=$transfers unbalanced=$unbalanced total_before=$before total_after=$after"
