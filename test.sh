#!/usr/bin/env bash
# Runs every test of VirtualBanker. Installs and starts what the tests need (a throwaway PostgreSQL and Redis,
# Chromium, the node packages of tests/), builds once, runs the test projects in parallel, and cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/throwaway-servers.sh

trap 'stop_throwaway_postgres; stop_throwaway_redis' EXIT
start_throwaway_postgres
start_throwaway_redis

# What the node tools of tests/ need: node and npm, and Debian's Chromium for the browser tests
# (playwright-core drives /usr/bin/chromium). Then the tools themselves: a real OpenID provider and Playwright.
missing=()
command -v node >/dev/null || missing+=(nodejs npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (Debian packages)..."
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
npm ci --prefix tests --no-audit --no-fund --loglevel=error
dotnet tool restore >/dev/null   # Kiota, for the generated-client test (dotnet-tools.json)

dotnet build VirtualBanker.slnx -c Release -nologo -clp:ErrorsOnly
dotnet test VirtualBanker.slnx -c Release --no-build -nologo --logger "console;verbosity=minimal" "$@"

# The API suite again, scaled out: every test's server on PostgreSQL + Redis (the multi-node tests already are;
# the crash and shutdown tests bring their own stores; the browser tests of the front end prove pages, not
# storage: these run once).
echo "test.sh: the API suite on PostgreSQL + Redis"
VB_TEST_SCALEOUT=1 dotnet test tests/VirtualBanker.Api.Tests -c Release --no-build -nologo --logger "console;verbosity=minimal" \
  --filter "FullyQualifiedName!~VirtualBanker.Api.Tests.ScaleOut&FullyQualifiedName!~VirtualBanker.Api.Tests.FrontEnd&FullyQualifiedName!~VirtualBanker.Api.Tests.Durability"
