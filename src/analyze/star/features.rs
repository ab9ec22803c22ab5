//! What the learned STAR labeller sees of a sentence: named features.
//!
//! One function turns an answer's sentences into features, both at run time (for
//! [`super::learned`]) and in the offline trainer (`examples/train_star/`), so the model is
//! trained on exactly what it is later shown. The features are the sentence's words and word
//! pairs, its first words, where it sits in the answer and how long it is, the hand-written
//! rules' label, scores and cues for it, and the rules' labels of its neighbours.

use super::label::{Labelled, PARTS};
use crate::analyze::sentences::Sentence;
use crate::analyze::tokens::Token;

/// A feature's name and value (1 for a feature that is simply there).
pub type Feature = (String, f64);

/// The features of every sentence. `toks` are the tokens of the whole answer, `rules` the
/// hand-written labeller's output for each sentence.
pub fn extract(toks: &[Token], sentences: &[Sentence], rules: &[Labelled]) -> Vec<Vec<Feature>> {
    let n = sentences.len();
    (0..n)
        .map(|i| {
            let mut f = Vec::new();
            words(
                &toks[sentences[i].word_start..sentences[i].word_end],
                &mut f,
            );
            place(i, n, sentences[i].word_count, &mut f);
            rule(&rules[i], "", &mut f);
            let letter = |k: usize| rules[k].part.letter();
            let bucket = position_bucket(i, n);
            f.push((format!("rule:{}@{bucket}", letter(i)), 1.0));
            match i.checked_sub(1) {
                Some(p) => f.push((format!("prev:{}", letter(p)), 1.0)),
                None => f.push(("prev:^".into(), 1.0)),
            }
            match (i + 1 < n).then_some(i + 1) {
                Some(x) => f.push((format!("next:{}", letter(x)), 1.0)),
                None => f.push(("next:$".into(), 1.0)),
            }
            if let Some(p) = i.checked_sub(2) {
                f.push((format!("prev2:{}", letter(p)), 1.0));
            }
            f.sort_by(|a, b| a.0.cmp(&b.0));
            f.dedup_by(|a, b| a.0 == b.0);
            f
        })
        .collect()
}

/// Words, word pairs and the opening words, lower case; a word said twice in a row once.
fn words(toks: &[Token], f: &mut Vec<Feature>) {
    let mut norms: Vec<&str> = toks
        .iter()
        .map(|t| t.norm.as_str())
        .filter(|w| !w.is_empty())
        .collect();
    norms.dedup();
    for w in &norms {
        f.push((format!("w:{w}"), 1.0));
    }
    let mut prev = "<s>";
    for w in &norms {
        f.push((format!("b:{prev}_{w}"), 1.0));
        prev = w;
    }
    // The opening words after any "so", "and", "um": "so what I did was" opens with "what".
    let content: Vec<&str> = norms
        .iter()
        .copied()
        .skip_while(|w| OPENERS.contains(w))
        .collect();
    if let Some(w) = content.first() {
        f.push((format!("first:{w}"), 1.0));
    }
    if content.len() >= 2 {
        f.push((format!("first2:{}_{}", content[0], content[1]), 1.0));
    }
    if toks.last().is_some_and(|t| t.question_after) {
        f.push(("question".into(), 1.0));
    }
    for (group, patterns) in GROUPS {
        if patterns.iter().any(|p| contains_loosely(&norms, p)) {
            f.push((format!("grp:{group}"), 1.0));
        }
    }
}

/// Ways of saying one thing, pooled into one feature so that a phrasing the corpus has seen
/// once still counts: a goal handed to the speaker, one they had to meet, one they wanted,
/// and a goal named as a noun. Words of a pattern may have up to [`GAP`] words between them
/// ("the gaffer basically said to me", "I kind of had to", "what I really wanted"), so a
/// pattern also covers its longer forms ("i wanted" covers "I just wanted to").
const GROUPS: &[(&str, &[&[&str]])] = &[
    (
        "handed",
        &[
            &["asked", "me"],
            &["told", "me"],
            &["wanted", "me", "to"],
            &["needed", "me", "to"],
            &["expected", "me"],
            &["got", "asked"],
            &["been", "asked"],
            &["was", "asked"],
            &["were", "asked"],
            &["been", "told"],
            &["was", "told", "to"],
            &["the", "ask"],
            &["said", "to", "me"],
            &["landed", "on", "me"],
            &["fell", "to", "me"],
            &["on", "me", "to"],
            &["down", "to", "me"],
            &["up", "to", "me"],
            &["left", "it", "to", "me"],
            &["put", "me", "in", "charge"],
            &["handed", "me"],
            &["gave", "me", "the"],
            &["brought", "me", "in", "to"],
            &["me", "to", "sort"],
        ],
    ),
    (
        "must",
        &[
            &["i", "had", "to"],
            &["i", "needed", "to"],
            &["i", "need", "to"],
            &["i", "have", "to"],
            &["we", "had", "to"],
            &["we", "needed", "to"],
            &["i'd", "have", "to"],
            &["i've", "got", "to"],
            &["i'd", "got", "to"],
            &["i", "was", "the", "one"],
            &["i", "was", "supposed"],
            &["i", "was", "meant", "to"],
            &["was", "on", "me"],
            &["my", "job"],
            &["my", "responsibility"],
            &["responsible", "for"],
            &["in", "charge", "of"],
        ],
    ),
    (
        "want",
        &[
            &["i", "wanted"],
            &["i", "was", "after"],
            &["i", "was", "trying", "to"],
            &["i", "was", "hoping"],
            &["i", "hoped", "to"],
            &["i", "set", "out"],
            &["i", "was", "determined"],
            &["we", "wanted", "to"],
            &["i'd", "love", "to"],
        ],
    ),
    (
        "goal_noun",
        &[
            &["the", "point", "was"],
            &["whole", "point"],
            &["the", "idea", "was"],
            &["the", "plan", "was"],
            &["aim"],
            &["goal"],
            &["target"],
            &["objective"],
            &["priority", "was"],
            &["mission"],
            &["brief", "was"],
            &["challenge", "was"],
        ],
    ),
];

/// Most words allowed between two words of a [`GROUPS`] pattern.
const GAP: usize = 2;

/// Whether `pattern`'s words occur in `words` in order, each within [`GAP`] words of the one
/// before.
fn contains_loosely(words: &[&str], pattern: &[&str]) -> bool {
    let Some((first, rest)) = pattern.split_first() else {
        return false;
    };
    words.iter().enumerate().any(|(start, w)| {
        w == first && {
            let mut at = start;
            rest.iter().all(|p| {
                let end = (at + 2 + GAP).min(words.len());
                match words[at + 1..end].iter().position(|w| w == p) {
                    Some(k) => {
                        at += 1 + k;
                        true
                    }
                    None => false,
                }
            })
        }
    })
}

const OPENERS: &[&str] = &[
    "so", "and", "um", "uh", "erm", "er", "like", "but", "then", "well", "yeah", "okay", "oh",
];

fn position_bucket(i: usize, n: usize) -> usize {
    if n <= 1 {
        return 2;
    }
    (i * 5 / n).min(4)
}

/// Where the sentence sits and how long it is.
fn place(i: usize, n: usize, words: usize, f: &mut Vec<Feature>) {
    f.push((format!("pos:{}", position_bucket(i, n)), 1.0));
    if i == 0 {
        f.push(("pos:first".into(), 1.0));
    }
    if i + 1 == n {
        f.push(("pos:last".into(), 1.0));
    }
    if i == 1 {
        f.push(("pos:second".into(), 1.0));
    }
    if n >= 3 && i + 2 == n {
        f.push(("pos:penultimate".into(), 1.0));
    }
    let r = if n > 1 {
        i as f64 / (n - 1) as f64
    } else {
        0.5
    };
    f.push(("pos:relative".into(), r));
    let len = match words {
        0..=6 => "short",
        7..=14 => "medium",
        15..=30 => "long",
        _ => "run-on",
    };
    f.push((format!("len:{len}"), 1.0));
}

/// The rules' label, their scores scaled to about [-1, 1], and every cue they found.
fn rule(r: &Labelled, prefix: &str, f: &mut Vec<Feature>) {
    f.push((format!("{prefix}rule:{}", r.part.letter()), 1.0));
    for (p, score) in PARTS.iter().zip(r.scores) {
        f.push((format!("{prefix}score:{}", p.letter()), score / 3.0));
    }
    for (p, cues) in PARTS.iter().zip(&r.cues_by_part) {
        for c in cues {
            f.push((format!("{prefix}cue:{}:{c}", p.letter()), 1.0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loosely(text: &str, pattern: &[&str]) -> bool {
        let words: Vec<&str> = text.split_whitespace().collect();
        contains_loosely(&words, pattern)
    }

    #[test]
    fn a_pattern_matches_in_order_with_at_most_two_words_between() {
        assert!(loosely("i had to fix it", &["i", "had", "to"]));
        assert!(loosely("so i kind of had to", &["i", "had", "to"]));
        assert!(loosely(
            "the gaffer basically said to me",
            &["said", "to", "me"]
        ));
        assert!(!loosely("i you know sort of had to", &["i", "had", "to"]));
        assert!(!loosely("to had i", &["i", "had", "to"]));
        assert!(!loosely("i had", &["i", "had", "to"]));
        assert!(!loosely("", &["goal"]));
        assert!(!loosely("goal", &[]));
    }

    #[test]
    fn a_goal_handed_to_the_speaker_is_one_feature_however_it_is_said() {
        for text in [
            "and the head asked me if there was any way",
            "it kind of landed on me to keep us on air",
            "i got asked by the control room to find out why",
        ] {
            let mut f = Vec::new();
            let transcript = crate::transcribe::Transcript::evenly_timed(text, 0.4);
            words(&crate::analyze::tokens::tokenize(&transcript.words), &mut f);
            assert!(f.iter().any(|(n, _)| n == "grp:handed"), "{text}: {f:?}");
        }
    }
}
