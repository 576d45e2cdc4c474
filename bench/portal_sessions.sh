#!/usr/bin/env bash
# POST /v1/sessions throughput on SQLite, each request verifying an HS256 assertion and storing a session.
# Usage: bench/portal_sessions.sh [seconds] [connections]   (default 10 s, 16 connections)
#   The admin configures demo-bank's portal_auth (HS256) through PUT /api/v1/clients/demo-bank; one
#   assertion (sub user-456, valid 1 h) is signed (lib.sh portal_assertion) and reused, as a portal page
#   would within its lifetime. wrk posts it on N connections, 30 s unrecorded (JIT warm-up), then the timed
#   run; every answer of that run must be 201 (the Lua script counts others).
#   The per-address limit on opening sessions is raised for the run (it would otherwise cap at 120/min).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
seconds=${1:-10}
connections=${2:-16}
port=18300
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
trap 'stop_api; rm -rf "$dir"' EXIT

publish_api
start_api $port "$dir/data" --RateLimits:Portal:Limit=100000000
assertion=$(portal_assertion $port)
cat > "$dir/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"tenant_id":"demo-bank","user_id":"user-456","auth_assertion":"$assertion","portal_context":{"route":"/account"}}'
local bad = 0
response = function(status) if status ~= 201 then bad = bad + 1 end end
done = function() io.write(string.format("non_201=%d\n", bad)) end
LUA
# Check one by hand first: a 201 with a session.
curl -fs -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' "http://127.0.0.1:$port/v1/sessions" \
  -d "{\"tenant_id\":\"demo-bank\",\"user_id\":\"user-456\",\"auth_assertion\":\"$assertion\"}" | grep -q 201

# An unrecorded 30 s of the same load first: on 2 cores the JIT is still tiering up the request path for
# about that long, on the same cores (a 10 s run from start measured 700-1,300/s; the next 10 s ~2,000/s).
wrk -t2 -c"$connections" -d30s -s "$dir/post.lua" "http://127.0.0.1:$port/v1/sessions" > /dev/null
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$dir/post.lua" "http://127.0.0.1:$port/v1/sessions" > "$dir/wrk.txt"
rps=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt")
p50=$(awk '$1=="50%" {print $2}' "$dir/wrk.txt"); p99=$(awk '$1=="99%" {print $2}' "$dir/wrk.txt")
echo "portal sessions connections=$connections sessions_per_s=$rps p50=$p50 p99=$p99 $(grep non_201 "$dir/wrk.txt")"
