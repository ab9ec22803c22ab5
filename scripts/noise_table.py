#!/usr/bin/env python3
"""The Markdown tables of scripts/bench-noise.sh from the scores of examples/wer.

    python3 noise_table.py SCORES_JSONL --tuning a,b,c --files NAME,... [--detail 0|1]
                           LABEL=REPORT_DIR...

SCORES_JSONL: one line per report (examples/wer output). NAME: a copy's name,
<clip>__clean, <clip>__<kind>_<snr>db or <clip>__<damage kind>. Each LABEL=REPORT_DIR is one
system (rehearse, a second rehearse, faster-whisper); the first whose label starts with
"faster-whisper" decides "no speech" for the others (a copy where it wrote 5 words or more).

Per copy, against the same system's clean take of the clip: under the floor of #24's "Done
when" when it keeps fewer than 90 % of the clean take's matched reference words or its word
error rate is more than 10 points above the clean take's. At 10 dB and above, and on the damage
rows, that counts; at 5 dB a copy whose report says its words cannot be trusted
(transcript.quality.trusted false) is "cannot judge" instead, which the issue allows there. A
report that is missing (the run failed on it) counts as under the floor with every word lost.
"""

import argparse
import json
import os
import re
from collections import OrderedDict

NOISE = ["white", "pink", "babble", "fan", "hum"]
DAMAGE = ["click_cough", "level_drop", "telephone", "quiet_40db", "reverb"]


def parse(name):
    clip, rest = name.split("__", 1)
    m = re.fullmatch(r"(\w+?)_(\d+)db", rest)
    if m and m.group(1) in NOISE:
        return clip, m.group(1), int(m.group(2))
    return clip, rest, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scores")
    ap.add_argument("--tuning", required=True)
    ap.add_argument("--files", required=True)
    ap.add_argument("--detail", default="0")
    ap.add_argument("systems", nargs="+")
    a = ap.parse_args()
    tuning = set(a.tuning.split(","))
    names = a.files.split(",")
    systems = OrderedDict()
    for s in a.systems:
        label, d = s.split("=", 1)
        systems[label] = os.path.realpath(d)
    by = {}  # (label, name) -> score line
    with open(a.scores) as f:
        for line in f:
            r = json.loads(line)
            d = os.path.realpath(os.path.dirname(r["report"]))
            name = os.path.basename(r["report"])[: -len(".wav.json")]
            for label, sd in systems.items():
                if sd == d:
                    by[(label, name)] = r
    fw = next((l for l in systems if l.startswith("faster-whisper")), None)
    clips = sorted({parse(n)[0] for n in names})
    rows = OrderedDict()  # (kind, level) -> [names]
    for n in names:
        clip, kind, level = parse(n)
        rows.setdefault((kind, level), []).append(n)
    order = sorted(
        rows,
        key=lambda k: (
            0 if k[0] == "clean" else 1 if k[0] in NOISE else 2,
            NOISE.index(k[0]) if k[0] in NOISE else DAMAGE.index(k[0]) if k[0] in DAMAGE else 0,
            -(k[1] or 0),
        ),
    )

    def get(label, name):
        return by.get((label, name))

    under_names = []
    for split, members in (("tuning", [c for c in clips if c in tuning]),
                           ("held-out", [c for c in clips if c not in tuning])):
        if not members:
            continue
        print(f"\n#### {split} clips ({len(members)}): {', '.join(members)}\n")
        head = "| copy |"
        rule = "|---|"
        for label in systems:
            head += f" {label}: WER | kept | under floor |"
            rule += "---|---|---|"
            if fw and label != fw:
                head += f" {label}: no speech |"
                rule += "---|"
        print(head)
        print(rule)
        for key in order:
            kind, level = key
            line = f"| {kind}{'' if level is None else f' {level} dB'} |"
            for label in systems:
                err = ref = hits = clean_hits = 0
                under = counted = nospeech = 0
                for n in rows[key]:
                    clip = parse(n)[0]
                    if clip not in members:
                        continue
                    r = get(label, n)
                    c = get(label, f"{clip}__clean")
                    refn = (c or r or {}).get("ref_words", 0)
                    if r is None:
                        e, h, w, found, trusted = refn, 0, 1.0, False, True
                    else:
                        e = r["subs"] + r["dels"] + r["ins"]
                        h, w = r["hits"], r["wer"]
                        found, trusted = r.get("speech_found", True), r.get("trusted", True)
                    err += e
                    ref += refn
                    hits += h
                    ch = c["hits"] if c else 0
                    clean_hits += ch
                    if kind == "clean":
                        continue
                    counted += 1
                    bad = h < 0.9 * ch or (c is not None and w > c["wer"] + 0.10) or c is None
                    if bad and level is not None and level < 10 and trusted is False:
                        bad = False
                    if bad:
                        under += 1
                        cw = c["wer"] if c else float("nan")
                        under_names.append(
                            f"{label}: {n} ({split}): WER {w:.0%} (clean {cw:.0%}), "
                            f"{h} of {ch} matched words kept"
                            + ("" if r is not None else " (no report)")
                        )
                    if fw and label != fw and found is False:
                        fr = get(fw, n)
                        if fr and fr["hyp_words"] >= 5:
                            nospeech += 1
                wer = f"{err / ref:.1%}" if ref else "-"
                kept = f"{hits / clean_hits:.1%}" if clean_hits else "-"
                floor = "-" if kind == "clean" else f"{under} of {counted}"
                line += f" {wer} | {kept} | {floor} |"
                if fw and label != fw:
                    line += f" {'-' if kind == 'clean' else nospeech} |"
            print(line)
    if under_names:
        print("\nUnder the floor:\n")
        for u in under_names:
            print(f"- {u}")
    if a.detail == "1":
        print("\nEvery copy (WER, matched/reference words, words written):\n")
        for n in names:
            cells = []
            for label in systems:
                r = get(label, n)
                cells.append(
                    f"{label} " + ("missing" if r is None else
                                   f"{r['wer']:.0%} {r['hits']}/{r['ref_words']} ({r['hyp_words']})")
                )
            print(f"- {n}: " + "; ".join(cells))


if __name__ == "__main__":
    main()
