//! Whether a take's transcript can be trusted.
//!
//! Every number in a report stands on the words. When Whisper heard another language, wrote
//! English-sounding gibberish, or lost the speaker under noise, the report must say it cannot
//! tell rather than coach the speaker on words that were never said. The decoder knows a good
//! deal about this (token probabilities, how often it had to decode a piece again, the speech
//! left without words); [`TranscriptQuality`] carries that judgement from transcription to the
//! report, where verdicts built on the words are withheld when it is not `trusted`.

use serde::{Deserialize, Serialize};

use super::Word;

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

/// A word whose confidence (its weakest token's probability) is under this is doubtful: most
/// likely misheard. The report marks such words (the analysis reads this threshold).
pub const DOUBTFUL_BELOW: f32 = 0.4;

/// Whether `w` is doubtful ([`DOUBTFUL_BELOW`]).
pub fn is_doubtful(w: &Word) -> bool {
    w.confidence.is_some_and(|c| c < DOUBTFUL_BELOW)
}

/// The share of doubtful words ([`is_doubtful`]) above which a take's words are not
/// trusted, over at least [`MIN_WORDS_TO_JUDGE`] words. Measured with tiny.en (docs/accuracy.md):
/// clean English takes, real and synthetic, had at most 0.17; noisy copies of real clips whose
/// word error was under 20 % at most 0.29; espeak-ng French, Italian and Polish 0.42-0.44.
pub const MAX_DOUBTFUL_SHARE: f64 = 0.4;
/// Fewer words than this are too few to judge their share of doubt (and too few for the
/// verdicts that stand on them: the report's minimum evidence).
pub const MIN_WORDS_TO_JUDGE: usize = 10;
/// Below this signal-to-noise ratio, dB (speech band, measured by the speech module), the noise
/// alone withholds the verdicts on the words. Measured with tiny.en on noisy copies of two
/// real answers (white, pink, brown, fan; 34 copies): every copy under 5 dB lost or changed a
/// third to two thirds of the words (word error 0.34-0.66) while Whisper was doubtful of only
/// 11-19 % of them; from 5 to 10 dB word error was 0.16-0.46.
pub const NOISY_SNR_DB: f64 = 5.0;
/// A multilingual model's language identification is believed from this probability up.
pub const LANGUAGE_SURE: f32 = 0.5;

/// What the decoder and the signal say about one take's words.
#[derive(Debug, Clone, Default)]
pub struct Evidence<'a> {
    /// The words, annotations taken out ([`super::strip_annotations`]).
    pub words: &'a [Word],
    /// Annotations Whisper wrote instead of words ("[speaking in foreign language]").
    pub annotations: &'a [String],
    /// The language a multilingual model identified, with its probability.
    pub language: Option<(String, f32)>,
    pub snr_db: Option<f64>,
    pub pieces: usize,
    pub redecoded: usize,
}

/// Whether an annotation says the speech is in another language.
fn names_another_language(annotation: &str) -> bool {
    let a = annotation.to_lowercase();
    a.contains("foreign") || a.contains("language") || a.contains("speaking in")
}

/// Judge whether the words can be trusted, first reason first: another language (a
/// multilingual model's identification, or Whisper's own "[speaking in foreign language]"),
/// then words too doubtful to stand on, then heavy noise with doubtful words.
pub fn judge(e: &Evidence<'_>) -> TranscriptQuality {
    let n = e.words.len();
    let doubtful = e.words.iter().filter(|w| is_doubtful(w)).count();
    let share = if n == 0 {
        0.0
    } else {
        doubtful as f64 / n as f64
    };
    let mut q = TranscriptQuality::default();
    let other_language = match &e.language {
        Some((code, p)) if code != "en" && *p >= LANGUAGE_SURE => Some(format!(
            "{}, by the model's language identification, {:.0}% sure; the coaching is for \
             English",
            language_name(code),
            p * 100.0
        )),
        _ => None,
    }
    .or_else(|| {
        e.annotations
            .iter()
            .find(|a| names_another_language(a))
            .map(|a| format!("Whisper wrote \"{a}\" instead of words; the coaching is for English"))
    });
    if let Some(reason) = other_language {
        q = TranscriptQuality::untrusted(QualityIssue::OtherLanguage, reason);
    } else if n >= MIN_WORDS_TO_JUDGE && share > MAX_DOUBTFUL_SHARE {
        q = TranscriptQuality::untrusted(
            QualityIssue::UnclearSpeech,
            format!(
                "Whisper was unsure of {doubtful} of the {n} words ({:.0}%): unclear speech, \
                 noise, or another language",
                share * 100.0
            ),
        );
    } else if let Some(snr) = e.snr_db.filter(|s| n > 0 && *s < NOISY_SNR_DB) {
        q = TranscriptQuality::untrusted(
            QualityIssue::Noise,
            format!(
                "the speech is only {snr:.0} dB above the noise in its frequency band; at under \
                 {NOISY_SNR_DB:.0} dB Whisper loses or mishears a third of the words or more"
            ),
        );
    }
    q.language = e.language.as_ref().map(|(code, _)| code.clone());
    q.doubtful_share = (share * 1000.0).round() / 1000.0;
    q.pieces = e.pieces;
    q.redecoded = e.redecoded;
    q
}

/// A language's English name from its ISO 639-1 code, as Whisper knows it.
fn language_name(code: &str) -> String {
    let id = whisper_rs::get_lang_id(code);
    id.and_then(whisper_rs::get_lang_str_full).map_or_else(
        || code.to_string(),
        |full| {
            let mut c = full.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize, doubtful: usize) -> Vec<Word> {
        (0..n)
            .map(|i| {
                let c = if i < doubtful { 0.2 } else { 0.9 };
                Word::new("word", i as f64 * 0.4, i as f64 * 0.4 + 0.3).with_confidence(Some(c))
            })
            .collect()
    }

    #[test]
    fn clear_english_is_trusted() {
        let w = words(40, 4);
        let q = judge(&Evidence {
            words: &w,
            snr_db: Some(30.0),
            ..Evidence::default()
        });
        assert!(q.trusted, "{q:?}");
        assert_eq!(q.doubtful_share, 0.1);
    }

    #[test]
    fn mostly_doubtful_words_are_unclear_speech() {
        let w = words(20, 10);
        let q = judge(&Evidence {
            words: &w,
            ..Evidence::default()
        });
        assert_eq!(q.issue, Some(QualityIssue::UnclearSpeech));
        assert!(q.reason.unwrap().contains("10 of the 20"));
        // Too few words to judge a share: left to the minimum evidence of each verdict.
        let few = words(6, 5);
        assert!(
            judge(&Evidence {
                words: &few,
                ..Evidence::default()
            })
            .trusted
        );
    }

    #[test]
    fn another_language_from_the_model_or_from_whispers_own_note() {
        let w = words(30, 0);
        let q = judge(&Evidence {
            words: &w,
            language: Some(("de".into(), 0.93)),
            ..Evidence::default()
        });
        assert_eq!(q.issue, Some(QualityIssue::OtherLanguage));
        assert!(q.reason.as_deref().unwrap().contains("German"), "{q:?}");
        assert_eq!(q.language.as_deref(), Some("de"));
        let unsure = judge(&Evidence {
            words: &w,
            language: Some(("de".into(), 0.3)),
            ..Evidence::default()
        });
        assert!(unsure.trusted);
        let english = judge(&Evidence {
            words: &w,
            language: Some(("en".into(), 0.99)),
            ..Evidence::default()
        });
        assert!(english.trusted);
        let noted = ["[speaking in foreign language]".to_string()];
        let q = judge(&Evidence {
            words: &w,
            annotations: &noted,
            ..Evidence::default()
        });
        assert_eq!(q.issue, Some(QualityIssue::OtherLanguage));
        let music = ["(music)".to_string()];
        assert!(
            judge(&Evidence {
                words: &w,
                annotations: &music,
                ..Evidence::default()
            })
            .trusted
        );
    }

    #[test]
    fn noise_nearly_as_loud_as_the_speech_is_noise() {
        // Whisper is confident of most words under heavy noise, and wrong about many.
        let w = words(30, 3);
        let noisy = judge(&Evidence {
            words: &w,
            snr_db: Some(3.0),
            ..Evidence::default()
        });
        assert_eq!(noisy.issue, Some(QualityIssue::Noise));
        assert!(noisy.reason.unwrap().contains("3 dB"));
        assert!(
            judge(&Evidence {
                words: &w,
                snr_db: Some(8.0),
                ..Evidence::default()
            })
            .trusted
        );
        assert!(
            judge(&Evidence {
                words: &w,
                snr_db: None,
                ..Evidence::default()
            })
            .trusted
        );
    }
}
