#!/usr/bin/env python3
"""The noise matrix of issue #24: noisy copies of the real clips, made once, the same every time.

    python3 scripts/noise_matrix.py OUT_DIR CLIPS_DIR [--clips a,b] [--kinds white,pink]
                                    [--levels 20,15,10,5]
    python3 scripts/noise_matrix.py OUT_DIR CLIPS_DIR --copies clip__white_10db,clip__fan_5db

For every clip (CLIPS_DIR/*.wav, 16 kHz mono 16-bit) and noise kind and SNR, writes
OUT_DIR/<clip>__<kind>_<snr>db.wav and records what it did in OUT_DIR/manifest.json. A copy
already there (same name, same generator version) is left alone, so the script is idempotent
and a second run costs nothing.

Noise kinds:
  white  flat spectrum.
  pink   -3 dB per octave (1/f power), shaped in the frequency domain.
  babble four *other* real clips (the first four of BABBLE_VOICES that are not this clip),
         each brought to the same active-speech level, each looped from its own random offset
         to the clip's length, summed: a room of people talking at once.
  fan    brown noise (1/f^2) low-passed at 800 Hz, a blade-pass tone at 87 Hz with two
         harmonics, and a slow amplitude wobble (0.3 Hz, +-25 %): a desk fan at arm's length.
  hum    mains hum, 50 Hz with harmonics up to 450 Hz (odd ones stronger), plus a little
         broadband hiss 20 dB under the hum.

SNR: the noise's RMS over the whole copy is set SNR dB under the speech level of the clip,
where the speech level is the *active speech level* of ITU-T P.56 (method B): the RMS over the
samples where the speech envelope is above a threshold that sits 15.9 dB under the level
itself, with 0.2 s hangover. Not the whole-file RMS: the clips hold pauses (up to half their
length), and the whole-file RMS would set the noise lower on clips with long pauses than on
fluent ones, so "10 dB" would mean something different per clip. On these 13 clips the active
level is 0.0 to 4.7 dB above the whole-file RMS (mfa_acoustic_corpus 0.0: its own background
is within 16 dB of its speech, so P.56 counts it all as active; mfa_internalsil 4.7). P.56
measures the level of the voice while someone talks, the level the noise competes with, and is
how speech-in-noise test sets are usually mixed.

After mixing, a copy whose peak would pass 0.99 is turned down as a whole (speech and noise
together, so the SNR stays); 16-bit PCM, rounded. Every random draw comes from
numpy.random.default_rng([SEED, clip index, kind index]) with the clip index taken in sorted
name order over CLIPS_DIR: the same clip and kind give the same noise at every SNR (only its
gain differs) and on every machine.
"""

import argparse
import json
import math
import os
import re
import sys
import wave

import numpy as np

VERSION = 1
SEED = 24
RATE = 16000
KINDS = ["white", "pink", "babble", "fan", "hum"]
LEVELS = [20, 15, 10, 5]
BABBLE_VOICES = [
    "batchalign2_test",
    "mfa_acoustic_corpus",
    "batchalign2_asr_test",
    "mfa_crossword",
    "mfa_whatscalled",
]


def read_wav(path):
    with wave.open(path, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != RATE:
            sys.exit(f"noise_matrix: {path} is not 16 kHz mono 16-bit")
        data = w.readframes(w.getnframes())
    return np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0


def write_wav(path, x):
    pcm = np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")
    tmp = path + ".part"
    with wave.open(tmp, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    os.replace(tmp, path)


def one_pole(x, g):
    """y[n] = (1 - g) x[n] + g y[n-1], the P.56 envelope smoother."""
    y = np.empty_like(x)
    acc = 0.0
    a = 1.0 - g
    for i, v in enumerate(x.tolist()):
        acc = a * v + g * acc
        y[i] = acc
    return y


def active_level(x):
    """ITU-T P.56 method B active speech level of x, as an RMS amplitude (not dB)."""
    t, h, margin = 0.03, 0.2, 15.9
    g = math.exp(-1.0 / (RATE * t))
    hang = int(math.ceil(RATE * h))
    env = one_pole(one_pole(np.abs(x), g), g)
    energy = float(np.sum(x * x))
    idx = np.arange(len(x))
    prev_a = prev_c = None
    for j in range(16):
        c = 2.0 ** (j - 15)
        above = np.where(env >= c, idx, -(10**9))
        last = np.maximum.accumulate(above)
        active = int(np.sum(idx - last <= hang))
        if active == 0:
            break
        a_db = 10 * math.log10(energy / active + 1e-20)
        c_db = 20 * math.log10(c)
        if a_db - c_db <= margin:
            if prev_a is None:
                return 10 ** (a_db / 20)
            # Interpolate between the last threshold above the margin and this one.
            d0, d1 = prev_a - prev_c, a_db - c_db
            f = (d0 - margin) / (d0 - d1)
            return 10 ** ((prev_a + f * (a_db - prev_a)) / 20)
        prev_a, prev_c = a_db, c_db
    # Fallback (almost silent clip): the RMS of the louder half of 20 ms frames.
    frames = np.sort(np.sqrt(np.mean(x[: len(x) // 320 * 320].reshape(-1, 320) ** 2, axis=1)))
    return float(np.sqrt(np.mean(frames[len(frames) // 2 :] ** 2)))


def shaped(rng, n, gain_of_f):
    """White Gaussian noise of n samples shaped by gain_of_f(freqs) in the frequency domain."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1.0 / RATE)
    spec *= gain_of_f(f)
    y = np.fft.irfft(spec, n)
    return y / (np.sqrt(np.mean(y * y)) + 1e-20)


def rms(x):
    return float(np.sqrt(np.mean(x * x)))


def noise(kind, rng, n, clip, clips_dir, names):
    t = np.arange(n) / RATE
    if kind == "white":
        return rng.standard_normal(n)
    if kind == "pink":
        return shaped(rng, n, lambda f: 1.0 / np.sqrt(np.maximum(f, 20.0)))
    if kind == "fan":
        brown = shaped(
            rng, n, lambda f: (1.0 / np.maximum(f, 20.0)) / np.sqrt(1 + (f / 800.0) ** 4)
        )
        bpf = 87.0
        phase = rng.uniform(0, 2 * np.pi, 3)
        tone = sum(
            a * np.sin(2 * np.pi * bpf * k * t + p)
            for k, a, p in zip((1, 2, 3), (1.0, 0.5, 0.25), phase)
        )
        wobble = 1.0 + 0.25 * np.sin(2 * np.pi * 0.3 * t + rng.uniform(0, 2 * np.pi))
        # The tone 6 dB under the broadband part, both wobbling with the blades' speed.
        return (brown + 0.5 * tone / rms(tone)) * wobble
    if kind == "hum":
        hum = np.zeros(n)
        for k in range(1, 10):
            amp = (1.0 if k % 2 else 0.4) / k
            hum += amp * np.sin(2 * np.pi * 50.0 * k * t + rng.uniform(0, 2 * np.pi))
        hum /= rms(hum)
        return hum + 0.1 * rng.standard_normal(n)
    if kind == "babble":
        voices = [v for v in BABBLE_VOICES if v != clip and v in names][:4]
        if not voices:
            # Another set of clips (FIXTURES of bench-noise.sh, e.g. make-long-takes.py): four
            # of another family (first letter of the name: its r takes are the same real
            # clips joined in other orders, and must not babble their own words).
            voices = [v for v in names if v[:1] != clip[:1]][:4]
        out = np.zeros(n)
        for v in voices:
            y = read_wav(os.path.join(clips_dir, v + ".wav"))
            y = y / active_level(y)
            start = int(rng.integers(0, len(y)))
            reps = int(math.ceil((n + start) / len(y))) + 1
            out += np.tile(y, reps)[start : start + n]
        return out
    raise ValueError(kind)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("clips_dir")
    ap.add_argument("--clips", default="")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--levels", default=",".join(map(str, LEVELS)))
    ap.add_argument(
        "--copies",
        default="",
        help="only these copies, by name (<clip>__<kind>_<snr>db), instead of the cross product",
    )
    a = ap.parse_args()
    names = sorted(f[:-4] for f in os.listdir(a.clips_dir) if f.endswith(".wav"))
    clips = [c for c in a.clips.split(",") if c] or names
    kinds = [k for k in a.kinds.split(",") if k]
    levels = [int(v) for v in a.levels.split(",") if v]
    wanted = None
    if a.copies:
        wanted = set()
        for name in a.copies.split(","):
            m = re.fullmatch(r"(\w+?)__([a-z]+)_(\d+)db", name)
            if not m:
                sys.exit(f"noise_matrix: {name} is not <clip>__<kind>_<snr>db")
            wanted.add((m.group(1), m.group(2), int(m.group(3))))
        clips = sorted({c for c, _, _ in wanted})
        kinds = sorted({k for _, k, _ in wanted})
        levels = sorted({v for _, _, v in wanted}, reverse=True)
    for c in clips:
        if c not in names:
            sys.exit(f"noise_matrix: no clip {c} in {a.clips_dir}")
    for k in kinds:
        if k not in KINDS:
            sys.exit(f"noise_matrix: unknown noise kind {k} (known: {', '.join(KINDS)})")
    os.makedirs(a.out_dir, exist_ok=True)
    manifest_path = os.path.join(a.out_dir, "manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    made = 0
    for c in clips:
        x = None
        for k in kinds:
            todo = []
            for snr in levels:
                if wanted is not None and (c, k, snr) not in wanted:
                    continue
                name = f"{c}__{k}_{snr}db"
                path = os.path.join(a.out_dir, name + ".wav")
                entry = manifest.get(name)
                if entry and entry.get("version") == VERSION and os.path.exists(path):
                    continue
                todo.append((snr, name, path))
            if not todo:
                continue
            if x is None:
                x = read_wav(os.path.join(a.clips_dir, c + ".wav"))
                speech = active_level(x)
            rng = np.random.default_rng([SEED, names.index(c), KINDS.index(k)])
            nz = noise(k, rng, len(x), c, a.clips_dir, names)
            nz = nz / rms(nz)
            for snr, name, path in todo:
                mix = x + nz * speech * 10 ** (-snr / 20)
                peak = float(np.max(np.abs(mix)))
                gain = min(1.0, 0.99 / peak) if peak > 0 else 1.0
                write_wav(path, mix * gain)
                manifest[name] = {
                    "version": VERSION,
                    "clip": c,
                    "kind": k,
                    "snr_db": snr,
                    "speech_level_dbfs": round(20 * math.log10(speech), 2),
                    "whole_file_rms_dbfs": round(20 * math.log10(rms(x)), 2),
                    "noise_rms_dbfs": round(20 * math.log10(speech) - snr, 2),
                    "gain_after_mix_db": round(20 * math.log10(gain), 2),
                }
                made += 1
    with open(manifest_path + ".part", "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    os.replace(manifest_path + ".part", manifest_path)
    print(f"noise_matrix: {made} copies made, the rest already there", file=sys.stderr)


if __name__ == "__main__":
    main()
