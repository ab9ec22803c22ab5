//! Speech to timed words.
//!
//! The analysis only ever sees a [`Transcript`]: words with start and end times. Whisper sits
//! behind the [`Transcriber`] trait so the analysis can be tested on hand-written transcripts,
//! while the real engine ([`whisper::WhisperEngine`]) is exercised end to end on real audio.

pub mod chunks;
pub mod model;
pub mod whisper;

use serde::{Deserialize, Serialize};

use crate::speech::SpeechMap;

/// One transcribed word as the engine wrote it (with its punctuation), and when it was said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub start_s: f64,
    pub end_s: f64,
    /// How sure the engine was of this word, 0-1: the lowest probability Whisper gave any of
    /// its text tokens. `None` when the engine gives none (hand-written transcripts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
}

impl Word {
    pub fn new(text: impl Into<String>, start_s: f64, end_s: f64) -> Self {
        Word {
            text: text.into(),
            start_s,
            end_s,
            confidence: None,
        }
    }

    /// The same word with the engine's confidence in it.
    pub fn with_confidence(mut self, confidence: Option<f32>) -> Self {
        self.confidence = confidence;
        self
    }
}

/// The engine's output for one take: timed words in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub words: Vec<Word>,
}

/// Words joined into readable text, as the engine wrote them.
pub fn join_words(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.trim())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Transcript {
    /// The words joined into readable text.
    pub fn text(&self) -> String {
        join_words(&self.words)
    }

    /// Build a transcript from `(text, start, end)` triples; handy in tests.
    pub fn from_triples(words: &[(&str, f64, f64)]) -> Self {
        Transcript {
            words: words.iter().map(|&(t, s, e)| Word::new(t, s, e)).collect(),
        }
    }

    /// The words of `text`, one starting every `step_s` seconds from 0 and lasting 80% of
    /// that: a written answer read at an even pace (tests, the STAR corpus evaluation).
    pub fn evenly_timed(text: &str, step_s: f64) -> Self {
        Transcript {
            words: text
                .split_whitespace()
                .enumerate()
                .map(|(i, w)| {
                    let start = i as f64 * step_s;
                    Word::new(w, start, start + 0.8 * step_s)
                })
                .collect(),
        }
    }
}

/// Anything that turns 16 kHz mono audio into a timed transcript.
pub trait Transcriber {
    /// Transcribe `samples` (16 kHz mono f32). `progress` receives 0..=100.
    fn transcribe(
        &mut self,
        samples: &[f32],
        progress: Box<dyn FnMut(i32) + 'static>,
    ) -> Result<Transcript, TranscribeError>;
}

/// Silence added before and after each piece: Whisper mishears words that start right at the
/// edge of its input.
const LEAD_IN_S: f64 = 0.3;

/// Transcribe `samples` (mono, `rate` Hz) piece by piece, with word times relative to the
/// whole take. `progress` receives the share of audio done, 0.0..=1.0.
pub fn transcribe_chunks(
    engine: &mut dyn Transcriber,
    samples: &[f32],
    rate: u32,
    plan: &[chunks::Chunk],
    progress: &dyn Fn(f64),
) -> Result<Transcript, TranscribeError> {
    let total: f64 = plan.iter().map(chunks::Chunk::len_s).sum();
    let mut done = 0.0;
    let mut words = Vec::new();
    for chunk in plan {
        let at = |t: f64| ((t * f64::from(rate)) as usize).min(samples.len());
        let pad = vec![0.0; (LEAD_IN_S * f64::from(rate)) as usize];
        let piece = [
            &pad[..],
            &samples[at(chunk.start_s)..at(chunk.end_s)],
            &pad[..],
        ]
        .concat();
        let part = engine.transcribe(&piece, Box::new(|_| {}))?;
        // Whisper sometimes stretches the last words to the end of its 30 s window; no word
        // can be outside the audio it was given.
        let len = chunk.len_s();
        words.extend(part.words.into_iter().map(|w| {
            let end = (w.end_s - LEAD_IN_S).clamp(0.0, len);
            let start = (w.start_s - LEAD_IN_S).clamp(0.0, end);
            Word::new(w.text, start + chunk.start_s, end + chunk.start_s)
                .with_confidence(w.confidence)
        }));
        done += chunk.len_s();
        if total > 0.0 {
            progress(done / total);
        }
    }
    Ok(Transcript { words })
}

/// Put transcribed words on the take's timeline as the detector sees it: starts in time
/// order and inside the take; a word that would start in silence starts where the sound
/// does; a word ends before the next one starts; a word that began in a speech region
/// ends with that region at the latest, instead of running on into the silence after it
/// (Whisper's word ends absorb silence).
pub fn fit_to_speech(words: &mut [Word], map: &SpeechMap) {
    let mut floor = 0.0_f64;
    let heard = map.to_transcribe();
    for w in words.iter_mut() {
        w.start_s = w.start_s.clamp(floor, map.duration_s.max(floor));
        w.end_s = w.end_s.clamp(w.start_s, map.duration_s.max(w.start_s));
        // A word does not start in silence: move its start to where sound begins, when
        // that is before its end.
        if !map.may_be_speech(w.start_s) {
            if let Some(&(a, _)) = heard.iter().find(|&&(a, _)| a > w.start_s) {
                if a < w.end_s {
                    w.start_s = a;
                }
            }
        }
        floor = w.start_s;
    }
    for i in 0..words.len() {
        let next = words.get(i + 1).map(|n| n.start_s);
        let w = &mut words[i];
        if let Some(&(_, end)) = map
            .speech
            .iter()
            .find(|&&(a, b)| a <= w.start_s && w.start_s < b)
        {
            w.end_s = w.end_s.min(end);
        }
        if let Some(next) = next {
            w.end_s = w.end_s.min(next);
        }
        w.end_s = w.end_s.max(w.start_s);
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    #[error("could not load the Whisper model {path}: {reason}")]
    ModelLoad { path: String, reason: String },
    #[error("transcription failed: {0}")]
    Engine(String),
}

#[cfg(test)]
mod tests {
    use super::chunks::Chunk;
    use super::*;
    use std::cell::Cell;

    /// Says "hi" at 0.5 s into whatever it is given (0.2 s into the piece, after the lead-in),
    /// then "bye" stretched to 30 s, as Whisper does at the end of its window; records the
    /// lengths it saw.
    struct Echo(Vec<usize>);

    impl Transcriber for Echo {
        fn transcribe(
            &mut self,
            samples: &[f32],
            _: Box<dyn FnMut(i32) + 'static>,
        ) -> Result<Transcript, TranscribeError> {
            self.0.push(samples.len());
            Ok(Transcript::from_triples(&[
                ("hi", 0.5, 0.8),
                ("bye", 0.9, 30.0),
            ]))
        }
    }

    const F: f64 = 0.032;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn map(runs: &[(f32, usize)]) -> SpeechMap {
        let p: Vec<f32> = runs
            .iter()
            .flat_map(|&(v, n)| std::iter::repeat_n(v, n))
            .collect();
        let d = p.len() as f64 * F;
        SpeechMap::from_probabilities(p, F, d, crate::speech::Policy::default())
    }

    #[test]
    fn words_are_fitted_to_the_speech() {
        // Speech 0.32-0.96 s and 1.92-2.56 s.
        let m = map(&[(0.02, 10), (0.9, 20), (0.02, 30), (0.9, 20), (0.02, 10)]);
        let mut words = vec![
            Word::new("so", 0.4, 1.9),   // runs on into the pause
            Word::new("then", 0.3, 0.5), // starts before the word before it
            Word::new("we", 1.5, 2.1),   // starts in the pause
            Word::new("won", 2.2, 9.0),  // past the end of the take
        ];
        fit_to_speech(&mut words, &m);
        let t: Vec<(f64, f64)> = words.iter().map(|w| (w.start_s, w.end_s)).collect();
        assert_eq!(t[0], (0.4, 0.4), "ends where the next word starts");
        assert_eq!(t[1], (0.4, 0.5), "moved after the word before it");
        assert!(close(t[2].0, 60.0 * F) && close(t[2].1, 2.1), "{t:?}");
        assert!(close(t[3].0, 2.2) && close(t[3].1, 80.0 * F), "{t:?}");

        // A word that began in speech ends with its region.
        let mut long = vec![Word::new("team", 0.5, 1.8)];
        fit_to_speech(&mut long, &m);
        assert!(close(long[0].end_s, 30.0 * F), "{:?}", long[0]);
    }

    #[test]
    fn chunk_words_are_placed_on_the_take_timeline() {
        let plan = [
            Chunk {
                start_s: 0.0,
                end_s: 2.0,
            },
            Chunk {
                start_s: 10.0,
                end_s: 11.0,
            },
        ];
        let mut engine = Echo(Vec::new());
        let last = Cell::new(0.0);
        let t = transcribe_chunks(&mut engine, &vec![0.0; 16000 * 12], 16000, &plan, &|p| {
            last.set(p)
        })
        .unwrap();
        // Each piece is padded with LEAD_IN_S (0.3 s = 4800 samples) of silence either side.
        assert_eq!(engine.0, vec![32000 + 9600, 16000 + 9600]);
        let times: Vec<(f64, f64)> = t.words.iter().map(|w| (w.start_s, w.end_s)).collect();
        let expected = [(0.2, 0.5), (0.6, 2.0), (10.2, 10.5), (10.6, 11.0)];
        assert_eq!(times.len(), expected.len(), "{times:?}");
        for (got, want) in times.iter().zip(expected) {
            let close = (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-9;
            assert!(close, "{times:?}");
        }
        assert_eq!(last.get(), 1.0);
    }
}
