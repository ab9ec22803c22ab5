#!/usr/bin/env bash
# Speed and memory of `rehearse analyze` on a 60-second answer.
#
#   bash scripts/bench.sh [MODEL_NAME]     (default tiny.en; target: under 0.15 x real time)
#
# Reports the real-time factor (wall time / audio duration) and peak resident memory, each
# measured in this one run; machines here are noisy, so compare ratios, not absolute times.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# About 60 s of speech: the clean sample's first minute.
sox samples/star-clean.wav "$WORK/bench-60s.wav" trim 0 60
audio_s=$(soxi -D "$WORK/bench-60s.wav")

/usr/bin/time -f "%e %M" -o "$WORK/time" \
  target/release/rehearse analyze "$WORK/bench-60s.wav" --format json --quiet --no-save >"$WORK/report.json"
read -r wall_s peak_kb <"$WORK/time"

python3 - "$audio_s" "$wall_s" "$peak_kb" "$WORK/report.json" <<'PY'
import json, os, sys
audio_s, wall_s, peak_kb = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
r = json.load(open(sys.argv[4]))
model = os.path.basename(r["model"]["path"])
print(f"model             {model}, {r['model']['threads']} threads, {os.cpu_count()} cores")
print(f"audio             {audio_s:.1f} s")
print(f"wall time         {wall_s:.2f} s  (model load + decode + transcribe + analyse)")
print(f"real-time factor  {wall_s / audio_s:.3f} x  (target < 0.15 x with tiny.en on 2 cores)")
print(f"  transcription   {r['model']['real_time_factor']:.3f} x")
print(f"peak memory       {peak_kb / 1024:.0f} MiB RSS")
PY
