#!/usr/bin/env python3
"""Long takes with their true words, for judging engine settings that only long takes feel.

rehearse gives every piece of a take with at most 15 s to transcribe Whisper's full 30 s
window (`transcribe::SHORT_TAKE_S`), so the 13 real clips (5-28 s) barely exercise a setting
such as the fitted encoder window. This writes takes of 40-90 s whose words are known:

- real speech: the real clips of tests/fixtures/realspeech joined with 0.8 s of silence, the
  clips of each split of scripts/bench-noise.sh kept together (tuning clips with tuning
  clips), in name order and reversed (other piece boundaries); the reference is the clips'
  human transcripts joined;
- read speech: spoken-style answers of the STAR corpus (tests/corpus/star/spoken, disfluent,
  written by people), read by espeak-ng in six English voices at 140-175 words a minute; the
  reference is the answer's text (its "um"/"uh" are left out of the score on both sides).

Names alternate between the tuning and held-out answers so that bench-noise.sh's split (every
other clip in name order) keeps tuning with tuning: odd positions come from the corpus's tune
folder and the tuning clips, even ones from its heldout folder and the held-out clips.

    python3 scripts/make-long-takes.py OUT_DIR      # then:
    FIXTURES=OUT_DIR OUT=target/long-takes-bench bash scripts/bench-noise.sh

Deterministic: the same inputs give the same files (espeak-ng's version aside).
"""

import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REAL = os.path.join(ROOT, "tests/fixtures/realspeech")
CORPUS = os.path.join(ROOT, "tests/corpus/star/spoken")
VOICES = [
    ("en-us", 150),
    ("en-gb", 140),
    ("en-us+f3", 165),
    ("en-gb-scotland", 150),
    ("en-us+m3", 175),
    ("en-029", 155),
]
ANSWERS_PER_SPLIT = 6
GAP_S = 0.8


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


FILLED = ["um", "uh", "er", "ah", "hm", "mm"]


def write_ref(path, transcript, origin, fillers):
    """The reference: the true words, where they come from, and the filled pauses in them
    (the counts examples/fillers_bench.rs scores against)."""
    with open(path, "w") as f:
        json.dump({"transcript": transcript, "transcript_origin": origin, "fillers": fillers}, f, indent=1)


def filled_in(text):
    words = [w.strip(".,;:!?\"'()").lower() for w in text.split()]
    return {k: words.count(k) for k in FILLED}


def answer_text(path):
    """The spoken words of a corpus answer: its labelled lines without the labels."""
    words = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            _, _, text = line.partition(": ")
            words.append(text)
    return " ".join(words)


def joined_real(out, name, clips):
    with tempfile.TemporaryDirectory() as tmp:
        gap = os.path.join(tmp, "gap.wav")
        run("sox", "-n", "-r", "16000", "-c", "1", "-b", "16", gap, "trim", "0", str(GAP_S))
        parts = []
        for i, c in enumerate(clips):
            if i:
                parts.append(gap)
            parts.append(os.path.join(REAL, c + ".wav"))
        run("sox", "-V1", *parts, "-r", "16000", "-c", "1", "-b", "16", os.path.join(out, name + ".wav"))
    refs = [json.load(open(os.path.join(REAL, c + ".json"))) for c in clips]
    fillers = {k: sum(r["fillers"].get(k, 0) for r in refs) for k in FILLED}
    write_ref(
        os.path.join(out, name + ".json"),
        " ".join(r["transcript"] for r in refs),
        "human transcripts of " + ", ".join(clips),
        fillers,
    )


def read_answer(out, name, path, voice, wpm):
    text = answer_text(path)
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.wav")
        run("espeak-ng", "-v", voice, "-s", str(wpm), "-w", raw, text)
        run("sox", "-V1", raw, "-r", "16000", "-c", "1", "-b", "16", os.path.join(out, name + ".wav"))
    write_ref(
        os.path.join(out, name + ".json"),
        text,
        f"script: {os.path.relpath(path, ROOT)}, read by espeak-ng -v {voice} -s {wpm}",
        filled_in(text),
    )


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-long-takes.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    clips = sorted(f[:-4] for f in os.listdir(REAL) if f.endswith(".wav"))
    tuning, held = clips[0::2], clips[1::2]
    # Names sort as r1 (tuning), r2 (held out), r3 (tuning), r4 (held out).
    joined_real(out, "r1_real_tuning", tuning)
    joined_real(out, "r2_real_heldout", held)
    joined_real(out, "r3_real_tuning_reversed", tuning[::-1])
    joined_real(out, "r4_real_heldout_reversed", held[::-1])
    tune = sorted(os.listdir(os.path.join(CORPUS, "tune")))
    heldout = sorted(os.listdir(os.path.join(CORPUS, "heldout")))
    # Every seventh answer: spread over the authors and question kinds.
    pick = lambda names: names[::7][:ANSWERS_PER_SPLIT]
    n = 0
    for i, (t, h) in enumerate(zip(pick(tune), pick(heldout))):
        for split, f in (("tune", t), ("heldout", h)):
            voice, wpm = VOICES[n % len(VOICES)]
            n += 1
            name = f"s{n:02d}_{split}_{f[:-4]}"
            read_answer(out, name, os.path.join(CORPUS, split, f), voice, wpm)
    print(f"wrote {4 + n} takes to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
