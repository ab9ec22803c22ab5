//! Pauses: silences between speech regions, and where each falls among the words.
//!
//! A pause is measured between the speech detector's regions, never between word times
//! (Whisper's word ends absorb the silence that follows). Where it falls in the transcript is
//! decided here, once, by [`slot`]: every output (terminal, JSON, Markdown, HTML) shows it
//! before the same word.

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
    /// The pause comes just before transcript word number `word_index` (the number of words
    /// when it follows the last one). Absent in reports saved before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub word_index: Option<usize>,
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
            (duration >= min_s - 1e-9).then(|| {
                let k = words_before(words, start, end);
                PauseEvent {
                    start_s: start,
                    duration_s: duration,
                    long: duration >= long_s - 1e-9,
                    after_word: k.checked_sub(1).map(|i| words[i].text.clone()),
                    before_word: words.get(k).map(|w| w.text.clone()),
                    word_index: Some(k),
                }
            })
        })
        .collect();
    let total_s: f64 = events.iter().map(|e| e.duration_s).sum();
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

/// How many words come before the silence `[start, end)`: those that start before its
/// middle. Word starts are in time order.
fn words_before<W: Timed>(words: &[W], start: f64, end: f64) -> usize {
    let middle = (start + end) / 2.0;
    words.partition_point(|w| w.start() < middle)
}

/// Anything with a start time: transcript words, and the report's copies of them.
pub trait Timed {
    fn start(&self) -> f64;
}

impl Timed for Word {
    fn start(&self) -> f64 {
        self.start_s
    }
}

/// The number of the word a pause comes before (`words.len()` after the last word): the one
/// placement every output uses. Reports saved before pauses carried it are placed by the same
/// rule.
pub fn slot<W: Timed>(pause: &PauseEvent, words: &[W]) -> usize {
    pause
        .word_index
        .unwrap_or_else(|| words_before(words, pause.start_s, pause.start_s + pause.duration_s))
        .min(words.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vad(segments: &[(f64, f64)], duration: f64) -> SpeechActivity {
        SpeechActivity {
            segments: segments.to_vec(),
            duration_s: duration,
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
        assert_eq!(e.word_index, Some(1));
        assert_eq!(slot(e, &words), 1);
        assert_eq!(p.leading_silence_s, 1.0);
        assert_eq!(p.first_word_s, Some(4.5));
        assert!((p.per_minute - 60.0 / 9.0).abs() < 1e-9);
    }

    #[test]
    fn words_sharing_a_time_are_placed_once_for_every_output() {
        // Three words collapsed onto one time right after the pause, one before it.
        let v = vad(&[(0.0, 2.0), (5.0, 7.0)], 7.0);
        let words = vec![
            Word::new("so", 1.0, 1.5),
            Word::new("then", 5.0, 5.2),
            Word::new("we", 5.0, 5.2),
            Word::new("shipped", 5.0, 5.2),
        ];
        let p = measure(&v, &words, 0.25, 2.0);
        let e = &p.events[0];
        assert_eq!(e.word_index, Some(1));
        let old = PauseEvent {
            word_index: None,
            ..e.clone()
        };
        assert_eq!(slot(&old, &words), slot(e, &words));
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
    }
}
