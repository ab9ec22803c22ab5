//! Analyse a take: from a timed transcript and the signal's speech regions to metrics.
//!
//! Everything here is pure computation on plain data, so each metric is unit-tested on
//! hand-written transcripts. [`analyze`] runs them all and returns an [`Analysis`].

pub mod doubt;
pub mod fillers;
pub mod flags;
pub mod hesitation;
pub mod pace;
pub mod pauses;
pub mod questions;
pub mod sentences;
pub mod star;
pub mod tokens;
pub mod vad;
pub mod voice;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{Range, Targets};
use crate::transcribe::Transcript;
use fillers::{FillerEvent, FillerKind};
use flags::Flag;
use pace::PaceStats;
use pauses::PauseStats;
use questions::{Asked, QuestionReport};
use star::StarAnalysis;
use vad::SpeechActivity;

/// How a figure compares with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    OnTarget,
    TooSlow,
    TooFast,
    TooShort,
    TooLong,
    /// Above the comfortable filler rate, below the distracting one.
    Noticeable,
    Distracting,
    /// On target overall, but most of its windows are off target (pace that swings).
    Uneven,
    NotEnoughSpeech,
    /// A structure score below [`star::GOOD_SCORE`], or a take with a problem to fix.
    NeedsWork,
    /// Too little evidence, or evidence heard uncertainly: no verdict either way.
    CantTell,
}

impl Verdict {
    /// `low` below the range, `high` above it, on target inside it.
    pub fn against(value: f64, target: Range, low: Verdict, high: Verdict) -> Verdict {
        if value < target.min {
            low
        } else if value > target.max {
            high
        } else {
            Verdict::OnTarget
        }
    }

    pub fn is_on_target(self) -> bool {
        self == Verdict::OnTarget
    }

    /// No verdict either way: too little speech or evidence to judge.
    pub fn is_withheld(self) -> bool {
        matches!(self, Verdict::NotEnoughSpeech | Verdict::CantTell)
    }

    /// Judged, and off its target (neither on target nor withheld).
    pub fn is_off_target(self) -> bool {
        !self.is_on_target() && !self.is_withheld()
    }

    /// The CSS class of a verdict on the HTML pages: `ok`, `off`, or `unsure` when withheld.
    pub fn css_class(self) -> &'static str {
        if self.is_on_target() {
            "ok"
        } else if self.is_withheld() {
            "unsure"
        } else {
            "off"
        }
    }

    /// Words for a person: "on target", "too slow".
    pub fn label(self) -> &'static str {
        match self {
            Verdict::OnTarget => "on target",
            Verdict::TooSlow => "too slow",
            Verdict::TooFast => "too fast",
            Verdict::TooShort => "too short",
            Verdict::TooLong => "too long",
            Verdict::Noticeable => "noticeable",
            Verdict::Distracting => "distracting",
            Verdict::Uneven => "uneven",
            Verdict::NotEnoughSpeech => "not enough speech",
            Verdict::NeedsWork => "needs work",
            Verdict::CantTell => "can't tell",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillerStats {
    pub total: usize,
    pub filled_pauses: usize,
    pub discourse: usize,
    pub per_minute: f64,
    pub per_100_words: f64,
    pub target_per_minute_max: f64,
    pub distracting_per_minute: f64,
    pub verdict: Verdict,
    pub by_word: BTreeMap<String, usize>,
    /// Every filler in time order; `source` says whether the transcript holds it or it was
    /// heard only in the audio.
    pub events: Vec<FillerEvent>,
    /// Whether the audio was searched for filled pauses the transcript left out ([`hesitation`]).
    #[serde(default)]
    pub audio_pass: bool,
    /// How many of `filled_pauses` were heard only in the audio (`source: audio`).
    #[serde(default)]
    pub heard_in_audio: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LengthStats {
    /// Length of the recording, seconds.
    pub duration_s: f64,
    /// From the first to the last speech, seconds: what the verdict judges.
    pub answer_s: f64,
    pub word_count: usize,
    pub target_s: Range,
    pub verdict: Verdict,
}

/// All metrics for one take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub speech_found: bool,
    pub fillers: FillerStats,
    pub pace: PaceStats,
    pub pauses: PauseStats,
    pub length: LengthStats,
    pub star: StarAnalysis,
    pub flags: Vec<Flag>,
    /// The question the take answers, when one was given, with its checks.
    pub question: Option<QuestionReport>,
}

/// Run every metric over one take.
pub fn analyze(transcript: &Transcript, vad: &SpeechActivity, targets: &Targets) -> Analysis {
    analyze_answer(transcript, vad, targets, None)
}

/// Run every metric over one take that answers `asked`: its checks run too, and the content
/// flags know what was asked.
pub fn analyze_answer(
    transcript: &Transcript,
    vad: &SpeechActivity,
    targets: &Targets,
    asked: Option<&Asked>,
) -> Analysis {
    analyze_take(transcript, vad, targets, asked, None)
}

/// Run every metric over one take, with the filled pauses heard in the audio that the
/// transcript does not hold ([`hesitation`], `source: audio`) counted among its fillers;
/// `None` when that pass did not run.
pub fn analyze_take(
    transcript: &Transcript,
    vad: &SpeechActivity,
    targets: &Targets,
    asked: Option<&Asked>,
    heard: Option<Vec<FillerEvent>>,
) -> Analysis {
    let words = &transcript.words;
    let speech_found = vad.has_speech() && !words.is_empty();
    // The signal's span when it has one; the words' own span otherwise.
    let span = vad
        .span()
        .or_else(|| Some((words.first()?.start_s, words.last()?.end_s)).filter(|(a, b)| b > a));
    let pauses = pauses::measure(vad, words, targets.pause_min_s, targets.long_pause_s);
    let pace = pace::measure(
        words,
        span,
        pauses.total_s,
        targets.pace_wpm,
        targets.pace_window_s,
    );
    let mut events = fillers::find_with_extra(words, &targets.extra_filler_words);
    let audio_pass = heard.is_some();
    events.extend(heard.unwrap_or_default());
    events.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    let mut fillers = filler_stats(events, words.len(), pace.span_s, targets);
    fillers.audio_pass = audio_pass;
    let answer_s = pace.span_s;
    let length = LengthStats {
        duration_s: vad.duration_s,
        answer_s,
        word_count: words.len(),
        target_s: targets.answer_length_s,
        verdict: if speech_found {
            Verdict::against(
                answer_s,
                targets.answer_length_s,
                Verdict::TooShort,
                Verdict::TooLong,
            )
        } else {
            Verdict::NotEnoughSpeech
        },
    };
    let silences: Vec<(f64, f64)> = pauses
        .events
        .iter()
        .map(|p| (p.start_s, p.start_s + p.duration_s))
        .collect();
    let mut sentences = sentences::split(words, &silences);
    // Word end times can run past the speech (Whisper stretches the last word to the end of
    // its window); a sentence ends when the speech does at the latest.
    if let Some((_, end)) = span {
        for s in &mut sentences {
            s.end_s = s.end_s.min(end).max(s.start_s);
        }
    }
    let star = star::analyze(words, &sentences);
    let context = flags::Context {
        weakness_question: asked.is_some_and(|a| a.is("weakness")),
        question_text: asked.map(|a| a.text.as_str()),
    };
    let mut flags = flags::find(words, &sentences, &fillers.events, context);
    let question = asked.map(|a| {
        let evidence = questions::Evidence {
            words,
            star: &star,
            flags: &flags,
        };
        let report = questions::report(a, &evidence);
        let off_topic = questions::off_topic_flag(&report, &evidence);
        (report, off_topic)
    });
    let question = question.map(|(report, off_topic)| {
        flags.extend(off_topic);
        report
    });
    Analysis {
        speech_found,
        fillers,
        pace,
        pauses,
        length,
        star,
        flags,
        question,
    }
}

fn filler_stats(
    events: Vec<FillerEvent>,
    word_count: usize,
    span_s: f64,
    targets: &Targets,
) -> FillerStats {
    let mut by_word = BTreeMap::new();
    for e in &events {
        *by_word.entry(e.word.clone()).or_insert(0) += 1;
    }
    let total = events.len();
    let per_minute = if span_s > 0.0 {
        total as f64 * 60.0 / span_s
    } else {
        0.0
    };
    let verdict = if word_count < pace::MIN_WORDS {
        Verdict::NotEnoughSpeech
    } else if per_minute <= targets.fillers_per_minute_max {
        Verdict::OnTarget
    } else if per_minute < targets.fillers_per_minute_distracting {
        Verdict::Noticeable
    } else {
        Verdict::Distracting
    };
    FillerStats {
        total,
        filled_pauses: events
            .iter()
            .filter(|e| e.kind == FillerKind::FilledPause)
            .count(),
        discourse: events
            .iter()
            .filter(|e| e.kind == FillerKind::Discourse)
            .count(),
        per_minute,
        per_100_words: if word_count > 0 {
            total as f64 * 100.0 / word_count as f64
        } else {
            0.0
        },
        target_per_minute_max: targets.fillers_per_minute_max,
        distracting_per_minute: targets.fillers_per_minute_distracting,
        verdict,
        by_word,
        heard_in_audio: events
            .iter()
            .filter(|e| e.source == fillers::Source::Audio)
            .count(),
        events,
        audio_pass: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vad(segments: &[(f64, f64)], duration_s: f64) -> SpeechActivity {
        SpeechActivity {
            segments: segments.to_vec(),
            duration_s,
            clipped_share: 0.0,
            speech_level_db: -20.0,
        }
    }

    /// A 60 s answer: 130 words, 6 of them "um", and one 3 s pause.
    fn take() -> (Transcript, SpeechActivity) {
        let mut words = Vec::new();
        for i in 0..130 {
            let s = 1.0 + i as f64 * (57.0 / 130.0);
            let text = if i % 20 == 5 { "um," } else { "word" };
            words.push((text, s, s + 0.3));
        }
        let owned: Vec<(&str, f64, f64)> = words;
        (
            Transcript::from_triples(&owned),
            vad(&[(1.0, 30.0), (33.0, 61.0)], 62.0),
        )
    }

    #[test]
    fn a_whole_take_is_measured() {
        let (t, v) = take();
        let a = analyze(&t, &v, &Targets::default());
        assert!(a.speech_found);
        assert_eq!(a.fillers.total, 7);
        assert_eq!(a.fillers.by_word.get("um"), Some(&7));
        assert!((a.fillers.per_minute - 7.0).abs() < 1e-9);
        assert_eq!(a.fillers.verdict, Verdict::Noticeable);
        assert!((a.pace.wpm - 130.0).abs() < 1e-9);
        assert_eq!(a.pace.verdict, Verdict::OnTarget);
        assert_eq!(a.pauses.long_count, 1);
        assert_eq!(a.length.answer_s, 60.0);
        assert_eq!(a.length.verdict, Verdict::TooShort);
        assert!(a.fillers.total <= a.length.word_count);
    }

    #[test]
    fn silence_is_not_enough_speech() {
        let a = analyze(&Transcript::default(), &vad(&[], 10.0), &Targets::default());
        assert!(!a.speech_found);
        assert_eq!(a.length.verdict, Verdict::NotEnoughSpeech);
        assert_eq!(a.pace.verdict, Verdict::NotEnoughSpeech);
        assert_eq!(a.fillers.verdict, Verdict::NotEnoughSpeech);
        assert_eq!(a.pauses.leading_silence_s, 10.0);
    }
}
