#!/usr/bin/env bash
# POST /v1/sessions throughput on SQLite, each request verifying an HS256 assertion and storing a session.
# Usage: bench/portal_sessions.sh [seconds] [connections]   (default 10 s, 16 connections)
#   The admin configures demo-bank's portal_auth (HS256) through PUT /api/v1/clients/demo-bank; assertions
#   (sub user-456, each with its own jti, valid 5 min) are signed in advance (lib.sh portal_assertions), and
#   every request posts a new one, as every page load of a portal does. wrk posts on N connections, 30 s
#   unrecorded (JIT warm-up), then the timed run; every answer of that run must be 201 (the Lua script counts others).
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
portal_configure $port
# Each thread of wrk posts the assertions of its own stripe of the file, each once (the server accepts an assertion once);
# running out would show as non-201 answers.
cat > "$dir/post.lua" <<'LUA'
local threads, counter = {}, 0
function setup(thread) thread:set("id", counter); counter = counter + 1; table.insert(threads, thread) end
function init(args)
  lines, next_line, step, bad = {}, id + 1, 2, 0 -- step: the number of threads (wrk -t2)
  for line in io.lines(os.getenv("ASSERTIONS")) do table.insert(lines, line) end
end
function request()
  local assertion = lines[next_line] or "used-up"
  next_line = next_line + step
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"},
    '{"tenant_id":"demo-bank","user_id":"user-456","auth_assertion":"' .. assertion .. '","portal_context":{"route":"/account"}}')
end
function response(status) if status ~= 201 then bad = bad + 1 end end
function done() local n = 0 for _, t in ipairs(threads) do n = n + t:get("bad") end io.write(string.format("non_201=%d\n", n)) end
LUA
# Check one by hand first: a 201 with a session.
curl -fs -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' "http://127.0.0.1:$port/v1/sessions" \
  -d "{\"tenant_id\":\"demo-bank\",\"user_id\":\"user-456\",\"auth_assertion\":\"$(portal_assertions 1)\"}" | grep -q 201

# An unrecorded 30 s of the same load first: on 2 cores the JIT is still tiering up the request path for
# about that long, on the same cores (a 10 s run from start measured 700-1,300/s; the next 10 s ~2,000/s).
# Enough assertions for 5,000 sessions/s, signed just before each run (they live 5 minutes).
portal_assertions 150000 > "$dir/warm.txt"
ASSERTIONS="$dir/warm.txt" wrk -t2 -c"$connections" -d30s -s "$dir/post.lua" "http://127.0.0.1:$port/v1/sessions" > /dev/null
portal_assertions $((seconds * 5000)) > "$dir/timed.txt"
ASSERTIONS="$dir/timed.txt" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$dir/post.lua" "http://127.0.0.1:$port/v1/sessions" > "$dir/wrk.txt"
rps=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt")
p50=$(awk '$1=="50%" {print $2}' "$dir/wrk.txt"); p99=$(awk '$1=="99%" {print $2}' "$dir/wrk.txt")
echo "portal sessions connections=$connections sessions_per_s=$rps p50=$p50 p99=$p99 $(grep non_201 "$dir/wrk.txt")"
