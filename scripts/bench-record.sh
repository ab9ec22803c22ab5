#!/usr/bin/env bash
# How soon the report comes after a recorded answer ends: `rehearse record` through a
# microphone that speaks in real time, transcribing while the answer is spoken (the default)
# against `--no-live` (the whole take transcribed after it ends), alternating.
#
#   bash scripts/bench-record.sh          # RUNS=2 takes of each kind
#   RUNS=3 SECONDS_SPOKEN=90 bash scripts/bench-record.sh
#   SILENCE_S=1 bash scripts/bench-record.sh   # a speaker quicker to press Enter
#   MODES=live BIN=/path/to/other/rehearse bash scripts/bench-record.sh   # one mode, a given build
#   MODES="live base" BASE_BIN=/path/to/main/rehearse bash scripts/bench-record.sh  # two builds,
#                                          # both transcribing while spoken, alternating
#
# The answer: real recordings (tests/fixtures/realspeech, several clips one after another) cut
# to SECONDS_SPOKEN (60) seconds, then SILENCE_S (2) seconds of silence, the way an answer ends
# before the speaker presses Enter; the take is SECONDS_SPOKEN + SILENCE_S (`--max-seconds`).
# The microphone is
# ALSA's `file` device reading a FIFO that a feeder writes at real-time pace, dropping what
# nobody reads, as a microphone does (docs/record.md, tests/record_live.rs).
#
# Prints each run's `recording.report_after_stop_s` (measured by rehearse from the end of the
# take to the finished report) and the medians. Needs: sox, python3, a built binary and the
# models (bash scripts/setup.sh). Timings depend on the machine's load: run it on a quiet one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${RUNS:-2}"
SECONDS_SPOKEN="${SECONDS_SPOKEN:-60}"
SILENCE_S="${SILENCE_S:-2}"
MODES="${MODES:-live no-live}"
BIN="${BIN:-$ROOT/target/release/rehearse}"
[ -x "$BIN" ] || cargo build --release --locked

WORK="$(mktemp -d)"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
CLIPS=(tests/fixtures/realspeech/batchalign2_test.wav
  tests/fixtures/realspeech/mfa_acoustic_corpus.wav
  tests/fixtures/realspeech/batchalign2_asr_test.wav
  tests/fixtures/realspeech/mfa_crossword.wav)
sox "${CLIPS[@]}" -r 16000 -c 1 "$WORK/joined.wav"
sox "$WORK/joined.wav" -t raw -r 48000 -c 2 -e floating-point -b 32 -L "$WORK/answer.raw" \
  trim 0 "$SECONDS_SPOKEN" pad 0 "$SILENCE_S"
TAKE_S=$((SECONDS_SPOKEN + SILENCE_S)) # whole seconds: --max-seconds takes an integer

cat > "$WORK/feed.py" <<'EOF'
import os, sys, time
data = open(sys.argv[1], "rb").read()
per_s = 48000 * 2 * 4
block = per_s // 50
def connect(within):
    # Opening without blocking fails until the device has the FIFO open; not for ever.
    deadline = time.monotonic() + within
    while True:
        try:
            return os.open(sys.argv[2], os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(0)
            time.sleep(0.005)
fd = connect(120)
t0 = time.monotonic()
for i in range(0, len(data) + per_s * 5, block):
    chunk = data[i:i + block].ljust(block, b"\0")
    try:
        os.write(fd, chunk)
    except BlockingIOError:
        pass  # nobody reading: a microphone's audio is simply gone
    except BrokenPipeError:
        # The device was opened to probe it and closed: wait for the real opening. The
        # audio goes on meanwhile (the clock is not reset).
        os.close(fd)
        fd = connect(5)
    wait = t0 + (i + block) / per_s - time.monotonic()
    if wait > 0:
        time.sleep(wait)
EOF

run() { # run N MODE -> prints report_after_stop_s
  local n="$1" mode="$2" dir="$WORK/run-$1-$2"
  mkdir -p "$dir"
  mkfifo "$dir/mic.fifo"
  cat > "$dir/asound.conf" <<EOF
</usr/share/alsa/alsa.conf>
pcm.!default {
  type file
  slave.pcm "null"
  file "/dev/null"
  infile "$dir/mic.fifo"
  format "raw"
}
EOF
  python3 "$WORK/feed.py" "$WORK/answer.raw" "$dir/mic.fifo" &
  local feeder=$!
  local flags=() bin="$BIN"
  [ "$mode" = no-live ] && flags=(--no-live)
  [ "$mode" = base ] && bin="${BASE_BIN:?MODES has base: set BASE_BIN}"
  ALSA_CONFIG_PATH="$dir/asound.conf" REHEARSE_HOME="$dir/home" \
    "$bin" record --countdown 0 --max-seconds "$TAKE_S" --no-save -q --format json \
    -o "$dir/report.json" "${flags[@]}" </dev/null
  wait "$feeder" 2>/dev/null || true
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); r=j["recording"]; print(r["report_after_stop_s"], r["pieces_while_recording"], r["pieces_after_stop"], r.get("language_named_while_recording", "-"), r.get("pitch_blocks_while_recording", "-"), len(j["transcript"]["words"]))' "$dir/report.json"
}

declare -a LIVE NOLIVE BASE
echo "| run | mode | report after stop (s) | pieces done while recording | pieces after the stop | language named while recording | pitch blocks tracked while recording | words |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for n in $(seq 1 "$RUNS"); do
  read -r -a order <<<"$MODES"
  if (( n % 2 == 0 )); then order=("${order[@]:1}" "${order[0]}"); fi
  for mode in "${order[@]}"; do
    read -r secs pieces after language pitch words < <(run "$n" "$mode")
    echo "| $n | $mode | $secs | $pieces | $after | $language | $pitch | $words |"
    case "$mode" in
      live) LIVE+=("$secs") ;;
      base) BASE+=("$secs") ;;
      *) NOLIVE+=("$secs") ;;
    esac
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
medians=""
[ -n "${LIVE[*]:-}" ] && medians+=" live $(median "${LIVE[@]}") s;"
[ -n "${NOLIVE[*]:-}" ] && medians+=" --no-live $(median "${NOLIVE[@]}") s;"
[ -n "${BASE[*]:-}" ] && medians+=" base $(median "${BASE[@]}") s;"
echo "Median report after stop, ${SECONDS_SPOKEN} s answer + ${SILENCE_S} s silence:${medians}" \
  "$(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg), $(date -u +%Y-%m-%d)."

