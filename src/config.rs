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

impl Targets {
    /// Reject settings no analysis could honour (negative, empty or inverted ranges).
    pub fn validate(&self) -> Result<(), InvalidTargets> {
        let positive = [
            ("pace window", self.pace_window_s),
            ("pause threshold", self.pause_min_s),
            ("long-pause threshold", self.long_pause_s),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(InvalidTargets(format!("{name} must be above 0 (got {v})")));
            }
        }
        if self.long_pause_s < self.pause_min_s {
            return Err(InvalidTargets(format!(
                "long-pause threshold ({} s) is below the pause threshold ({} s)",
                self.long_pause_s, self.pause_min_s
            )));
        }
        for (name, r) in [
            ("pace range", self.pace_wpm),
            ("answer length", self.answer_length_s),
        ] {
            if !(r.min.is_finite() && r.max.is_finite() && 0.0 <= r.min && r.min < r.max) {
                return Err(InvalidTargets(format!(
                    "{name} must be MIN-MAX with 0 <= MIN < MAX (got {}-{})",
                    r.min, r.max
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
    fn long_pause_below_pause_threshold_is_rejected() {
        let t = Targets {
            long_pause_s: 0.1,
            ..Targets::default()
        };
        assert!(t.validate().is_err());
    }
}
