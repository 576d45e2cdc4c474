#!/usr/bin/env bash
# Shared by the bench scripts: publish the Api once per run and start/stop it on a loopback port.
out=bench/out

# ReadyToRun, framework-dependent: how a deployment would publish.
publish_api() {
  mkdir -p "$out"
  dotnet publish src/VirtualBanker.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/api" -nologo -v q >/dev/null
}

# start_api PORT DATA_DIR [extra --Key=value ...]: runs in the background, waits for /health, sets API_PID.
start_api() {
  local port=$1 data=$2; shift 2
  ( cd "$out/api" && exec dotnet VirtualBanker.Api.dll --urls "http://127.0.0.1:$port" --Database:DataDirectory="$data" \
      --Demo:AdminPassword="Bench-Admin-Pass-1!" --Logging:LogLevel:Default=Warning "$@" ) >"$data.log" 2>&1 &
  API_PID=$!
  until curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    sleep 0.01
    kill -0 "$API_PID" 2>/dev/null || { echo "server exited; see $data.log" >&2; return 1; }
  done
}

stop_api() { kill -TERM "$API_PID" 2>/dev/null; wait "$API_PID" 2>/dev/null || true; }

# login PORT USER PASSWORD: prints an access token.
login() {
  curl -fs -d "username=$2&password=$3" "http://127.0.0.1:$1/api/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# percentile P < file of numbers (one per line)
percentile() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int((p/100)*NR+0.999999); if(i<1)i=1; print a[i]}'; }
