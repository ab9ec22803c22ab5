//! Filled pauses the transcript does not hold, found in the signal.
//!
//! Whisper is trained to write what the speaker meant and drops many "uh"/"um". A filled
//! pause is a voiced sound held still: its pitch barely moves and its spectral envelope (the
//! vowel or the hum) barely changes for a few hundred milliseconds, where a word's sounds
//! change every 50-100 ms (Goto et al., Eurospeech 1999: recall 84.9 %, precision 91.5 % on
//! these cues alone). This pass looks for such *steady voiced runs*:
//!
//! 1. The pitch track ([`super::voice::pitch::track`], pYIN) gives the voiced frames (20 ms
//!    hop) and their F0; at each one the spectral envelope is measured (a 32 ms Hann window,
//!    FFT via `realfft`, log energy in mel-spaced bands, loudness removed).
//! 2. Voiced frames are grown into runs while each new frame stays within
//!    [`Settings::max_pitch_dev_st`] of the run's median pitch and its envelope within
//!    [`Settings::max_envelope_db`] of the run's mean envelope.
//! 3. A run is a filled pause when it lasts [`Settings::min_run_s`] to
//!    [`Settings::max_run_s`], its pitch and envelope are steady enough, and it sits where the
//!    transcript has no word for it: in a gap between words (or before the first / after the
//!    last), or at the end of a word that is far longer than its letters justify, after a dip
//!    in level that separates it from the word's own sound (Whisper folded "in, uhhh" into
//!    "in"). A long vowel inside a word ("so-o", "we-ell") is the word's own sound: it starts
//!    with the word, with no dip before it, and is not counted.
//! 4. Runs next to a filled pause the transcript already holds are that filler, not another.
//!
//! Precision comes first: a false "you said um" costs more trust than a miss, so every test
//! is strict and each event carries a confidence. The figures behind the thresholds (tuned on
//! part of the real and synthetic clips, scored once on the rest) are in the README.

use std::sync::Arc;

use realfft::{RealFftPlanner, RealToComplex};

use super::fillers::{FillerEvent, FillerKind, Source};
use super::voice::pitch::{median, semitones, std_dev, PitchFrame};
use crate::transcribe::Word;

/// FFT window for the spectral envelope (32 ms at 16 kHz).
const WINDOW: usize = 512;
/// Mel-spaced bands of the envelope, from [`BAND_LO_HZ`] to [`BAND_HI_HZ`].
const BANDS: usize = 20;
const BAND_LO_HZ: f64 = 100.0;
const BAND_HI_HZ: f64 = 4000.0;

/// Filler runs closer than this (seconds) are one filler.
const MERGE_S: f64 = 0.15;

/// The name a filler heard in the audio goes by: the pass cannot tell "uh" from "um" apart.
pub const HEARD_WORD: &str = "uh/um";

/// The thresholds of the pass (defaults tuned as the README describes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Shortest and longest steady run counted, seconds.
    pub min_run_s: f64,
    pub max_run_s: f64,
    /// A frame joins a run when its pitch is within this of the run's median, semitones...
    pub max_pitch_dev_st: f64,
    /// ...and its envelope within this RMS distance of the run's mean envelope, dB.
    pub max_envelope_db: f64,
    /// A run's pitch standard deviation must stay under this, semitones.
    pub max_pitch_sd_st: f64,
    /// Mean frame-to-frame envelope change must stay under this, dB.
    pub max_envelope_change_db: f64,
    /// A run is in a gap when at most this share of it is covered by a (non-filler) word.
    pub max_word_cover: f64,
    /// A word hides a filler when it is longer than its letters justify by at least this
    /// many seconds (expected: [`Settings::word_base_s`] + [`Settings::letter_s`] per letter).
    pub word_base_s: f64,
    pub letter_s: f64,
    /// The level dip between a word's own sound and the filler folded into it, dB.
    pub min_dip_db: f64,
    /// A run this close (seconds) to a transcribed filled pause is that filler.
    pub same_filler_s: f64,
    /// A run must be at most this far (dB) below the take's loud speech.
    pub max_below_speech_db: f64,
    /// A run in a gap must be at least this share of its voiced stretch.
    pub min_island_share: f64,
    /// A word "a" is a misheard "uh" when a run at least this long fills this share of it.
    pub min_misheard_s: f64,
    pub min_misheard_cover: f64,
    /// Count fillers folded into a long word (the word must end within
    /// [`Settings::max_after_folded_s`] of the run).
    pub count_folded: bool,
    pub max_after_folded_s: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            min_run_s: 0.2,
            max_run_s: 1.5,
            max_pitch_dev_st: 1.5,
            max_envelope_db: 5.0,
            max_pitch_sd_st: 1.0,
            max_envelope_change_db: 3.0,
            max_word_cover: 0.3,
            word_base_s: 0.25,
            letter_s: 0.07,
            min_dip_db: 6.0,
            same_filler_s: 0.35,
            max_below_speech_db: 30.0,
            min_island_share: 0.6,
            min_misheard_s: 0.3,
            min_misheard_cover: 0.6,
            count_folded: false,
            max_after_folded_s: 0.25,
        }
    }
}

/// One voiced frame with its envelope.
#[derive(Debug, Clone)]
struct Frame {
    time_s: f64,
    st: f64,
    /// Log band energies, dB, mean removed.
    envelope: [f64; BANDS],
    level_db: f64,
}

/// A stretch of voiced frames with a steady pitch and envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub start_s: f64,
    pub end_s: f64,
    /// Standard deviation of the pitch, semitones.
    pub pitch_sd_st: f64,
    /// Mean envelope change between neighbouring frames, dB.
    pub envelope_change_db: f64,
    /// Mean level, dBFS.
    pub level_db: f64,
}

impl Run {
    pub fn duration_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// Where a run sits relative to the transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Between words, or before the first or after the last.
    Gap,
    /// Inside a word far longer than its letters justify, after a dip.
    Folded,
    /// Filling a word "a" that Whisper wrote for a held "uh".
    Misheard,
    /// Inside a word's own time: the word's own sound.
    InWord,
    /// Next to a filled pause the transcript already holds.
    Transcribed,
}

/// A steady run with what the pass decided about it (for the benchmark and tests).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub run: Run,
    pub place: Place,
    /// The run passes the steadiness, length and level tests.
    pub steady: bool,
    pub confidence: f64,
    /// The word holding most of the run, if any.
    pub word: Option<usize>,
}

impl Candidate {
    /// Counted as a filled pause found in the audio.
    pub fn is_filler(&self) -> bool {
        self.steady && matches!(self.place, Place::Gap | Place::Folded | Place::Misheard)
    }
}

/// Filled pauses in mono `samples` at `rate` Hz that the transcript does not hold, as filler
/// events with `source: audio`. `pitch` is the take's pitch track, `words` its transcript and
/// `transcribed` the fillers already found in it; `speech_level_db` the level of its loud
/// speech.
pub fn detect(
    samples: &[f32],
    rate: u32,
    pitch: &[PitchFrame],
    words: &[Word],
    transcribed: &[FillerEvent],
    speech_level_db: f64,
) -> Vec<FillerEvent> {
    candidates(
        samples,
        rate,
        pitch,
        words,
        transcribed,
        speech_level_db,
        &Settings::default(),
    )
    .into_iter()
    .filter(Candidate::is_filler)
    // Two runs this close are one sound whose pitch or vowel moved: one filler.
    .fold(Vec::<Candidate>::new(), |mut kept, c| {
        match kept.last_mut() {
            Some(last) if c.run.start_s - last.run.end_s < MERGE_S => {
                last.run.end_s = c.run.end_s;
                last.confidence = last.confidence.max(c.confidence);
            }
            _ => kept.push(c),
        }
        kept
    })
    .into_iter()
    .map(|c| {
        // A misheard "a" is that word; a filler heard between words comes before the first
        // word that starts after it (`words.len()` after the last), spanning no word.
        let (word_index, word_count) = match c.word {
            Some(i) if c.place == Place::Misheard => (i, 1),
            _ => (
                words
                    .iter()
                    .position(|w| w.start_s >= c.run.start_s)
                    .unwrap_or(words.len()),
                0,
            ),
        };
        FillerEvent {
            word: HEARD_WORD.into(),
            kind: FillerKind::FilledPause,
            start_s: c.run.start_s,
            end_s: c.run.end_s,
            word_index,
            word_count,
            source: Source::Audio,
            confidence: Some((c.confidence * 100.0).round() / 100.0),
        }
    })
    .collect()
}

/// Every steady run with its place and verdict.
pub fn candidates(
    samples: &[f32],
    rate: u32,
    pitch: &[PitchFrame],
    words: &[Word],
    transcribed: &[FillerEvent],
    speech_level_db: f64,
    settings: &Settings,
) -> Vec<Candidate> {
    let frames = frames(samples, rate, pitch);
    let hop = hop_of(pitch);
    let runs = steady_runs(&frames, hop, settings);
    let groups = groups(words, transcribed, settings);
    let mut claimed = vec![0; groups.len()];
    let mut out = Vec::new();
    for run in runs {
        let d = run.duration_s();
        if d < settings.min_run_s * 0.3 {
            continue;
        }
        let steady = d >= settings.min_run_s
            && d <= settings.max_run_s
            && run.pitch_sd_st <= settings.max_pitch_sd_st
            && run.envelope_change_db <= settings.max_envelope_change_db
            && run.level_db >= speech_level_db - settings.max_below_speech_db;
        // Only a run that could be a filler claims a written filler's place.
        let mut scratch = claimed.clone();
        let place = place(
            &run,
            words,
            transcribed,
            &groups,
            if steady { &mut claimed } else { &mut scratch },
            &frames,
            hop,
            settings,
        );
        let word = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                (
                    i,
                    (run.end_s.min(w.end_s) - run.start_s.max(w.start_s)).max(0.0),
                )
            })
            .filter(|(_, o)| *o > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i);
        let confidence = confidence(&run, settings);
        out.push(Candidate {
            run,
            place,
            steady,
            confidence,
            word,
        });
    }
    out
}

/// How sure the pass is, 0-1: longer and steadier runs score higher.
fn confidence(run: &Run, s: &Settings) -> f64 {
    let length = ((run.duration_s() - s.min_run_s * 0.5) / (s.min_run_s * 1.5)).clamp(0.0, 1.0);
    let pitch = (1.0 - run.pitch_sd_st / (2.0 * s.max_pitch_sd_st)).clamp(0.0, 1.0);
    let envelope =
        (1.0 - run.envelope_change_db / (2.0 * s.max_envelope_change_db)).clamp(0.0, 1.0);
    (length * pitch * envelope).powf(1.0 / 3.0)
}

/// Decide where `run` sits: next to a transcribed filler, in a gap, heard as a word "a",
/// folded into a long word after a dip, or inside a word.
#[allow(clippy::too_many_arguments)]
fn place(
    run: &Run,
    words: &[Word],
    transcribed: &[FillerEvent],
    groups: &[Group],
    claimed: &mut [usize],
    frames: &[Frame],
    hop: f64,
    s: &Settings,
) -> Place {
    let filled: Vec<&FillerEvent> = transcribed
        .iter()
        .filter(|f| f.kind == FillerKind::FilledPause)
        .collect();
    // Whisper's time for a filler it wrote can sit anywhere between its neighbours: a run
    // anywhere in that stretch may be that filler. Each group of written fillers claims as
    // many runs as it holds fillers.
    for (g, group) in groups.iter().enumerate() {
        if run.start_s < group.end_s && run.end_s > group.start_s && claimed[g] < group.count {
            claimed[g] += 1;
            return Place::Transcribed;
        }
    }
    if filled
        .iter()
        .any(|f| run.start_s < f.end_s + s.same_filler_s && run.end_s > f.start_s - s.same_filler_s)
    {
        return Place::Transcribed;
    }
    let filler_words: Vec<usize> = filled
        .iter()
        .flat_map(|f| f.word_index..f.word_index + f.word_count)
        .collect();
    let overlap = |w: &Word| (run.end_s.min(w.end_s) - run.start_s.max(w.start_s)).max(0.0);
    let covering: Vec<(usize, &Word)> = words
        .iter()
        .enumerate()
        .filter(|(i, w)| !filler_words.contains(i) && overlap(w) > 0.0)
        .collect();
    let covered: f64 = covering.iter().map(|(_, w)| overlap(w)).sum();
    let (island_start, island_end) = island(frames, run, hop);
    let island_s = island_end - island_start;
    if covered <= s.max_word_cover * run.duration_s() {
        // The run is most of its voiced stretch: a sound on its own, not a word's vowel drawn
        // out with the word's other sounds around it.
        return if run.duration_s() >= s.min_island_share * island_s && island_s <= s.max_run_s {
            Place::Gap
        } else {
            Place::InWord
        };
    }
    // The word holding most of the run.
    let main = covering
        .iter()
        .max_by(|a, b| overlap(a.1).total_cmp(&overlap(b.1)));
    if let Some((_, w)) = main {
        // Whisper writes a held "uh" as the article "a": a one-letter word the run fills.
        let norm: String = w
            .text
            .chars()
            .filter(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        let word_s = w.end_s - w.start_s;
        if norm == "a"
            && run.duration_s() >= s.min_misheard_s
            && overlap(w) >= s.min_misheard_cover * word_s
        {
            return Place::Misheard;
        }
        // Folded: one word holds the run, is far too long for its letters, and its own sound
        // comes first, separated from the run by a dip.
        let letters = norm.chars().count() as f64;
        let expected = s.word_base_s + s.letter_s * letters;
        let own_s = run.start_s - w.start_s;
        if s.count_folded
            && word_s >= expected + run.duration_s() * 0.8
            && own_s >= 0.1
            && w.end_s - run.end_s <= s.max_after_folded_s
            && dip_before(frames, w.start_s, run, s.min_dip_db)
        {
            return Place::Folded;
        }
    }
    Place::InWord
}

/// Consecutive filled pauses the transcript holds, and the stretch where their sound may
/// be: from the end of the word before them to the start of the word after them.
#[derive(Debug, Clone, Copy)]
struct Group {
    start_s: f64,
    end_s: f64,
    count: usize,
}

fn groups(words: &[Word], transcribed: &[FillerEvent], s: &Settings) -> Vec<Group> {
    let mut filled: Vec<&FillerEvent> = transcribed
        .iter()
        .filter(|f| f.kind == FillerKind::FilledPause && f.word_count > 0)
        .collect();
    filled.sort_by_key(|f| f.word_index);
    let mut out: Vec<(usize, usize, usize)> = Vec::new(); // (first word, last word, count)
    for f in filled {
        let last = f.word_index + f.word_count - 1;
        match out.last_mut() {
            Some(g) if f.word_index == g.1 + 1 => {
                g.1 = last;
                g.2 += 1;
            }
            _ => out.push((f.word_index, last, 1)),
        }
    }
    out.into_iter()
        .filter_map(|(a, b, count)| {
            let (first, last) = (words.get(a)?, words.get(b)?);
            let before = a.checked_sub(1).and_then(|i| words.get(i));
            let start_s = before
                .map_or(0.0, |w| w.end_s)
                .min(first.start_s - s.same_filler_s);
            let end_s = words
                .get(b + 1)
                .map_or(f64::INFINITY, |w| w.start_s)
                .max(last.end_s + s.same_filler_s);
            Some(Group {
                start_s,
                end_s,
                count,
            })
        })
        .collect()
}

/// The voiced stretch around `run`: neighbouring voiced frames no more than 1.6 hops apart.
fn island(frames: &[Frame], run: &Run, hop: f64) -> (f64, f64) {
    let Some(first) = frames.iter().position(|f| f.time_s >= run.start_s) else {
        return (run.start_s, run.end_s);
    };
    let mut a = first;
    while a > 0 && frames[a].time_s - frames[a - 1].time_s <= hop * 1.6 {
        a -= 1;
    }
    let mut b = first;
    while b + 1 < frames.len() && frames[b + 1].time_s - frames[b].time_s <= hop * 1.6 {
        b += 1;
    }
    (
        frames[a].time_s - hop / 2.0,
        (frames[b].time_s + hop / 2.0).max(run.end_s),
    )
}

/// Whether the level falls at least `dip_db` below both the run and the word's own sound
/// (the voiced frames from `word_start_s` to the run) somewhere between them, or voicing
/// stops for at least 60 ms.
fn dip_before(frames: &[Frame], word_start_s: f64, run: &Run, dip_db: f64) -> bool {
    let before: Vec<&Frame> = frames
        .iter()
        .filter(|f| f.time_s >= word_start_s && f.time_s < run.start_s)
        .collect();
    let Some(peak_before) = before.iter().map(|f| f.level_db).reduce(f64::max) else {
        return false;
    };
    // A voicing break: no voiced frame for a while before the run.
    let last = before.last().map_or(word_start_s, |f| f.time_s);
    if run.start_s - last >= 0.06 {
        return true;
    }
    // Otherwise a level dip inside the voiced stretch between them.
    let tail: Vec<f64> = before.iter().rev().take(10).map(|f| f.level_db).collect();
    let low = tail.iter().copied().fold(f64::INFINITY, f64::min);
    low <= peak_before.min(run.level_db) - dip_db
}

fn hop_of(pitch: &[PitchFrame]) -> f64 {
    let steps: Vec<f64> = pitch
        .windows(2)
        .map(|w| w[1].time_s - w[0].time_s)
        .filter(|d| *d > 0.0)
        .collect();
    let m = median(&steps);
    if m.is_finite() {
        m
    } else {
        0.02
    }
}

/// Grow runs of frames with a steady pitch and envelope.
fn steady_runs(frames: &[Frame], hop: f64, s: &Settings) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < frames.len() {
        let mut j = i + 1;
        let mut sum = frames[i].envelope;
        let mut sts = vec![frames[i].st];
        while j < frames.len() {
            let f = &frames[j];
            if f.time_s - frames[j - 1].time_s > hop * 1.6 {
                break;
            }
            let n = (j - i) as f64;
            let mean: Vec<f64> = sum.iter().map(|v| v / n).collect();
            if distance(&f.envelope, &mean) > s.max_envelope_db
                || (f.st - median(&sts)).abs() > s.max_pitch_dev_st
            {
                break;
            }
            for (a, b) in sum.iter_mut().zip(f.envelope.iter()) {
                *a += b;
            }
            sts.push(f.st);
            j += 1;
        }
        let run = &frames[i..j];
        let change = if run.len() > 1 {
            run.windows(2)
                .map(|w| distance(&w[0].envelope, &w[1].envelope))
                .sum::<f64>()
                / (run.len() - 1) as f64
        } else {
            0.0
        };
        runs.push(Run {
            start_s: run[0].time_s - hop / 2.0,
            end_s: run[run.len() - 1].time_s + hop / 2.0,
            pitch_sd_st: if sts.len() > 1 { std_dev(&sts) } else { 0.0 },
            envelope_change_db: change,
            level_db: run.iter().map(|f| f.level_db).sum::<f64>() / run.len() as f64,
        });
        i = j;
    }
    runs
}

/// RMS distance between two envelopes, dB.
fn distance(a: &[f64], b: &[f64]) -> f64 {
    (a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>() / a.len().max(1) as f64).sqrt()
}

/// The envelope and level at each voiced frame of the pitch track.
fn frames(samples: &[f32], rate: u32, pitch: &[PitchFrame]) -> Vec<Frame> {
    if pitch.is_empty() || rate == 0 {
        return Vec::new();
    }
    let mut planner = RealFftPlanner::<f64>::new();
    let fft: Arc<dyn RealToComplex<f64>> = planner.plan_fft_forward(WINDOW);
    let mut input = fft.make_input_vec();
    let mut spectrum = fft.make_output_vec();
    let hann: Vec<f64> = (0..WINDOW)
        .map(|i| 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / WINDOW as f64).cos())
        .collect();
    let bands = band_edges(rate);
    let mut out = Vec::with_capacity(pitch.len());
    for p in pitch {
        let centre = (p.time_s * f64::from(rate)).round() as i64;
        let from = centre - (WINDOW as i64) / 2;
        let mut energy = 0.0;
        for (k, slot) in input.iter_mut().enumerate() {
            let idx = from + k as i64;
            let x = usize::try_from(idx)
                .ok()
                .and_then(|i| samples.get(i))
                .map_or(0.0, |v| if v.is_finite() { f64::from(*v) } else { 0.0 });
            energy += x * x;
            *slot = x * hann[k];
        }
        if fft.process(&mut input, &mut spectrum).is_err() {
            continue;
        }
        let power: Vec<f64> = spectrum.iter().map(|c| c.norm_sqr()).collect();
        let mut envelope = [0.0; BANDS];
        for (b, slot) in envelope.iter_mut().enumerate() {
            let (lo, hi) = (bands[b], bands[b + 1].max(bands[b] + 1));
            let e: f64 = power[lo.min(power.len())..hi.min(power.len())].iter().sum();
            *slot = 10.0 * (e / (hi - lo) as f64).max(1e-12).log10();
        }
        let mean = envelope.iter().sum::<f64>() / BANDS as f64;
        for v in &mut envelope {
            *v -= mean;
        }
        out.push(Frame {
            time_s: p.time_s,
            st: semitones(p.hz),
            envelope,
            level_db: 10.0 * (energy / WINDOW as f64).max(1e-12).log10(),
        });
    }
    out
}

/// FFT bin edges of the mel-spaced bands.
fn band_edges(rate: u32) -> Vec<usize> {
    let mel = |hz: f64| 2595.0 * (1.0 + hz / 700.0).log10();
    let hz = |m: f64| 700.0 * (10f64.powf(m / 2595.0) - 1.0);
    let (lo, hi) = (mel(BAND_LO_HZ), mel(BAND_HI_HZ.min(f64::from(rate) / 2.0)));
    (0..=BANDS)
        .map(|b| {
            let f = hz(lo + (hi - lo) * b as f64 / BANDS as f64);
            ((f * WINDOW as f64 / f64::from(rate)).round() as usize).min(WINDOW / 2)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::fillers;
    use crate::analyze::voice::pitch::tests::{voice, RATE};
    use crate::analyze::voice::pitch::track;

    /// `parts` of (seconds, signal or silence) laid end to end.
    fn take(parts: &[(f64, Option<Vec<f32>>)]) -> Vec<f32> {
        let mut out = Vec::new();
        for (s, sig) in parts {
            match sig {
                Some(x) => out.extend_from_slice(x),
                None => out.extend(std::iter::repeat_n(0.0, (*s * f64::from(RATE)) as usize)),
            }
        }
        out
    }

    /// Speech-like sound: pitch and timbre move all the time (a fast vibrato of 3 semitones).
    fn wordish(seconds: f64) -> Vec<f32> {
        voice(seconds, 0.5, |t| 120.0 * (0.25 * (t * 40.0).sin()).exp2())
    }

    fn heard(samples: &[f32], words: &[Word]) -> Vec<FillerEvent> {
        let pitch = track(
            samples,
            RATE,
            &[(0.0, samples.len() as f64 / f64::from(RATE))],
        );
        detect(samples, RATE, &pitch, words, &fillers::find(words), -10.0)
    }

    /// word 0-0.5 s, silence, a held 0.5 s sound at 0.6-1.1 s, silence, word 1.2-1.7 s.
    fn with_held(held: Vec<f32>) -> Vec<f32> {
        take(&[
            (0.5, Some(wordish(0.5))),
            (0.1, None),
            (0.5, Some(held)),
            (0.1, None),
            (0.5, Some(wordish(0.5))),
        ])
    }

    #[test]
    fn a_held_steady_sound_between_words_is_a_filler() {
        let x = with_held(voice(0.5, 0.5, |_| 110.0));
        let words = [Word::new("so", 0.0, 0.5), Word::new("then", 1.2, 1.7)];
        let found = heard(&x, &words);
        assert_eq!(found.len(), 1, "{found:?}");
        let e = &found[0];
        assert_eq!(e.source, Source::Audio);
        assert_eq!(e.kind, FillerKind::FilledPause);
        assert!(e.start_s >= 0.55 && e.end_s <= 1.15, "{e:?}");
        assert_eq!((e.word_index, e.word_count), (1, 0));
        assert!(e.confidence.is_some_and(|c| c > 0.5 && c <= 1.0));
    }

    #[test]
    fn a_held_sound_inside_a_word_is_the_word() {
        let x = with_held(voice(0.5, 0.5, |_| 110.0));
        let words = [
            Word::new("so", 0.0, 0.5),
            Word::new("well", 0.58, 1.12),
            Word::new("then", 1.2, 1.7),
        ];
        assert!(heard(&x, &words).is_empty());
    }

    #[test]
    fn a_moving_pitch_is_not_held() {
        let x = with_held(voice(0.5, 0.5, |t| 100.0 * (2.0 * t).exp2()));
        let words = [Word::new("so", 0.0, 0.5), Word::new("then", 1.2, 1.7)];
        assert!(heard(&x, &words).is_empty());
    }

    #[test]
    fn a_written_uh_is_not_counted_twice() {
        let x = with_held(voice(0.5, 0.5, |_| 110.0));
        // Whisper wrote the "uh", with a time late in the gap.
        let words = [
            Word::new("so", 0.0, 0.5),
            Word::new("uh,", 1.05, 1.2),
            Word::new("then", 1.2, 1.7),
        ];
        assert!(heard(&x, &words).is_empty());
    }

    #[test]
    fn a_held_uh_written_as_a_is_a_filler() {
        let x = with_held(voice(0.5, 0.5, |_| 110.0));
        let words = [
            Word::new("so", 0.0, 0.5),
            Word::new("a", 0.6, 1.1),
            Word::new("then", 1.2, 1.7),
        ];
        let found = heard(&x, &words);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].word_index, found[0].word_count), (1, 1));
    }

    #[test]
    fn noise_and_silence_hold_no_filler() {
        // A cough-like burst: no pitch.
        let mut seed = 7u32;
        let burst: Vec<f32> = (0..8000)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect();
        let x = with_held(burst);
        let words = [Word::new("so", 0.0, 0.5), Word::new("then", 1.2, 1.7)];
        assert!(heard(&x, &words).is_empty());
        assert!(heard(&[], &[]).is_empty());
        assert!(heard(&vec![0.0; 16_000], &words).is_empty());
    }
}
