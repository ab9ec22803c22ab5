//! Sentences: the unit the STAR labeller and the content flags work on.
//!
//! Whisper punctuates what it hears, so a sentence ends where it wrote `.`, `!`, `?` or an
//! ellipsis (but not after "Dr." or "e.g."). Speakers also run sentences together with no
//! punctuation in the transcript; a long silence in the signal between two words splits
//! them too, as long as neither side is left as a fragment of a word or two, and what is
//! still unpunctuated is cut where a model learned from the labelled corpus hears a new
//! sentence start ([`boundary`]).

pub mod boundary;

use serde::{Deserialize, Serialize};

use super::tokens::{tokenize, Token};
use crate::transcribe::{join_words, Word};
use boundary::BoundaryModel;

/// A silence at least this long (seconds) between two words ends a sentence.
pub const SPLIT_PAUSE_S: f64 = 1.2;
/// A pause only splits when both sides keep at least this many words.
const MIN_PAUSE_SPLIT_WORDS: usize = 3;
/// A stretch this long (words) with no sentence end is a run-on: speakers chain sentences with
/// "and", "so" and "but", and a transcript may carry no full stop for a minute. It is cut
/// before those links ([`run_on_cut`]).
const RUN_ON_WORDS: usize = 25;
/// A piece cut from a run-on keeps at least this many words, and leaves at least
/// [`MIN_RUN_ON_TAIL`] after it.
const MIN_RUN_ON_PIECE: usize = 6;
const MIN_RUN_ON_TAIL: usize = 4;
/// Words after "and" that start a new clause: "and I", "and then", "and the ...".
const CLAUSE_STARTS: &[&str] = &[
    "i", "we", "they", "he", "she", "it", "then", "the", "that", "i'm", "it's", "after", "now",
    "yeah", "honestly", "first", "when", "this", "once", "by", "in", "within",
];
/// Lower-case words (without their final dot) whose dot is not a sentence end.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "vs", "e.g", "i.e", "approx", "dept", "prof", "jr", "sr",
];

/// One sentence of the transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub index: usize,
    pub text: String,
    /// When its first word starts, seconds.
    pub start_s: f64,
    /// When its last word ends, seconds.
    pub end_s: f64,
    /// Its words are `words[word_start..word_end]` of the transcript.
    pub word_start: usize,
    pub word_end: usize,
    pub word_count: usize,
}

/// How a stretch with no punctuated sentence end is cut.
#[derive(Debug, Clone, Copy)]
pub enum Splitter<'a> {
    /// Only a run-on of more than [`RUN_ON_WORDS`] words, before "so", "but" and "and I"
    /// (the rule before the learned model; the offline trainer compares against it).
    RunOn,
    /// Wherever the learned boundary model hears a new sentence start.
    Learned(&'a BoundaryModel),
}

/// Split timed words into sentences. `pauses` are `(start_s, end_s)` silences measured on the
/// signal; only those of at least [`SPLIT_PAUSE_S`] are used.
pub fn split(words: &[Word], pauses: &[(f64, f64)]) -> Vec<Sentence> {
    split_with(words, pauses, Splitter::Learned(BoundaryModel::shipped()))
}

/// [`split`] with the chosen way of cutting unpunctuated stretches.
pub fn split_with(words: &[Word], pauses: &[(f64, f64)], splitter: Splitter) -> Vec<Sentence> {
    let toks = tokenize(words);
    let long: Vec<(f64, f64)> = pauses
        .iter()
        .copied()
        .filter(|(a, b)| b - a >= SPLIT_PAUSE_S - 1e-9)
        .collect();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..words.len() {
        let last = i + 1 == words.len();
        let punctuated = ends_sentence(&toks[i]);
        let paused = !last
            && i + 1 - start >= MIN_PAUSE_SPLIT_WORDS
            && words.len() - (i + 1) >= MIN_PAUSE_SPLIT_WORDS
            && pause_between(&long, &words[i], &words[i + 1]);
        if last || punctuated || paused {
            let pieces = match splitter {
                Splitter::RunOn => run_on_cut(&toks, start, i + 1),
                Splitter::Learned(model) => model.cut(words, &toks, start, i + 1),
            };
            for (a, b) in pieces {
                out.push(sentence(words, out.len(), a, b));
            }
            start = i + 1;
        }
    }
    out
}

/// Cut `start..end` into clauses when it is a run-on ([`RUN_ON_WORDS`]): before "so" and
/// "but", and before "and" when a new clause follows ("and I", "and then").
fn run_on_cut(toks: &[Token], start: usize, end: usize) -> Vec<(usize, usize)> {
    if end - start <= RUN_ON_WORDS {
        return vec![(start, end)];
    }
    let mut out = Vec::new();
    let mut from = start;
    for j in start + 1..end {
        let w = toks[j].norm.as_str();
        let next = toks.get(j + 1).map_or("", |t| t.norm.as_str());
        let link = matches!(w, "so" | "but") || (w == "and" && CLAUSE_STARTS.contains(&next));
        if link && j - from >= MIN_RUN_ON_PIECE && end - j >= MIN_RUN_ON_TAIL {
            out.push((from, j));
            from = j;
        }
    }
    out.push((from, end));
    out
}

fn ends_sentence(tok: &Token) -> bool {
    tok.sentence_end_after && !ABBREVIATIONS.contains(&tok.norm.as_str())
}

/// A long silence lies between `a` and `b`. Word end times absorb the silence after a word,
/// so the gap is taken from the start of `a` to (just after) the start of `b`.
fn pause_between(long: &[(f64, f64)], a: &Word, b: &Word) -> bool {
    long.iter()
        .any(|&(ps, pe)| ps >= a.start_s && pe <= b.start_s + 0.2)
}

fn sentence(words: &[Word], index: usize, start: usize, end: usize) -> Sentence {
    let span = &words[start..end];
    Sentence {
        index,
        text: join_words(span),
        start_s: span[0].start_s,
        end_s: span[span.len() - 1].end_s,
        word_start: start,
        word_end: end,
        word_count: end - start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcribe::Transcript;

    fn words(text: &str) -> Vec<Word> {
        Transcript::evenly_timed(text, 0.5).words
    }

    #[test]
    fn punctuation_ends_sentences() {
        let s = split(&words("I was a nurse. I asked why! Did it work? Yes"), &[]);
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            ["I was a nurse.", "I asked why!", "Did it work?", "Yes"]
        );
        assert_eq!((s[1].word_start, s[1].word_end, s[1].word_count), (4, 7, 3));
        assert_eq!((s[1].start_s, s[1].end_s), (2.0, 3.4));
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        let s = split(&words("I called Dr. Patel, e.g. twice. Then I left."), &[]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].text, "I called Dr. Patel, e.g. twice.");
    }

    #[test]
    fn a_long_pause_splits_an_unpunctuated_run() {
        let t = Transcript::from_triples(&[
            ("I", 0.0, 0.2),
            ("fixed", 0.3, 0.6),
            ("the", 0.7, 0.8),
            ("bug", 0.9, 3.0), // end time absorbs the silence
            ("then", 3.1, 3.3),
            ("it", 3.4, 3.5),
            ("worked", 3.6, 4.0),
        ]);
        let s = split(&t.words, &[(1.2, 3.05)]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].text, "I fixed the bug");
        assert_eq!(s[1].text, "then it worked");
        // A short pause does not split.
        assert_eq!(split(&t.words, &[(1.2, 1.8)]).len(), 1);
    }

    #[test]
    fn a_pause_does_not_leave_a_fragment() {
        let t = Transcript::from_triples(&[
            ("Well", 0.0, 1.9),
            ("I", 2.0, 2.1),
            ("fixed", 2.2, 2.5),
            ("the", 2.6, 2.7),
            ("bug", 2.8, 3.0),
        ]);
        assert_eq!(split(&t.words, &[(0.4, 1.95)]).len(), 1);
    }

    #[test]
    fn unpunctuated_speech_is_cut_where_a_new_sentence_starts() {
        let s = split(
            &words(
                "so I was a charge nurse on a busy surgical ward and we were short of staff \
                 every night so I asked my manager for a second nurse on nights and after a \
                 month the complaints went down by half",
            ),
            &[],
        );
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert!(texts.len() >= 2, "{texts:?}");
        assert!(
            texts.iter().any(|t| t.starts_with("so I asked")),
            "{texts:?}"
        );
    }

    #[test]
    fn short_punctuated_sentences_are_left_as_written() {
        let text = "At my last job I was a support engineer at a software company. Our \
                    ticket backlog had grown to three weeks, so I sorted the tickets by cause.";
        let s = split(&words(text), &[]);
        assert_eq!(s.len(), 2);
        assert_eq!(split_with(&words(text), &[], Splitter::RunOn).len(), 2);
    }

    #[test]
    fn no_words_no_sentences() {
        assert!(split(&[], &[]).is_empty());
    }
}
