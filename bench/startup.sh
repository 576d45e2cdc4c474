#!/usr/bin/env bash
# Cold start to first /health and idle memory of the Release build, measured with /usr/bin/time -v.
# Usage: bench/startup.sh [runs]   (default 2 runs of each case; prints one line per run)
#   first-start: empty data directory (migrate, create signing key, seed demo data)
#   restart:     the same data directory again (the everyday case)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
runs=${1:-2}
publish_api

measure() { # $1 = label, $2 = data dir, $3 = port
  local label=$1 data=$2 port=$3 start end ms pid rss
  start=$(date +%s%N)
  ( cd "$out/api" && exec /usr/bin/time -v -o "$data.time" dotnet VirtualBanker.Api.dll \
      --urls "http://127.0.0.1:$port" --Database:DataDirectory="$data" --Demo:Enabled=true --Demo:AdminPassword="Bench-Admin-Pass-1!" \
      --Logging:LogLevel:Default=Warning ) >"$data.log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    sleep 0.01
    if ! kill -0 "$pid" 2>/dev/null; then echo "server exited; see $data.log" >&2; exit 1; fi
  done
  end=$(date +%s%N); ms=$(( (end - start) / 1000000 ))
  sleep 5  # let start-up work settle, then read idle memory
  local server; server=$(pgrep -f "VirtualBanker.Api.dll --urls http://127.0.0.1:$port" | tail -n 1)
  rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$server/status")
  kill -TERM "$server"; wait "$pid" || true
  local maxrss; maxrss=$(awk -F': ' '/Maximum resident set size/ {print int($2/1024)}' "$data.time")
  printf '%-12s first_health_ms=%-6s idle_rss_mib=%-5s max_rss_mib=%s\n' "$label" "$ms" "$rss" "$maxrss"
}

for i in $(seq 1 "$runs"); do
  dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
  measure first-start "$dir/data" $((18000 + i))
  measure restart "$dir/data" $((18100 + i))
  rm -rf "$dir"
done
