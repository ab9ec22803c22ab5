//! Speech to timed words.
//!
//! The analysis only ever sees a [`Transcript`]: words with start and end times. Whisper sits
//! behind the [`Transcriber`] trait so the analysis can be tested on hand-written transcripts,
//! while the real engine ([`whisper::WhisperEngine`]) is exercised end to end on real audio.

pub mod chunks;
pub mod download;
pub mod model;
pub mod whisper;

use serde::{Deserialize, Serialize};

/// One transcribed word as the engine wrote it (with its punctuation), and when it was said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub start_s: f64,
    pub end_s: f64,
}

impl Word {
    pub fn new(text: impl Into<String>, start_s: f64, end_s: f64) -> Self {
        Word {
            text: text.into(),
            start_s,
            end_s,
        }
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
        }));
        done += chunk.len_s();
        if total > 0.0 {
            progress(done / total);
        }
    }
    Ok(Transcript { words })
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
