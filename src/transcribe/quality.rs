//! Whether a take's transcript can be trusted.
//!
//! Every number in a report stands on the words. When Whisper heard another language, wrote
//! English-sounding gibberish, or lost the speaker under noise, the report must say it cannot
//! tell rather than coach the speaker on words that were never said. The decoder knows a good
//! deal about this (token probabilities, how often it had to decode a piece again, the speech
//! left without words); [`TranscriptQuality`] carries that judgement from transcription to the
//! report, where verdicts built on the words are withheld when it is not `trusted`.

use serde::{Deserialize, Serialize};

/// Why a transcript is not trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityIssue {
    /// The speech is in another language than the model transcribes.
    OtherLanguage,
    /// The words were heard with too little confidence to stand on (gibberish, mumbling).
    UnclearSpeech,
    /// Noise is loud enough against the speech to make the words unreliable.
    Noise,
}

/// The judgement on one take's transcript (JSON `transcript.quality`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptQuality {
    /// The words can be relied on: verdicts built on them may be given.
    pub trusted: bool,
    /// What went wrong, when `trusted` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<QualityIssue>,
    /// Why, for a person: one sentence naming the evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The language the speech appears to be in, when the model can tell (ISO 639-1 code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Share of the words Whisper was doubtful of (confidence under the doubtful threshold).
    #[serde(default)]
    pub doubtful_share: f64,
    /// Pieces the take was transcribed in, and how many of them were decoded again because
    /// their words did not cover the speech in them.
    #[serde(default)]
    pub pieces: usize,
    #[serde(default)]
    pub redecoded: usize,
}

impl Default for TranscriptQuality {
    /// Trusted, with nothing known against it (older reports, hand-written transcripts).
    fn default() -> Self {
        TranscriptQuality {
            trusted: true,
            issue: None,
            reason: None,
            language: None,
            doubtful_share: 0.0,
            pieces: 0,
            redecoded: 0,
        }
    }
}

impl TranscriptQuality {
    /// Not trusted, for `issue`, because `reason`.
    pub fn untrusted(issue: QualityIssue, reason: impl Into<String>) -> Self {
        TranscriptQuality {
            trusted: false,
            issue: Some(issue),
            reason: Some(reason.into()),
            ..TranscriptQuality::default()
        }
    }
}
