#!/usr/bin/env bash
# Banking77 benchmark of the builtin intent classifier: a fixed 80/20 split of the shared train.csv
# (every fifth record, in file order, is held out), then NluBench trains on the 80% and scores the 20%.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets/banking77/train.csv}
out=bench/out/banking77; mkdir -p "$out"
python3 - "$data" "$out" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
header, records = rows[0], rows[1:]
for name, keep in (("train", lambda i: i % 5 != 4), ("test", lambda i: i % 5 == 4)):
    with open(f"{sys.argv[2]}/{name}.csv", "w", newline='', encoding='utf-8') as f:
        w = csv.writer(f); w.writerow(header); w.writerows(r for i, r in enumerate(records) if keep(i))
PY
dotnet run --project bench/NluBench -c Release -- --train "$out/train.csv" --test "$out/test.csv"
