//! The voice: pitch variation, loudness and trailing off, measured on the signal.
//!
//! Coaches (and Speaker Coach, Orai, Poised) tell speakers when they sound monotone or fade
//! out; energy and a voice that carries to the end of the sentence read as confidence. This
//! stage takes the decoded 16 kHz samples, the speech regions, the timed words and the
//! sentences, and returns [`VoiceStats`]: every figure with its target and a verdict, or
//! "can't tell" when there is too little voiced speech to judge.
//!
//! - Pitch ([`pitch`]): an F0 track; its median and range; its variation as the standard
//!   deviation in semitones within windows of [`WINDOW_S`] seconds (Hincks & Edlund 2009),
//!   windows under [`MONOTONE_ST`] flagged as monotone.
//! - Loudness ([`loudness`]): the speech level per window, sudden drops between windows,
//!   sentences whose last words are much quieter than their first, too-quiet and clipped input.

pub mod loudness;
pub mod pitch;

use serde::{Deserialize, Serialize};

use super::sentences::Sentence;
use super::star::StarAnalysis;
use super::vad::SpeechActivity;
use super::Verdict;
use crate::transcribe::Word;
use pitch::{median, quantile, semitones, std_dev, PitchFrame};

/// Window length for pitch variation and loudness, seconds.
pub const WINDOW_S: f64 = 5.0;
/// A window needs this much voiced speech (seconds) for a pitch variation.
pub const MIN_WINDOW_VOICED_S: f64 = 1.0;
/// A window needs this much speech (seconds) for a level.
pub const MIN_WINDOW_SPEECH_S: f64 = 1.0;
/// Below this much voiced speech in the take (seconds), the pitch verdict is "can't tell".
pub const MIN_VOICED_S: f64 = 3.0;
/// A window whose pitch varies less than this (standard deviation, semitones) is monotone;
/// so is a take whose median window does.
pub const MONOTONE_ST: f64 = 2.0;
/// A window this many dB below the one before it is a sudden drop.
pub const DROP_DB: f64 = 10.0;
/// A sentence whose last words are this many dB below its first words trails off.
pub const TRAIL_DB: f64 = 8.0;
/// Share of checked sentences from which trailing off is a habit, not a one-off.
pub const TRAIL_SHARE: f64 = 0.2;
/// Sentences need this many words to be checked for trailing off.
pub const TRAIL_MIN_WORDS: usize = 5;
/// Seconds of speech at the start of a sentence, and at its end, compared for trailing off:
/// about the first two words and the last one.
pub const TRAIL_HEAD_S: f64 = 0.6;
pub const TRAIL_TAIL_S: f64 = 0.4;
/// Loud speech under this level (dBFS) is too quiet for the microphone.
pub const TOO_QUIET_DB: f64 = -40.0;
/// Share of samples at full scale from which the take is clipped.
pub const CLIPPED_SHARE: f64 = 0.001;

/// How one voice figure compares with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoiceVerdict {
    OnTarget,
    Monotone,
    SuddenDrop,
    TrailsOff,
    TooQuiet,
    Clipped,
    /// Too little (voiced) speech to judge: "can't tell".
    NotEnoughSpeech,
}

impl VoiceVerdict {
    pub fn label(self) -> &'static str {
        match self {
            VoiceVerdict::OnTarget => "on target",
            VoiceVerdict::Monotone => "monotone",
            VoiceVerdict::SuddenDrop => "sudden drop",
            VoiceVerdict::TrailsOff => "trails off",
            VoiceVerdict::TooQuiet => "too quiet",
            VoiceVerdict::Clipped => "clipped",
            VoiceVerdict::NotEnoughSpeech => "can't tell",
        }
    }

    /// The report-wide verdict it maps to (the scorecard's verdict column).
    pub fn general(self) -> Verdict {
        match self {
            VoiceVerdict::OnTarget => Verdict::OnTarget,
            VoiceVerdict::NotEnoughSpeech => Verdict::NotEnoughSpeech,
            _ => Verdict::NeedsWork,
        }
    }
}

/// A verdict and the target it was judged against, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judged {
    pub verdict: VoiceVerdict,
    pub target: String,
}

/// One voice figure per aspect, each with its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiceVerdicts {
    pub pitch_variation: Judged,
    pub loudness: Judged,
    pub trailing_off: Judged,
    pub level: Judged,
}

/// Pitch in one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PitchWindow {
    pub start_s: f64,
    pub end_s: f64,
    /// Seconds of voiced frames in the window.
    pub voiced_s: f64,
    /// Median F0, Hz (null without voiced frames).
    pub median_hz: Option<f64>,
    /// Standard deviation of F0, semitones (null under [`MIN_WINDOW_VOICED_S`] voiced).
    pub sd_semitones: Option<f64>,
    pub monotone: bool,
}

/// The speech level of one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoudnessWindow {
    pub start_s: f64,
    pub end_s: f64,
    /// Seconds of speech the level rests on.
    pub speech_s: f64,
    /// Power mean of the speech frames, dBFS (null under [`MIN_WINDOW_SPEECH_S`] of speech).
    pub db: Option<f64>,
}

/// A window much quieter than the one before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoudnessDrop {
    /// Start of the quieter window, seconds.
    pub at_s: f64,
    pub from_db: f64,
    pub to_db: f64,
    pub drop_db: f64,
}

/// A sentence whose last words are much quieter than its first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailingOff {
    /// Index into `star.sentences`.
    pub sentence: usize,
    pub text: String,
    pub start_s: f64,
    pub end_s: f64,
    /// Level of the first and the last words, dBFS (90th-percentile frame).
    pub start_db: f64,
    pub end_db: f64,
    pub drop_db: f64,
}

/// F0 range: 5th to 95th percentile of the voiced frames.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HzRange {
    pub low: f64,
    pub high: f64,
}

/// The voice section of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiceStats {
    /// Seconds of voiced speech the pitch figures rest on.
    pub voiced_s: f64,
    pub pitch_median_hz: Option<f64>,
    pub pitch_range_hz: Option<HzRange>,
    /// Width of that range, semitones.
    pub pitch_range_semitones: Option<f64>,
    /// Median over windows of the standard deviation of F0 within each, semitones.
    pub pitch_variation_semitones: Option<f64>,
    pub window_s: f64,
    pub pitch_windows: Vec<PitchWindow>,
    /// The windows flagged monotone (pitch standard deviation under the target).
    pub monotone_windows: Vec<PitchWindow>,
    /// Speech level per window.
    pub loudness_db: Vec<LoudnessWindow>,
    pub loudness_drops: Vec<LoudnessDrop>,
    /// Sentences checked for trailing off (those with enough words).
    pub sentences_checked: usize,
    pub trailing_off: Vec<TrailingOff>,
    /// Level of the loud speech frames (99th percentile), dBFS.
    pub speech_level_db: f64,
    /// Share of samples at full scale.
    pub clipped_share: f64,
    pub verdicts: VoiceVerdicts,
    /// How each figure was measured, and what is not measured.
    pub methods: Vec<String>,
}

/// What the voice stage reads: the take's samples and what the other stages found in it.
pub struct VoiceInput<'a> {
    /// Mono samples at `rate` Hz.
    pub samples: &'a [f32],
    pub rate: u32,
    pub vad: &'a SpeechActivity,
    pub words: &'a [Word],
    pub sentences: &'a [Sentence],
}

/// Measure the voice of a take of mono `samples` at `rate` Hz, given its speech regions, words
/// and the sentences the STAR stage split it into.
pub fn measure_take(
    samples: &[f32],
    rate: u32,
    vad: &SpeechActivity,
    words: &[Word],
    star: &StarAnalysis,
) -> VoiceStats {
    let pitch = pitch::track(samples, rate, &vad.segments);
    measure_take_with_pitch(samples, rate, vad, words, star, &pitch)
}

/// [`measure_take`] with the take's pitch track already made ([`pitch::track`] over the
/// speech regions), so the pipeline tracks pitch once for all who need it.
pub fn measure_take_with_pitch(
    samples: &[f32],
    rate: u32,
    vad: &SpeechActivity,
    words: &[Word],
    star: &StarAnalysis,
    frames: &[pitch::PitchFrame],
) -> VoiceStats {
    let sentences: Vec<Sentence> = star.sentences.iter().map(|s| s.sentence.clone()).collect();
    measure_with_pitch(
        &VoiceInput {
            samples,
            rate,
            vad,
            words,
            sentences: &sentences,
        },
        frames,
    )
}

/// Measure the voice of one take.
pub fn measure(input: &VoiceInput<'_>) -> VoiceStats {
    let frames = pitch::track(input.samples, input.rate, &input.vad.segments);
    measure_with_pitch(input, &frames)
}

/// Measure the voice of one take whose pitch track is `frames`.
pub fn measure_with_pitch(input: &VoiceInput<'_>, frames: &[pitch::PitchFrame]) -> VoiceStats {
    let VoiceInput {
        samples,
        rate,
        vad,
        words,
        sentences,
    } = *input;
    let hop = pitch::hop_s(rate);
    let levels = loudness::frame_levels(samples, rate);
    let windows = windows(vad.span());
    let pitch_windows: Vec<PitchWindow> = windows
        .iter()
        .map(|&(a, b)| pitch_window(frames, hop, a, b))
        .collect();
    let loudness_db: Vec<LoudnessWindow> = windows
        .iter()
        .map(|&(a, b)| {
            let level = loudness::speech_level(&levels, &vad.segments, a, b);
            let speech_s = level.map_or(0.0, |l| l.1);
            LoudnessWindow {
                start_s: a,
                end_s: b,
                speech_s,
                db: level.filter(|l| l.1 >= MIN_WINDOW_SPEECH_S).map(|l| l.0),
            }
        })
        .collect();
    let hz: Vec<f64> = frames.iter().map(|f| f.hz).collect();
    let voiced_s = frames.len() as f64 * hop;
    let enough = voiced_s >= MIN_VOICED_S;
    let sds: Vec<f64> = pitch_windows
        .iter()
        .filter_map(|w| w.sd_semitones)
        .collect();
    let pitch_variation_semitones = (enough && !sds.is_empty()).then(|| median(&sds));
    let pitch_range_hz = enough.then(|| HzRange {
        low: quantile(&hz, 0.05),
        high: quantile(&hz, 0.95),
    });
    let drops = drops(&loudness_db);
    let (sentences_checked, trailing_off) = trailing(&levels, &vad.segments, words, sentences);
    let verdicts = judge(
        pitch_variation_semitones,
        &loudness_db,
        &drops,
        sentences_checked,
        trailing_off.len(),
        vad,
    );
    VoiceStats {
        voiced_s,
        pitch_median_hz: enough.then(|| median(&hz)),
        pitch_range_semitones: pitch_range_hz.map(|r| semitones(r.high) - semitones(r.low)),
        pitch_range_hz,
        pitch_variation_semitones,
        window_s: WINDOW_S,
        monotone_windows: pitch_windows
            .iter()
            .filter(|w| w.monotone)
            .cloned()
            .collect(),
        pitch_windows,
        loudness_db,
        loudness_drops: drops,
        sentences_checked,
        trailing_off,
        speech_level_db: vad.speech_level_db,
        clipped_share: vad.clipped_share,
        verdicts,
        methods: methods(),
    }
}

/// Consecutive windows of [`WINDOW_S`] over the speech span; a last piece shorter than half a
/// window joins the one before.
fn windows(span: Option<(f64, f64)>) -> Vec<(f64, f64)> {
    let Some((start, end)) = span.filter(|(a, b)| b > a) else {
        return Vec::new();
    };
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut a = start;
    while a < end - 1e-9 {
        let b = (a + WINDOW_S).min(end);
        match out.last_mut() {
            Some(last) if b - a < WINDOW_S / 2.0 => last.1 = b,
            _ => out.push((a, b)),
        }
        a = b;
    }
    out
}

fn pitch_window(frames: &[PitchFrame], hop: f64, start_s: f64, end_s: f64) -> PitchWindow {
    let hz: Vec<f64> = frames
        .iter()
        .filter(|f| f.time_s >= start_s && f.time_s < end_s)
        .map(|f| f.hz)
        .collect();
    let voiced_s = hz.len() as f64 * hop;
    let st: Vec<f64> = hz.iter().map(|&h| semitones(h)).collect();
    let sd = (voiced_s >= MIN_WINDOW_VOICED_S).then(|| std_dev(&st));
    PitchWindow {
        start_s,
        end_s,
        voiced_s,
        median_hz: (!hz.is_empty()).then(|| median(&hz)),
        sd_semitones: sd,
        monotone: sd.is_some_and(|sd| sd < MONOTONE_ST),
    }
}

/// Windows at least [`DROP_DB`] quieter than the measured window before them.
fn drops(windows: &[LoudnessWindow]) -> Vec<LoudnessDrop> {
    let measured: Vec<(f64, f64)> = windows
        .iter()
        .filter_map(|w| Some((w.start_s, w.db?)))
        .collect();
    measured
        .windows(2)
        .filter(|p| p[0].1 - p[1].1 >= DROP_DB)
        .map(|p| LoudnessDrop {
            at_s: p[1].0,
            from_db: p[0].1,
            to_db: p[1].1,
            drop_db: p[0].1 - p[1].1,
        })
        .collect()
}

/// Sentences of at least [`TRAIL_MIN_WORDS`] words whose last [`TRAIL_TAIL_S`] of speech is
/// [`TRAIL_DB`] or more below their first [`TRAIL_HEAD_S`]; also how many were checked.
///
/// A sentence's speech is the frames the voice activity detector kept between its first word
/// and the next sentence's: recognisers place words at sentence edges a little early or late,
/// and the frames themselves do not move. Each end's level is its 90th-percentile frame (its
/// loud syllables).
fn trailing(
    levels: &[f64],
    regions: &[(f64, f64)],
    words: &[Word],
    sentences: &[Sentence],
) -> (usize, Vec<TrailingOff>) {
    let head_n = (TRAIL_HEAD_S / loudness::FRAME_S).round() as usize;
    let tail_n = (TRAIL_TAIL_S / loudness::FRAME_S).round() as usize;
    let mut checked = 0;
    let mut out = Vec::new();
    for s in sentences {
        let Some(span) = words.get(s.word_start..s.word_end) else {
            continue;
        };
        let (Some(first), Some(last)) = (span.first(), span.last()) else {
            continue;
        };
        if span.len() < TRAIL_MIN_WORDS {
            continue;
        }
        let end = words
            .get(s.word_end)
            .map_or(last.end_s, |next| next.start_s.min(last.end_s));
        let frames = loudness::speech_frames(levels, regions, first.start_s - 0.15, end);
        if frames.len() < head_n + tail_n {
            continue;
        }
        checked += 1;
        let start_db = quantile(&frames[..head_n], 0.9);
        let end_db = quantile(&frames[frames.len() - tail_n..], 0.9);
        if start_db - end_db >= TRAIL_DB {
            out.push(TrailingOff {
                sentence: s.index,
                text: s.text.clone(),
                start_s: s.start_s,
                end_s: s.end_s,
                start_db,
                end_db,
                drop_db: start_db - end_db,
            });
        }
    }
    (checked, out)
}

fn judge(
    variation: Option<f64>,
    loudness_db: &[LoudnessWindow],
    drops: &[LoudnessDrop],
    sentences_checked: usize,
    trailing: usize,
    vad: &SpeechActivity,
) -> VoiceVerdicts {
    let pitch_variation = Judged {
        verdict: match variation {
            None => VoiceVerdict::NotEnoughSpeech,
            Some(v) if v < MONOTONE_ST => VoiceVerdict::Monotone,
            Some(_) => VoiceVerdict::OnTarget,
        },
        target: format!(
            "pitch standard deviation at least {MONOTONE_ST:.1} semitones in {WINDOW_S:.0}-second windows"
        ),
    };
    let loudness = Judged {
        verdict: if loudness_db.iter().all(|w| w.db.is_none()) {
            VoiceVerdict::NotEnoughSpeech
        } else if drops.is_empty() {
            VoiceVerdict::OnTarget
        } else {
            VoiceVerdict::SuddenDrop
        },
        target: format!("no window {DROP_DB:.0} dB or more below the one before"),
    };
    let trailing_off = Judged {
        verdict: if sentences_checked == 0 {
            VoiceVerdict::NotEnoughSpeech
        } else if trailing > 0 && trailing as f64 >= TRAIL_SHARE * sentences_checked as f64 {
            VoiceVerdict::TrailsOff
        } else {
            VoiceVerdict::OnTarget
        },
        target: format!(
            "fewer than {:.0}% of sentences end {TRAIL_DB:.0} dB or more below their start",
            TRAIL_SHARE * 100.0
        ),
    };
    let level = Judged {
        verdict: if !vad.has_speech() {
            VoiceVerdict::NotEnoughSpeech
        } else if vad.speech_level_db < TOO_QUIET_DB {
            VoiceVerdict::TooQuiet
        } else if vad.clipped_share > CLIPPED_SHARE {
            VoiceVerdict::Clipped
        } else {
            VoiceVerdict::OnTarget
        },
        target: format!(
            "loud speech above {TOO_QUIET_DB:.0} dBFS, under {:.1}% of samples at full scale",
            CLIPPED_SHARE * 100.0
        ),
    };
    VoiceVerdicts {
        pitch_variation,
        loudness,
        trailing_off,
        level,
    }
}

fn methods() -> Vec<String> {
    vec![
        format!(
            "Pitch: F0 tracked with pYIN (the pyin crate, {:.0}-{:.0} Hz, 20 ms steps) on the \
             speech found in the signal; frames an octave off the median of the surrounding \
             1.5 s are folded back or dropped. Median and range (5th-95th percentile) are over \
             all voiced frames.",
            pitch::FMIN_HZ,
            pitch::FMAX_HZ
        ),
        format!(
            "Pitch variation: standard deviation of F0 in semitones within each {WINDOW_S:.0} s \
             window with at least {MIN_WINDOW_VOICED_S:.0} s of voiced speech (Hincks & Edlund \
             2009); the take's figure is the median over windows; a window under \
             {MONOTONE_ST:.1} semitones is monotone. Under {MIN_VOICED_S:.0} s of voiced speech: \
             can't tell."
        ),
        format!(
            "Loudness: RMS level (dBFS) of the speech frames in each {WINDOW_S:.0} s window with \
             at least {MIN_WINDOW_SPEECH_S:.0} s of speech; a window {DROP_DB:.0} dB or more \
             below the one before is a sudden drop."
        ),
        format!(
            "Trailing off: in each sentence of {TRAIL_MIN_WORDS}+ words, the level of its last \
             {TRAIL_TAIL_S:.1} s of speech (about the last word) against its first \
             {TRAIL_HEAD_S:.1} s (the 90th-percentile 20 ms frame of each, pauses left out); \
             {TRAIL_DB:.0} dB or more lower trails off."
        ),
        format!(
            "Level: too quiet when the loud speech frames (99th percentile) stay under \
             {TOO_QUIET_DB:.0} dBFS; clipped when over {:.1}% of samples are at full scale.",
            CLIPPED_SHARE * 100.0
        ),
        "Levels are relative to the recording (dBFS), not to how loud you were in the room: \
         microphone distance and gain change them."
            .into(),
    ]
}

/// A voice section with the given pitch variation and trailing-off count, for tests of the
/// views that read it.
#[cfg(test)]
pub(crate) fn example(variation: f64, trailing: usize, checked: usize) -> VoiceStats {
    let vad = SpeechActivity {
        segments: vec![(0.0, 60.0)],
        duration_s: 60.0,
        clipped_share: 0.0,
        speech_level_db: -12.0,
    };
    let mut v = measure(&VoiceInput {
        samples: &[],
        rate: 16_000,
        vad: &vad,
        words: &[],
        sentences: &[],
    });
    v.voiced_s = 40.0;
    v.pitch_median_hz = Some(118.0);
    v.pitch_variation_semitones = Some(variation);
    v.sentences_checked = checked;
    v.trailing_off = (0..trailing)
        .map(|i| TrailingOff {
            sentence: i,
            text: "And that was it.".into(),
            start_s: 10.0 * i as f64,
            end_s: 10.0 * i as f64 + 3.0,
            start_db: -14.0,
            end_db: -26.0,
            drop_db: 12.0,
        })
        .collect();
    v.verdicts = judge(
        Some(variation),
        &v.loudness_db,
        &[],
        checked,
        trailing,
        &vad,
    );
    v
}

#[cfg(test)]
mod tests;
