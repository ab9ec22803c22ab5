//! Content red flags from interview coaching: blaming others, hedging, dodging the weakness
//! question, unexplained jargon, and one word said over and over.
//!
//! Each flag carries the words that raised it and when they were said, plus why an
//! interviewer would mind. Like the filler rules, these under-flag when unsure: one "I
//! think" or one acronym is not a flag; a pattern of them is.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::doubt;
use super::fillers::{filled_pause, FillerEvent};
use super::sentences::Sentence;
use super::tokens::{tokenize, Token};
use crate::transcribe::{join_words, Word};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    Blame,
    Hedge,
    NoWeakness,
    Jargon,
    Repetition,
    /// The answer does not address the question asked (raised by the question's checks).
    OffTopic,
}

impl FlagKind {
    pub fn label(self) -> &'static str {
        match self {
            FlagKind::Blame => "blame",
            FlagKind::Hedge => "hedge",
            FlagKind::NoWeakness => "no weakness",
            FlagKind::Jargon => "jargon",
            FlagKind::Repetition => "repetition",
            FlagKind::OffTopic => "off topic",
        }
    }

    /// An interviewer hears it as a problem with what was said, not how: blame, a dodged
    /// weakness, an answer to another question. A take with one of these is never on target.
    pub fn is_content(self) -> bool {
        matches!(
            self,
            FlagKind::Blame | FlagKind::NoWeakness | FlagKind::OffTopic
        )
    }
}

/// One red flag of one kind, with every place it was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub kind: FlagKind,
    /// The words that raised the flag first, as transcribed.
    pub quote: String,
    pub start_s: f64,
    pub end_s: f64,
    /// Why it matters and what to do instead.
    pub explanation: String,
    /// How many times it was found: the length of `occurrences`.
    #[serde(default = "one")]
    pub count: usize,
    /// Every place it was found, in order (the first is `quote`).
    #[serde(default)]
    pub occurrences: Vec<Occurrence>,
    /// Every piece of evidence was heard in words the transcript is unsure of: can't tell.
    #[serde(default)]
    pub doubtful: bool,
}

fn one() -> usize {
    1
}

/// One place a flag was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Occurrence {
    pub quote: String,
    pub start_s: f64,
    pub end_s: f64,
    /// The words that raised it here were heard uncertainly.
    #[serde(default)]
    pub doubtful: bool,
}

impl Flag {
    /// Every place it was found; a flag from an older report has only its first.
    pub fn places(&self) -> Vec<Occurrence> {
        if self.occurrences.is_empty() {
            vec![Occurrence {
                quote: self.quote.clone(),
                start_s: self.start_s,
                end_s: self.end_s,
                doubtful: self.doubtful,
            }]
        } else {
            self.occurrences.clone()
        }
    }

    /// "blame", "hedge x6", "blame (can't tell)".
    pub fn title(&self) -> String {
        let mut t = self.kind.label().to_string();
        if self.count > 1 {
            t.push_str(&format!(" x{}", self.count));
        }
        if self.doubtful {
            t.push_str(" (can't tell)");
        }
        t
    }

    /// A sure flag of a kind that keeps a take off target.
    pub fn is_sure_content(&self) -> bool {
        self.kind.is_content() && !self.doubtful
    }

    /// One flag from its occurrences (at least one), in time order.
    pub fn grouped(kind: FlagKind, mut places: Vec<Occurrence>, explanation: String) -> Flag {
        places.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        let first = places[0].clone();
        Flag {
            kind,
            quote: first.quote,
            start_s: first.start_s,
            end_s: first.end_s,
            explanation,
            count: places.len(),
            doubtful: places.iter().all(|p| p.doubtful),
            occurrences: places,
        }
    }
}

/// Hedges needed in an answer before they are flagged, and their rate per 100 words.
const MIN_HEDGES: usize = 3;
const MIN_HEDGES_PER_100_WORDS: f64 = 1.5;
/// Distinct unexplained acronyms needed before jargon is flagged.
const MIN_JARGON_TERMS: usize = 3;
/// A content word said at least this many times, and at least this often per 100 words, is
/// flagged as repetition.
const MIN_REPEATS: usize = 6;
const MIN_REPEATS_PER_100_WORDS: f64 = 3.0;

/// What the answer is about, when the question is known: its topic words are not repetition,
/// and a weakness question has to be answered with a weakness.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    pub weakness_question: bool,
    pub question_text: Option<&'a str>,
}

/// Find every content red flag in an answer, in the order they occur.
pub fn find(
    words: &[Word],
    sentences: &[Sentence],
    fillers: &[FillerEvent],
    context: Context,
) -> Vec<Flag> {
    let toks = tokenize(words);
    let text = Text {
        words,
        toks: &toks,
        sentences,
        spread: spread(&toks),
        doubtful: doubt::doubtful(words),
    };
    let mut flags = Vec::new();
    flags.extend(blame(&text));
    flags.extend(hedges(&text, fillers));
    flags.extend(no_weakness(&text, context.weakness_question));
    flags.extend(jargon(&text));
    flags.extend(repetition(&text, context.question_text));
    flags.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    flags
}

struct Text<'a> {
    words: &'a [Word],
    toks: &'a [Token],
    sentences: &'a [Sentence],
    /// Every word with contractions spelled out ("didn't" -> "did", "not"), each piece with
    /// the index of the word it came from: Whisper writes either form.
    spread: Vec<(String, usize)>,
    /// Words the transcript is unsure of.
    doubtful: Vec<bool>,
}

impl Text<'_> {
    /// Every place a phrase (lower-case words) occurs inside the sentence, as word ranges.
    fn find_all(&self, s: &Sentence, phrase: &str) -> Vec<Range<usize>> {
        let p: Vec<String> = phrase.split(' ').flat_map(expand).collect();
        let inside = |j: usize| {
            self.spread
                .get(j)
                .is_some_and(|(_, i)| (s.word_start..s.word_end).contains(i))
        };
        let mut out: Vec<Range<usize>> = Vec::new();
        for j in 0..self.spread.len() {
            let fits = inside(j)
                && inside(j + p.len() - 1)
                && p.iter().zip(&self.spread[j..]).all(|(w, (x, _))| w == x);
            let start = self.spread[j].1;
            if fits && out.last().is_none_or(|r| r.start != start) {
                out.push(start..self.spread[j + p.len() - 1].1 + 1);
            }
        }
        out
    }

    /// Where a phrase first starts inside the sentence, as a word index.
    fn find_in(&self, s: &Sentence, phrase: &str) -> Option<usize> {
        self.find_all(s, phrase).first().map(|r| r.start)
    }

    /// An occurrence quoting words `a..b`, raised by the words `evidence`.
    fn place(&self, a: usize, b: usize, evidence: Range<usize>) -> Occurrence {
        Occurrence {
            quote: join_words(&self.words[a..b]),
            start_s: self.words[a].start_s,
            end_s: self.words[b - 1].end_s,
            doubtful: self
                .doubtful
                .get(evidence)
                .is_some_and(|d| d.iter().any(|&x| x)),
        }
    }

    /// An occurrence quoting the whole sentence, raised by the words `evidence`.
    fn sentence_place(&self, s: &Sentence, evidence: Range<usize>) -> Occurrence {
        self.place(s.word_start, s.word_end, evidence)
    }
}

/// Each distinct item once, quoted, in first-seen order, with " xN" when it came more than
/// once: `"i guess" x3, "sort of" and "maybe"`.
fn tallied(items: &[String]) -> String {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for i in items {
        match seen.iter_mut().find(|(x, _)| x == i) {
            Some((_, n)) => *n += 1,
            None => seen.push((i, 1)),
        }
    }
    let q: Vec<String> = seen
        .into_iter()
        .map(|(x, n)| {
            if n > 1 {
                format!("\"{x}\" x{n}")
            } else {
                format!("\"{x}\"")
            }
        })
        .collect();
    match q.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn spread(toks: &[Token]) -> Vec<(String, usize)> {
    toks.iter()
        .enumerate()
        .flat_map(|(i, t)| expand(&t.norm).into_iter().map(move |w| (w, i)))
        .collect()
}

/// A contraction spelled out: "didn't" -> ["did", "not"], "i'm" -> ["i", "am"].
fn expand(w: &str) -> Vec<String> {
    if let Some(base) = w.strip_suffix("n't") {
        let base = match base {
            "ca" => "can",
            "wo" => "will",
            "sha" => "shall",
            b => b,
        };
        return vec![base.to_string(), "not".to_string()];
    }
    let rest = match w {
        "i'm" => Some(("i", "am")),
        "it's" | "that's" | "there's" | "he's" | "she's" | "what's" => {
            Some((w.trim_end_matches("'s"), "is"))
        }
        "i've" | "we've" | "they've" | "you've" => Some((w.trim_end_matches("'ve"), "have")),
        "we're" | "they're" | "you're" => Some((w.trim_end_matches("'re"), "are")),
        _ => None,
    };
    match rest {
        Some((a, b)) => vec![a.to_string(), b.to_string()],
        None => vec![w.to_string()],
    }
}

/// Disparaging words that are blame whoever they are about.
const BLAME_ALWAYS: &[&str] = &[
    "their fault",
    "his fault",
    "her fault",
    "our fault",
    "not my fault",
    "wasn't my fault",
    "because of them",
    "because of him",
    "because of her",
    "incompetent",
    "useless",
    "stupid",
    "clueless",
    "lazy",
    "idiots",
    "idiot",
    "hopeless",
    "badly run",
    "poorly run",
    "badly managed",
    "hard to work with",
    "difficult to work with",
    "impossible to work with",
    "nothing i could have done",
    "nothing i could do",
    "didn't know what they were doing",
    "didn't know what he was doing",
    "didn't know what she was doing",
];
/// Disparaging words that are blame when said about someone else.
const BLAME_ABOUT_OTHERS: &[&str] = &[
    "didn't care",
    "never listened",
    "didn't listen",
    "wouldn't listen",
    "didn't understand",
    "didn't really understand",
    "didn't really care",
    "wasn't a great",
    "wasn't very good",
    "weren't very good",
    "didn't trust",
    "never helped",
    "no idea",
    "a mess",
    "terrible",
    "awful",
    "blocking",
];
/// Words that say the sentence is about someone else.
const OTHERS: &[&str] = &[
    "they",
    "them",
    "their",
    "he",
    "him",
    "his",
    "she",
    "her",
    "team",
    "manager",
    "boss",
    "management",
    "company",
    "colleague",
    "colleagues",
    "coworker",
    "coworkers",
    "lead",
    "place",
    "people",
    "everyone",
    "nobody",
    "director",
    "department",
];

/// The words speak about someone else: a colleague, a team, "they".
pub fn about_others(words: &[Word]) -> bool {
    tokenize(words)
        .iter()
        .any(|w| OTHERS.contains(&w.norm.as_str()))
}

fn blame(t: &Text) -> Option<Flag> {
    let mut places = Vec::new();
    let mut phrases = Vec::new();
    for s in t.sentences {
        let toks = &t.toks[s.word_start..s.word_end];
        let about_others = toks.iter().any(|w| OTHERS.contains(&w.norm.as_str()));
        let hit = BLAME_ALWAYS
            .iter()
            .filter_map(|p| t.find_in(s, p).map(|i| (i, *p)))
            .chain(
                BLAME_ABOUT_OTHERS
                    .iter()
                    .filter(|_| about_others)
                    .filter_map(|p| t.find_in(s, p).map(|i| (i, *p)))
                    .filter(|&(i, _)| i == 0 || !matches!(t.toks[i - 1].norm.as_str(), "i" | "we")),
            )
            .min_by_key(|&(i, _)| i);
        if let Some((i, phrase)) = hit {
            let len = t.find_all(s, phrase).first().map_or(1, |r| r.len());
            places.push(t.sentence_place(s, i..i + len));
            phrases.push(phrase.to_string());
        }
    }
    (!places.is_empty()).then(|| {
        let what = tallied(&phrases);
        Flag::grouped(
            FlagKind::Blame,
            places,
            format!(
                "{what} {} the fault on others; interviewers hear how you would talk about them. \
                 Describe what happened neutrally and focus on what you did.",
                if phrases.len() == 1 { "puts" } else { "put" }
            ),
        )
    })
}

/// Hedges, besides "kind of" and "sort of" (which the filler rules find in context);
/// longer ones first, so "i think maybe" is one hedge, not two.
const HEDGES: &[&str] = &[
    "i think maybe",
    "not totally sure",
    "i'm not sure",
    "i don't know",
    "a little bit",
    "or something",
    "i guess",
    "i suppose",
    "i think",
    "maybe",
    "probably",
    "perhaps",
];

fn hedges(t: &Text, fillers: &[FillerEvent]) -> Option<Flag> {
    // (word index, hedge) for every hedge, without counting "i think maybe" twice.
    let mut found: Vec<(usize, String)> = fillers
        .iter()
        .filter(|f| matches!(f.word.as_str(), "kind of" | "sort of"))
        .map(|f| (f.word_index, f.word.clone()))
        .collect();
    let mut taken = vec![false; t.toks.len()];
    for s in t.sentences {
        for h in HEDGES {
            for r in t.find_all(s, h) {
                if !taken[r.clone()].iter().any(|&x| x) {
                    taken[r.clone()].iter_mut().for_each(|x| *x = true);
                    found.push((r.start, h.to_string()));
                }
            }
        }
    }
    let per_100 = found.len() as f64 * 100.0 / t.words.len().max(1) as f64;
    if found.len() < MIN_HEDGES || per_100 < MIN_HEDGES_PER_100_WORDS {
        return None;
    }
    found.sort();
    // One place per hedge, quoted with a few words either side.
    let places = found
        .iter()
        .map(|(i, h)| {
            let len = h.split(' ').count().min(t.words.len() - i);
            let s = sentence_of(t, *i);
            let from = i.saturating_sub(3).max(s.map_or(0, |s| s.word_start));
            let to = (i + len + 3).min(s.map_or(t.words.len(), |s| s.word_end));
            t.place(from, to, *i..i + len)
        })
        .collect();
    let hedges: Vec<String> = found.iter().map(|(_, h)| h.clone()).collect();
    Some(Flag::grouped(
        FlagKind::Hedge,
        places,
        format!(
            "Hedging ({}; {} in the answer) makes you sound unsure of your own work: say what \
             you did plainly.",
            tallied(&hedges),
            found.len()
        ),
    ))
}

/// The sentence holding word `i`.
fn sentence_of<'a>(t: &Text<'a>, i: usize) -> Option<&'a Sentence> {
    t.sentences
        .iter()
        .find(|s| (s.word_start..s.word_end).contains(&i))
}

/// Dodges of the weakness question: no weakness at all, or a strength in disguise.
const DODGES: &[&str] = &[
    "don't have any weaknesses",
    "don't really have any weaknesses",
    "don't really have weaknesses",
    "don't have weaknesses",
    "no real weaknesses",
    "don't have a weakness",
    "don't really have a weakness",
    "no weaknesses",
    "can't think of any weakness",
    "can't think of a weakness",
    "don't really have anything",
    "perfectionist",
    "work too hard",
    "care too much",
    "too much of a team player",
    "also a strength",
    "too honest",
];
/// Words that name a real weakness or working on one.
const WEAKNESS_WORDS: &[&str] = &[
    "weakness",
    "struggle",
    "find it hard",
    "find it difficult",
    "not good at",
    "get better at",
    "working on",
    "nervous",
    "improve",
];

fn no_weakness(t: &Text, weakness_question: bool) -> Option<Flag> {
    let mentions = |p: &str| t.sentences.iter().any(|s| t.find_in(s, p).is_some());
    if !weakness_question && !mentions("weakness") && !mentions("weaknesses") {
        return None;
    }
    let mut places = Vec::new();
    let mut dodges = Vec::new();
    for s in t.sentences {
        if let Some(p) = DODGES.iter().find(|p| t.find_in(s, p).is_some()) {
            let r = t.find_all(s, p)[0].clone();
            places.push(t.sentence_place(s, r));
            dodges.push(p.to_string());
        }
    }
    if !places.is_empty() {
        return Some(Flag::grouped(
            FlagKind::NoWeakness,
            places,
            format!(
                "{} {} the question; interviewers want a real weakness, how it shows up, and \
                 what you do about it.",
                tallied(&dodges),
                if dodges.len() == 1 { "dodges" } else { "dodge" }
            ),
        ));
    }
    let names_one = WEAKNESS_WORDS.iter().any(|p| mentions(p));
    if !weakness_question || names_one {
        return None;
    }
    // Nothing names a weakness. A weakness word may have been misheard: any doubtful word
    // makes this "can't tell".
    let s = t.sentences.first()?;
    let mut place = t.sentence_place(s, 0..t.words.len());
    place.doubtful = t.doubtful.iter().any(|&d| d);
    Some(Flag::grouped(
        FlagKind::NoWeakness,
        vec![place],
        "The answer never names a weakness: say what it is, how it shows up at work, and what \
         you do about it."
            .into(),
    ))
}

/// Acronyms every interviewer knows.
const COMMON_ACRONYMS: &[&str] = &[
    "OK", "TV", "CV", "UK", "US", "USA", "EU", "CEO", "CFO", "CTO", "COO", "HR", "IT", "PC", "ID",
    "FAQ", "PM", "AM", "UN", "NHS", "BBC", "PhD", "MBA", "GP", "DIY", "ASAP", "PDF", "VIP", "UX",
    "UI", "AI", "IPO", "Q1", "Q2", "Q3", "Q4",
];

fn jargon(t: &Text) -> Option<Flag> {
    let mut firsts: Vec<(usize, String)> = Vec::new();
    for s in t.sentences {
        for i in s.word_start..s.word_end {
            let bare = t.words[i]
                .text
                .trim()
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '+');
            if is_acronym(bare)
                && !COMMON_ACRONYMS.contains(&bare)
                && !explained(t, s, i, bare)
                && !firsts.iter().any(|(_, a)| a == bare)
            {
                firsts.push((i, bare.to_string()));
            }
        }
    }
    if firsts.len() < MIN_JARGON_TERMS {
        return None;
    }
    let all = firsts
        .iter()
        .map(|(_, a)| a.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let places = firsts
        .iter()
        .map(|(i, _)| {
            let (from, to) = sentence_of(t, *i).map_or((*i, i + 1), |s| {
                (
                    i.saturating_sub(3).max(s.word_start),
                    (i + 4).min(s.word_end),
                )
            });
            t.place(from, to, *i..i + 1)
        })
        .collect();
    Some(Flag::grouped(
        FlagKind::Jargon,
        places,
        format!(
            "{} terms are never explained ({all}); say them in plain words, as you would to an \
             interviewer from outside your team.",
            firsts.len()
        ),
    ))
}

/// "SLO", "SLOs", "N+1", "p99": two or more capitals (a plural "s" allowed), or letters
/// with digits.
fn is_acronym(w: &str) -> bool {
    let core = w.strip_suffix('s').unwrap_or(w);
    let letters = core.chars().filter(|c| c.is_alphabetic()).count();
    let upper = core.chars().filter(|c| c.is_uppercase()).count();
    let digits = core.chars().filter(|c| c.is_ascii_digit()).count();
    let symbols_ok = core.chars().all(|c| c.is_alphanumeric() || c == '+');
    if !symbols_ok || core.is_empty() {
        return false;
    }
    let all_caps = upper >= 2 && upper == letters;
    let code = letters >= 1
        && digits >= 1
        && core.chars().next().is_some_and(char::is_alphabetic)
        && (upper == letters || letters == 1);
    all_caps || code
}

/// The words right before or after spell the acronym out ("service level agreement (SLA)").
fn explained(t: &Text, s: &Sentence, i: usize, acronym: &str) -> bool {
    let letters: Vec<char> = acronym
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let n = letters.len();
    let initials = |from: usize| -> bool {
        from >= s.word_start
            && from + n <= s.word_end
            && t.toks[from..from + n]
                .iter()
                .zip(&letters)
                .all(|(tok, c)| tok.norm.starts_with(*c))
    };
    (i >= n && initials(i - n)) || initials(i + 1)
}

/// Everyday words that are not content, however often they come.
const STOPWORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "so",
    "to",
    "of",
    "in",
    "on",
    "at",
    "for",
    "with",
    "from",
    "by",
    "about",
    "as",
    "into",
    "over",
    "after",
    "before",
    "up",
    "down",
    "out",
    "off",
    "that",
    "this",
    "these",
    "those",
    "it",
    "its",
    "it's",
    "i",
    "i'd",
    "i'm",
    "i've",
    "i'll",
    "me",
    "my",
    "we",
    "we'd",
    "we're",
    "we've",
    "us",
    "our",
    "you",
    "your",
    "they",
    "them",
    "their",
    "he",
    "him",
    "his",
    "she",
    "her",
    "was",
    "were",
    "is",
    "are",
    "be",
    "been",
    "being",
    "had",
    "has",
    "have",
    "do",
    "did",
    "does",
    "done",
    "not",
    "no",
    "yes",
    "yeah",
    "then",
    "than",
    "there",
    "what",
    "which",
    "who",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "some",
    "one",
    "just",
    "really",
    "very",
    "also",
    "too",
    "more",
    "most",
    "much",
    "many",
    "if",
    "would",
    "could",
    "should",
    "can",
    "will",
    "didn't",
    "wasn't",
    "don't",
    "got",
    "get",
    "because",
    "still",
    "even",
    "only",
    "other",
    "every",
    "each",
    "things",
    "thing",
    "lot",
    "way",
    "back",
    "make",
    "made",
    "went",
    "going",
    "said",
    "know",
    "think",
    "like",
    "well",
    "okay",
    "first",
    "next",
    "last",
    "time",
    "able",
    "them",
    "that's",
    "there's",
    "they'd",
    "he'd",
    "she'd",
    "around",
    "through",
    "while",
    "again",
    "same",
    "own",
    "new",
    "old",
    "two",
    "three",
    "four",
    "five",
    "ten",
    "half",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "whole",
    "started",
    "put",
    "set",
    "take",
    "took",
    "end",
    "ended",
    "basically",
    "actually",
    "literally",
    "right",
    "kind",
    "sort",
    "mean",
    "honestly",
];

fn repetition(t: &Text, question: Option<&str>) -> Option<Flag> {
    let topic: Vec<String> = question
        .map(|q| {
            q.split_whitespace()
                .map(|w| {
                    stem(
                        &w.trim_matches(|c: char| !c.is_alphanumeric())
                            .to_lowercase(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new(); // stem -> (count, first)
    for (i, tok) in t.toks.iter().enumerate() {
        let w = tok.norm.as_str();
        if w.len() < 3
            || STOPWORDS.contains(&w)
            || filled_pause(w).is_some()
            || w.chars().any(|c| c.is_ascii_digit())
        {
            continue;
        }
        let entry = seen.entry(stem(w)).or_insert((0, i));
        entry.0 += 1;
    }
    let words = t.words.len().max(1) as f64;
    let mut repeated: Vec<(usize, usize)> = seen
        .into_iter()
        .filter(|(w, (n, _))| {
            *n >= MIN_REPEATS
                && *n as f64 * 100.0 / words >= MIN_REPEATS_PER_100_WORDS
                && !topic.contains(w)
        })
        .map(|(_, (n, first))| (first, n))
        .collect();
    if repeated.is_empty() {
        return None;
    }
    repeated.sort();
    let mut said_list = Vec::new();
    let places = repeated
        .iter()
        .map(|&(first, n)| {
            let said = t.words[first]
                .text
                .trim()
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_string();
            let mut p = t.place(first, first + 1, first..first + 1);
            p.quote = format!("\"{said}\" x{n}");
            said_list.push(format!("\"{said}\" {n} times"));
            p
        })
        .collect();
    Some(Flag::grouped(
        FlagKind::Repetition,
        places,
        format!(
            "You say {}; the repeats blur your point. Use a word once, then say something new \
             (or \"it\", or a more exact word).",
            said_list.join(", ")
        ),
    ))
}

/// A crude stem so "ticket" and "tickets" count together.
fn stem(w: &str) -> String {
    let w = w.strip_suffix("'s").unwrap_or(w);
    match w.strip_suffix('s') {
        Some(base) if base.len() >= 3 && !base.ends_with('s') => base.to_string(),
        _ => w.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{fillers, sentences};
    use crate::transcribe::Transcript;

    fn flags_with(text: &str, context: Context) -> Vec<Flag> {
        let words = Transcript::evenly_timed(text, 0.5).words;
        let s = sentences::split(&words, &[]);
        find(&words, &s, &fillers::find(&words), context)
    }

    fn flags(text: &str) -> Vec<Flag> {
        flags_with(text, Context::default())
    }

    fn kinds(flags: &[Flag]) -> Vec<FlagKind> {
        flags.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn blaming_the_previous_team_is_flagged_with_its_quote_and_time() {
        let f = flags(
            "I joined in May. The previous team didn't know what they were doing. I fixed it.",
        );
        assert_eq!(kinds(&f), [FlagKind::Blame]);
        assert_eq!(
            f[0].quote,
            "The previous team didn't know what they were doing."
        );
        assert_eq!((f[0].start_s, f[0].end_s), (2.0, 6.4));
        assert_eq!(f[0].count, 1);
        assert!(!f[0].doubtful);
        assert!(f[0]
            .explanation
            .contains("didn't know what they were doing"));
    }

    #[test]
    fn spelled_out_contractions_match_too() {
        let f = flags("Honestly, the old team did not know what they were doing.");
        assert_eq!(kinds(&f), [FlagKind::Blame]);
        let f = flags("I am not sure it helped. Maybe. I guess it was probably fine.");
        assert_eq!(kinds(&f), [FlagKind::Hedge]);
        assert_eq!(f[0].count, 4);
    }

    #[test]
    fn owning_a_failure_is_not_blame() {
        assert!(flags("I didn't understand the brief. I didn't listen well enough.").is_empty());
        assert_eq!(
            kinds(&flags("My manager didn't really understand statistics.")),
            [FlagKind::Blame]
        );
    }

    #[test]
    fn hedges_are_flagged_only_when_they_pile_up() {
        assert!(flags("I think the fix worked well for the whole team in the end.").is_empty());
        let f = flags("I guess I sort of led it. I think maybe it helped, probably.");
        assert_eq!(kinds(&f), [FlagKind::Hedge]);
        assert!(f[0]
            .explanation
            .contains("\"i guess\", \"sort of\", \"i think maybe\" and \"probably\""));
        assert!(f[0].explanation.contains("4 in the answer"));
        let quotes: Vec<&str> = f[0].occurrences.iter().map(|o| o.quote.as_str()).collect();
        assert_eq!(
            quotes,
            [
                "I guess I sort of",
                "I guess I sort of led it.",
                "I think maybe it helped, probably.",
                "maybe it helped, probably."
            ]
        );
    }

    #[test]
    fn claiming_no_weakness_is_flagged() {
        let f = flags("Honestly, I don't really have any weaknesses.");
        assert_eq!(kinds(&f), [FlagKind::NoWeakness]);
        let f = flags("My weakness is that I'm a perfectionist.");
        assert_eq!(kinds(&f), [FlagKind::NoWeakness]);
        // "Perfectionist" outside a weakness answer is just a word.
        assert!(flags("The client was a perfectionist.").is_empty());
        let weakness = Context {
            weakness_question: true,
            question_text: None,
        };
        assert_eq!(
            kinds(&flags_with(
                "I am great with people and deadlines.",
                weakness
            )),
            [FlagKind::NoWeakness]
        );
        assert!(flags_with("I find it hard to say no, so I keep a list.", weakness).is_empty());
    }

    #[test]
    fn unexplained_acronyms_are_jargon() {
        let f = flags("Our p99 blew the SLO because the ORM did N+1 queries.");
        assert_eq!(kinds(&f), [FlagKind::Jargon]);
        assert_eq!(f[0].count, 4);
        assert_eq!(
            f[0].occurrences[1].quote,
            "p99 blew the SLO because the ORM"
        );
        assert!(f[0]
            .explanation
            .starts_with("4 terms are never explained (p99, SLO, ORM, N+1)"));
        // Explained or everyday acronyms do not count.
        assert!(
            flags("I told the CEO about the service level agreement SLA and the HR team.")
                .is_empty()
        );
    }

    #[test]
    fn repeated_flags_of_one_kind_are_one_entry_with_every_quote() {
        let f = flags(
            "The QA team was useless. Honestly they were useless. Their lead was incompetent.",
        );
        assert_eq!(kinds(&f), [FlagKind::Blame]);
        assert_eq!(f[0].count, 3);
        assert_eq!(f[0].title(), "blame x3");
        assert_eq!(f[0].occurrences.len(), 3);
        assert_eq!(f[0].occurrences[2].quote, "Their lead was incompetent.");
        assert!(f[0]
            .explanation
            .starts_with("\"useless\" x2 and \"incompetent\" put the fault on others"));
    }

    #[test]
    fn blame_heard_in_a_doubtful_word_is_cant_tell() {
        let mut words =
            Transcript::evenly_timed("I joined in May. The QA people were incompetent.", 0.5).words;
        words[8].confidence = Some(0.2); // "incompetent."
        let s = sentences::split(&words, &[]);
        let f = find(&words, &s, &fillers::find(&words), Context::default());
        assert_eq!(kinds(&f), [FlagKind::Blame]);
        assert!(f[0].doubtful && f[0].occurrences[0].doubtful);
        assert_eq!(f[0].title(), "blame (can't tell)");
        assert!(!f[0].is_sure_content());
        // A doubtful word elsewhere in the sentence does not make the blame doubtful.
        words[8].confidence = Some(0.9);
        words[5].confidence = Some(0.2);
        let f = find(&words, &s, &fillers::find(&words), Context::default());
        assert!(!f[0].doubtful && f[0].is_sure_content());
    }

    #[test]
    fn a_word_said_over_and_over_is_repetition() {
        let f = flags(
            "The dashboard was slow. I rebuilt the dashboard. The dashboard loads fast now. \
             Everyone uses the dashboard. Dashboards matter. I love my dashboard.",
        );
        assert_eq!(kinds(&f), [FlagKind::Repetition]);
        assert_eq!(f[0].quote, "\"dashboard\" x6");
        // Unless it is the topic of the question.
        let context = Context {
            weakness_question: false,
            question_text: Some("Tell me about a dashboard you built."),
        };
        assert!(flags_with(
            "The dashboard was slow. I rebuilt the dashboard. The dashboard loads fast now. \
             Everyone uses the dashboard. Dashboards matter. I love my dashboard.",
            context
        )
        .is_empty());
    }
}
