//! The sentence boundary model's half of the trainer: every gap between two words of a
//! labelled answer is an example, a boundary when a new labelled line starts after it.

use std::collections::BTreeMap;

use rehearse::analyze::sentences::boundary::{self, BoundaryModel, Gap, Style};
use rehearse::analyze::sentences::{self, Splitter};
use rehearse::analyze::star::corpus::CorpusAnswer;
use rehearse::analyze::tokens::tokenize;

const ITERATIONS: usize = 200;
const MIN_COUNT: usize = 5;
/// Weights smaller than this are dropped (keeps the file to tens of KB).
const PRUNE: f64 = 0.1;

/// One answer's gaps as training rows: features and whether a labelled line starts there.
pub fn rows(a: &CorpusAnswer) -> Vec<(Vec<String>, bool)> {
    let (t, starts) = a.transcript();
    let toks = tokenize(&t.words);
    let style = Style::of(&toks);
    let n = toks.len();
    let mut out = Vec::new();
    let mut last = 0;
    let mut after_punctuation = false;
    for at in 1..n {
        if toks[at - 1].sentence_end_after {
            // Punctuation always ends a sentence; the model is never asked about it.
            last = at;
            after_punctuation = true;
            continue;
        }
        let next_end = (at..n)
            .find(|&k| toks[k].sentence_end_after)
            .map_or(n, |k| k + 1);
        let gap = Gap {
            at,
            since: at - last,
            left: next_end - at,
            after_punctuation,
        };
        let gold = starts.contains(&at);
        out.push((boundary::features(&t.words, &toks, &gap, style), gold));
        if gold {
            last = at;
            after_punctuation = false;
        }
    }
    out
}

/// Binary logistic regression by full-batch Adam on the mean log loss plus L2.
pub fn train(
    rows: &[&(Vec<String>, bool)],
    l2: f64,
    threshold: f64,
    min_piece: usize,
) -> BoundaryModel {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (f, _) in rows {
        for name in f {
            *counts.entry(name.as_str()).or_default() += 1;
        }
    }
    let (vocab, id) = crate::vocabulary(counts, MIN_COUNT);
    let x: Vec<(Vec<usize>, f64)> = rows
        .iter()
        .map(|(f, y)| {
            (
                f.iter()
                    .filter_map(|n| id.get(n.as_str()).copied())
                    .collect(),
                f64::from(u8::from(*y)),
            )
        })
        .collect();
    let d = vocab.len() + 1;
    let mut w = vec![0.0f64; d];
    let (mut m, mut v) = (vec![0.0f64; d], vec![0.0f64; d]);
    let (lr, b1, b2, eps) = (0.05, 0.9, 0.999, 1e-8);
    let n = x.len().max(1) as f64;
    for t in 1..=ITERATIONS {
        let mut g = vec![0.0f64; d];
        for (f, y) in &x {
            let z = w[d - 1] + f.iter().map(|&i| w[i]).sum::<f64>();
            let err = 1.0 / (1.0 + (-z).exp()) - y;
            for &i in f {
                g[i] += err / n;
            }
            g[d - 1] += err / n;
        }
        for i in 0..d {
            let gi = g[i] + if i + 1 < d { l2 * w[i] } else { 0.0 };
            m[i] = b1 * m[i] + (1.0 - b1) * gi;
            v[i] = b2 * v[i] + (1.0 - b2) * gi * gi;
            let mh = m[i] / (1.0 - b1.powi(t as i32));
            let vh = v[i] / (1.0 - b2.powi(t as i32));
            w[i] -= lr * mh / (vh.sqrt() + eps);
        }
    }
    let weights = vocab
        .iter()
        .enumerate()
        .filter(|(i, _)| w[*i].abs() >= PRUNE)
        .map(|(i, n)| (n.to_string(), round(w[i])))
        .collect();
    BoundaryModel::new(round(w[d - 1]), weights, threshold, min_piece)
}

/// Weights as they are written (3 decimals), so CV scores the model that ships.
fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Boundary precision and recall: the gaps a splitter cuts against the labelled line starts.
#[derive(Default, Clone, Copy)]
pub struct BoundaryScore {
    pub cut_right: usize,
    pub cut: usize,
    pub gold: usize,
}

impl BoundaryScore {
    pub fn add(&mut self, a: &CorpusAnswer, splitter: Splitter) {
        let (t, starts) = a.transcript();
        let cuts: Vec<usize> = sentences::split_with(&t.words, &[], splitter)
            .iter()
            .skip(1)
            .map(|s| s.word_start)
            .collect();
        let gold: Vec<usize> = starts.iter().skip(1).copied().collect();
        self.cut += cuts.len();
        self.gold += gold.len();
        self.cut_right += cuts.iter().filter(|c| gold.contains(c)).count();
    }

    pub fn line(&self, what: &str) -> String {
        let p = self.cut_right as f64 * 100.0 / self.cut.max(1) as f64;
        let r = self.cut_right as f64 * 100.0 / self.gold.max(1) as f64;
        format!(
            "{what:<34} boundaries: precision {p:5.1}% ({}/{}), recall {r:5.1}% ({}/{})",
            self.cut_right, self.cut, self.cut_right, self.gold
        )
    }
}

/// Write the shipped boundary model.
pub fn write(m: &BoundaryModel, about: &str) {
    let out = format!(
        "# The sentence boundary model's weights: written by `cargo run --release --example \
         train_star`; do not edit.\n# {about}\n{}",
        m.to_text()
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/analyze/sentences/boundary_weights.txt");
    std::fs::write(&path, out).expect("boundary weights written");
    println!("wrote {}", path.display());
}
