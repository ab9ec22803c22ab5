//! Which of a story's points a spoken answer covered, when, and where it wandered off.
//!
//! Both the story's notes and the transcript go through the same normalisation: lowercase,
//! numbers said as words become digits ("forty percent" and "40%" are both `40 percent`),
//! common words are dropped, the rest is stemmed (Snowball English, `rust-stemmers`) and a
//! short list of paraphrases is folded together ("cut" and "reduced", "clients" and
//! "customers"). A word the recogniser misspelt still counts, for less, when it is close
//! (Jaro-Winkler similarity of 0.9 or more on words of five letters or more).
//!
//! A point is looked for in every window of the answer a little longer than the point. Its
//! score is the weighted share of its words found in the best window (numbers weigh double,
//! close-but-not-exact words count 0.7). Covered: 0.6 or more, with its number if it has one.
//! Missed: under 0.35, or its number was not said. In between the answer says "can't tell":
//! some of its words were heard, which a paraphrase or a recognition error can explain either
//! way; so does a point whose words were all but its number heard ("for" for "four"). The
//! thresholds were set by hand before the tests were written, not tuned on data.

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

use super::format::{Part, Story};
use crate::analyze::star::quantity::{number_word, scale_word};
use crate::transcribe::Word;

/// Score from which a point counts as covered.
pub const COVERED: f64 = 0.6;
/// Score under which a point counts as missed.
pub const MISSED: f64 = 0.35;
/// Credit for a word that is close to, but not, the story's word.
const FUZZY_CREDIT: f64 = 0.7;
const FUZZY_MIN_SIMILARITY: f64 = 0.9;
/// Fewer content words than this in the whole answer: nothing can be told.
const MIN_ANSWER_TOKENS: usize = 5;

/// What the answer did with one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Covered,
    Missed,
    CantTell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointCheck {
    pub text: String,
    pub part: String,
    /// true, false, or null for "can't tell".
    pub covered: Option<bool>,
    pub verdict: Verdict,
    /// When the answer started on this point (its first matching word), seconds.
    pub said_at_s: Option<f64>,
    /// Weighted share of the point's words heard in the best stretch of the answer (0-1).
    #[serde(rename = "match")]
    pub score: f64,
    /// Why, when the verdict needs a reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A stretch of the answer that has little to do with the story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wander {
    pub text: String,
    pub start_s: f64,
    pub end_s: f64,
}

/// The answer checked against one story: the JSON `story` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryCheck {
    pub name: String,
    pub title: String,
    pub points: Vec<PointCheck>,
    pub covered: usize,
    pub missed: usize,
    pub cant_tell: usize,
    /// Sentences with almost no words from the story.
    pub wandered: Vec<Wander>,
    pub method: String,
}

impl StoryCheck {
    /// "4 of 6 points covered, 1 missed, 1 can't tell".
    pub fn summary(&self) -> String {
        let mut s = format!("{} of {} points covered", self.covered, self.points.len());
        if self.missed > 0 {
            s.push_str(&format!(", {} missed", self.missed));
        }
        if self.cant_tell > 0 {
            s.push_str(&format!(", {} can't tell", self.cant_tell));
        }
        s
    }

    /// Share of points covered (0-1), or None for a story without points.
    pub fn covered_share(&self) -> Option<f64> {
        (!self.points.is_empty()).then(|| self.covered as f64 / self.points.len() as f64)
    }
}

pub const METHOD: &str = "Each note of the story is looked for in the transcript: numbers said as \
    words count as digits, common words are ignored, words are stemmed and a short list of \
    paraphrases is folded together; a misheard word that is close counts for less. Covered: 60% \
    or more of the note's weighted words in one stretch of the answer, with its number if it has \
    one; missed: under 35% or its number not said; in between: can't tell.";

/// One normalised word, and which word of the input it came from.
#[derive(Debug, Clone, PartialEq)]
struct Tok {
    key: String,
    number: bool,
    src: usize,
}

/// Check the answer's timed words against a story. `sentences` are the answer's sentences as
/// word ranges (`start..end`), used to find where it wandered.
pub fn check(
    name: &str,
    story: &Story,
    words: &[Word],
    sentences: &[(usize, usize)],
) -> StoryCheck {
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let answer = tokens(&texts);
    let too_little = answer.len() < MIN_ANSWER_TOKENS;
    let points: Vec<PointCheck> = story
        .points
        .iter()
        .map(|p| {
            if too_little {
                return PointCheck {
                    text: p.text.clone(),
                    part: part_name(p.part).into(),
                    covered: None,
                    verdict: Verdict::CantTell,
                    said_at_s: None,
                    score: 0.0,
                    note: Some("too little speech in the answer to tell".into()),
                };
            }
            check_point(p.part, &p.text, &answer, words)
        })
        .collect();
    let count = |v: Verdict| points.iter().filter(|p| p.verdict == v).count();
    StoryCheck {
        name: name.to_string(),
        title: story.title.clone(),
        covered: count(Verdict::Covered),
        missed: count(Verdict::Missed),
        cant_tell: count(Verdict::CantTell),
        wandered: wandered(story, words, sentences),
        points,
        method: METHOD.to_string(),
    }
}

fn part_name(p: Part) -> &'static str {
    match p {
        Part::Situation => "situation",
        Part::Task => "task",
        Part::Action => "action",
        Part::Result => "result",
        Part::Fact => "key_fact",
    }
}

/// How well `heard` stands for `wanted`: 1 exact, [`FUZZY_CREDIT`] close, 0 not.
fn credit(wanted: &Tok, heard: &Tok) -> f64 {
    if wanted.key == heard.key {
        return 1.0;
    }
    if wanted.number || heard.number {
        return 0.0;
    }
    let long = wanted.key.chars().count() >= 5 && heard.key.chars().count() >= 4;
    if long && strsim::jaro_winkler(&wanted.key, &heard.key) >= FUZZY_MIN_SIMILARITY {
        FUZZY_CREDIT
    } else {
        0.0
    }
}

fn check_point(part: Part, text: &str, answer: &[Tok], words: &[Word]) -> PointCheck {
    let mut wanted = tokens(&[text]);
    let mut seen = Vec::new();
    wanted.retain(|t| {
        let new = !seen.contains(&t.key);
        seen.push(t.key.clone());
        new
    });
    let weight = |t: &Tok| if t.number { 2.0 } else { 1.0 };
    let total: f64 = wanted.iter().map(weight).sum();
    let base = PointCheck {
        text: text.to_string(),
        part: part_name(part).into(),
        covered: None,
        verdict: Verdict::CantTell,
        said_at_s: None,
        score: 0.0,
        note: None,
    };
    if wanted.is_empty() {
        return PointCheck {
            note: Some("the note has no words to look for".into()),
            ..base
        };
    }
    // credits[p][j]: how well answer token j stands for point token p.
    let credits: Vec<Vec<f64>> = wanted
        .iter()
        .map(|w| answer.iter().map(|a| credit(w, a)).collect())
        .collect();
    let window = (2 * wanted.len() + 4).clamp(6, 30).min(answer.len().max(1));
    let mut best = (f64::MIN, 0usize);
    for start in 0..=answer.len().saturating_sub(window) {
        let got: f64 = wanted
            .iter()
            .zip(&credits)
            .map(|(w, c)| weight(w) * c[start..start + window].iter().copied().fold(0.0, f64::max))
            .sum();
        if got > best.0 + 1e-9 {
            best = (got, start);
        }
    }
    let (got, start) = best;
    let score = (got / total).clamp(0.0, 1.0);
    let range = start..(start + window).min(answer.len());
    let matched: Vec<usize> = range
        .clone()
        .filter(|&j| credits.iter().any(|c| c[j] > 0.0))
        .collect();
    let said_at_s = matched
        .first()
        .and_then(|&j| words.get(answer[j].src))
        .map(|w| w.start_s);
    let missing_numbers: Vec<&str> = wanted
        .iter()
        .zip(&credits)
        .filter(|(w, c)| w.number && c[range.clone()].iter().all(|&x| x == 0.0))
        .map(|(w, _)| w.key.as_str())
        .collect();
    let exact_only = wanted.len() == 1;
    // The share of the point's words (numbers left out) heard in the best stretch.
    let words_total = wanted.iter().filter(|w| !w.number).count();
    let words_heard: f64 = wanted
        .iter()
        .zip(&credits)
        .filter(|(w, _)| !w.number)
        .map(|(_, c)| c[range.clone()].iter().copied().fold(0.0, f64::max))
        .sum();
    let words_share = if words_total > 0 {
        words_heard / words_total as f64
    } else {
        0.0
    };
    let (verdict, note) = if !missing_numbers.is_empty() && words_share >= 0.8 {
        (
            Verdict::CantTell,
            Some(format!(
                "its words were heard but not the number {}: left out, or misheard",
                missing_numbers.join(", ")
            )),
        )
    } else if !missing_numbers.is_empty() && words_heard > 0.0 {
        (
            Verdict::Missed,
            Some(format!(
                "said without its number ({} not heard)",
                missing_numbers.join(", ")
            )),
        )
    } else if score >= COVERED && !(exact_only && score < 1.0) {
        (Verdict::Covered, None)
    } else if score < MISSED {
        (Verdict::Missed, None)
    } else {
        let heard = wanted
            .iter()
            .zip(&credits)
            .filter(|(_, c)| c[range.clone()].iter().any(|&x| x > 0.0))
            .count();
        (
            Verdict::CantTell,
            Some(format!(
                "{heard} of its {} words heard, or close: a paraphrase or a misheard word",
                wanted.len()
            )),
        )
    };
    PointCheck {
        covered: match verdict {
            Verdict::Covered => Some(true),
            Verdict::Missed => Some(false),
            Verdict::CantTell => None,
        },
        verdict,
        // A missed point was not said, so it has no time.
        said_at_s: if verdict == Verdict::Missed {
            None
        } else {
            said_at_s
        },
        score,
        note,
        ..base
    }
}

/// Sentences of four content words or more of which under a fifth belong to the story.
fn wandered(story: &Story, words: &[Word], sentences: &[(usize, usize)]) -> Vec<Wander> {
    let mut vocab: Vec<Tok> = tokens(&[story.title.as_str()]);
    for p in &story.points {
        vocab.extend(tokens(&[p.text.as_str()]));
    }
    let mut out = Vec::new();
    for &(start, end) in sentences {
        let Some(slice) = words.get(start..end.min(words.len())) else {
            continue;
        };
        if slice.is_empty() {
            continue;
        }
        let texts: Vec<&str> = slice.iter().map(|w| w.text.as_str()).collect();
        let toks = tokens(&texts);
        if toks.len() < 4 {
            continue;
        }
        let on_story: f64 = toks
            .iter()
            .map(|t| vocab.iter().map(|v| credit(v, t)).fold(0.0, f64::max))
            .sum();
        if on_story / (toks.len() as f64) < 0.2 {
            out.push(Wander {
                text: crate::transcribe::join_words(slice),
                start_s: slice[0].start_s,
                end_s: slice[slice.len() - 1].end_s,
            });
        }
    }
    out
}

const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "during",
    "each",
    "er",
    "for",
    "from",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "hmm",
    "how",
    "i",
    "i'd",
    "i'm",
    "i've",
    "if",
    "in",
    "into",
    "is",
    "it",
    "it's",
    "its",
    "just",
    "know",
    "let",
    "like",
    "me",
    "mean",
    "more",
    "most",
    "much",
    "my",
    "myself",
    "of",
    "off",
    "on",
    "one's",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "really",
    "right",
    "said",
    "say",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "uh",
    "um",
    "up",
    "us",
    "very",
    "was",
    "we",
    "we're",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "ah",
    "basically",
    "actually",
    "yeah",
    "okay",
    "ok",
    "well",
    "went",
    "thing",
    "things",
    "way",
    "lot",
];

/// Paraphrases folded into one stem (first of each group), after stemming.
const SYNONYMS: &[&[&str]] = &[
    &[
        "reduc", "cut", "lower", "decreas", "drop", "shrank", "shrink", "slash", "fell", "fall",
    ],
    &["increas", "rais", "grew", "grow", "boost", "rose", "rise"],
    &["fix", "solv", "resolv", "repair"],
    &["custom", "client", "user"],
    &["migrat", "move", "moved", "switch", "port"],
    &["launch", "ship", "releas", "deliv"],
    &["batch", "group", "chunk"],
    &["speed", "fast", "faster", "quick", "quicker"],
    &["outag", "incid", "downtim"],
    &["manag", "boss", "lead"],
    &["colleagu", "teammat", "cowork", "peer"],
    &["bug", "defect", "error"],
    &["test", "check"],
    &[
        "wrote",
        "write",
        "written",
        "built",
        "build",
        "creat",
        "implement",
        "develop",
        "made",
        "make",
    ],
    &["week", "weeks"],
    &["month", "months"],
    &["percent", "pct"],
];

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

fn synonyms() -> &'static HashMap<&'static str, &'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = HashMap::new();
        for group in SYNONYMS {
            for w in *group {
                m.insert(*w, group[0]);
            }
        }
        m
    })
}

/// Lowercase pieces of words: letter runs and number runs, with `%` as `percent`, and
/// thousands separators dropped.
fn pieces(words: &[&str]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let w = w.to_lowercase().replace('%', " percent ").replace('’', "'");
        let chars: Vec<char> = w.chars().collect();
        let mut cur = String::new();
        let mut cur_digit = false;
        let flush = |cur: &mut String, out: &mut Vec<(String, usize)>| {
            let t = cur.trim_end_matches('.').trim_matches('\'').to_string();
            if !t.is_empty() {
                out.push((t, i));
            }
            cur.clear();
        };
        for (k, &c) in chars.iter().enumerate() {
            let between_digits = k > 0
                && k + 1 < chars.len()
                && chars[k - 1].is_ascii_digit()
                && chars[k + 1].is_ascii_digit();
            if c.is_ascii_digit() {
                if !cur_digit {
                    flush(&mut cur, &mut out);
                }
                cur_digit = true;
                cur.push(c);
            } else if (c == ',' || c == '.') && between_digits {
                if c == '.' {
                    cur.push(c);
                }
            } else if c.is_alphanumeric() || (c == '\'' && !cur.is_empty() && !cur_digit) {
                if cur_digit {
                    flush(&mut cur, &mut out);
                }
                cur_digit = false;
                cur.push(c);
            } else {
                flush(&mut cur, &mut out);
                cur_digit = false;
            }
        }
        flush(&mut cur, &mut out);
    }
    out
}

fn is_digits(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// "40.0" and "40" are the same number.
fn canonical_number(s: &str) -> String {
    match s.parse::<f64>() {
        Ok(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        Ok(x) => format!("{x}"),
        Err(_) => s.to_string(),
    }
}

/// Normalised content words of `words`, each pointing back at the word it came from.
fn tokens(words: &[&str]) -> Vec<Tok> {
    let ps = pieces(words);
    let mut out = Vec::new();
    let mut i = 0;
    while i < ps.len() {
        let (w, src) = (&ps[i].0, ps[i].1);
        // A number: digits or number words, with "and" and scale words inside it.
        if is_digits(w) || number_word(w).is_some() || (scale_word(w).is_some() && w != "hundred") {
            let (value, used) = read_number(&ps[i..]);
            if used > 0 {
                out.push(Tok {
                    key: value,
                    number: true,
                    src,
                });
                i += used;
                continue;
            }
        }
        if w == "per" && ps.get(i + 1).is_some_and(|(n, _)| n == "cent") {
            out.push(Tok {
                key: "percent".into(),
                number: false,
                src,
            });
            i += 2;
            continue;
        }
        if !STOPWORDS.contains(&w.as_str()) && w.chars().count() > 1 {
            let stem = stemmer().stem(w).into_owned();
            let key = synonyms()
                .get(stem.as_str())
                .or_else(|| synonyms().get(w.as_str()))
                .map_or(stem, |s| (*s).to_string());
            out.push(Tok {
                key,
                number: false,
                src,
            });
        }
        i += 1;
    }
    out
}

/// Read one number from the start of `ps`: `40`, `2 million`, `forty two`, `two hundred and
/// fifty`. Returns its canonical digits and how many pieces it used (0: not a number).
fn read_number(ps: &[(String, usize)]) -> (String, usize) {
    let first = ps[0].0.as_str();
    if is_digits(first) {
        let base = canonical_number(first);
        if let Some(s) = ps.get(1).and_then(|(w, _)| scale_word(w)) {
            if let Ok(x) = first.parse::<f64>() {
                return (canonical_number(&format!("{}", x * s as f64)), 2);
            }
        }
        return (base, 1);
    }
    let (mut total, mut current, mut used) = (0u64, 0u64, 0usize);
    let mut last_small: Option<u64> = None;
    while used < ps.len() {
        let w = ps[used].0.as_str();
        if let Some(n) = number_word(w) {
            // "twenty five" joins; "two three" does not.
            match last_small {
                Some(prev) if prev >= 20 && prev % 10 == 0 && n < 10 => current += n,
                Some(_) => break,
                None => current += n,
            }
            last_small = Some(n);
        } else if let Some(s) = scale_word(w) {
            if used == 0 {
                return (String::new(), 0);
            }
            if s == 100 {
                current = current.max(1) * 100;
            } else {
                total += current.max(1) * s;
                current = 0;
            }
            last_small = None;
        } else if w == "and"
            && used > 0
            && ps
                .get(used + 1)
                .is_some_and(|(n, _)| number_word(n).is_some())
            && last_small.is_none()
        {
            // "two hundred and fifty"
        } else {
            break;
        }
        used += 1;
    }
    if used == 0 {
        return (String::new(), 0);
    }
    // A lone "one" is usually not a number ("one of the", "the one"): keep it a word,
    // unless a unit follows ("one percent").
    let unit_follows = ps.get(1).is_some_and(|(w, _)| w == "percent");
    if used == 1 && first == "one" && !unit_follows {
        return (String::new(), 0);
    }
    ((total + current).to_string(), used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::format::parse;

    fn keys(text: &str) -> Vec<String> {
        tokens(&[text]).into_iter().map(|t| t.key).collect()
    }

    #[test]
    fn numbers_said_as_words_become_digits() {
        assert_eq!(keys("forty percent"), ["40", "percent"]);
        assert_eq!(keys("40%"), ["40", "percent"]);
        assert_eq!(keys("40 per cent"), ["40", "percent"]);
        assert_eq!(keys("two hundred and fifty users"), ["250", "custom"]);
        assert_eq!(keys("twenty five"), ["25"]);
        assert_eq!(keys("1,200 tickets"), ["1200", "ticket"]);
        assert_eq!(keys("2 million dollars"), ["2000000", "dollar"]);
        assert_eq!(keys("two million"), ["2000000"]);
        assert_eq!(keys("3.5 hours"), ["3.5", "hour"]);
        assert_eq!(keys("in three months"), ["3", "month"]);
        assert_eq!(keys("one of the teams"), ["one", "team"]);
        assert_eq!(keys("below one percent"), keys("below 1%"));
    }

    #[test]
    fn stems_and_paraphrases_meet() {
        assert_eq!(keys("We reduced costs"), keys("I cut the cost"));
        assert_eq!(keys("migrated customers"), keys("moved clients"));
        assert_eq!(keys("outages"), keys("incidents"));
    }

    fn words(text: &str) -> Vec<Word> {
        crate::transcribe::Transcript::evenly_timed(text, 0.5).words
    }

    const STORY: &str = "# Billing migration\nAnswers: technical_problem\n\
        ## Situation\n- Our billing database was out of support.\n\
        ## Action\n- I moved customers over in batches of 500.\n\
        - I wrote a dual-write layer and compared both databases every night.\n\
        ## Result\n- Hosting costs fell by 40 percent in three months.\n\
        ## Key facts\n- PostgreSQL\n";

    #[test]
    fn a_paraphrased_answer_covers_the_points_it_makes() {
        let story = parse(STORY).unwrap();
        let answer = "So our billing database had run out of vendor support. \
            I migrated the clients in groups of five hundred. \
            And in the end we cut hosting costs by forty percent within three months.";
        let w = words(answer);
        let c = check("billing", &story, &w, &[]);
        let v: Vec<Verdict> = c.points.iter().map(|p| p.verdict).collect();
        assert_eq!(
            v,
            [
                Verdict::Covered,
                Verdict::Covered,
                Verdict::Missed,
                Verdict::Covered,
                Verdict::Missed
            ],
            "{:#?}",
            c.points
        );
        assert_eq!(c.points[0].covered, Some(true));
        // "I migrated" is the 12th word (index 11) at 0.5 s a word.
        assert_eq!(c.points[1].said_at_s, Some(5.5));
        assert_eq!(c.points[2].said_at_s, None);
        assert_eq!(c.summary(), "3 of 5 points covered, 2 missed");
    }

    #[test]
    fn a_misheard_name_is_cant_tell_and_a_missing_number_is_missed() {
        let story = parse(STORY).unwrap();
        let w = words(
            "We moved to postgres and hosting costs fell a lot, \
             my team and I were really happy with it in the end.",
        );
        let c = check("billing", &story, &w, &[]);
        let result = &c.points[3];
        assert_eq!(result.verdict, Verdict::Missed, "{result:?}");
        assert!(result.note.as_deref().unwrap().contains("40"), "{result:?}");
        let name = &c.points[4];
        assert_eq!(name.verdict, Verdict::CantTell, "{name:?}");
        assert_eq!(name.covered, None);
    }

    #[test]
    fn every_word_but_the_number_is_cant_tell() {
        let story = parse(STORY).unwrap();
        // "for" where "four" was said: the recogniser's error, or a number left out.
        let w = words("Hosting costs fell by percent in a few months, a great result for us.");
        let c = check("billing", &story, &w, &[]);
        let result = &c.points[3];
        assert_eq!(result.verdict, Verdict::CantTell, "{result:?}");
        assert!(
            result.note.as_deref().unwrap().contains("misheard"),
            "{result:?}"
        );
    }

    #[test]
    fn too_little_speech_is_cant_tell_for_every_point() {
        let story = parse(STORY).unwrap();
        let c = check("billing", &story, &words("Um, yes."), &[]);
        assert!(c.points.iter().all(|p| p.verdict == Verdict::CantTell));
        assert_eq!(c.cant_tell, 5);
    }

    #[test]
    fn a_sentence_off_the_story_is_where_it_wandered() {
        let story = parse(STORY).unwrap();
        let text = "Our billing database was out of support. \
                    My weekend hobby is sailing small boats around coastal islands.";
        let w = words(text);
        let c = check("billing", &story, &w, &[(0, 7), (7, w.len())]);
        assert_eq!(c.wandered.len(), 1, "{:?}", c.wandered);
        assert!(c.wandered[0].text.starts_with("My weekend hobby"));
        assert_eq!(c.wandered[0].start_s, 3.5);
    }
}
