#!/usr/bin/env bash
# Shared by the bench scripts: publish the Api once per run and start/stop it on a loopback port.
out=bench/out

# ReadyToRun, framework-dependent: how a deployment would publish.
publish_api() {
  [ -n "${VB_BENCH_PUBLISHED:-}" ] && return 0   # bench/run published it already
  mkdir -p "$out"
  dotnet publish src/VirtualBanker.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/api" -nologo -v q >/dev/null
}

# start_api PORT DATA_DIR [extra --Key=value ...]: runs in the background, waits for /health, sets API_PID.
start_api() {
  local port=$1 data=$2; shift 2
  if curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
    echo "port $port already serves a server (a leftover run?): stop it first" >&2; return 1
  fi
  ( cd "$out/api" && exec dotnet VirtualBanker.Api.dll --urls "http://127.0.0.1:$port" --Database:DataDirectory="$data" \
      --Demo:Enabled=true --Demo:AdminPassword="Bench-Admin-Pass-1!" --Logging:LogLevel:Default=Warning "$@" ) >"$data.log" 2>&1 &
  API_PID=$!
  until curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    sleep 0.01
    kill -0 "$API_PID" 2>/dev/null || { echo "server exited; see $data.log" >&2; return 1; }
  done
}

stop_api() { kill -TERM "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; }

# login PORT USER PASSWORD: prints an access token.
login() {
  curl -fs -d "username=$2&password=$3" "http://127.0.0.1:$1/api/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# admin_login PORT: prints an access token of the demo tenant's admin (also platform admin), signed in through contract 003.
admin_login() {
  curl -fs -H 'Content-Type: application/json' -d '{"email":"admin@bankbot.dev","password":"Bench-Admin-Pass-1!"}' \
    "http://127.0.0.1:$1/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

PORTAL_SECRET="bench-portal-secret-of-at-least-32-bytes"

# portal_configure PORT: sets demo-bank's portal_auth (HS256 with PORTAL_SECRET) as its admin and turns off the consent step.
portal_configure() {
  local admin
  admin=$(admin_login "$1")
  curl -fs -o /dev/null -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "http://127.0.0.1:$1/api/v1/clients/demo-bank" \
    -d "{\"settings\":{\"portal_auth\":{\"type\":\"hs256\",\"secret\":\"$PORTAL_SECRET\",\"issuer\":\"https://portal.bench\",\"audience\":\"virtualbanker\"},\"policy\":{\"require_consent\":false}}}"
}

# portal_assertions N: prints N assertions the bank's portal would sign (sub user-456), one per line. Each has its own jti
# (the server accepts an assertion once) and lives 5 minutes (Portal:MaxAssertionSeconds), so sign them just before use.
portal_assertions() {
  SECRET=$PORTAL_SECRET COUNT=$1 python3 - <<'PY'
import base64, hashlib, hmac, json, os, time, uuid
b = lambda d: base64.urlsafe_b64encode(d).rstrip(b"=").decode()
key, now = os.environ["SECRET"].encode(), int(time.time())
head = b(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
for _ in range(int(os.environ["COUNT"])):
    body = b(json.dumps({"iss": "https://portal.bench", "aud": "virtualbanker", "sub": "user-456", "jti": uuid.uuid4().hex,
                         "iat": now, "nbf": now, "exp": now + 300}).encode())
    print(f"{head}.{body}.{b(hmac.new(key, f'{head}.{body}'.encode(), hashlib.sha256).digest())}")
PY
}

# rss_kib PID: resident memory of a process in KiB.
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# percentile P < file of numbers (one per line)
percentile() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int((p/100)*NR+0.999999); if(i<1)i=1; print a[i]}'; }
