#!/usr/bin/env bash
# Message → first chunk over WebSocket with 1 node, then with 2 nodes, both on a throwaway PostgreSQL +
# Redis, in one run. Usage: bench/scaleout.sh [sessions=40] [messages_per_session=10]
# Back-to-back load (each session sends its next message when the last answer ended): the figure is
# throughput (messages/s) and TTFC under saturation. Each node is a separate process; on this 2-core
# machine the nodes, the stores and the load client share the same two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
source scripts/throwaway-servers.sh
sessions=${1:-40}; messages=${2:-10}
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; stop_throwaway_postgres; stop_throwaway_redis; [ -n "${KEEP:-}" ] || rm -rf "$dir"; }
trap cleanup EXIT
start_throwaway_postgres >/dev/null
start_throwaway_redis >/dev/null
publish_api
dotnet build bench/ChatLoad -c Release -nologo -v q >/dev/null

# node PORT STORES: one server process on the shared stores.
node() {
  local pg="${VB_TEST_POSTGRES/Database=postgres/Database=$2}"
  start_api "$1" "$dir/data$1" --Database:Provider=postgres --Database:MigrateOnStart=true --ConnectionStrings:Postgres="$pg" \
    --ConnectionStrings:Redis="$VB_TEST_REDIS" --Redis:KeyPrefix="$2:" --RateLimits:Enabled=false
  pids+=("$API_PID")
}

run() { # run STORES PORT...: registers the customers on the first node, then loads all the nodes
  local stores=$1; shift
  for i in $(seq 1 "$sessions"); do
    curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"load$i@bankbot.dev\",\"password\":\"Load-Test-Pass-$i\",\"name\":\"Load $i\"}" \
      "http://127.0.0.1:$1/api/auth/register" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
  done > "$dir/tokens-$stores.txt"
  local urls; urls=$(printf 'ws://127.0.0.1:%s/api/ai/chat/ws,' "$@"); urls=${urls%,}
  echo -n "nodes=$# "
  dotnet bench/ChatLoad/bin/Release/net10.0/ChatLoad.dll --url "$urls" --tokens "$dir/tokens-$stores.txt" --sessions "$sessions" --messages "$messages" --interval-ms 0
}

for n in 1 2; do
  stores="bench_${n}node_$RANDOM"
  ports=()
  for k in $(seq 1 "$n"); do port=$((18400 + n * 10 + k)); node "$port" "$stores"; ports+=("$port"); done
  run "$stores" "${ports[@]}"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=()
done
