#!/usr/bin/env bash
# IMDB sentiment, 10 clients, every client every round: the LSTM and the Transformer classifier, IID and
# Dirichlet(alpha = 1.0) label skew; full 25,000-review test set. Results in bench/imdb/<model>-<partition>/.
#   HANSE_DATA_DIR=../shared/datasets bench/imdb/run.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-5}"
hanse="${HANSE:-./hanse}"
for model in lstm transformer; do
  for part in iid dirichlet; do
    $hanse simulate --config "examples/imdb-$model.toml" --set rounds="$rounds" --set partition.method="$part" \
      --set partition.alpha=1.0 --out "bench/imdb/$model-$part" | grep -E '^(round|done)'
  done
done
python3 - <<'PY'
import csv, json, pathlib
rows = []
for d in sorted(pathlib.Path("bench/imdb").glob("*-*/summary.json")):
    s = json.loads(d.read_text())
    r = list(csv.DictReader(open(d.parent / "rounds.csv")))
    rows.append((d.parent.name, s["results"]["final_accuracy"], s["results"]["best_accuracy"], s["results"]["mean_round_seconds"], len(r) - 1))
with open("bench/imdb/results.csv", "w") as f:
    f.write("run,final_accuracy,best_accuracy,mean_round_seconds,rounds\n")
    for row in rows:
        f.write("%s,%.4f,%.4f,%.1f,%d\n" % row)
print(open("bench/imdb/results.csv").read())
PY
