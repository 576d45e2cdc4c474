#!/usr/bin/env bash
# The openai provider's added latency: time to first token straight from a local OpenAI-compatible upstream
# (bench/fake_openai.mjs, first chunk at once) vs time to first chat_chunk through VirtualBanker (WS
# /api/ai/chat/ws → pipeline → openai provider → that upstream), interleaved in one run.
# Usage: bench/openai_overhead.sh [cycles=5] [sessions=10] [messages=20] [interval_ms=200]
#   Each cycle runs the direct client, then the VirtualBanker one, with the same sessions and pacing; the
#   added latency per cycle is the difference of the p50s (and p99s); the result is the median over cycles.
#   Both sides count every message but each session's first (steady_*: connection set-up and JIT excluded).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
cycles=${1:-5}; sessions=${2:-10}; messages=${3:-20}; interval=${4:-200}; port=18300; upstream_port=18301
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
trap 'stop_api; kill $UPSTREAM_PID 2>/dev/null || true; rm -rf "$dir"' EXIT
publish_api
dotnet build bench/ChatLoad -c Release -nologo -v q >/dev/null
node bench/fake_openai.mjs $upstream_port & UPSTREAM_PID=$!
start_api $port "$dir/data" --RateLimits:Enabled=false --Outbound:AllowedHosts:0=127.0.0.1  # the fake endpoint is on loopback
portal_configure $port
admin=$(admin_login $port)
curl -fs -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "http://127.0.0.1:$port/v1/model-profiles" \
  -d "{\"role\":\"chat\",\"deployment_mode\":\"default\",\"provider\":\"openai\",\"model\":\"bench\",\"base_url\":\"http://127.0.0.1:$upstream_port/v1\",\"api_key\":\"bench-key\"}"

load=(dotnet bench/ChatLoad/bin/Release/net10.0/ChatLoad.dll --sessions "$sessions" --messages "$messages" --interval-ms "$interval")
"${load[@]}" --mode direct --url "http://127.0.0.1:$upstream_port/v1" >/dev/null   # warm-up, both paths
portal_assertions "$sessions" > "$dir/assertions.txt"
"${load[@]}" --url "ws://127.0.0.1:$port/api/ai/chat/ws" --portal "http://127.0.0.1:$port" --assertions "$dir/assertions.txt" >/dev/null
field() { grep -o "$1=[0-9.]*" | cut -d= -f2; }
for c in $(seq 1 "$cycles"); do
  direct=$("${load[@]}" --mode direct --url "http://127.0.0.1:$upstream_port/v1")
  portal_assertions "$sessions" > "$dir/assertions.txt"
  through=$("${load[@]}" --url "ws://127.0.0.1:$port/api/ai/chat/ws" --portal "http://127.0.0.1:$port" --assertions "$dir/assertions.txt")
  echo "$through" | grep -q 'failures=0' || { echo "failures through VirtualBanker: $through" >&2; exit 1; }
  d50=$(echo "$direct" | field steady_p50_ms); d99=$(echo "$direct" | field steady_p99_ms)
  v50=$(echo "$through" | field steady_p50_ms); v99=$(echo "$through" | field steady_p99_ms)
  echo "cycle=$c direct_p50_ms=$d50 direct_p99_ms=$d99 through_p50_ms=$v50 through_p99_ms=$v99" | tee -a "$dir/cycles.txt"
done
python3 - "$dir/cycles.txt" <<'PY'
import re, statistics, sys
rows = [dict((k, float(v)) for k, v in re.findall(r"(\w+)=([0-9.]+)", line)) for line in open(sys.argv[1])]
med = lambda key: statistics.median(r[key] for r in rows)
added50 = statistics.median(r["through_p50_ms"] - r["direct_p50_ms"] for r in rows)
added99 = statistics.median(r["through_p99_ms"] - r["direct_p99_ms"] for r in rows)
print(f"openai overhead cycles={len(rows)} direct_p50_ms={med('direct_p50_ms'):.2f} direct_p99_ms={med('direct_p99_ms'):.2f} "
      f"through_p50_ms={med('through_p50_ms'):.2f} through_p99_ms={med('through_p99_ms'):.2f} added_p50_ms={added50:.2f} added_p99_ms={added99:.2f}")
PY
