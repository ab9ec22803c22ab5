//! Filler words, found with context rules.
//!
//! Filled pauses (um, uh, er, ah, hmm) are always fillers. Discourse fillers (like, you know,
//! I mean, so, kind of, sort of, right, basically, actually, literally) are ordinary words
//! most of the time, so each has a rule that looks at its neighbours and the punctuation
//! Whisper wrote: "it was, like, huge" counts, "I like Rust" and "looks like" do not.
//! When a rule cannot tell, the word is not counted: the report under-counts rather than
//! accuse the speaker of a filler they did not use.

use serde::{Deserialize, Serialize};

use super::tokens::{clause_end, clause_start, sentence_start, tokenize, Token};
use crate::transcribe::Word;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FillerKind {
    /// um, uh, er, ah, hmm: a voiced hesitation.
    FilledPause,
    /// like, you know, so...: a word used as a verbal tic.
    Discourse,
}

/// One filler occurrence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillerEvent {
    /// Canonical form: "um", "you know", "like".
    pub word: String,
    pub kind: FillerKind,
    pub start_s: f64,
    pub end_s: f64,
    /// Index of its first word in the transcript.
    pub word_index: usize,
    /// How many transcript words it spans (2 for "you know"; 0 for one heard only in the audio).
    pub word_count: usize,
    /// Where it was found: in the transcript, or in the audio where the transcript has no word
    /// for it ([`super::hesitation`]).
    #[serde(default)]
    pub source: Source,
    /// How sure the audio pass is of it, 0-1 (none for transcribed fillers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

/// Where a filler was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A word of the transcript.
    #[default]
    Transcript,
    /// A filled pause heard in the signal that the transcript does not hold.
    Audio,
}

/// Find every filler in a timed transcript.
pub fn find(words: &[Word]) -> Vec<FillerEvent> {
    find_with_extra(words, &[])
}

/// Find every filler, counting the user's extra filler words or phrases wherever they occur.
pub fn find_with_extra(words: &[Word], extra: &[String]) -> Vec<FillerEvent> {
    let extra: Vec<(String, Vec<String>)> = extra
        .iter()
        .map(|p| phrase_words(p))
        .filter(|w| !w.is_empty())
        .map(|w| (w.join(" "), w))
        .collect();
    let toks = tokenize(words);
    let mut events = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let hit = filled_pause(&toks[i].norm)
            .map(|w| (w, FillerKind::FilledPause, 1))
            .map(|(w, k, n)| (w.to_string(), k, n))
            .or_else(|| discourse(&toks, i).map(|(w, n)| (w.to_string(), FillerKind::Discourse, n)))
            .or_else(|| extra_at(&toks, i, &extra).map(|(w, n)| (w, FillerKind::Discourse, n)));
        match hit {
            Some((word, kind, n)) => {
                events.push(FillerEvent {
                    word,
                    kind,
                    start_s: words[i].start_s,
                    end_s: words[i + n - 1].end_s,
                    word_index: i,
                    word_count: n,
                    source: Source::Transcript,
                    confidence: None,
                });
                i += n;
            }
            None => i += 1,
        }
    }
    events
}

/// A phrase's words as the tokenizer normalises them: lowercase, no punctuation.
fn phrase_words(phrase: &str) -> Vec<String> {
    phrase
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .replace('’', "'")
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The user's extra filler phrase starting at `i`, if any: its form and word count.
fn extra_at(toks: &[Token], i: usize, extra: &[(String, Vec<String>)]) -> Option<(String, usize)> {
    extra.iter().find_map(|(phrase, words)| {
        let n = words.len();
        let here = toks.get(i..i + n)?;
        here.iter()
            .zip(words)
            .all(|(t, w)| t.norm == *w)
            .then(|| (phrase.clone(), n))
    })
}

/// The canonical filled pause for a word ("ummm" -> "um"), if it is one.
pub fn filled_pause(norm: &str) -> Option<&'static str> {
    let squeezed = squeeze(norm);
    Some(match squeezed.as_str() {
        "um" | "uhm" | "umh" | "em" => "um",
        "uh" | "huh" => "uh",
        "er" | "erm" => "er",
        "ah" | "ahm" => "ah",
        "hm" | "hmm" | "mm" | "mhm" => "hmm",
        _ => return None,
    })
}

/// Collapse runs of the same letter: "ummm" -> "um", "hmmm" -> "hm".
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// A discourse filler starting at `i`: its canonical form and how many words it spans.
fn discourse(toks: &[Token], i: usize) -> Option<(&'static str, usize)> {
    let next = toks.get(i + 1);
    let two = |w: &str| next.is_some_and(|n| n.is(w));
    match toks[i].norm.as_str() {
        "like" if like_is_filler(toks, i) => Some(("like", 1)),
        "you" if two("know") && you_know_is_filler(toks, i) => Some(("you know", 2)),
        "i" if two("mean") && i_mean_is_filler(toks, i) => Some(("i mean", 2)),
        "kind" if two("of") && hedge_of_is_filler(toks, i) => Some(("kind of", 2)),
        "sort" if two("of") && hedge_of_is_filler(toks, i) => Some(("sort of", 2)),
        "so" if so_is_filler(toks, i) => Some(("so", 1)),
        "right" if right_is_filler(toks, i) => Some(("right", 1)),
        "basically" => Some(("basically", 1)),
        "actually" => Some(("actually", 1)),
        "literally" => Some(("literally", 1)),
        _ => None,
    }
}

fn prev(toks: &[Token], i: usize) -> Option<&str> {
    i.checked_sub(1).map(|p| toks[p].norm.as_str())
}

fn next(toks: &[Token], i: usize) -> Option<&str> {
    toks.get(i + 1).map(|t| t.norm.as_str())
}

fn is_hesitation(w: Option<&str>) -> bool {
    w.is_some_and(|w| filled_pause(w).is_some())
}

/// "like" as a verb ("I like", "would like") or preposition ("looks like", "something like").
const LIKE_GOVERNORS: &[&str] = &[
    "i",
    "you",
    "we",
    "they",
    "he",
    "she",
    "who",
    "people",
    "would",
    "i'd",
    "we'd",
    "you'd",
    "they'd",
    "do",
    "don't",
    "didn't",
    "doesn't",
    "does",
    "did",
    "to",
    "really",
    "also",
    "not",
    "might",
    "will",
    "i'll",
    "we'll",
    "look",
    "looks",
    "looked",
    "looking",
    "sound",
    "sounds",
    "sounded",
    "seem",
    "seems",
    "seemed",
    "feel",
    "feels",
    "felt",
    "feeling",
    "something",
    "anything",
    "nothing",
    "things",
    "stuff",
    "much",
    "more",
    "just",
    "exactly",
    "lot",
    "act",
    "acted",
    "acting",
    "treat",
    "treated",
    "is",
    "was",
    "be",
    "less",
    "most",
    "least",
    "thing",
];
/// Words before "like" that mark it as a filler when no punctuation says so.
const LIKE_FILLER_BEFORE: &[&str] = &["and", "but", "it's", "that's", "there's", "um", "uh"];

/// Subjects, modals and auxiliaries after which "like" is the verb even with a comma after it:
/// "I like, I like beans" is a restart, not a filler.
const LIKE_SUBJECTS: &[&str] = &[
    "i", "you", "we", "they", "he", "she", "who", "people", "would", "i'd", "we'd", "you'd",
    "they'd", "do", "don't", "didn't", "doesn't", "does", "did", "to", "might", "will", "i'll",
    "we'll",
];

fn like_is_filler(toks: &[Token], i: usize) -> bool {
    // The verb after its subject or a modal, whatever follows: the filler rules would rather
    // miss a filler than accuse the speaker of one.
    if i > 0
        && !toks[i - 1].comma_after
        && !sentence_start(toks, i)
        && prev(toks, i).is_some_and(|p| LIKE_SUBJECTS.contains(&p))
    {
        return false;
    }
    // Punctuation around it ("it was, like, huge") or a hesitation next to it.
    if toks[i].comma_after || (i > 0 && toks[i - 1].comma_after && !sentence_start(toks, i)) {
        return true;
    }
    if sentence_start(toks, i) {
        // "Like, ..." or "Like I said" at the start of a sentence.
        return toks[i].comma_after || next(toks, i) == Some("i");
    }
    if is_hesitation(prev(toks, i)) || is_hesitation(next(toks, i)) {
        return true;
    }
    match prev(toks, i) {
        Some(p) if LIKE_GOVERNORS.contains(&p) => {
            // "it was like really hard": after a copula, "like" + adverb is a tic.
            matches!(p, "is" | "was") && matches!(next(toks, i), Some("really" | "so" | "super"))
        }
        Some(p) => LIKE_FILLER_BEFORE.contains(&p),
        None => false,
    }
}

/// "you know" is literal before an object or clause: "you know that", "you know what to do".
const KNOW_OBJECTS: &[&str] = &[
    "that", "what", "how", "why", "who", "where", "when", "if", "whether", "about", "it", "this",
    "him", "her", "them", "the", "a", "an", "your", "my", "our", "their", "his", "me", "us",
];

fn you_know_is_filler(toks: &[Token], i: usize) -> bool {
    let after = i + 1;
    // "do you know", "if you know", "you know, ..." etc.
    if matches!(
        prev(toks, i),
        Some("do" | "did" | "if" | "don't" | "didn't")
    ) {
        return false;
    }
    if clause_end(toks, after) || clause_start(toks, i) && toks[after].comma_after {
        return true;
    }
    !next(toks, after).is_some_and(|w| KNOW_OBJECTS.contains(&w))
}

fn i_mean_is_filler(toks: &[Token], i: usize) -> bool {
    // "what I mean is" and "I mean it" are literal.
    if matches!(prev(toks, i), Some("what" | "if")) {
        return false;
    }
    clause_start(toks, i) || toks[i + 1].comma_after
}

/// Determiners that make "kind of"/"sort of" literal: "what kind of product".
const KIND_DETERMINERS: &[&str] = &[
    "a",
    "the",
    "this",
    "that",
    "what",
    "which",
    "any",
    "some",
    "every",
    "one",
    "same",
    "different",
    "other",
    "that's",
    "each",
    "no",
    "my",
    "our",
    "your",
    "their",
    "its",
];

fn hedge_of_is_filler(toks: &[Token], i: usize) -> bool {
    match prev(toks, i) {
        Some(p) if KIND_DETERMINERS.contains(&p) => false,
        Some(_) => !clause_start(toks, i),
        // Sentence-initial "Kind of product..." is literal; "Kind of, yeah" is not.
        None => toks[i + 1].comma_after,
    }
}

/// "so" + these is literal: "so that", "so much", "and so on".
const SO_LITERAL_AFTER: &[&str] = &[
    "that",
    "much",
    "many",
    "far",
    "long",
    "few",
    "little",
    "well",
    "good",
    "bad",
    "often",
    "quickly",
    "fast",
    "big",
    "small",
    "hard",
    "easy",
    "important",
    "i'd",
    "called",
];

fn so_is_filler(toks: &[Token], i: usize) -> bool {
    if matches!(
        prev(toks, i),
        Some("and" | "or" | "think" | "hope" | "not" | "even")
    ) {
        return false;
    }
    if next(toks, i).is_some_and(|w| SO_LITERAL_AFTER.contains(&w)) {
        return false;
    }
    // "So, ...", "..., so, ...", or "so" followed by a hesitation; the answer's first word.
    toks[i].comma_after || i == 0 || is_hesitation(next(toks, i))
}

fn right_is_filler(toks: &[Token], i: usize) -> bool {
    // A tag question "..., right?" or an opener "Right, so...".
    let tag = i > 0 && toks[i - 1].comma_after && toks[i].sentence_end_after;
    let opener = sentence_start(toks, i) && toks[i].comma_after;
    tag || opener || toks[i].question_after && i > 0 && toks[i - 1].comma_after
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words 0.5 s apart from a sentence, with the punctuation as written.
    fn words(text: &str) -> Vec<Word> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, t)| Word::new(t, i as f64 * 0.5, i as f64 * 0.5 + 0.4))
            .collect()
    }

    fn fillers(text: &str) -> Vec<String> {
        find(&words(text)).into_iter().map(|e| e.word).collect()
    }

    #[test]
    fn filled_pauses_in_any_spelling() {
        assert_eq!(
            fillers("Um, I, uhh, ummm, think er, erm, hmm, ah."),
            ["um", "uh", "um", "er", "er", "hmm", "ah"]
        );
    }

    #[test]
    fn like_as_verb_or_preposition_is_not_counted() {
        assert!(fillers("I like Rust and we would like more tests.").is_empty());
        assert!(fillers("It looks like a cache bug, something like that.").is_empty());
        assert!(fillers("I don't like it.").is_empty());
    }

    #[test]
    fn like_as_tic_is_counted() {
        assert_eq!(fillers("It was, like, a huge mess."), ["like"]);
        // A restart around the verb is not a filler.
        assert!(fillers("I like, I like beans.").is_empty());
        assert!(fillers("We would like, we would like a refund.").is_empty());
        assert_eq!(fillers("I, like, never saw it."), ["like"]);
        assert_eq!(fillers("and like we just shipped it"), ["like"]);
        assert_eq!(fillers("It was like really hard."), ["like"]);
        assert_eq!(fillers("Like, I had no idea."), ["like"]);
    }

    #[test]
    fn you_know_depends_on_what_follows() {
        assert_eq!(fillers("We had, you know, a deadline."), ["you know"]);
        assert_eq!(fillers("and you know we fixed it"), ["you know"]);
        assert!(fillers("You know that the release was late.").is_empty());
        assert!(fillers("Do you know what happened?").is_empty());
    }

    #[test]
    fn so_that_and_so_much_are_not_fillers() {
        assert!(fillers("I wrote tests so that we could refactor and so on.").is_empty());
        assert!(fillers("It took so much time.").is_empty());
        assert_eq!(fillers("So, at my last job I led a team."), ["so"]);
        assert_eq!(fillers("We shipped, so, it went well."), ["so"]);
    }

    #[test]
    fn kind_of_as_a_noun_phrase_is_not_counted() {
        assert!(fillers("What kind of product was it? Kind of product matters.").is_empty());
        assert!(fillers("It was a different sort of problem.").is_empty());
        assert_eq!(
            fillers("It was kind of hard and I sort of gave up."),
            ["kind of", "sort of"]
        );
    }

    #[test]
    fn i_mean_and_right() {
        assert_eq!(fillers("I mean, it worked."), ["i mean"]);
        assert!(fillers("That's what I mean by quality.").is_empty());
        assert_eq!(
            fillers("We had to ship it, right? Right, so we did."),
            ["right", "right"]
        );
        assert!(fillers("It was the right call, right now.").is_empty());
    }

    #[test]
    fn hedging_adverbs_are_always_counted() {
        assert_eq!(
            fillers("I basically actually literally did it."),
            ["basically", "actually", "literally"]
        );
    }

    #[test]
    fn extra_filler_words_are_counted_where_they_occur() {
        let extra = ["to be honest".to_string(), "Anyway".to_string()];
        let found: Vec<String> = find_with_extra(
            &words("To be honest, it was hard. Anyway, um, we shipped it."),
            &extra,
        )
        .into_iter()
        .map(|e| e.word)
        .collect();
        assert_eq!(found, ["to be honest", "anyway", "um"]);
        assert!(find(&words("To be honest, it was hard.")).is_empty());
    }

    #[test]
    fn events_carry_time_and_span() {
        let e = find(&words("We had, you know, a plan."));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].word_index, 2);
        assert_eq!(e[0].word_count, 2);
        assert_eq!(e[0].start_s, 1.0);
        assert!((e[0].end_s - 1.9).abs() < 1e-9);
        assert_eq!(e[0].kind, FillerKind::Discourse);
    }
}
