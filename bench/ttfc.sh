#!/usr/bin/env bash
# Builtin assistant's time to first chunk over WS /api/ai/chat/ws with N concurrent sessions.
# Usage: bench/ttfc.sh [sessions=100] [messages_per_session=20] [interval_ms=1000] [warmup_s=0]
#   interval_ms: each session sends one message per interval (0 = back-to-back, the saturating case).
#   warmup_s: the same load for that long first, unrecorded (JIT tier-up takes 15-30 s on two cores).
# Each socket is a different registered customer: a customer's sockets share one chat session and see
# each other's answers, which would spoil the timing. Rate limits are off for the run.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
sessions=${1:-100}; messages=${2:-20}; interval=${3:-1000}; warmup=${4:-0}; port=18300
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
trap 'stop_api; rm -rf "$dir"' EXIT
publish_api
dotnet build bench/ChatLoad -c Release -nologo -v q >/dev/null
start_api $port "$dir/data" --RateLimits:Enabled=false
for i in $(seq 1 "$sessions"); do
  curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"load$i@bankbot.dev\",\"password\":\"Load-Test-Pass-$i\",\"name\":\"Load $i\"}" \
    "http://127.0.0.1:$port/api/auth/register" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
done > "$dir/tokens.txt"
dotnet bench/ChatLoad/bin/Release/net10.0/ChatLoad.dll --url "ws://127.0.0.1:$port/api/ai/chat/ws" --tokens "$dir/tokens.txt" --sessions "$sessions" --messages "$messages" --interval-ms "$interval" --warmup-s "$warmup"
