#!/usr/bin/env bash
# An authenticated, cached JSON endpoint (GET /api/dashboard/overview, JWT + tenant check + rate-limit
# bookkeeping off + HybridCache hit) against a bare plaintext endpoint of the same Kestrel process
# (GET /health/live), interleaved: CYCLES × (plaintext, dashboard), each wrk run SECONDS long with
# CONNECTIONS connections. Prints each run, then the medians and the ratios of the medians.
# Usage: bench/cached_vs_plaintext.sh [cycles=5] [seconds=5] [connections=16]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
cycles=${1:-5}; seconds=${2:-5}; connections=${3:-16}; port=18500
dir=$(mktemp -d /tmp/vb-bench.XXXXXX)
trap 'stop_api; rm -rf "$dir"' EXIT
publish_api
start_api $port "$dir/data" --RateLimits:Enabled=false
token=$(login $port alex@bankbot.dev 'BankBot2026!')
base="http://127.0.0.1:$port"
curl -fs -o /dev/null -H "Authorization: Bearer $token" "$base/api/dashboard/overview"   # fill the cache

# run NAME URL [wrk header args...]: one wrk run; appends "rps p50_ms p99_ms" to $dir/NAME.txt
run() {
  local name=$1 url=$2; shift 2
  wrk -t1 -c"$connections" -d"${seconds}s" --latency "$@" "$url" > "$dir/wrk.txt"
  python3 - "$dir/wrk.txt" >> "$dir/$name.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[u]
p = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
print(float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)), ms(p["50"]), ms(p["99"]))
PY
  echo "$name $(tail -1 "$dir/$name.txt")"
}

# Warm-up (not recorded): JIT and tiered compilation of both paths.
wrk -t1 -c"$connections" -d3s "$base/health/live" > /dev/null
wrk -t1 -c"$connections" -d3s -H "Authorization: Bearer $token" "$base/api/dashboard/overview" > /dev/null

for i in $(seq 1 "$cycles"); do
  run plaintext "$base/health/live"
  run dashboard "$base/api/dashboard/overview" -H "Authorization: Bearer $token"
done

python3 - "$dir/plaintext.txt" "$dir/dashboard.txt" <<'PY'
import statistics, sys
def medians(path):
    rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
    return [statistics.median(c) for c in zip(*rows)]
plain, dash = medians(sys.argv[1]), medians(sys.argv[2])
print(f"median plaintext: {plain[0]:.0f} req/s, p50 {plain[1]:.2f} ms, p99 {plain[2]:.2f} ms")
print(f"median dashboard: {dash[0]:.0f} req/s, p50 {dash[1]:.2f} ms, p99 {dash[2]:.2f} ms")
print(f"dashboard/plaintext: throughput {dash[0] / plain[0]:.0%}, p99 {dash[2] / plain[2]:.2f}x")
PY
