#!/usr/bin/env bash
# The Flower-baseline federation as real processes on this machine: one `hanse server` and N
# `hanse client` processes on loopback. Prints seconds per round, bytes on the wire per round, the
# time until all clients were connected and the memory of the server and of each client (peak RSS,
# and peak PSS, which shares the TensorFlow library pages between the client processes).
#
# Usage: HANSE_DATA_DIR=/path/to/datasets bench/deployment-baseline.sh [CONFIG] [N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
config=${1:-examples/flower-baseline.toml}
n=${2:-10}
out=${OUT:-runs/deployment-baseline}
port=${PORT:-9092}
rm -rf "$out"
mkdir -p "$out/logs"
./hanse --version > /dev/null   # builds once, so that build time is not counted

pss() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

start=$(date +%s.%N)
./hanse server --config "$config" --port "$port" --state-dir "$out/state" --out "$out" > "$out/logs/server.log" 2>&1 &
server=$!
clients=()
for i in $(seq 0 $((n - 1))); do
  ./hanse client --config "$config" --server "127.0.0.1:$port" --partition "$i/$n" > "$out/logs/client-$i.log" 2>&1 &
  clients+=($!)
done
max_client_pss=0
max_server_pss=0
while kill -0 "$server" 2> /dev/null; do
  for p in "${clients[@]}"; do
    v=$(pss "$p"); [ "${v:-0}" -gt "$max_client_pss" ] && max_client_pss=$v
  done
  v=$(pss "$server"); [ "${v:-0}" -gt "$max_server_pss" ] && max_server_pss=$v
  sleep 0.5
done
wait "$server"
for p in "${clients[@]}"; do wait "$p"; done
end=$(date +%s.%N)

echo "== $n client processes + server, $(basename "$config")"
grep -h "clients connected" "$out/logs/server.log"
python3 - "$out" "$max_client_pss" "$max_server_pss" "$start" "$end" <<'PY'
import csv, json, sys, glob, re
out, cpss, spss, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
rows = [r for r in csv.DictReader(open(out + "/rounds.csv")) if r["round"] != "0"]
secs = [float(r["seconds"]) for r in rows]
sent = [int(r["bytes_down"]) for r in rows]
recv = [int(r["bytes_up"]) for r in rows]
s = json.load(open(out + "/summary.json"))["results"]
rss = [float(m.group(1)) for f in glob.glob(out + "/logs/client-*.log")
       for m in re.finditer(r"peak RSS (\d+) MiB", open(f).read())]
print(f"rounds {len(rows)}, final accuracy {s['final_accuracy']:.4f}")
print(f"seconds per round: mean {sum(secs)/len(secs):.3f}, median {sorted(secs)[len(secs)//2]:.3f}, min {min(secs):.3f}")
print(f"payload bytes per round: down {sum(sent)/len(sent)/1e6:.2f} MB, up {sum(recv)/len(recv)/1e6:.2f} MB, total {(sum(sent)+sum(recv))/len(sent)/1e6:.2f} MB")
print(f"whole gRPC messages, whole run: down {s['wire_bytes_down']/1e6:.2f} MB, up {s['wire_bytes_up']/1e6:.2f} MB")
print(f"server peak RSS {s['peak_rss_mib']:.0f} MiB, peak PSS {spss/1024:.0f} MiB")
if rss:
    print(f"client peak RSS: max {max(rss):.0f} MiB, mean {sum(rss)/len(rss):.0f} MiB; client peak PSS max {cpss/1024:.0f} MiB")
print(f"wall time, launch to last exit: {end-start:.1f} s")
PY
