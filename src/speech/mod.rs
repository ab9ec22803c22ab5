//! Where speech is: a trained voice activity detector's per-frame speech probabilities, and the
//! regions built from them.
//!
//! A global energy threshold is not a voice activity detector: on real recordings one loud
//! frame (a click, a cough, a noisy first second) lifts it, and a quieter voice later in the
//! take falls under it (a real 26 s take was judged silent for 12 s while the speaker talked).
//! So speech is found by Silero VAD ([`silero`]), a small trained network that whisper.cpp
//! runs, and every decision below starts from its probabilities.
//!
//! One [`SpeechMap`] per take answers two different questions:
//! - **Where is someone surely speaking?** [`SpeechMap::speech`]: regions that start where the
//!   probability reaches [`Policy::speech_on`] and end only when it stays below
//!   [`Policy::speech_off`] for [`Policy::min_silence_s`]. Pauses and the answer's span are
//!   measured between these regions.
//! - **What must Whisper hear?** [`SpeechMap::to_transcribe`]: everything except stretches
//!   where the detector is confident of silence (probability below [`Policy::silence_below`]).
//!   Unsure stretches (a soft "uh", a word under noise) go to Whisper too: a word the
//!   detector missed is still transcribed.
//!
//! Silero is not level-invariant (a quiet microphone scores as silence), so it hears a copy of
//! the take with the level evened out ([`level`]); everything else uses the original samples.
//!
//! The map is plain data and the policy plain functions, so both are unit-tested on
//! hand-written probabilities; the real detector is exercised end to end on real recordings.

pub mod denoise;
pub mod level;
pub mod noise;
pub mod silero;

use serde::Serialize;

/// Thresholds that turn per-frame speech probabilities into regions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Policy {
    /// A speech region starts at a frame at least this likely to be speech.
    pub speech_on: f32,
    /// ... and ends where frames fall below this (hysteresis, as in Silero's own code) ...
    pub speech_off: f32,
    /// ... for at least this long, seconds. Shorter dips stay inside the region.
    pub min_silence_s: f64,
    /// Regions shorter than this are dropped, seconds.
    pub min_speech_s: f64,
    /// Frames below this are confidently silent; everything else may be speech and is
    /// transcribed.
    pub silence_below: f32,
    /// Unsure stretches (outside speech regions, at or above `silence_below`) shorter than
    /// this are noise, not a word, seconds.
    pub min_unsure_s: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            speech_on: 0.5,
            speech_off: 0.35,
            min_silence_s: 0.1,
            min_speech_s: 0.1,
            silence_below: 0.15,
            min_unsure_s: 0.1,
        }
    }
}

/// Where speech is in one take: the detector's probability for every frame, and the regions
/// the [`Policy`] builds from them. Times are seconds from the start of the take.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeechMap {
    /// Length of one frame, seconds (Silero: 512 samples at 16 kHz = 32 ms).
    pub frame_s: f64,
    /// Speech probability of frame `i`, which covers `[i * frame_s, (i + 1) * frame_s)`.
    pub probabilities: Vec<f32>,
    pub duration_s: f64,
    pub policy: Policy,
    /// Where someone is surely speaking: ordered, non-overlapping `(start_s, end_s)`.
    pub speech: Vec<(f64, f64)>,
    /// Stretches outside `speech` that may be speech: ordered, non-overlapping.
    pub unsure: Vec<(f64, f64)>,
}

impl SpeechMap {
    /// Build the regions from per-frame probabilities.
    pub fn from_probabilities(
        probabilities: Vec<f32>,
        frame_s: f64,
        duration_s: f64,
        policy: Policy,
    ) -> Self {
        let frame_s = frame_s.max(1e-6);
        let speech = speech_regions(&probabilities, frame_s, duration_s, &policy);
        let unsure = unsure_regions(&probabilities, frame_s, duration_s, &policy, &speech);
        SpeechMap {
            frame_s,
            probabilities,
            duration_s,
            policy,
            speech,
            unsure,
        }
    }

    /// A take with no frames at all (an empty recording).
    pub fn empty(duration_s: f64) -> Self {
        Self::from_probabilities(Vec::new(), 0.032, duration_s, Policy::default())
    }

    /// This map with `regions` (seconds) taken as sure speech: their frames score at least
    /// just over [`Policy::speech_on`]. For stretches where Whisper heard words that the
    /// detector did not (speech under steady noise).
    pub fn with_speech(&self, regions: &[(f64, f64)]) -> SpeechMap {
        let mut probabilities = self.probabilities.clone();
        let sure = (self.policy.speech_on + 0.05).min(1.0);
        let n = probabilities.len();
        let frame = |t: f64| ((t / self.frame_s).max(0.0) as usize).min(n);
        for &(a, b) in regions {
            let (from, to) = (frame(a), frame(b));
            for p in &mut probabilities[from..to.max(from)] {
                *p = p.max(sure);
            }
        }
        SpeechMap::from_probabilities(probabilities, self.frame_s, self.duration_s, self.policy)
    }

    /// Seconds of sure speech.
    pub fn speech_s(&self) -> f64 {
        self.speech.iter().map(|&(a, b)| b - a).sum()
    }

    /// The map this take would have if `seconds` of confident silence followed it: the same
    /// regions, the last one ending with the take's last frame.
    pub fn followed_by_silence(&self, seconds: f64) -> SpeechMap {
        let extra = (seconds.max(0.0) / self.frame_s).ceil() as usize;
        let mut probabilities = self.probabilities.clone();
        // Frames cover whole 32 ms; the take's last may be cut short.
        let covered = probabilities.len() as f64 * self.frame_s;
        probabilities.resize(probabilities.len() + extra, 0.0);
        SpeechMap::from_probabilities(
            probabilities,
            self.frame_s,
            covered.max(self.duration_s) + extra as f64 * self.frame_s,
            self.policy,
        )
    }

    pub fn has_speech(&self) -> bool {
        !self.speech.is_empty()
    }

    /// Start of the first and end of the last sure speech.
    pub fn span(&self) -> Option<(f64, f64)> {
        Some((self.speech.first()?.0, self.speech.last()?.1))
    }

    /// The speech probability at time `t` (0 outside the take).
    pub fn probability_at(&self, t: f64) -> f32 {
        if t < 0.0 {
            return 0.0;
        }
        self.probabilities
            .get((t / self.frame_s) as usize)
            .copied()
            .unwrap_or(0.0)
    }

    /// Frames overlapping `[a, b)`, clamped to the take.
    fn frames(&self, a: f64, b: f64) -> std::ops::Range<usize> {
        let n = self.probabilities.len();
        let lo = ((a.max(0.0) / self.frame_s).floor() as usize).min(n);
        let hi = ((b.max(0.0) / self.frame_s).ceil() as usize).clamp(lo, n);
        lo..hi
    }

    /// True when every frame in `[a, b)` is confidently silent, so the stretch can be left
    /// out of transcription without losing a word.
    pub fn confidently_silent(&self, a: f64, b: f64) -> bool {
        self.probabilities[self.frames(a, b)]
            .iter()
            .all(|p| *p < self.policy.silence_below)
    }

    /// The middle of the least speech-like frame in `[a, b]`: where to cut between two
    /// pieces when the stretch between them cannot be left out. `a` for an empty range.
    pub fn quietest(&self, a: f64, b: f64) -> f64 {
        let range = self.frames(a, b);
        let start = range.start;
        let best = self.probabilities[range]
            .iter()
            .enumerate()
            .min_by(|x, y| x.1.total_cmp(y.1));
        match best {
            Some((i, _)) => ((start + i) as f64 + 0.5) * self.frame_s,
            None => a,
        }
        .clamp(a, b.max(a))
    }

    /// True when `t` lies in a sure or unsure region: something may be said there.
    pub fn may_be_speech(&self, t: f64) -> bool {
        self.speech
            .iter()
            .chain(&self.unsure)
            .any(|&(a, b)| a <= t && t < b)
    }

    /// Everything that may be speech, sure or unsure, in time order: what Whisper must hear.
    pub fn to_transcribe(&self) -> Vec<(f64, f64)> {
        let mut all: Vec<(f64, f64)> = self.speech.iter().chain(&self.unsure).copied().collect();
        all.sort_by(|x, y| x.0.total_cmp(&y.0));
        all
    }
}

/// A map for unit tests: probabilities from `(value, frames)` runs, frames of `frame_s`, the
/// default policy, the take exactly as long as its frames.
#[cfg(test)]
pub(crate) fn test_map(runs: &[(f32, usize)], frame_s: f64) -> SpeechMap {
    let p: Vec<f32> = runs
        .iter()
        .flat_map(|&(v, n)| std::iter::repeat_n(v, n))
        .collect();
    let d = p.len() as f64 * frame_s;
    SpeechMap::from_probabilities(p, frame_s, d, Policy::default())
}

/// Hysteresis over the probabilities: [`Policy::speech_on`] starts a region, a run of at
/// least [`Policy::min_silence_s`] below [`Policy::speech_off`] ends it.
fn speech_regions(probs: &[f32], frame_s: f64, duration_s: f64, p: &Policy) -> Vec<(f64, f64)> {
    let min_silence = (p.min_silence_s / frame_s).ceil().max(1.0) as usize;
    let time = |i: usize| (i as f64 * frame_s).min(duration_s);
    let mut out = Vec::new();
    let mut push = |start: usize, end: usize| {
        let (a, b) = (time(start), time(end));
        if b - a >= p.min_speech_s - 1e-9 {
            out.push((a, b));
        }
    };
    // (start frame, end frame = one past the last frame at or above speech_off)
    let mut open: Option<(usize, usize)> = None;
    for (i, &prob) in probs.iter().enumerate() {
        open = match open {
            None if prob >= p.speech_on => Some((i, i + 1)),
            None => None,
            Some((start, _)) if prob >= p.speech_off => Some((start, i + 1)),
            Some((start, end)) if i + 1 - end >= min_silence => {
                push(start, end);
                None
            }
            still_open => still_open,
        };
    }
    if let Some((start, end)) = open {
        push(start, end);
    }
    out
}

/// Runs of frames at or above [`Policy::silence_below`] that lie outside every speech
/// region, at least [`Policy::min_unsure_s`] long.
fn unsure_regions(
    probs: &[f32],
    frame_s: f64,
    duration_s: f64,
    p: &Policy,
    speech: &[(f64, f64)],
) -> Vec<(f64, f64)> {
    let time = |i: usize| (i as f64 * frame_s).min(duration_s);
    let inside_speech = |i: usize| {
        let mid = (i as f64 + 0.5) * frame_s;
        speech.iter().any(|&(a, b)| a <= mid && mid < b)
    };
    let mut out = Vec::new();
    let mut start = None;
    for i in 0..=probs.len() {
        let unsure = i < probs.len() && probs[i] >= p.silence_below && !inside_speech(i);
        match (unsure, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let (a, b) = (time(s), time(i));
                if b - a >= p.min_unsure_s - 1e-9 {
                    out.push((a, b));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: f64 = 0.032;

    fn map(runs: &[(f32, usize)]) -> SpeechMap {
        test_map(runs, F)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn speech_regions_follow_the_probabilities_with_hysteresis() {
        // 10 silent, 20 speech, 2 at 0.4 (a dip above speech_off), 20 speech, 30 silent,
        // 10 speech.
        let m = map(&[
            (0.02, 10),
            (0.9, 20),
            (0.4, 2),
            (0.9, 20),
            (0.02, 30),
            (0.95, 10),
        ]);
        assert_eq!(m.speech.len(), 2, "{:?}", m.speech);
        assert!(close(m.speech[0].0, 10.0 * F) && close(m.speech[0].1, 52.0 * F));
        assert!(close(m.speech[1].0, 82.0 * F) && close(m.speech[1].1, 92.0 * F));
        assert_eq!(m.span(), Some((10.0 * F, 92.0 * F)));
    }

    #[test]
    fn a_short_dip_does_not_end_speech_and_a_long_one_does() {
        // min_silence_s 0.1 s = 4 frames of 32 ms.
        let short = map(&[(0.9, 10), (0.1, 3), (0.9, 10)]);
        assert_eq!(short.speech.len(), 1, "{:?}", short.speech);
        let long = map(&[(0.9, 10), (0.1, 4), (0.9, 10)]);
        assert_eq!(long.speech.len(), 2, "{:?}", long.speech);
        assert!(close(long.speech[0].1, 10.0 * F) && close(long.speech[1].0, 14.0 * F));
    }

    #[test]
    fn speech_needs_the_start_threshold() {
        // Hovering between off and on never starts a region: it is unsure, not speech.
        let m = map(&[(0.02, 10), (0.45, 20), (0.02, 10)]);
        assert!(!m.has_speech());
        assert_eq!(m.unsure.len(), 1);
        assert!(close(m.unsure[0].0, 10.0 * F) && close(m.unsure[0].1, 30.0 * F));
    }

    #[test]
    fn unsure_stretches_are_transcribed_and_confident_silence_is_not() {
        let m = map(&[(0.9, 20), (0.02, 40), (0.3, 10), (0.02, 40), (0.9, 20)]);
        let t = m.to_transcribe();
        assert_eq!(t.len(), 3, "{t:?}");
        assert!(close(t[1].0, 60.0 * F) && close(t[1].1, 70.0 * F));
        assert!(m.confidently_silent(21.0 * F, 59.0 * F));
        assert!(!m.confidently_silent(21.0 * F, 61.0 * F));
    }

    #[test]
    fn a_blip_of_one_frame_is_not_a_word() {
        let m = map(&[(0.02, 20), (0.3, 1), (0.02, 20)]);
        assert!(m.to_transcribe().is_empty());
    }

    #[test]
    fn the_quietest_point_is_the_least_likely_frame() {
        let m = map(&[(0.9, 10), (0.3, 5), (0.05, 1), (0.3, 5), (0.9, 10)]);
        let cut = m.quietest(10.0 * F, 21.0 * F);
        assert!(close(cut, 15.5 * F), "{cut}");
        assert_eq!(m.quietest(5.0, 4.0), 5.0);
    }

    #[test]
    fn silence_after_a_take_keeps_its_regions_and_closes_the_last() {
        let m = map(&[(0.02, 10), (0.9, 20), (0.02, 5), (0.3, 6)]);
        let longer = m.followed_by_silence(1.0);
        assert_eq!(longer.speech, m.speech);
        assert_eq!(longer.unsure, m.unsure);
        assert_eq!(longer.probabilities.len(), 41 + 32);
        assert!(close(longer.duration_s, 73.0 * F));
        assert!(longer.confidently_silent(41.0 * F, longer.duration_s));
    }

    #[test]
    fn no_frames_no_speech() {
        let m = SpeechMap::empty(3.0);
        assert!(!m.has_speech() && m.to_transcribe().is_empty());
        assert_eq!(m.probability_at(1.0), 0.0);
        assert!(m.confidently_silent(0.0, 3.0));
    }

    #[test]
    fn regions_never_pass_the_end_of_the_take() {
        // The last frame is padded past the end of the audio.
        let m = SpeechMap::from_probabilities(vec![0.9; 10], F, 9.5 * F, Policy::default());
        assert!(close(m.speech[0].1, 9.5 * F), "{:?}", m.speech);
    }
}
