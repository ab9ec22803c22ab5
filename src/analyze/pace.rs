//! Pace: how fast the answer is spoken, overall and over time.
//!
//! Words per minute is counted over the speaking span (first to last speech), so silence
//! before and after the answer does not slow it down. Articulation rate leaves out the
//! pauses too: a fast talker who pauses a lot has a normal wpm but a high articulation rate.

use serde::{Deserialize, Serialize};

use super::Verdict;
use crate::config::Range;
use crate::transcribe::Word;

/// Fewer words than this give no meaningful rate.
pub const MIN_WORDS: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaceWindow {
    pub start_s: f64,
    pub end_s: f64,
    pub words: usize,
    pub wpm: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaceStats {
    /// Words per minute over the speaking span.
    pub wpm: f64,
    /// Words per minute of speaking time (span minus pauses).
    pub articulation_wpm: f64,
    pub span_s: f64,
    pub speaking_time_s: f64,
    pub target: Range,
    pub verdict: Verdict,
    pub window_s: f64,
    pub windows: Vec<PaceWindow>,
    /// Windows whose pace is outside the target range.
    pub windows_off_target: usize,
}

impl PaceStats {
    /// Windows at least half the window width long: the ones judged against the target,
    /// counted in the report and drawn in the chart. A last window of a second or two holds
    /// too few words for a rate (2 words in 1 s read as 120 wpm).
    pub fn judged_windows(&self) -> impl Iterator<Item = &PaceWindow> {
        self.windows
            .iter()
            .filter(move |w| w.end_s - w.start_s >= self.window_s / 2.0)
    }
}

pub fn measure(
    words: &[Word],
    span: Option<(f64, f64)>,
    pause_total_s: f64,
    target: Range,
    window_s: f64,
) -> PaceStats {
    let (start, end) = span.unwrap_or((0.0, 0.0));
    let span_s = (end - start).max(0.0);
    let speaking_time_s = (span_s - pause_total_s).max(0.0);
    let per_minute = |n: usize, secs: f64| {
        if secs > 0.0 {
            n as f64 * 60.0 / secs
        } else {
            0.0
        }
    };
    let wpm = per_minute(words.len(), span_s);
    let verdict = if words.len() < MIN_WORDS || span_s <= 0.0 {
        Verdict::NotEnoughSpeech
    } else {
        Verdict::against(wpm, target, Verdict::TooSlow, Verdict::TooFast)
    };
    let mut stats = PaceStats {
        wpm,
        articulation_wpm: per_minute(words.len(), speaking_time_s),
        span_s,
        speaking_time_s,
        target,
        verdict,
        window_s,
        windows: windows(words, start, end, window_s),
        windows_off_target: 0,
    };
    stats.windows_off_target = stats
        .judged_windows()
        .filter(|w| w.wpm < target.min || w.wpm > target.max)
        .count();
    stats
}

/// Consecutive windows over `[start, end)`. A word counts in the window its start falls in;
/// words timed slightly outside the span (engine and signal disagree) go to the nearest window.
fn windows(words: &[Word], start: f64, end: f64, window_s: f64) -> Vec<PaceWindow> {
    if end <= start {
        return Vec::new();
    }
    let n = ((end - start) / window_s - 1e-9).ceil().max(1.0) as usize;
    let mut counts = vec![0usize; n];
    for w in words {
        let i = ((w.start_s - start) / window_s)
            .floor()
            .clamp(0.0, (n - 1) as f64);
        counts[i as usize] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, words)| {
            let a = start + i as f64 * window_s;
            let b = (a + window_s).min(end);
            PaceWindow {
                start_s: a,
                end_s: b,
                words,
                wpm: words as f64 * 60.0 / (b - a),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: Range = Range {
        min: 120.0,
        max: 165.0,
    };

    fn evenly(n: usize, start: f64, every: f64) -> Vec<Word> {
        (0..n)
            .map(|i| {
                let s = start + i as f64 * every;
                Word::new("word", s, s + every * 0.8)
            })
            .collect()
    }

    #[test]
    fn wpm_is_counted_over_the_speaking_span() {
        // 150 words spread over 60 s, after 5 s of silence.
        let w = evenly(150, 5.0, 0.4);
        let p = measure(&w, Some((5.0, 65.0)), 0.0, TARGET, 15.0);
        assert!((p.wpm - 150.0).abs() < 1e-9);
        assert_eq!(p.verdict, Verdict::OnTarget);
        assert_eq!(p.windows.len(), 4);
        assert!(
            p.windows.iter().all(|w| (w.wpm - 150.0).abs() < 5.0),
            "{:?}",
            p.windows
        );
    }

    #[test]
    fn articulation_rate_excludes_pauses() {
        let w = evenly(100, 0.0, 0.3);
        let p = measure(&w, Some((0.0, 60.0)), 20.0, TARGET, 15.0);
        assert!((p.wpm - 100.0).abs() < 1e-9);
        assert!((p.articulation_wpm - 150.0).abs() < 1e-9);
        assert_eq!(p.verdict, Verdict::TooSlow);
    }

    #[test]
    fn fast_speech_is_too_fast_and_windows_show_where() {
        let mut w = evenly(30, 0.0, 0.5); // 120 wpm for 15 s
        w.extend(evenly(60, 15.0, 0.25)); // 240 wpm for 15 s
        let p = measure(&w, Some((0.0, 30.0)), 0.0, TARGET, 15.0);
        assert_eq!(p.verdict, Verdict::TooFast);
        assert_eq!(p.windows.len(), 2);
        assert!((p.windows[0].wpm - 120.0).abs() < 5.0);
        assert!((p.windows[1].wpm - 240.0).abs() < 5.0);
        assert_eq!(p.windows_off_target, 1);
    }

    #[test]
    fn a_short_last_window_is_not_judged() {
        // 30 s at 150 wpm, then 1 s holding 5 words (300 wpm by arithmetic).
        let mut w = evenly(75, 0.0, 0.4);
        w.extend(evenly(5, 30.0, 0.2));
        let p = measure(&w, Some((0.0, 31.0)), 0.0, TARGET, 15.0);
        assert_eq!(p.windows.len(), 3);
        assert_eq!(p.judged_windows().count(), 2);
        assert_eq!(p.windows_off_target, 0);
    }

    #[test]
    fn a_few_words_are_not_enough_for_a_verdict() {
        let p = measure(&evenly(3, 0.0, 0.5), Some((0.0, 1.5)), 0.0, TARGET, 15.0);
        assert_eq!(p.verdict, Verdict::NotEnoughSpeech);
        let p = measure(&[], None, 0.0, TARGET, 15.0);
        assert_eq!((p.wpm, p.windows.len()), (0.0, 0));
    }
}
