//! Words the transcript is unsure of, and answers too short to judge.
//!
//! Whisper gives each token a probability. A word whose weakest token falls under
//! [`DOUBTFUL_BELOW`] was most likely misheard (the threshold and how it was measured on real
//! speech are in docs/star.md). Evidence heard in such a word earns no points and raises no
//! sure flag: a number in it does not quantify a Result, a blame phrase in it makes the
//! "owns it" check "can't tell" rather than "no", and a sentence about other people with a
//! doubtful word in it makes the same check "can't tell" rather than "yes".

use serde::{Deserialize, Serialize};

use crate::transcribe::Word;

/// A word whose confidence is under this is doubtful (defined with the transcript's quality,
/// which judges a take by the share of such words).
pub use crate::transcribe::quality::DOUBTFUL_BELOW;
/// Fewer words than this are too few to judge an answer's content.
pub const MIN_WORDS_TO_JUDGE: usize = 30;

/// The answer to a check: yes, no, or can't tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    CantTell,
}

impl Answer {
    /// Words for a person: "yes", "no", "can't tell".
    pub fn label(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::CantTell => "can't tell",
        }
    }
}

/// Which words of the transcript are doubtful.
pub fn doubtful(words: &[Word]) -> Vec<bool> {
    words.iter().map(is_doubtful).collect()
}

pub fn is_doubtful(w: &Word) -> bool {
    crate::transcribe::quality::is_doubtful(w)
}

/// The doubtful words among `words[range]`, joined, or None when all were heard clearly.
pub fn doubtful_in(words: &[Word], range: std::ops::Range<usize>) -> Option<String> {
    let found: Vec<&str> = words
        .get(range)
        .unwrap_or(&[])
        .iter()
        .filter(|w| is_doubtful(w))
        .map(|w| w.text.trim())
        .collect();
    (!found.is_empty()).then(|| found.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_words_with_a_low_confidence_are_doubtful() {
        let words = vec![
            Word::new("the", 0.0, 0.2),
            Word::new("13", 0.2, 0.4).with_confidence(Some(0.12)),
            Word::new("was", 0.4, 0.6).with_confidence(Some(0.93)),
        ];
        assert_eq!(doubtful(&words), [false, true, false]);
        assert_eq!(doubtful_in(&words, 0..3).as_deref(), Some("13"));
        assert_eq!(doubtful_in(&words, 2..3), None);
        assert_eq!(doubtful_in(&words, 2..9), None);
    }
}
