#!/usr/bin/env python3
"""Summarises runs/compression/<label>/rounds.csv into results.csv and results.md."""
import csv, json, os, sys

runs, plan, out_csv, out_md = sys.argv[1:5]
labels = []
sets = {}
for line in open(plan):
    if line.strip() and not line.startswith("#"):
        label, s = line.rstrip("\n").split("\t")
        labels.append(label)
        sets[label] = s
rows = []
for label in labels:
    path = os.path.join(runs, label, "rounds.csv")
    if not os.path.exists(path):
        continue
    rounds = [r for r in csv.DictReader(open(path)) if int(r["round"]) > 0]
    summary = json.load(open(os.path.join(runs, label, "summary.json")))["results"]
    up = [int(r["bytes_up"]) for r in rounds]
    down = [int(r["bytes_down"]) for r in rounds]
    acc = [float(r["accuracy"]) for r in rounds]
    rows.append({
        "label": label,
        "overrides": sets[label],
        "rounds": len(rounds),
        "bytes_up_per_round": round(sum(up) / len(up)),
        "bytes_down_per_round": round(sum(down) / len(down)),
        "bytes_up_total": sum(up),
        "bytes_down_total": sum(down),
        "final_accuracy": f"{acc[-1]:.4f}",
        "best_accuracy": f"{max(acc):.4f}",
        "accuracy_round_25": f"{acc[24]:.4f}" if len(acc) >= 25 else "",
        "accuracy_round_50": f"{acc[49]:.4f}" if len(acc) >= 50 else "",
        "round_to_0.96": next((i + 1 for i, a in enumerate(acc) if a >= 0.96), ""),
        "round_to_0.97": next((i + 1 for i, a in enumerate(acc) if a >= 0.97), ""),
        "bytes_up_to_0.97": next((sum(up[:i + 1]) for i, a in enumerate(acc) if a >= 0.97), ""),
        "seconds": f"{summary['total_seconds']:.1f}",
    })
if not rows:
    sys.exit("no runs found under " + runs)
with open(out_csv, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
base = next((r for r in rows if r["label"] == "none"), rows[0])
with open(out_md, "w") as f:
    f.write("| run | rounds | bytes up / round | up vs none | bytes down / round | accuracy at round 50 | vs none (points) | "
            "final accuracy | first round >= 0.96 | first round >= 0.97 | bytes up until 0.97 |\n")
    f.write("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    for r in rows:
        ratio = base["bytes_up_per_round"] / r["bytes_up_per_round"]
        delta = 100 * (float(r["accuracy_round_50"]) - float(base["accuracy_round_50"]))
        to97 = f"{r['bytes_up_to_0.97'] / 1e6:.1f} MB" if r["bytes_up_to_0.97"] != "" else "not reached"
        f.write(f"| {r['label']} | {r['rounds']} | {r['bytes_up_per_round']:,} | {ratio:.2f}x fewer | {r['bytes_down_per_round']:,} | "
                f"{r['accuracy_round_50']} | {delta:+.2f} | {r['final_accuracy']} | {r['round_to_0.96'] or '-'} | "
                f"{r['round_to_0.97'] or '-'} | {to97} |\n")
print(open(out_md).read())
