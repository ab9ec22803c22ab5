#!/usr/bin/env python3
"""How much each history metric moves when nothing about the answer changed.

For each clip: analyse it twice as it is (run-to-run) and once at +1 dB and -1 dB (a level
change), each into its own data directory, and read the metrics back with `history --json
--all`. Prints, per metric, the largest and the 90th-percentile absolute change on the tuning
clips and on the held-out clips. Used to set compare's "about the same" bands
(src/history/metrics.rs, docs/history.md).

usage: scripts/compare_band.py [--bin target/release/rehearse] [--out DIR]
"""
import argparse, json, os, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests/fixtures/realspeech"
# Tuning clips and held-out clips, fixed before measuring (four minutes of analysis per clip
# on a loaded machine keeps the lists short; the held-out clips are the ones tests/history.rs
# copies at +-1 dB).
TUNE = ["batchalign2_asr_test", "mfa_acoustic_corpus", "mfa_cutoffprogressive", "mfa_um",
        "samples/fillers"]
HELD = ["batchalign2_test", "mfa_crossword", "samples/long-pauses"]
METRICS = ["answer_s", "wpm", "fillers_per_minute", "long_pauses", "pitch_variation_st",
           "trailing_off_pct", "star_parts", "star_score"]


def clip(name):
    return ROOT / (name + ".wav") if name.startswith("samples/") else REAL / (name + ".wav")


def metrics(binary, home, wav):
    env = dict(os.environ, REHEARSE_HOME=str(home), NO_COLOR="1")
    if not (home / "history").is_dir():
        subprocess.run([binary, "analyze", str(wav), "--threads", "2", "--format", "json", "--force"],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run([binary, "history", "--json", "--all"], env=env, check=True,
                         capture_output=True).stdout
    return json.loads(out)["takes"][-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/release/rehearse"))
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    work = Path(a.out or tempfile.mkdtemp(prefix="compare-band-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = {}
    for name in TUNE + HELD:
        src = clip(name)
        base = name.replace("/", "_")
        variants = {"a": src, "b": src}
        for db in ("+1", "-1"):
            p = work / f"{base}{db}dB.wav"
            subprocess.run(["sox", str(src), str(p), "gain", db], check=True)
            variants[db] = p
        rows[name] = {k: metrics(a.bin, work / f"home-{base}-{k}", p) for k, p in variants.items()}
        print(name, {k: {m: v[m] for m in METRICS} for k, v in rows[name].items()},
              file=sys.stderr, flush=True)
    (work / "rows.json").write_text(json.dumps(rows, indent=1))
    for label, names in (("tuning", TUNE), ("held-out", HELD)):
        print(f"\n{label} ({len(names)} clips): |change| run-to-run / level +-1 dB")
        for m in METRICS:
            rr, lv = [], []
            for n in names:
                r = rows[n]
                if r["a"][m] is not None and r["b"][m] is not None:
                    rr.append(abs(r["a"][m] - r["b"][m]))
                for k in ("+1", "-1"):
                    if r["a"][m] is not None and r[k][m] is not None:
                        lv.append(abs(r["a"][m] - r[k][m]))
            fmt = lambda xs: ("max %.2f, p90 %.2f (n=%d)" % (max(xs), sorted(xs)[int(0.9 * (len(xs) - 1))], len(xs))) if xs else "n/a"
            print(f"  {m:20} run-to-run {fmt(rr):28} level {fmt(lv)}")


if __name__ == "__main__":
    main()
