//! Long recordings are transcribed in windows of a few minutes, cut in silences.
//!
//! Whisper itself works through 30 s windows, but `whisper_full` on an hour of audio builds the
//! mel spectrogram of the whole hour at once and reports progress only per call. Cutting the
//! recording into windows of about [`TARGET_S`] (never more than [`MAX_S`]) keeps that bounded;
//! each cut is placed in the longest silence the signal's speech regions show near the target,
//! so no word is split, and the words' timestamps are shifted back by the window's start.

/// Aim for windows this long, seconds.
pub const TARGET_S: f64 = 150.0;
/// Never hand Whisper more than this at once, seconds. Whisper's memory for one call grows
/// with its input (about 0.2 MB per second of audio measured with tiny.en: padded samples plus
/// the mel spectrogram), so this bounds the engine's share of the peak; see docs/audio.md.
pub const MAX_S: f64 = 300.0;

/// One window `[start_s, end_s)` of the recording, and whether the signal has speech in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chunk {
    pub start_s: f64,
    pub end_s: f64,
    pub has_speech: bool,
}

impl Chunk {
    pub fn duration_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// Cut `[0, duration_s)` into windows of at most `max_s`, aiming for `target_s`, cutting in the
/// silences between `speech` regions (ordered, non-overlapping `(start, end)` pairs). A recording
/// no longer than `max_s` is one window. Windows are contiguous and cover the whole recording.
pub fn plan(speech: &[(f64, f64)], duration_s: f64, target_s: f64, max_s: f64) -> Vec<Chunk> {
    let duration_s = duration_s.max(0.0);
    let max_s = max_s.max(1.0);
    let target_s = target_s.clamp(max_s / 4.0, max_s);
    let mut cuts = Vec::new();
    let mut start = 0.0;
    while duration_s - start > max_s {
        let cut = best_cut(speech, start + target_s, start + max_s)
            .or_else(|| best_cut(speech, start + target_s / 2.0, start + target_s))
            .unwrap_or(start + max_s);
        cuts.push(cut);
        start = cut;
    }
    let mut chunks = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0.0;
    for end in cuts.into_iter().chain(std::iter::once(duration_s)) {
        chunks.push(Chunk {
            start_s: start,
            end_s: end,
            has_speech: speech.iter().any(|&(a, b)| a < end && b > start),
        });
        start = end;
    }
    chunks
}

/// The middle of the longest silence whose middle falls in `[from, to]`, if any.
fn best_cut(speech: &[(f64, f64)], from: f64, to: f64) -> Option<f64> {
    speech
        .windows(2)
        .map(|pair| (pair[0].1, pair[1].0))
        .filter(|(a, b)| b > a)
        .map(|(a, b)| ((a + b) / 2.0, b - a))
        .filter(|&(mid, _)| mid >= from && mid <= to)
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(mid, _)| mid)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Speech in 10 s stretches with 1 s gaps, and one 3 s gap at `long_gap_at`.
    fn speech(total: f64, long_gap_at: f64) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        let mut t = 0.0;
        while t < total {
            let gap = if (t - long_gap_at).abs() < 5.5 {
                3.0
            } else {
                1.0
            };
            out.push((t, (t + 10.0).min(total)));
            t += 10.0 + gap;
        }
        out
    }

    #[test]
    fn a_short_take_is_one_window() {
        let c = plan(&[(1.0, 50.0)], 60.0, TARGET_S, MAX_S);
        assert_eq!(
            c,
            vec![Chunk {
                start_s: 0.0,
                end_s: 60.0,
                has_speech: true
            }]
        );
    }

    #[test]
    fn long_takes_are_cut_in_the_longest_silence_after_the_target() {
        let s = speech(3600.0, 210.0);
        let c = plan(&s, 3600.0, TARGET_S, MAX_S);
        assert!(c.len() >= 12 && c.len() <= 24, "{}", c.len());
        // The first cut lands in the 3 s gap near 210 s.
        assert!((c[0].end_s - 210.0).abs() < 12.0, "{:?}", c[0]);
        for w in c.windows(2) {
            assert_eq!(w[0].end_s, w[1].start_s);
        }
        for chunk in &c {
            assert!(chunk.duration_s() <= MAX_S + 1e-9);
            // No cut falls inside speech.
            assert!(!s.iter().any(|&(a, b)| a < chunk.end_s && chunk.end_s < b));
        }
        assert_eq!(c.last().unwrap().end_s, 3600.0);
    }

    #[test]
    fn continuous_sound_is_cut_at_the_maximum() {
        let c = plan(&[(0.0, 1500.0)], 1500.0, TARGET_S, MAX_S);
        let ends: Vec<f64> = c.iter().map(|c| c.end_s).collect();
        assert_eq!(ends, vec![300.0, 600.0, 900.0, 1200.0, 1500.0]);
    }

    #[test]
    fn silent_windows_are_marked() {
        let c = plan(&[(0.0, 10.0), (11.0, 20.0)], 2000.0, TARGET_S, MAX_S);
        assert!(c[0].has_speech);
        assert!(c[1..].iter().all(|c| !c.has_speech));
    }

    #[test]
    fn an_empty_recording_is_one_empty_window() {
        let c = plan(&[], 0.0, TARGET_S, MAX_S);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].duration_s(), 0.0);
    }
}
