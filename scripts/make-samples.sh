#!/usr/bin/env bash
# Synthesise the bundled practice takes in samples/ with espeak-ng and sox.
#
#   bash scripts/make-samples.sh            # (re)write samples/*.wav
#   bash scripts/make-samples.sh OUTDIR     # write them elsewhere
#
# The samples are committed, so tests do not depend on the installed espeak-ng version;
# this script documents exactly how they were made. samples/README.md lists what each
# one contains and which figures the integration tests expect from it.
set -euo pipefail

OUT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/samples}"
VOICE="en-us"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

say() { # name speed text -> $WORK/name.wav (espeak-ng's native 22.05 kHz mono)
  espeak-ng -v "$VOICE" -s "$2" -w "$WORK/$1.wav" "$3"
}

trimmed() { # name -> $WORK/name-t.wav without espeak's leading and trailing silence
  sox "$WORK/$1.wav" "$WORK/$1-t.wav" silence 1 0.01 -60d reverse silence 1 0.01 -60d reverse
}

silence() { # name seconds -> $WORK/name.wav at 22.05 kHz mono
  sox -n -r 22050 -c 1 -b 16 "$WORK/$1.wav" trim 0 "$2"
}

# 1. A clean STAR answer of about 1.5 minutes: on-target length and pace, few fillers.
say star-clean 130 "Sure. At my last job I was a backend engineer on a five person payments team at an \
online retailer. About a month before the holiday sale, our checkout error rate had climbed to four \
percent, and every failed checkout was a lost order. My manager asked me to own the problem and get the \
error rate under one percent before the sale started. I began by pulling three months of logs and \
grouping the failures by cause. I found that most of them came from a single client that retried too \
quickly and overloaded the payment gateway. I rewrote its retry logic with exponential backoff and added \
a circuit breaker, so a slow gateway could recover instead of being flooded. Then I wrote load tests that \
replayed our busiest hour at twice the traffic, and I ran them every night for two weeks. I also set up \
an alert on the error rate, and I walked the support team through the new dashboard. As a result, the \
checkout error rate dropped from four percent to under half a percent. During the holiday sale we handled \
twice our normal traffic with no incidents, and the company estimated that we saved around two hundred \
thousand dollars in orders. What I took away from it is to measure first and fix the biggest cause, \
instead of guessing, and I still work that way on every reliability problem."
sox "$WORK/star-clean.wav" -r 16000 -c 1 -b 16 "$OUT/star-clean.wav"

# 2. A short, disfluent answer: filled pauses and discourse fillers, plus "like" used
#    as a verb and a preposition, which must not be counted.
say fillers 150 "Um, so, at my last job I was, uh, working on the mobile app. And, like, the releases \
were always late, you know. I mean, we had, um, no real testing at all. So I, uh, set up a basic test \
suite and, um, a nightly build. It was, like, a lot of work, but, you know, it helped. The new build \
looks like it works, and I like that. Basically the releases got, uh, faster after that."
cp "$WORK/fillers.wav" "$OUT/fillers.wav"

# 3. Three sentences separated by exactly 3.0 s and 2.5 s of silence (espeak's own padding
#    trimmed), after 1 s of silence, as a 48 kHz stereo file (what a laptop or phone records).
say p1 150 "At my last job I led the migration of our billing system to a new database."
say p2 150 "I was asked to finish it in one quarter without any downtime for customers."
say p3 150 "I planned the work in small steps, and we moved every customer over with no outage."
silence lead 1.0
silence gap1 3.0
silence gap2 2.5
for p in p1 p2 p3; do trimmed "$p"; done
sox "$WORK/lead.wav" "$WORK/p1-t.wav" "$WORK/gap1.wav" "$WORK/p2-t.wav" "$WORK/gap2.wav" "$WORK/p3-t.wav" \
  -r 48000 -c 2 -b 16 "$OUT/long-pauses.wav"

echo "wrote samples to $OUT" >&2
