#!/usr/bin/env bash
# Backtest of the balance forecast on demo histories (train on months 1-4, measure months 5-6); see the .cs file.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run bench/forecast_backtest.cs
