//! Word error rate of a transcript against a human one: the measuring stick for accuracy
//! (issues #24 and #29). Both sides are normalised the same way before they are aligned, so
//! that only words differ, not their spelling conventions:
//!
//! - lower case, curly apostrophes read as straight ones, punctuation dropped; an apostrophe
//!   inside a word stays ("i'm", "what's"), one at either end goes;
//! - hyphenated words are split ("wake-up" is "wake up"), on both sides;
//! - notes in brackets (`[BLANK_AUDIO]`, `(laughs)`) are not words;
//! - a number written in digits is read as words ("10" is "ten", "2.5" is "two point five",
//!   "20%" is "twenty percent"), as the human transcripts write numbers;
//! - "yknow" / "y'know" is "you know";
//! - the transcripts' markup (see `fillers_note` in each JSON): `<cutoff-x>`, a cut-off attempt
//!   at a word, is not a word; `<hes-x>`, a word said with a hesitation inside it, is `x`;
//! - filled pauses (um, uh, er, erm, ah, hm, mm and their spellings) are left out of both sides:
//!   the sources count them apart (`fillers` in each JSON) and Whisper keeps or drops them at
//!   will; counting them is the filler analysis's business. "like", "you know" and "i mean"
//!   are words here (they are often meant).
//!
//! The two word lists are then aligned by edit distance (Levenshtein over words, each
//! substitution, deletion and insertion costing one), which gives substitutions, deletions,
//! insertions, the word error rate `(S + D + I) / N` and the share of reference words matched
//! (`(N - S - D) / N`, "recall").

use serde_json::Value;

/// Filled pauses in the spellings transcripts and Whisper use: left out of both sides.
pub const FILLED_PAUSES: &[&str] = &[
    "um", "umm", "uhm", "uh", "uhh", "er", "erm", "ah", "ahh", "hm", "hmm", "hmmm", "mm", "mmm",
    "mhm",
];

/// One transcript scored against a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Score {
    /// Words of the reference after normalisation (N).
    pub ref_words: usize,
    /// Words of the hypothesis after normalisation.
    pub hyp_words: usize,
    /// Reference words the hypothesis has, aligned (N - S - D).
    pub hits: usize,
    pub subs: usize,
    pub dels: usize,
    pub ins: usize,
}

impl Score {
    /// Word errors: S + D + I.
    pub fn errors(&self) -> usize {
        self.subs + self.dels + self.ins
    }

    /// Word error rate, (S + D + I) / N; 0 for an empty reference and an empty hypothesis.
    pub fn wer(&self) -> f64 {
        if self.ref_words == 0 {
            return if self.hyp_words == 0 { 0.0 } else { 1.0 };
        }
        self.errors() as f64 / self.ref_words as f64
    }

    /// Share of reference words matched, (N - S - D) / N.
    pub fn recall(&self) -> f64 {
        if self.ref_words == 0 {
            return 1.0;
        }
        self.hits as f64 / self.ref_words as f64
    }

    /// Two scores summed (corpus-level figures over several takes).
    pub fn add(&self, o: &Score) -> Score {
        Score {
            ref_words: self.ref_words + o.ref_words,
            hyp_words: self.hyp_words + o.hyp_words,
            hits: self.hits + o.hits,
            subs: self.subs + o.subs,
            dels: self.dels + o.dels,
            ins: self.ins + o.ins,
        }
    }
}

/// Normalised words of `text`, filled pauses and cut-offs left out.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in without_brackets(text).split_whitespace() {
        if token.starts_with("<cutoff") {
            continue;
        }
        let token = token
            .strip_prefix("<hes-")
            .map(|t| t.trim_end_matches('>'))
            .unwrap_or(token);
        let token = token.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
        for part in token.split(['-', '\u{2013}', '\u{2014}', '/']) {
            push_word(part, &mut out);
        }
    }
    out
}

/// `text` with bracketed notes (`[...]`, `(...)`) blanked out.
fn without_brackets(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .map(|c| match c {
            '[' | '(' => {
                depth += 1;
                ' '
            }
            ']' | ')' => {
                depth = depth.saturating_sub(1);
                ' '
            }
            _ if depth > 0 => ' ',
            c => c,
        })
        .collect()
}

fn push_word(part: &str, out: &mut Vec<String>) {
    if let Some(n) = number_words(part) {
        out.extend(n);
        return;
    }
    let w: String = part
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '\'')
        .collect();
    let w = w.trim_matches('\'');
    match w {
        "" => {}
        "yknow" | "y'know" => out.extend(["you".to_string(), "know".to_string()]),
        w if FILLED_PAUSES.contains(&w) => {}
        w => out.push(w.to_string()),
    }
}

/// A number written in digits ("10", "1,000", "2.5", "20%", "$5") as words; `None` when
/// `token` is not one.
fn number_words(token: &str) -> Option<Vec<String>> {
    let t = token.trim_matches(|c: char| !c.is_alphanumeric() && !"$%".contains(c));
    let (dollars, t) = match t.strip_prefix('$') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (percent, t) = match t.strip_suffix('%') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let int = int.replace(',', "");
    if int.is_empty() || !int.chars().all(|c| c.is_ascii_digit()) || int.len() > 12 {
        return None;
    }
    if frac.is_some_and(|f| f.is_empty() || !f.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let mut out = cardinal(int.parse().ok()?);
    if let Some(f) = frac {
        out.push("point".into());
        for d in f.chars() {
            out.extend(cardinal(u64::from(d.to_digit(10)?)));
        }
    }
    if percent {
        out.push("percent".into());
    }
    if dollars {
        out.push("dollars".into());
    }
    Some(out)
}

/// `n` in English words: 1234 is "one thousand two hundred thirty four".
fn cardinal(n: u64) -> Vec<String> {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    fn under_thousand(n: u64, out: &mut Vec<String>) {
        if n >= 100 {
            out.push(ONES[(n / 100) as usize].into());
            out.push("hundred".into());
        }
        let r = n % 100;
        if r >= 20 {
            out.push(TENS[(r / 10) as usize].into());
            if r % 10 > 0 {
                out.push(ONES[(r % 10) as usize].into());
            }
        } else if r > 0 {
            out.push(ONES[r as usize].into());
        }
    }
    if n == 0 {
        return vec!["zero".into()];
    }
    let mut out = Vec::new();
    for (scale, name) in [
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ] {
        if n / scale % 1000 > 0 {
            under_thousand(n / scale % 1000, &mut out);
            out.push(name.into());
        }
    }
    under_thousand(n % 1000, &mut out);
    out
}

/// Align `hyp` against `reference` (both already normalised) by word edit distance.
pub fn align(reference: &[String], hyp: &[String]) -> Score {
    let (n, m) = (reference.len(), hyp.len());
    // d[i][j]: edit distance between reference[..i] and hyp[..j].
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=m).collect();
    for i in 1..=n {
        for j in 1..=m {
            let sub = d[i - 1][j - 1] + usize::from(reference[i - 1] != hyp[j - 1]);
            d[i][j] = sub.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
        }
    }
    // Walk back, preferring a match or substitution, then a deletion, then an insertion.
    let mut s = Score {
        ref_words: n,
        hyp_words: m,
        ..Score::default()
    };
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if i > 0 && j > 0 {
            let same = reference[i - 1] == hyp[j - 1];
            if d[i][j] == d[i - 1][j - 1] + usize::from(!same) {
                if same {
                    s.hits += 1;
                } else {
                    s.subs += 1;
                }
                i -= 1;
                j -= 1;
                continue;
            }
        }
        if i > 0 && d[i][j] == d[i - 1][j] + 1 {
            s.dels += 1;
            i -= 1;
        } else {
            s.ins += 1;
            j -= 1;
        }
    }
    s
}

/// `hyp_text` scored against `ref_text`, both normalised by [`words`].
pub fn score_texts(ref_text: &str, hyp_text: &str) -> Score {
    align(&words(ref_text), &words(hyp_text))
}

/// The human transcript of a reference JSON (`tests/fixtures/realspeech/*.json`).
pub fn reference_text(reference: &Value) -> Option<&str> {
    reference["transcript"].as_str()
}

/// The words a report wrote: `transcript.words[].text` joined (a `rehearse analyze --format
/// json` report, or anything of that shape), else `transcript.text`.
pub fn report_text(report: &Value) -> Option<String> {
    match report["transcript"]["words"].as_array() {
        Some(words) => Some(
            words
                .iter()
                .filter_map(|w| w["text"].as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        None => report["transcript"]["text"].as_str().map(str::to_string),
    }
}

/// A report scored against a reference JSON; `None` when either lacks its transcript.
pub fn score_report(reference: &Value, report: &Value) -> Option<Score> {
    Some(score_texts(
        reference_text(reference)?,
        &report_text(report)?,
    ))
}
