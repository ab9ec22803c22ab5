#!/usr/bin/env bash
# Time and peak memory of `rehearse analyze` on long recordings, to show that both grow
# linearly with the length of the audio.
#
#   bash scripts/bench-long.sh                # 1, 5 and 15 minutes
#   MINUTES="1 5 15 60" bash scripts/bench-long.sh
#   FORMAT=m4a THREADS=1 bash scripts/bench-long.sh
#
# Each file is synthesised speech (espeak-ng) with pauses, concatenated to N minutes, stored
# as FORMAT (flac: 44.1 kHz stereo, through sox; m4a: AAC 44.1 kHz stereo, through ffmpeg), so
# decoding, mixing down and resampling are all part of what is measured. Wall time and peak
# resident memory come from GNU time (`apt-get install time`). Needs espeak-ng, sox, GNU time,
# ffmpeg for m4a, and a model (scripts/fetch-model.sh; MODEL= to pick another file).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
MINUTES="${MINUTES:-1 5 15}"
FORMAT="${FORMAT:-flac}"
THREADS="${THREADS:-$(nproc)}"
MODEL="${MODEL:-$here/models/ggml-tiny.en.bin}"
WORK="${WORK:-$(mktemp -d)}"
BIN="$here/target/release/rehearse"

for tool in espeak-ng sox /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-long: needs $tool" >&2; exit 1; }
done
if [ "$FORMAT" = m4a ]; then
    command -v ffmpeg >/dev/null || { echo "bench-long: FORMAT=m4a needs ffmpeg" >&2; exit 1; }
fi
[ -f "$MODEL" ] || { echo "bench-long: no model at $MODEL (run scripts/fetch-model.sh)" >&2; exit 1; }

(cd "$here" && cargo build --release --quiet)

# About one minute of answer: sentences with short and long pauses, some fillers.
sentences=(
    "So, um, in my last job I was asked to lead a small team of four developers."
    "We had a hard deadline, and, you know, the client changed the scope twice."
    "I split the work into small pieces and talked to the client every morning."
    "Uh, the first week was difficult, because two people were on holiday."
    "I took over the testing myself, and we kept a short list of open risks."
    "In the end we shipped two days early, and the client renewed the contract."
    "What I learned is that, um, short daily check-ins beat long weekly reports."
    "I now do the same thing with every new project, and it has worked well."
)
minute="$WORK/minute.wav"
if [ ! -f "$minute" ]; then
    parts=()
    i=0
    for s in "${sentences[@]}"; do
        espeak-ng -s 150 -w "$WORK/s$i.wav" "$s"
        pause=$([ $((i % 3)) -eq 2 ] && echo 2.5 || echo 0.6)
        sox "$WORK/s$i.wav" "$WORK/p$i.wav" pad 0 "$pause"
        parts+=("$WORK/p$i.wav")
        i=$((i + 1))
    done
    sox "${parts[@]}" "$WORK/raw.wav"
    # Exactly 60 s: pad with silence or cut.
    sox "$WORK/raw.wav" -r 44100 -c 2 "$minute" pad 0 60 trim 0 60
fi

# cpu_s (user + system) is what to compare on a shared machine: wall time also counts the
# time other processes held the cores. extra_mb_per_min is the growth of the peak over the
# first (shortest) file, per added minute of audio: the slope that must stay flat.
printf '| %7s | %7s | %7s | %12s | %17s | %17s | %16s |\n' \
    minutes wall_s cpu_s peak_rss_mb cpu_s_per_audio_min mb_per_audio_min extra_mb_per_min
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ---------: ---------: ---------: --------------: \
    -------------------: -------------------: ------------------:
base_rss=""
base_min=""
for m in $MINUTES; do
    file="$WORK/long-$m.$FORMAT"
    if [ ! -f "$file" ]; then
        list=()
        for _ in $(seq "$m"); do list+=("$minute"); done
        sox "${list[@]}" "$WORK/long-$m.wav"
        case "$FORMAT" in
            flac) sox "$WORK/long-$m.wav" "$file" ;;
            m4a) ffmpeg -loglevel error -y -i "$WORK/long-$m.wav" -c:a aac -b:a 96k "$file" ;;
            wav) cp "$WORK/long-$m.wav" "$file" ;;
            *) echo "bench-long: FORMAT must be flac, m4a or wav" >&2; exit 1 ;;
        esac
        rm -f "$WORK/long-$m.wav"
    fi
    /usr/bin/time -v -o "$WORK/time-$m.txt" \
        "$BIN" analyze "$file" --model "$MODEL" --threads "$THREADS" -q -f json \
        >"$WORK/report-$m.json"
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' \
        "$WORK/time-$m.txt")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/time-$m.txt")
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time-$m.txt")
    rss=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k / 1024}')
    if [ -z "$base_rss" ]; then
        base_rss=$rss
        base_min=$m
        extra="-"
    else
        extra=$(awk -v r="$rss" -v b="$base_rss" -v m="$m" -v bm="$base_min" \
            'BEGIN {printf "%.2f", (r - b) / (m - bm)}')
    fi
    awk -v m="$m" -v w="$wall" -v c="$cpu" -v r="$rss" -v e="$extra" 'BEGIN {
        printf "| %7s | %7.1f | %7.1f | %12.1f | %17.2f | %17.1f | %16s |\n",
            m, w, c, r, c / m, r / m, e }'
done
echo "(files and reports in $WORK; threads $THREADS; format $FORMAT)"
