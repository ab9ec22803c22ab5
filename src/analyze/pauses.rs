//! Pauses: silences between speech, measured on the signal.

use serde::{Deserialize, Serialize};

use super::vad::SpeechActivity;
use crate::transcribe::Word;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PauseEvent {
    pub start_s: f64,
    pub duration_s: f64,
    /// At or above the long-pause threshold.
    pub long: bool,
    /// The last word said before the pause and the first after it, when known.
    pub after_word: Option<String>,
    pub before_word: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PauseStats {
    /// Pauses of at least `min_s` between the first and last speech.
    pub count: usize,
    pub long_count: usize,
    pub total_s: f64,
    pub per_minute: f64,
    pub longest_s: f64,
    /// Silence before the first speech (signal), seconds.
    pub leading_silence_s: f64,
    /// When the first transcribed word starts, seconds (None without words).
    pub first_word_s: Option<f64>,
    pub min_s: f64,
    pub long_threshold_s: f64,
    pub events: Vec<PauseEvent>,
}

/// Every silence of at least `min_s` between speech regions.
pub fn measure(vad: &SpeechActivity, words: &[Word], min_s: f64, long_s: f64) -> PauseStats {
    let events: Vec<PauseEvent> = vad
        .segments
        .windows(2)
        .filter_map(|pair| {
            let (start, end) = (pair[0].1, pair[1].0);
            let duration = end - start;
            (duration >= min_s - 1e-9).then(|| PauseEvent {
                start_s: start,
                duration_s: duration,
                long: duration >= long_s - 1e-9,
                after_word: nearest_before(words, start + 0.1),
                before_word: nearest_after(words, end - 0.1),
            })
        })
        .collect();
    // `+ 0.0`: an empty f64 sum is -0.0, which prints as "-0.0 s".
    let total_s = events.iter().map(|e| e.duration_s).sum::<f64>() + 0.0;
    let span_min = vad.span().map_or(0.0, |(a, b)| (b - a) / 60.0);
    PauseStats {
        count: events.len(),
        long_count: events.iter().filter(|e| e.long).count(),
        total_s,
        per_minute: if span_min > 0.0 {
            events.len() as f64 / span_min
        } else {
            0.0
        },
        longest_s: events.iter().map(|e| e.duration_s).fold(0.0, f64::max),
        leading_silence_s: vad.span().map_or(vad.duration_s, |(a, _)| a),
        first_word_s: words.first().map(|w| w.start_s),
        min_s,
        long_threshold_s: long_s,
        events,
    }
}

/// The last word that started before `t`.
fn nearest_before(words: &[Word], t: f64) -> Option<String> {
    words
        .iter()
        .rev()
        .find(|w| w.start_s < t)
        .map(|w| w.text.clone())
}

/// The first word that ends after `t`.
fn nearest_after(words: &[Word], t: f64) -> Option<String> {
    words.iter().find(|w| w.end_s > t).map(|w| w.text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vad(segments: &[(f64, f64)], duration: f64) -> SpeechActivity {
        SpeechActivity {
            segments: segments.to_vec(),
            duration_s: duration,
            threshold_db: -40.0,
            clipped_share: 0.0,
            speech_level_db: -20.0,
        }
    }

    #[test]
    fn long_pause_is_reported_with_its_neighbours() {
        let v = vad(&[(1.0, 3.0), (3.1, 5.0), (8.0, 10.0)], 11.0);
        let words = vec![
            Word::new("team.", 4.5, 6.0), // end absorbs the silence
            Word::new("Then", 8.05, 8.4),
        ];
        let p = measure(&v, &words, 0.25, 2.0);
        assert_eq!(p.count, 1, "the 0.1 s gap is not a pause");
        assert_eq!(p.long_count, 1);
        let e = &p.events[0];
        assert_eq!((e.start_s, e.duration_s), (5.0, 3.0));
        assert_eq!(e.after_word.as_deref(), Some("team."));
        assert_eq!(e.before_word.as_deref(), Some("Then"));
        assert_eq!(p.leading_silence_s, 1.0);
        assert_eq!(p.first_word_s, Some(4.5));
        assert!((p.per_minute - 60.0 / 9.0).abs() < 1e-9);
    }

    #[test]
    fn pause_at_the_threshold_counts() {
        let p = measure(&vad(&[(0.0, 1.0), (1.25, 2.0)], 2.0), &[], 0.25, 2.0);
        assert_eq!(p.count, 1);
        assert_eq!(p.long_count, 0);
    }

    #[test]
    fn silence_has_no_pauses_and_all_leading_silence() {
        let p = measure(&vad(&[], 5.0), &[], 0.25, 2.0);
        assert_eq!((p.count, p.leading_silence_s, p.per_minute), (0, 5.0, 0.0));
        assert_eq!(format!("{:.1}", p.total_s), "0.0");
    }
}
