//! Where an unpunctuated run of speech ends one sentence and starts the next: a learned model.
//!
//! Whisper usually punctuates, but speakers chain their sentences with "and", "so" and "um",
//! and a transcript can run for a minute without a full stop. The corpus says where a coach
//! hears the sentences end: every labelled line boundary is a true boundary, and every gap
//! inside a line is not. A logistic model over the words around each gap (the words either
//! side and their pair, a comma, a capital, discourse markers, how far the last boundary is)
//! was trained on those gaps offline by `examples/train_star` and is compiled into the binary
//! (`boundary_weights.txt`), so splitting is deterministic and needs no network.

use std::collections::HashMap;
use std::sync::OnceLock;

use thiserror::Error;

use crate::analyze::tokens::Token;
use crate::transcribe::Word;

/// The shipped weights, as written by `examples/train_star`.
const SHIPPED: &str = include_str!("boundary_weights.txt");

#[derive(Debug, Error, PartialEq)]
pub enum BoundaryError {
    #[error("sentence boundary model line {line}: {what}")]
    Line { line: usize, what: String },
}

/// A binary logistic model of "a sentence ends in this gap".
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryModel {
    bias: f64,
    weights: HashMap<String, f64>,
    /// A gap is cut when the model's probability reaches this.
    pub threshold: f64,
    /// Neither side of a cut keeps fewer words than this.
    pub min_piece: usize,
}

impl BoundaryModel {
    /// The weights compiled into the binary.
    pub fn shipped() -> &'static BoundaryModel {
        static MODEL: OnceLock<BoundaryModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            BoundaryModel::parse(SHIPPED)
                .expect("the shipped boundary weights parse (a unit test checks)")
        })
    }

    /// A model from its parts (the offline trainer builds them).
    pub fn new(
        bias: f64,
        weights: HashMap<String, f64>,
        threshold: f64,
        min_piece: usize,
    ) -> BoundaryModel {
        BoundaryModel {
            bias,
            weights,
            threshold,
            min_piece,
        }
    }

    /// Read a weights file: `bias x`, `threshold x`, `min_piece n`, then one
    /// `feature<TAB>weight` line per feature; `#` lines are comments.
    pub fn parse(text: &str) -> Result<BoundaryModel, BoundaryError> {
        let mut m = BoundaryModel::new(0.0, HashMap::new(), 0.5, 3);
        for (i, line) in text.lines().enumerate() {
            let err = |what: &str| BoundaryError::Line {
                line: i + 1,
                what: what.to_string(),
            };
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (name, value) = line
                .split_once(['\t', ' '])
                .ok_or_else(|| err("expected a name and a number"))?;
            match name {
                "min_piece" => {
                    m.min_piece = value.trim().parse().map_err(|_| err("not a count"))?;
                }
                _ => {
                    let v: f64 = value.trim().parse().map_err(|_| err("not a number"))?;
                    match name {
                        "bias" => m.bias = v,
                        "threshold" => m.threshold = v,
                        _ => {
                            m.weights.insert(name.to_string(), v);
                        }
                    }
                }
            }
        }
        Ok(m)
    }

    /// The model in the format [`Self::parse`] reads, features sorted by name.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "bias {:.3}\nthreshold {:.2}\nmin_piece {}\n",
            self.bias, self.threshold, self.min_piece
        );
        let mut names: Vec<&String> = self.weights.keys().collect();
        names.sort();
        for n in names {
            out.push_str(&format!("{n}\t{:.3}\n", self.weights[n]));
        }
        out
    }

    /// How many features carry weights.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The probability that a sentence ends in a gap with these features.
    pub fn probability(&self, features: &[String]) -> f64 {
        let z: f64 = self.bias
            + features
                .iter()
                .filter_map(|f| self.weights.get(f))
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Cut `start..end` (a stretch with no punctuated sentence end) where the model is sure
    /// enough, left to right, keeping at least [`Self::min_piece`] words on each side.
    pub fn cut(
        &self,
        words: &[Word],
        toks: &[Token],
        start: usize,
        end: usize,
    ) -> Vec<(usize, usize)> {
        let style = Style::of(toks);
        if style == Style::PUNCTUATED && end - start <= PUNCTUATED_RUN_ON {
            return vec![(start, end)];
        }
        let mut out = Vec::new();
        let mut from = start;
        for j in start + self.min_piece..end {
            if end - j < self.min_piece || j - from < self.min_piece {
                continue;
            }
            let gap = Gap {
                at: j,
                since: j - from,
                left: end - j,
                after_punctuation: from > 0 && toks[from - 1].sentence_end_after,
            };
            if self.probability(&features(words, toks, &gap, style)) >= self.threshold {
                out.push((from, j));
                from = j;
            }
        }
        out.push((from, end));
        out
    }
}

/// A gap between two words: before word `at`.
#[derive(Debug, Clone, Copy)]
pub struct Gap {
    /// The word after the gap.
    pub at: usize,
    /// Words since the last sentence end.
    pub since: usize,
    /// Words to the next punctuated end (or the end of the answer).
    pub left: usize,
    /// The last sentence end was punctuation (not the start, a pause or this model).
    pub after_punctuation: bool,
}

/// In a punctuated transcript (as Whisper writes), a stretch between two full stops is left
/// whole unless it runs past this many words: the writer already chose where sentences end.
/// Without this guard the model cut a sentence of the tidy answer in `star.rs`'s unit tests.
const PUNCTUATED_RUN_ON: usize = 25;

/// How the whole transcript is written: with full stops (as Whisper writes) or without.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style(&'static str);

impl Style {
    const PUNCTUATED: Style = Style("punctuated");

    /// From the share of words followed by a sentence end.
    pub fn of(toks: &[Token]) -> Style {
        let ends = toks.iter().filter(|t| t.sentence_end_after).count();
        let per_word = ends as f64 / toks.len().max(1) as f64;
        Style(if ends <= 1 {
            "none"
        } else if per_word < 1.0 / 30.0 {
            "sparse"
        } else {
            "punctuated"
        })
    }
}

/// Discourse markers that often open a new spoken sentence.
const MARKERS: &[&str] = &[
    "so",
    "and",
    "but",
    "then",
    "um",
    "uh",
    "erm",
    "anyway",
    "basically",
    "yeah",
    "okay",
    "well",
    "after",
    "because",
    "which",
    "when",
    "now",
    "also",
];

fn bucket(n: usize) -> &'static str {
    match n {
        0..=2 => "0-2",
        3..=4 => "3-4",
        5..=7 => "5-7",
        8..=11 => "8-11",
        12..=16 => "12-16",
        17..=24 => "17-24",
        25..=35 => "25-35",
        _ => "36+",
    }
}

/// The features of one gap. `words` and `toks` are the whole answer's.
pub fn features(words: &[Word], toks: &[Token], gap: &Gap, style: Style) -> Vec<String> {
    let word = |k: isize| -> &str {
        let i = gap.at as isize + k;
        if i < 0 {
            "<s>"
        } else {
            toks.get(i as usize).map_or("</s>", |t| t.norm.as_str())
        }
    };
    let (p2, p, n, n2) = (word(-2), word(-1), word(0), word(1));
    let since = bucket(gap.since);
    let left = bucket(gap.left);
    let mut f = vec![
        format!("p:{p}"),
        format!("n:{n}"),
        format!("pn:{p}_{n}"),
        format!("nn:{n}_{n2}"),
        format!("pp:{p2}_{p}"),
        format!("since:{since}"),
        format!("left:{left}"),
        format!("style:{}", style.0),
        format!("style_since:{}_{since}", style.0),
    ];
    if MARKERS.contains(&n) {
        f.push(format!("since_n:{since}_{n}"));
        f.push(format!("left_n:{left}_{n}"));
        f.push(format!("nn_since:{n}_{n2}_{since}"));
    }
    if gap.at > 0 && toks[gap.at - 1].comma_after {
        f.push("comma".into());
        f.push(format!("comma_n:{n}"));
    }
    if words.get(gap.at).is_some_and(|w| capitalised(&w.text)) {
        f.push("cap".into());
    }
    if gap.after_punctuation {
        f.push("after_punct".into());
    }
    f
}

/// Whether the word's written form starts with a capital that is not "I" ("I'm", "I'd").
fn capitalised(text: &str) -> bool {
    let bare = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let first_is_upper = bare.chars().next().is_some_and(char::is_uppercase);
    let is_i = bare == "I" || bare.starts_with("I'") || bare.starts_with("I’");
    first_is_upper && !is_i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::tokens::tokenize;
    use crate::transcribe::Transcript;

    #[test]
    fn the_shipped_weights_load() {
        let m = BoundaryModel::shipped();
        assert!(m.len() > 100, "{} features", m.len());
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
        assert!(m.min_piece >= 1);
    }

    #[test]
    fn a_malformed_weights_file_is_an_error() {
        assert_eq!(
            BoundaryModel::parse("p:so\tmany\n"),
            Err(BoundaryError::Line {
                line: 1,
                what: "not a number".into()
            })
        );
        let m = BoundaryModel::parse("bias -2\nthreshold 0.4\nmin_piece 2\nn:so\t3\n").unwrap();
        assert_eq!((m.len(), m.threshold, m.min_piece), (1, 0.4, 2));
        assert!(m.probability(&["n:so".into()]) > 0.5);
        assert!(m.probability(&["n:the".into()]) < 0.5);
        assert_eq!(BoundaryModel::parse(&m.to_text()).unwrap(), m);
    }

    #[test]
    fn a_run_on_is_cut_before_a_new_start() {
        let m = BoundaryModel::parse("bias -5\nthreshold 0.5\nmin_piece 2\nn:so\t10\n").unwrap();
        let t = Transcript::evenly_timed("I fixed the bug so it worked again", 0.4);
        let toks = tokenize(&t.words);
        assert_eq!(m.cut(&t.words, &toks, 0, toks.len()), [(0, 4), (4, 8)]);
    }

    #[test]
    fn capitals_other_than_i_are_seen() {
        assert!(capitalised("Then"));
        assert!(!capitalised("I'm") && !capitalised("I") && !capitalised("then"));
    }
}
