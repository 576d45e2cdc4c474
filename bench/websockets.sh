#!/usr/bin/env bash
# WebSocket capacity of one server (SQLite, Release): idle connections held and their memory, and the
# socket layer's round trip under many active sessions. Each socket is its own portal session (contract 000)
# on WS /api/ai/chat/ws, opened by bench/ChatLoad; rate limits are off for the run.
# Usage: bench/websockets.sh [idle_connections=10000] [active_sessions=1000] [pings_per_session=30]
#   idle:   RSS after start-up and warm-up, then with all connections open: 5 s after the last one opened, and
#           held (30 s after: the server has had the idle moment in which it gives a busy spell's memory back,
#           see MemoryTrimmer); memory per connection = (held - before) / connections; after a 40 s hold every
#           socket must answer a ping.
#   active: every session sends {"type":"ping"} once a second; ping → pong round trip, p50 and p99.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
idle=${1:-10000}; active=${2:-1000}; pings=${3:-30}; port=18300
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
trap 'stop_api; rm -rf "$dir"' EXIT
ulimit -n "$(ulimit -Hn)"
publish_api
dotnet build bench/ChatLoad -c Release -nologo -v q >/dev/null
load=(dotnet bench/ChatLoad/bin/Release/net10.0/ChatLoad.dll --url "ws://127.0.0.1:$port/api/ai/chat/ws" --portal "http://127.0.0.1:$port")
start_api $port "$dir/data" --RateLimits:Enabled=false
portal_configure $port

# Warm-up: a few sockets through the whole path, so the baseline includes the JIT-compiled code.
portal_assertions 20 > "$dir/warm.txt"
"${load[@]}" --assertions "$dir/warm.txt" --mode ping --sessions 20 --messages 5 --interval-ms 100 >/dev/null
sleep 2
before=$(rss_kib "$API_PID")

portal_assertions "$idle" > "$dir/idle-assertions.txt"
"${load[@]}" --assertions "$dir/idle-assertions.txt" --mode idle --sessions "$idle" --hold-s 40 > "$dir/idle.txt" &
client=$!
until grep -q opened "$dir/idle.txt" 2>/dev/null; do sleep 0.5; kill -0 $client 2>/dev/null || { cat "$dir/idle.txt"; exit 1; }; done
sleep 5
opened=$(rss_kib "$API_PID")
sleep 25
held=$(rss_kib "$API_PID"); client_rss=$(rss_kib $client)
while kill -0 $client 2>/dev/null; do sleep 0.5; done
echo "websockets idle connections=$idle rss_before_mib=$((before / 1024)) rss_opened_mib=$((opened / 1024)) rss_held_mib=$((held / 1024)) per_connection_kib=$(( (held - before) / idle )) client_rss_mib=$((client_rss / 1024)) $(grep -o 'open_s=[0-9.]*' "$dir/idle.txt") $(grep -o 'alive_after_hold=[0-9]*' "$dir/idle.txt")"

portal_assertions "$active" > "$dir/active.txt"
"${load[@]}" --assertions "$dir/active.txt" --mode ping --sessions "$active" --messages "$pings" --interval-ms 1000
