//! Targets and thresholds every metric is judged against.
//!
//! Defaults come from interview-coaching norms (sources in the README): 120-165 words per
//! minute, pauses counted from 250 ms and flagged from 2 s, a 90-180 s answer, and at most
//! 5 fillers a minute. The report records the targets it used.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

/// Missing keys take their defaults, so a config file names only what it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Targets {
    /// Comfortable speaking pace, words per minute.
    pub pace_wpm: Range,
    /// Width of the windows pace is tracked over, seconds.
    pub pace_window_s: f64,
    /// Silences at least this long count as pauses, seconds.
    pub pause_min_s: f64,
    /// Pauses at least this long are flagged, seconds.
    pub long_pause_s: f64,
    /// Length of a STAR answer, seconds of speech.
    pub answer_length_s: Range,
    /// Fillers per minute up to which listeners are not put off.
    pub fillers_per_minute_max: f64,
    /// Fillers per minute from which listeners rate the speaker lower.
    pub fillers_per_minute_distracting: f64,
    /// The user's own filler words or phrases, always counted ("to be honest").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_filler_words: Vec<String>,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            pace_wpm: Range {
                min: 120.0,
                max: 165.0,
            },
            pace_window_s: 15.0,
            pause_min_s: 0.25,
            long_pause_s: 2.0,
            answer_length_s: Range {
                min: 90.0,
                max: 180.0,
            },
            fillers_per_minute_max: 5.0,
            fillers_per_minute_distracting: 12.0,
            extra_filler_words: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("invalid setting: {0}")]
pub struct InvalidTargets(pub String);

/// The range each setting must lie in: wide enough for any coaching norm, narrow enough that
/// no value can make the analysis blow up (a 1e-7 s pace window would mean billions of
/// windows) or read as nonsense ("at most NaN/min").
pub mod limits {
    /// Pace, words per minute (the fastest speakers reach about 300).
    pub const PACE_WPM: (f64, f64) = (0.0, 600.0);
    /// Answer length, seconds.
    pub const ANSWER_S: (f64, f64) = (0.0, 7200.0);
    /// Width of a pace window, seconds.
    pub const PACE_WINDOW_S: (f64, f64) = (1.0, 600.0);
    /// Shortest silence that counts as a pause, seconds.
    pub const PAUSE_MIN_S: (f64, f64) = (0.05, 10.0);
    /// Long-pause threshold, seconds.
    pub const LONG_PAUSE_S: (f64, f64) = (0.05, 600.0);
    /// Filler rates, per minute.
    pub const FILLERS_PER_MINUTE: (f64, f64) = (0.0, 120.0);
    /// Extra filler words: how many, and how long each may be (characters).
    pub const EXTRA_WORDS: usize = 100;
    pub const EXTRA_WORD_CHARS: usize = 64;
}

fn in_range(name: &str, unit: &str, v: f64, (lo, hi): (f64, f64)) -> Result<(), InvalidTargets> {
    if v.is_finite() && lo <= v && v <= hi {
        Ok(())
    } else {
        Err(InvalidTargets(format!(
            "{name} must be a number from {lo} to {hi}{unit} (got {v})"
        )))
    }
}

impl Targets {
    /// Reject settings no analysis could honour: not numbers (NaN, infinite), outside the
    /// ranges in [`limits`], inverted ranges, or filler words that are empty, too many or too
    /// long. The same check applies to the config file and to command-line flags.
    pub fn validate(&self) -> Result<(), InvalidTargets> {
        use limits::*;
        let single = [
            ("pace window", " s", self.pace_window_s, PACE_WINDOW_S),
            ("pause threshold", " s", self.pause_min_s, PAUSE_MIN_S),
            (
                "long-pause threshold",
                " s",
                self.long_pause_s,
                LONG_PAUSE_S,
            ),
            (
                "filler rate that is still fine",
                " per minute",
                self.fillers_per_minute_max,
                FILLERS_PER_MINUTE,
            ),
            (
                "distracting filler rate",
                " per minute",
                self.fillers_per_minute_distracting,
                FILLERS_PER_MINUTE,
            ),
        ];
        for (name, unit, v, range) in single {
            in_range(name, unit, v, range)?;
        }
        if self.long_pause_s < self.pause_min_s {
            return Err(InvalidTargets(format!(
                "long-pause threshold ({} s) is below the pause threshold ({} s)",
                self.long_pause_s, self.pause_min_s
            )));
        }
        if self.fillers_per_minute_distracting < self.fillers_per_minute_max {
            return Err(InvalidTargets(format!(
                "distracting filler rate ({}/min) is below the rate that is still fine ({}/min)",
                self.fillers_per_minute_distracting, self.fillers_per_minute_max
            )));
        }
        for (name, r, (lo, hi)) in [
            ("pace range", self.pace_wpm, PACE_WPM),
            ("answer length", self.answer_length_s, ANSWER_S),
        ] {
            if !(r.min.is_finite()
                && r.max.is_finite()
                && lo <= r.min
                && r.min < r.max
                && r.max <= hi)
            {
                return Err(InvalidTargets(format!(
                    "{name} must be MIN-MAX with {lo} <= MIN < MAX <= {hi} (got {}-{})",
                    r.min, r.max
                )));
            }
        }
        if self.extra_filler_words.len() > EXTRA_WORDS {
            return Err(InvalidTargets(format!(
                "at most {EXTRA_WORDS} extra filler words (got {})",
                self.extra_filler_words.len()
            )));
        }
        for w in &self.extra_filler_words {
            let n = w.chars().count();
            if w.trim().is_empty() || n > EXTRA_WORD_CHARS || w.chars().any(char::is_control) {
                return Err(InvalidTargets(format!(
                    "extra filler word {:?} must be 1 to {EXTRA_WORD_CHARS} characters of text",
                    crate::term::printable(w)
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Targets::default().validate(), Ok(()));
    }

    #[test]
    fn inverted_pace_range_is_rejected() {
        let t = Targets {
            pace_wpm: Range {
                min: 170.0,
                max: 120.0,
            },
            ..Targets::default()
        };
        assert!(t.validate().unwrap_err().0.contains("pace range"));
    }

    #[test]
    fn nan_negative_and_absurd_values_are_rejected() {
        type Change = fn(&mut Targets);
        let cases: [(&str, Change); 9] = [
            ("pace window", |t| t.pace_window_s = 1e-7),
            ("pace window", |t| t.pace_window_s = 1e9),
            ("pause threshold", |t| t.pause_min_s = f64::NAN),
            ("still fine", |t| t.fillers_per_minute_max = f64::NAN),
            ("still fine", |t| t.fillers_per_minute_max = -1.0),
            ("distracting", |t| t.fillers_per_minute_distracting = 1e12),
            ("pace range", |t| t.pace_wpm.max = f64::INFINITY),
            ("answer length", |t| t.answer_length_s.max = 1e12),
            ("extra filler word", |t| {
                t.extra_filler_words = vec!["\u{1b}[2J".into()];
            }),
        ];
        for (want, change) in cases {
            let mut t = Targets::default();
            change(&mut t);
            let err = t.validate().unwrap_err().0;
            assert!(err.contains(want), "{want}: {err}");
            assert!(!err.contains('\u{1b}'), "{err}");
        }
    }

    #[test]
    fn long_pause_below_pause_threshold_is_rejected() {
        let t = Targets {
            long_pause_s: 0.1,
            ..Targets::default()
        };
        assert!(t.validate().is_err());
    }
}
