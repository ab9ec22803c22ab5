#!/usr/bin/env bash
# Synthesise the filled-pause set behind the README's signal-filler figures (espeak-ng + sox).
#
#   bash scripts/make-filler-set.sh OUTDIR
#
# Two voices: en-us takes are the tuning part, en-gb-x-rp takes the held-out part (scored
# once). Each X.wav gets X.json with the filled pauses it holds ({"fillers": {"uh": n, ...}}),
# the shape examples/fillers_bench.rs reads. Positives put a held schwa ("uhhh"), a held
# schwa-m ("ummm") or a hum ("mmm") between words; negatives hold none but carry what a
# careless detector would take for one: long vowels inside words ("so-o", "we-ell"), slow
# reading, a breath, a cough, laughter, music in the background.
set -euo pipefail

OUT="${1:?usage: make-filler-set.sh OUTDIR}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# Each helper runs in a command substitution (a subshell), so file names come from mktemp.
fresh() { mktemp -p "$WORK" XXXXXX.wav; }
piece() { # voice speed text -> path of a 16 kHz mono piece without edge silence
  local raw out
  raw="$(fresh)" out="$(fresh)"
  espeak-ng -v "$1" -s "$2" -w "$raw" "$3"
  sox "$raw" -r 16000 -c 1 -b 16 "$out" \
    silence 1 0.01 -60d reverse silence 1 0.01 -60d reverse
  echo "$out"
}
gap() { # seconds -> path of silence
  local out
  out="$(fresh)"
  sox -n -r 16000 -c 1 -b 16 "$out" trim 0 "$1"
  echo "$out"
}
noise() { # kind seconds -> a breath (soft pink noise) or a cough (loud band-passed burst)
  local out
  out="$(fresh)"
  case "$1" in
    breath) sox -n -r 16000 -c 1 -b 16 "$out" synth "$2" pinknoise \
      highpass 400 fade q 0.15 "$2" 0.2 vol 0.05 ;;
    cough) sox -n -r 16000 -c 1 -b 16 "$out" synth "$2" whitenoise \
      bandpass 900 600 fade p 0.01 "$2" 0.25 vol 0.6 ;;
  esac
  echo "$out"
}
take() { # name uh um hm piece... -> OUT/name.wav and OUT/name.json
  local name="$1" uh="$2" um="$3" hm="$4"
  shift 4
  sox "$(gap 0.6)" "$@" "$(gap 0.6)" "$OUT/$name.wav"
  printf '{"file": "%s.wav", "source": "scripts/make-filler-set.sh (espeak-ng, sox)", "fillers": {"um": %d, "uh": %d, "hm": %d}}\n' \
    "$name" "$um" "$uh" "$hm" >"$OUT/$name.json"
}

for voice in en-us en-gb-x-rp; do
  v="${voice%%-x-rp}"
  s=150
  take "$v-uh-gap" 1 0 0 "$(piece $voice $s 'I worked on the payments team')" "$(gap 0.25)" \
    "$(piece $voice $s '[[@::::::]]')" "$(gap 0.3)" "$(piece $voice $s 'and we fixed the checkout errors')"
  take "$v-um-gap" 0 1 0 "$(piece $voice $s 'The main problem was')" "$(gap 0.2)" \
    "$(piece $voice $s '[[@m::::::]]')" "$(gap 0.3)" "$(piece $voice $s 'the retry logic in one client')"
  take "$v-hum" 0 0 1 "$(piece $voice $s 'First we tried')" "$(gap 0.3)" \
    "$(piece $voice $s '[[m::::::]]')" "$(gap 0.3)" "$(piece $voice $s 'a circuit breaker on the gateway')"
  take "$v-two" 1 1 0 "$(piece $voice $s 'Then I wrote load tests')" "$(gap 0.3)" \
    "$(piece $voice $s '[[@:::::]]')" "$(gap 0.4)" "$(piece $voice $s 'that replayed our busiest hour')" \
    "$(gap 0.3)" "$(piece $voice $s '[[@m:::::]]')" "$(gap 0.3)" "$(piece $voice $s 'every night for two weeks')"
  take "$v-long-vowels" 0 0 0 "$(piece $voice $s '[[s'"'"'oU:::::]]')" "$(gap 0.2)" \
    "$(piece $voice $s 'the error rate dropped, and')" "$(gap 0.2)" "$(piece $voice $s '[[w'"'"'E::::l]]')" \
    "$(gap 0.2)" "$(piece $voice $s 'the team was very happy with it')"
  take "$v-slow" 0 0 0 "$(piece $voice 90 'As a result the checkout error rate dropped from four percent to under half a percent')"
  take "$v-breath" 0 0 0 "$(piece $voice $s 'I began by pulling three months of logs')" \
    "$(noise breath 0.45)" "$(piece $voice $s 'and grouping the failures by cause')"
  take "$v-cough" 0 0 0 "$(piece $voice $s 'My manager asked me to own the problem')" "$(gap 0.2)" \
    "$(noise cough 0.35)" "$(gap 0.2)" "$(piece $voice $s 'before the holiday sale started')"
  take "$v-laugh" 0 0 0 "$(piece $voice $s 'It was a funny week')" "$(gap 0.2)" \
    "$(piece $voice $s 'ha ha ha')" "$(gap 0.2)" "$(piece $voice $s 'but we shipped it on time')"
  # Speech over quiet music: a held chord (steady pitch, steady spectrum) under every word.
  speech="$(piece $voice $s 'We set up an alert on the error rate. Then I walked the support team through the new dashboard.')"
  len="$(soxi -D "$speech")"
  music="$(fresh)" padded="$(fresh)"
  sox -n -r 16000 -c 1 -b 16 "$music" synth "$(echo "$len + 1.2" | bc)" \
    sine 220 sine 277 sine 330 remix - vol 0.04
  sox "$(gap 0.6)" "$speech" "$(gap 0.6)" "$padded"
  sox -m "$padded" "$music" "$OUT/$v-music.wav" trim 0 "$(echo "$len + 1.2" | bc)"
  printf '{"file": "%s-music.wav", "source": "scripts/make-filler-set.sh (espeak-ng, sox)", "fillers": {"um": 0, "uh": 0, "hm": 0}}\n' "$v" >"$OUT/$v-music.json"
done
echo "wrote $(ls "$OUT"/*.wav | wc -l) takes to $OUT"
