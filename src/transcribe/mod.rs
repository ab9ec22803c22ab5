//! Speech to timed words.
//!
//! The analysis only ever sees a [`Transcript`]: words with start and end times. Whisper sits
//! behind the [`Transcriber`] trait so the analysis can be tested on hand-written transcripts,
//! while the real engine ([`whisper::WhisperEngine`]) is exercised end to end on real audio.

pub mod chunks;
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

impl Transcript {
    /// The words joined into readable text.
    pub fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.trim())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Build a transcript from `(text, start, end)` triples; handy in tests.
    pub fn from_triples(words: &[(&str, f64, f64)]) -> Self {
        Transcript {
            words: words.iter().map(|&(t, s, e)| Word::new(t, s, e)).collect(),
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
