//! The learned STAR labeller: a multinomial logistic regression over [`super::features`].
//!
//! The weights were trained offline by `examples/train_star/` on the corpus's tuning and old
//! held-out splits and are compiled into the binary (`weights.txt`), so labelling needs no
//! network and gives the same answer every run. The model reads the hand-written rules' label and cues
//! as features, so it is the two combined. Its probabilities also say how sure it is that a
//! part is absent; the threshold for calling a part "missing" rides in the same file.

use std::collections::HashMap;
use std::sync::OnceLock;

use thiserror::Error;

use super::features::Feature;

/// The shipped weights, as written by `examples/train_star/`.
const SHIPPED: &str = include_str!("weights.txt");

#[derive(Debug, Error, PartialEq)]
pub enum ModelError {
    #[error("STAR model line {line}: {what}")]
    Line { line: usize, what: String },
    #[error("STAR model has no `bias` line")]
    NoBias,
}

/// Class probabilities in S, T, A, R, none order.
pub type Probs = [f64; 5];

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    bias: [f64; 5],
    weights: HashMap<String, [f64; 5]>,
    /// A part is called missing only when the model is at least this sure it is absent.
    pub missing_confidence: f64,
    /// Platt scaling of the raw absence probability: `slope` and one intercept per part,
    /// fitted on cross-validated tuning answers.
    calibration: (f64, [f64; 4]),
}

impl Model {
    /// The weights compiled into the binary.
    pub fn shipped() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| {
            Model::parse(SHIPPED).expect("the shipped STAR weights parse (a unit test checks)")
        })
    }

    /// Read a weights file: `bias w w w w w`, `missing_confidence x`, then one
    /// `feature<TAB>w w w w w` line per feature; `#` lines are comments.
    pub fn parse(text: &str) -> Result<Model, ModelError> {
        let mut bias = None;
        let mut missing_confidence = 0.9;
        let mut calibration = (1.0, [0.0; 4]);
        let mut weights = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let err = |what: &str| ModelError::Line {
                line: i + 1,
                what: what.to_string(),
            };
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix("bias ") {
                bias = Some(five(rest).ok_or_else(|| err("bias needs five numbers"))?);
            } else if let Some(rest) = line.strip_prefix("missing_confidence ") {
                missing_confidence = rest
                    .trim()
                    .parse()
                    .map_err(|_| err("missing_confidence is not a number"))?;
            } else if let Some(rest) = line.strip_prefix("calibration ") {
                let c = five(rest).ok_or_else(|| err("calibration needs five numbers"))?;
                calibration = (c[0], [c[1], c[2], c[3], c[4]]);
            } else {
                let (name, rest) = line
                    .split_once('\t')
                    .ok_or_else(|| err("expected feature<TAB>weights"))?;
                let w = five(rest).ok_or_else(|| err("a feature needs five weights"))?;
                weights.insert(name.to_string(), w);
            }
        }
        Ok(Model {
            bias: bias.ok_or(ModelError::NoBias)?,
            weights,
            missing_confidence,
            calibration,
        })
    }

    /// How many features carry weights.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The probability of each label for a sentence with these features.
    pub fn probs(&self, features: &[Feature]) -> Probs {
        let mut z = self.bias;
        for (name, value) in features {
            if let Some(w) = self.weights.get(name) {
                for (zk, wk) in z.iter_mut().zip(w) {
                    *zk += wk * value;
                }
            }
        }
        softmax(z)
    }

    /// How sure the model is that no sentence is part `k` (S, T, A, R = 0-3), calibrated.
    pub fn absent(&self, probs: &[Probs], k: usize) -> f64 {
        let (slope, intercepts) = self.calibration;
        calibrate(absent(probs, k), slope, intercepts[k.min(3)])
    }
}

/// Platt scaling: `sigmoid(slope * logit(p) + intercept)`.
pub fn calibrate(p: f64, slope: f64, intercept: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    let z = slope * (p / (1.0 - p)).ln() + intercept;
    1.0 / (1.0 + (-z).exp())
}

pub fn softmax(z: [f64; 5]) -> Probs {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e = z.map(|x| (x - max).exp());
    let sum: f64 = e.iter().sum();
    e.map(|x| x / sum)
}

fn five(s: &str) -> Option<[f64; 5]> {
    let v: Vec<f64> = s
        .split_whitespace()
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    v.try_into().ok()
}

/// The raw probability that no sentence is of part `k`: one minus that of the likeliest
/// sentence (before calibration).
pub fn absent(probs: &[Probs], k: usize) -> f64 {
    1.0 - probs.iter().map(|p| p[k]).fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_weights_load() {
        let m = Model::shipped();
        assert!(m.len() > 100, "{} features", m.len());
        assert!(m.missing_confidence > 0.5 && m.missing_confidence < 1.0);
        let p = m.probs(&[("rule:A".into(), 1.0), ("w:fixed".into(), 1.0)]);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(p.iter().all(|x| x.is_finite() && *x >= 0.0));
    }

    #[test]
    fn a_malformed_weights_file_is_an_error() {
        assert_eq!(
            Model::parse("x\t1 2 3\n"),
            Err(ModelError::Line {
                line: 1,
                what: "a feature needs five weights".into()
            })
        );
        assert_eq!(Model::parse("# nothing\n"), Err(ModelError::NoBias));
        let m = Model::parse("bias 0 0 0 0 0\nmissing_confidence 0.8\nw:i\t1 0 0 0 0\n").unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m.missing_confidence, 0.8);
        let p = m.probs(&[("w:i".into(), 1.0)]);
        assert!(p[0] > p[1]);
    }

    #[test]
    fn absence_is_read_off_the_likeliest_sentence() {
        let probs = [[0.5, 0.5, 0.0, 0.0, 0.0], [0.2, 0.0, 0.8, 0.0, 0.0]];
        assert!((absent(&probs, 0) - 0.5).abs() < 1e-12);
        assert_eq!(absent(&probs, 3), 1.0);
    }
}
