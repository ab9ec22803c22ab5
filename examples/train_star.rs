//! Train the learned STAR labeller offline and write `src/analyze/star/weights.txt`.
//!
//! ```sh
//! cargo run --release --example train_star              # cross-validate on tune, write weights
//! cargo run --release --example train_star -- --heldout # ... then score the held-out splits once
//! ```
//!
//! Reads the corpus's tuning splits (`tests/corpus/star/tune`, `tests/corpus/star/spoken/tune`
//! when present), turns every answer into the sentences the analysis sees, and fits a
//! multinomial logistic regression (full-batch Adam, L2, fixed iteration count: no
//! randomness, so the same corpus gives the same weights). The regularisation, the feature
//! set (words only, or words plus the rules' output) and the threshold for calling a part
//! missing are chosen by 5-fold cross-validation over tuning answers; held-out answers are
//! never read unless `--heldout` is given, and then only to score the frozen model.

// Index loops over the five classes read like the maths they implement.
#![allow(clippy::needless_range_loop)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rehearse::analyze::sentences;
use rehearse::analyze::star::corpus::{self, CorpusAnswer};
use rehearse::analyze::star::features::Feature;
use rehearse::analyze::star::{self, Part};

const PARTS: [Part; 5] = [
    Part::Situation,
    Part::Task,
    Part::Action,
    Part::Result,
    Part::Other,
];
const FOLDS: usize = 5;
const ITERATIONS: usize = 300;
const MIN_COUNT: usize = 2;
/// The share of "missing" calls that must be right on cross-validation.
const PRECISION: f64 = 0.9;

/// One answer as the trainer sees it.
struct Example {
    name: String,
    /// Per runtime sentence: the rules' label, features, and the gold label (by word majority).
    sentences: Vec<(Part, Vec<Feature>, usize)>,
    /// For each gold sentence, the runtime sentence holding its first word.
    gold_to_runtime: Vec<usize>,
    gold: Vec<Part>,
}

fn index(p: Part) -> usize {
    PARTS.iter().position(|&x| x == p).unwrap()
}

fn example(a: &CorpusAnswer) -> Example {
    let (t, starts) = a.transcript();
    let words = &t.words;
    let split = sentences::split(words, &[]);
    let feats = star::sentence_features(words, &split);
    let word_labels = a.word_labels();
    let sentences = split
        .iter()
        .zip(feats)
        .map(|(s, (rule, f))| {
            let mut votes = [0usize; 5];
            for p in &word_labels[s.word_start..s.word_end] {
                votes[index(*p)] += 1;
            }
            let gold = (0..5).max_by_key(|&k| (votes[k], 5 - k)).unwrap();
            (rule, f, gold)
        })
        .collect();
    let gold_to_runtime = starts
        .iter()
        .map(|&w| split.iter().rposition(|s| s.word_start <= w).unwrap_or(0))
        .collect();
    Example {
        name: a.name.clone(),
        sentences,
        gold_to_runtime,
        gold: a.gold.clone(),
    }
}

fn load(dir: &str) -> Vec<Example> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    if !path.is_dir() {
        return Vec::new();
    }
    corpus::load_dir(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(example)
        .collect()
}

/// Which features a model variant reads.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Variant {
    /// Words, position and length only.
    Learned,
    /// Those plus the rules' label, scores, cues and neighbours' labels.
    Combined,
}

fn keep(variant: Variant, name: &str) -> bool {
    variant == Variant::Combined
        || !["rule:", "score:", "cue:", "prev:", "next:", "prev2:"]
            .iter()
            .any(|p| name.starts_with(p))
}

struct Trained {
    bias: [f64; 5],
    weights: HashMap<String, [f64; 5]>,
}

impl Trained {
    fn probs(&self, f: &[Feature]) -> [f64; 5] {
        let mut z = self.bias;
        for (name, v) in f {
            if let Some(w) = self.weights.get(name) {
                for k in 0..5 {
                    z[k] += w[k] * v;
                }
            }
        }
        star::learned::softmax(z)
    }
}

/// Multinomial logistic regression by full-batch Adam on the mean log loss plus L2.
fn train(examples: &[&Example], variant: Variant, l2: f64) -> Trained {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in examples {
        for (_, f, _) in &e.sentences {
            for (name, _) in f.iter().filter(|(n, _)| keep(variant, n)) {
                *counts.entry(name.as_str()).or_default() += 1;
            }
        }
    }
    let vocab: Vec<&str> = counts
        .into_iter()
        .filter(|&(_, c)| c >= MIN_COUNT)
        .map(|(n, _)| n)
        .collect();
    let id: HashMap<&str, usize> = vocab.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let rows: Vec<(Vec<(usize, f64)>, usize)> = examples
        .iter()
        .flat_map(|e| &e.sentences)
        .map(|(_, f, gold)| {
            let x = f
                .iter()
                .filter_map(|(n, v)| id.get(n.as_str()).map(|&i| (i, *v)))
                .collect();
            (x, *gold)
        })
        .collect();
    let d = vocab.len() + 1; // the last row is the bias
    let mut w = vec![[0.0f64; 5]; d];
    let (mut m, mut v) = (vec![[0.0f64; 5]; d], vec![[0.0f64; 5]; d]);
    let (lr, b1, b2, eps) = (0.05, 0.9, 0.999, 1e-8);
    let n = rows.len() as f64;
    for t in 1..=ITERATIONS {
        let mut g = vec![[0.0f64; 5]; d];
        for (x, gold) in &rows {
            let mut z = w[d - 1];
            for &(i, val) in x {
                for k in 0..5 {
                    z[k] += w[i][k] * val;
                }
            }
            let p = star::learned::softmax(z);
            let err: [f64; 5] = std::array::from_fn(|k| p[k] - f64::from(k == *gold));
            for &(i, val) in x {
                for k in 0..5 {
                    g[i][k] += err[k] * val / n;
                }
            }
            for k in 0..5 {
                g[d - 1][k] += err[k] / n;
            }
        }
        for i in 0..d {
            for k in 0..5 {
                let gi = g[i][k] + if i + 1 < d { l2 * w[i][k] } else { 0.0 };
                m[i][k] = b1 * m[i][k] + (1.0 - b1) * gi;
                v[i][k] = b2 * v[i][k] + (1.0 - b2) * gi * gi;
                let mh = m[i][k] / (1.0 - b1.powi(t as i32));
                let vh = v[i][k] / (1.0 - b2.powi(t as i32));
                w[i][k] -= lr * mh / (vh.sqrt() + eps);
            }
        }
    }
    Trained {
        bias: w[d - 1],
        weights: vocab
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), w[i]))
            .collect(),
    }
}

/// Labels per runtime sentence from a model, or from the rules.
fn predict(e: &Example, model: Option<&Trained>) -> Vec<[f64; 5]> {
    e.sentences
        .iter()
        .map(|(rule, f, _)| match model {
            Some(m) => m.probs(f),
            None => std::array::from_fn(|k| f64::from(k == index(*rule))),
        })
        .collect()
}

fn argmax(p: &[f64; 5]) -> usize {
    (0..5)
        .max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)))
        .unwrap()
}

#[derive(Default, Clone)]
struct Score {
    sentences: usize,
    sentences_right: usize,
    presence: usize,
    presence_right: usize,
    baseline_presence_right: usize,
    majority_right: usize,
    /// (raw P(absent), gold absent, predicted present, part) per (answer, part)
    absences: Vec<(f64, bool, bool, usize)>,
}

impl Score {
    fn add(&mut self, e: &Example, probs: &[[f64; 5]]) {
        let labels: Vec<usize> = probs.iter().map(argmax).collect();
        for (g, &r) in e.gold.iter().zip(&e.gold_to_runtime) {
            self.sentences += 1;
            self.sentences_right += usize::from(index(*g) == labels[r]);
            self.majority_right += usize::from(*g == Part::Action);
        }
        for k in 0..4 {
            let gold = e.gold.contains(&PARTS[k]);
            let got = labels.contains(&k);
            self.presence += 1;
            self.presence_right += usize::from(gold == got);
            self.baseline_presence_right += usize::from(gold);
            let absent = star::learned::absent(probs, k);
            self.absences.push((absent, !gold, got, k));
        }
    }

    fn line(&self, what: &str) -> String {
        format!(
            "{what:<28} sentences {:5.1}% ({}/{})  presence {:5.1}% ({}/{})",
            pct(self.sentences_right, self.sentences),
            self.sentences_right,
            self.sentences,
            pct(self.presence_right, self.presence),
            self.presence_right,
            self.presence
        )
    }

    /// Answers' parts called missing at a threshold, and how many of those truly were.
    fn missing_at(&self, threshold: f64, c: &Calibration) -> (usize, usize) {
        let called: Vec<_> = self
            .absences
            .iter()
            .filter(|(a, _, got, k)| !got && c.apply(*a, *k) >= threshold)
            .collect();
        (
            called.iter().filter(|(_, gold, ..)| *gold).count(),
            called.len(),
        )
    }
}

/// Platt scaling of the raw absence probability: slope and one intercept per part.
struct Calibration {
    slope: f64,
    intercepts: [f64; 4],
}

impl Calibration {
    const NONE: Calibration = Calibration {
        slope: 1.0,
        intercepts: [0.0; 4],
    };

    fn apply(&self, p: f64, k: usize) -> f64 {
        star::learned::calibrate(p, self.slope, self.intercepts[k])
    }

    /// Fitted by gradient descent on the log loss over the parts no sentence was given.
    fn fit(score: &Score) -> Calibration {
        let rows: Vec<(f64, f64, usize)> = score
            .absences
            .iter()
            .filter(|(_, _, got, _)| !got)
            .map(|&(p, gold, _, k)| {
                let p = p.clamp(1e-6, 1.0 - 1e-6);
                ((p / (1.0 - p)).ln(), f64::from(gold), k)
            })
            .collect();
        let mut c = Calibration::NONE;
        let n = rows.len().max(1) as f64;
        for _ in 0..20_000 {
            let (mut gs, mut gb) = (0.0, [0.0; 4]);
            for &(x, y, k) in &rows {
                let p = 1.0 / (1.0 + (-(c.slope * x + c.intercepts[k])).exp());
                gs += (p - y) * x / n;
                gb[k] += (p - y) / n;
            }
            c.slope -= 0.05 * gs;
            for k in 0..4 {
                c.intercepts[k] -= 0.5 * gb[k];
            }
        }
        c
    }
}

fn pct(a: usize, b: usize) -> f64 {
    a as f64 * 100.0 / b.max(1) as f64
}

fn cross_validate(tune: &[Example], variant: Variant, l2: f64) -> Score {
    let mut score = Score::default();
    for (e, p) in tune.iter().zip(cv_probs(tune, variant, l2)) {
        score.add(e, &p);
    }
    score
}

/// Each tuning answer's sentence probabilities from the model trained on the other folds.
fn cv_probs(tune: &[Example], variant: Variant, l2: f64) -> Vec<Vec<[f64; 5]>> {
    let mut out = vec![Vec::new(); tune.len()];
    for fold in 0..FOLDS {
        let train_set: Vec<&Example> = tune
            .iter()
            .enumerate()
            .filter(|(i, _)| i % FOLDS != fold)
            .map(|(_, e)| e)
            .collect();
        let model = train(&train_set, variant, l2);
        for (i, e) in tune.iter().enumerate().filter(|(i, _)| i % FOLDS == fold) {
            out[i] = predict(e, Some(&model));
        }
    }
    out
}

/// Log transition probabilities between runtime gold labels (row 5: the start), add-one.
fn transitions(examples: &[&Example]) -> [[f64; 5]; 6] {
    let mut c = [[1.0f64; 5]; 6];
    for e in examples {
        let mut prev = 5;
        for (_, _, g) in &e.sentences {
            c[prev][*g] += 1.0;
            prev = *g;
        }
    }
    c.map(|row| {
        let sum: f64 = row.iter().sum();
        row.map(|x| (x / sum).ln())
    })
}

/// Viterbi over log p(label | sentence) + lambda * log T(prev, label); then parts with no
/// sentence whose likeliest sentence reaches fill[k] get that sentence.
fn decode(probs: &[[f64; 5]], t: &[[f64; 5]; 6], lambda: f64, fill: [f64; 4]) -> Vec<[f64; 5]> {
    let n = probs.len();
    if n == 0 {
        return Vec::new();
    }
    let lp = |i: usize, k: usize| probs[i][k].max(1e-9).ln();
    let mut best = vec![[0.0f64; 5]; n];
    let mut back = vec![[0usize; 5]; n];
    for k in 0..5 {
        best[0][k] = lp(0, k) + lambda * t[5][k];
    }
    for i in 1..n {
        for k in 0..5 {
            let (j, v) = (0..5)
                .map(|j| (j, best[i - 1][j] + lambda * t[j][k]))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap();
            best[i][k] = v + lp(i, k);
            back[i][k] = j;
        }
    }
    let mut labels = vec![0usize; n];
    labels[n - 1] = (0..5)
        .max_by(|&a, &b| best[n - 1][a].total_cmp(&best[n - 1][b]))
        .unwrap();
    for i in (1..n).rev() {
        labels[i - 1] = back[i][labels[i]];
    }
    for k in 0..4 {
        if labels.contains(&k) {
            continue;
        }
        let (i, p) = (0..n)
            .map(|i| (i, probs[i][k]))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        let old = labels[i];
        if p >= fill[k] && (old == 4 || labels.iter().filter(|&&l| l == old).count() > 1) {
            labels[i] = k;
        }
    }
    labels
        .iter()
        .zip(probs)
        .map(|(&l, p)| {
            let mut q = *p;
            q[l] += 10.0;
            q
        })
        .collect()
}

/// The lowest threshold whose "missing" calls were right at least `precision` of the time
/// on cross-validation, with at least one call.
fn choose_threshold(score: &Score, c: &Calibration, precision: f64) -> f64 {
    let grid: Vec<f64> = (50..100).map(|x| x as f64 / 100.0).collect();
    grid.iter()
        .copied()
        .find(|&t| {
            let (right, called) = score.missing_at(t, c);
            called > 0 && right as f64 >= precision * called as f64
        })
        .unwrap_or(0.99)
}

fn write(model: &Trained, threshold: f64, c: &Calibration, about: &str) {
    let mut out = String::new();
    out.push_str(
        "# The learned STAR labeller's weights: written by `cargo run --release --example \
         train_star`; do not edit.\n",
    );
    out.push_str(&format!("# {about}\n# classes: S T A R -\n"));
    let fmt = |w: &[f64; 5]| {
        w.iter()
            .map(|x| format!("{x:.3}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    out.push_str(&format!("bias {}\n", fmt(&model.bias)));
    out.push_str(&format!("missing_confidence {threshold:.2}\n"));
    out.push_str(&format!(
        "calibration {:.4} {}\n",
        c.slope,
        c.intercepts.map(|b| format!("{b:.4}")).join(" ")
    ));
    let mut names: Vec<&String> = model.weights.keys().collect();
    names.sort();
    for n in names {
        let w = &model.weights[n];
        if w.iter().any(|x| x.abs() >= 0.005) {
            out.push_str(&format!("{n}\t{}\n", fmt(w)));
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/analyze/star/weights.txt");
    std::fs::write(&path, out).expect("weights written");
    println!("wrote {}", path.display());
}

fn main() {
    let score_heldout = std::env::args().any(|a| a == "--heldout");
    let mut tune = load("tests/corpus/star/tune");
    tune.extend(load("tests/corpus/star/spoken/tune"));
    tune.sort_by(|a, b| a.name.cmp(&b.name));
    let tune_sentences: usize = tune.iter().map(|e| e.gold.len()).sum();
    println!("tune: {} answers, {tune_sentences} sentences", tune.len());

    let mut rules = Score::default();
    for e in &tune {
        rules.add(e, &predict(e, None));
    }
    println!("{}", rules.line("rules (tune)"));
    let mut best: Option<(f64, Variant, f64, Score)> = None;
    for variant in [Variant::Learned, Variant::Combined] {
        for l2 in [1e-4, 3e-4, 1e-3, 3e-3] {
            let s = cross_validate(&tune, variant, l2);
            println!("{}", s.line(&format!("{variant:?} l2 {l2} (CV)")));
            // Presence first, then sentences: presence is what the report says first.
            let key = pct(s.presence_right, s.presence) + pct(s.sentences_right, s.sentences);
            if best.as_ref().is_none_or(|b| key > b.0) {
                best = Some((key, variant, l2, s));
            }
        }
    }
    let (_, variant, l2, cv) = best.expect("a candidate");
    if std::env::var_os("STAR_EXPERIMENT").is_some() {
        experiment(&tune, variant, l2);
        return;
    }
    let calibration = Calibration::fit(&cv);
    println!(
        "calibration: slope {:.3}, intercepts {:?}",
        calibration.slope, calibration.intercepts
    );
    let threshold = choose_threshold(&cv, &calibration, PRECISION);
    let (right, called) = cv.missing_at(threshold, &calibration);
    println!(
        "chosen: {variant:?}, l2 {l2}; missing when P(absent) >= {threshold:.2}: {right}/{called} \
         right on CV"
    );
    for t in [0.5, 0.6, 0.7, 0.8, 0.9, 0.95] {
        let (r, c) = cv.missing_at(t, &calibration);
        println!("  threshold {t:.2}: {r}/{c} missing calls right (CV)");
    }
    let all: Vec<&Example> = tune.iter().collect();
    let model = train(&all, variant, l2);
    write(
        &model,
        threshold,
        &calibration,
        &format!(
            "{variant:?} features, L2 {l2}, {ITERATIONS} Adam steps, min count {MIN_COUNT}, on \
             {} tuning answers ({tune_sentences} sentences)",
            tune.len()
        ),
    );
    if !score_heldout {
        return;
    }
    for dir in [
        "tests/corpus/star/heldout",
        "tests/corpus/star/spoken/heldout",
    ] {
        let held = load(dir);
        if held.is_empty() {
            continue;
        }
        let mut by_variant: Vec<(String, Score)> = vec![("rules".into(), Score::default())];
        for e in &held {
            by_variant[0].1.add(e, &predict(e, None));
        }
        for v in [Variant::Learned, Variant::Combined] {
            let m = if v == variant {
                &model
            } else {
                &train(&all, v, l2)
            };
            let mut s = Score::default();
            for e in &held {
                s.add(e, &predict(e, Some(m)));
            }
            by_variant.push((format!("{v:?}"), s));
        }
        println!("== {dir} ({} answers), scored once", held.len());
        for (name, s) in &by_variant {
            println!("{}", s.line(name));
        }
        let s = &by_variant[0].1;
        println!(
            "baselines: every part present {:.1}%, every sentence Action {:.1}%",
            pct(s.baseline_presence_right, s.presence),
            pct(s.majority_right, s.sentences)
        );
        let chosen = &by_variant
            .iter()
            .find(|(n, _)| *n == format!("{variant:?}"))
            .unwrap()
            .1;
        let (r, c) = chosen.missing_at(threshold, &calibration);
        println!("missing calls at {threshold:.2}: {r}/{c} right");
    }
}

fn experiment(tune: &[Example], variant: Variant, l2: f64) {
    let probs = cv_probs(tune, variant, l2);
    // Transitions per fold, from the other folds.
    let trans: Vec<[[f64; 5]; 6]> = (0..FOLDS)
        .map(|fold| {
            let set: Vec<&Example> = tune
                .iter()
                .enumerate()
                .filter(|(i, _)| i % FOLDS != fold)
                .map(|(_, e)| e)
                .collect();
            transitions(&set)
        })
        .collect();
    let mut s0 = Score::default();
    for (e, p) in tune.iter().zip(&probs) {
        s0.add(e, p);
    }
    println!(
        "baseline every part present {:.1}%",
        pct(s0.baseline_presence_right, s0.presence)
    );
    let by_part = |s: &Score| {
        let mut fm = [0usize; 4];
        let mut fp = [0usize; 4];
        for &(_, gold_absent, got, k) in &s.absences {
            if got && gold_absent {
                fp[k] += 1;
            }
            if !got && !gold_absent {
                fm[k] += 1;
            }
        }
        format!("false-missing {fm:?} false-present {fp:?}")
    };
    println!("{}  {}", s0.line("argmax"), by_part(&s0));
    for lambda in [0.0, 0.3, 0.6, 1.0] {
        for fill in [1.1, 0.4, 0.3, 0.2, 0.1] {
            let mut s = Score::default();
            for (i, (e, p)) in tune.iter().zip(&probs).enumerate() {
                s.add(e, &decode(p, &trans[i % FOLDS], lambda, [fill; 4]));
            }
            println!(
                "{}  {}",
                s.line(&format!("viterbi {lambda} fill {fill}")),
                by_part(&s)
            );
        }
    }
}
