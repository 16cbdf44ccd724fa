#!/usr/bin/env bash
# Communication compression on MNIST 2NN (McMahan et al.'s IID setting: 100 clients, C = 0.1, E = 1, B = 10),
# 50 rounds, early stopping off (target_accuracy = 1.0 is never reached), one run per line of plan.txt.
# Needs full MNIST: HANSE_DATA_DIR=/work/shared/datasets bench/compression/run.sh
# HANSE=/path/to/a/built/hanse overrides ./hanse (e.g. a copy of the jar, while others edit the tree).
# Writes runs/compression/<label>/{rounds.csv,summary.json}, then results.csv and results.md (table.py).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
while IFS=$'\t' read -r label sets; do
  [ -z "$label" ] || [ "${label:0:1}" = "#" ] && continue
  args=()
  for s in $sets; do args+=(--set "$s"); done
  out="runs/compression/$label"
  if [ -f "$out/summary.json" ] && [ -z "${FORCE:-}" ]; then
    echo "== $label: done already ($out)"; continue
  fi
  echo "== $label: ./hanse simulate --config examples/mnist-2nn-iid.toml --set rounds=50 --set target_accuracy=1.0 ${args[*]:-} --out $out"
  ${HANSE:-./hanse} simulate --config examples/mnist-2nn-iid.toml --set rounds=50 --set target_accuracy=1.0 --set output.report=false \
    "${args[@]}" --out "$out" | tail -2
done < "$here/plan.txt"
python3 "$here/table.py" "$repo/runs/compression" "$here/plan.txt" "$here/results.csv" "$here/results.md"
