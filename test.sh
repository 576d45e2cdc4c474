#!/usr/bin/env bash
# Runs every test of VirtualBanker. Installs and starts what the tests need (a throwaway PostgreSQL),
# builds once, runs the test projects in parallel, and cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/throwaway-postgres.sh

trap stop_throwaway_postgres EXIT
start_throwaway_postgres

dotnet build VirtualBanker.slnx -c Release -nologo -clp:ErrorsOnly
dotnet test VirtualBanker.slnx -c Release --no-build -nologo --logger "console;verbosity=minimal" "$@"
