#!/usr/bin/env python3
"""Plain faster-whisper on many files in one process (the model loads once), for
scripts/bench-noise.sh.

    python noise_fw.py MODEL_DIR OUT_DIR AUDIO...

Writes OUT_DIR/<audio file name>.json for each AUDIO that has none yet, in the shape of a
rehearse report as far as the scorer reads one: {"speech_found": bool, "transcript": {"text",
"words": [{"text"}]}}. Settings are those of scripts/bench_faster_whisper.py, faster-whisper's
defaults for English (beam 5, int8 weights on the CPU, its own no-speech and temperature
fallback rules, no Silero filter), the whole file in one call; without word timestamps, which
only add times to the same text.
"""

import json
import os
import sys
import time

from faster_whisper import WhisperModel


def main() -> None:
    model_dir, out_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    threads = int(os.environ.get("FW_THREADS", "0"))
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads)
    for audio in files:
        out = os.path.join(out_dir, os.path.basename(audio) + ".json")
        if os.path.exists(out):
            continue
        t0 = time.monotonic()
        segments, _ = model.transcribe(audio, language="en")
        texts = [s.text.strip() for s in segments]
        words = [w for t in texts for w in t.split()]
        report = {
            "speech_found": bool(words),
            "transcript": {"text": " ".join(texts), "words": [{"text": w} for w in words]},
            "seconds": round(time.monotonic() - t0, 3),
        }
        with open(out + ".part", "w") as f:
            json.dump(report, f)
        os.replace(out + ".part", out)


if __name__ == "__main__":
    main()
