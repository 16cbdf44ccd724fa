#!/usr/bin/env bash
# Hospitals, tabular (issue 7): federated logistic regression over 5 sites of unequal size against the same model
# trained on the pooled training rows (one client holding them all), same rounds, epochs and learning rate, for
# seeds 1-5 (the seed picks the train/test split, the sites and the initial weights). Features are standardised in
# both: federatedly (per-site counts, sums, sums of squares) and, pooled, from the single client's rows.
#   bench/tabular/run.sh            -> bench/tabular/results.csv
set -euo pipefail
cd "$(dirname "$0")/../.."
hanse="${HANSE:-./hanse}"
out=bench/tabular/results.csv
echo "dataset,seed,federated_accuracy,pooled_accuracy,gap_points" > "$out"
for cfg in hospitals-breast-cancer hospitals-heart; do
  for seed in 1 2 3 4 5; do
    $hanse simulate --config "examples/$cfg.toml" --set seed=$seed --set output.report=false --out "runs/tabular/$cfg-fed-$seed" >/dev/null
    $hanse simulate --config "examples/$cfg.toml" --set seed=$seed --set output.report=false --set partition.clients=1 \
      --set strategy.min_fit_clients=1 --set partition.size_distribution=equal --out "runs/tabular/$cfg-pooled-$seed" >/dev/null
    python3 - "$cfg" "$seed" >> "$out" <<'PY'
import json, sys
cfg, seed = sys.argv[1], sys.argv[2]
f = json.load(open(f"runs/tabular/{cfg}-fed-{seed}/summary.json"))["results"]["final_accuracy"]
p = json.load(open(f"runs/tabular/{cfg}-pooled-{seed}/summary.json"))["results"]["final_accuracy"]
print(f"{cfg},{seed},{f:.4f},{p:.4f},{100 * (p - f):+.2f}")
PY
  done
done
cat "$out"
