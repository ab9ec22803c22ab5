//! Speech to timed words.
//!
//! The analysis only ever sees a [`Transcript`]: words with start and end times. Whisper sits
//! behind the [`Transcriber`] trait so the analysis can be tested on hand-written transcripts,
//! while the real engine ([`whisper::WhisperEngine`]) is exercised end to end on real audio.

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

#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    #[error("could not load the Whisper model {path}: {reason}")]
    ModelLoad { path: String, reason: String },
    #[error("transcription failed: {0}")]
    Engine(String),
}
