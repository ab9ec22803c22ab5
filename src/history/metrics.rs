//! The figures history compares, read from a stored report's JSON, each with the direction
//! that counts as better.
//!
//! They are read from the JSON rather than a typed `Report` so that old takes keep working
//! when the report grows, and new sections (the STAR structure) show up as soon as a report
//! has them.

use serde_json::Value;

use crate::config::{Range, Targets};

/// Which way a metric should move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Direction {
    Lower,
    Higher,
    /// Closer to the range is better; anywhere inside it is on target.
    Within(Range),
}

impl Direction {
    /// How far from good a value is: 0 is on target, more is worse (comparable within a metric).
    pub fn shortfall(self, v: f64, limit: Option<f64>) -> f64 {
        match self {
            Direction::Lower => (v - limit.unwrap_or(0.0)).max(0.0),
            // Without a limit there is no target to fall short of.
            Direction::Higher => limit.map_or(0.0, |l| (l - v).max(0.0)),
            Direction::Within(r) => (r.min - v).max(v - r.max).max(0.0),
        }
    }

    /// +1 when going from `a` to `b` is better, -1 when worse, 0 when no different.
    pub fn judge(self, a: f64, b: f64) -> i8 {
        let (a, b) = match self {
            Direction::Lower => (-a, -b),
            Direction::Higher => (a, b),
            Direction::Within(_) => (-self.shortfall(a, None), -self.shortfall(b, None)),
        };
        if (b - a).abs() < 1e-9 {
            0
        } else if b > a {
            1
        } else {
            -1
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Metric {
    pub key: &'static str,
    pub label: &'static str,
    pub direction: Direction,
    /// The value from which the metric is on target (for Lower/Higher), if there is one.
    pub limit: Option<f64>,
    pub decimals: usize,
    /// A whole number (a count), written as an integer in JSON.
    pub count: bool,
    read: fn(&Value) -> Option<f64>,
}

impl Metric {
    pub fn value(&self, report: &Value) -> Option<f64> {
        (self.read)(report)
    }

    pub fn format(&self, v: Option<f64>) -> String {
        match v {
            None => "-".into(),
            Some(v) if self.key == "answer_s" => crate::report::clock(v),
            Some(v) => format!("{v:.*}", self.decimals),
        }
    }

    pub fn on_target(&self, v: f64) -> bool {
        self.direction.shortfall(v, self.limit) == 0.0
    }
}

/// The metrics tracked over takes, judged against `targets`.
pub fn all(targets: &Targets) -> Vec<Metric> {
    vec![
        Metric {
            key: "answer_s",
            count: false,
            label: "Answer length",
            direction: Direction::Within(targets.answer_length_s),
            limit: None,
            decimals: 0,
            read: |r| spoken(r).then(|| num(r, &["length", "answer_s"]))?,
        },
        Metric {
            key: "wpm",
            count: false,
            label: "Pace (wpm)",
            direction: Direction::Within(targets.pace_wpm),
            limit: None,
            decimals: 0,
            read: |r| spoken(r).then(|| num(r, &["pace", "wpm"]))?,
        },
        Metric {
            key: "fillers_per_minute",
            count: false,
            label: "Fillers/min",
            direction: Direction::Lower,
            limit: Some(targets.fillers_per_minute_max),
            decimals: 1,
            read: |r| spoken(r).then(|| num(r, &["fillers", "per_minute"]))?,
        },
        Metric {
            key: "long_pauses",
            count: true,
            label: "Long pauses",
            direction: Direction::Lower,
            limit: Some(0.0),
            decimals: 0,
            read: |r| spoken(r).then(|| num(r, &["pauses", "long_count"]))?,
        },
        Metric {
            key: "star_parts",
            count: true,
            label: "STAR parts",
            direction: Direction::Higher,
            limit: Some(4.0),
            decimals: 0,
            read: |r| star_present(r).map(|p| p.iter().filter(|x| **x).count() as f64),
        },
        Metric {
            key: "star_score",
            count: false,
            label: "STAR score",
            direction: Direction::Higher,
            limit: None,
            decimals: 0,
            read: star_score,
        },
    ]
}

fn spoken(r: &Value) -> bool {
    r.get("speech_found").and_then(Value::as_bool) != Some(false)
}

fn num(r: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(r, |v, k| v.get(k))?.as_f64()
}

pub const STAR_PARTS: [&str; 4] = ["situation", "task", "action", "result"];

/// Whether each STAR part is present, when the report has a STAR section.
pub fn star_present(r: &Value) -> Option<[bool; 4]> {
    let star = r.get("star").filter(|s| s.is_object())?;
    let part = |name: &str| {
        let p = star
            .get(name)
            .or_else(|| star.get("parts").and_then(|ps| ps.get(name)))?;
        p.get("present").and_then(Value::as_bool).or(p.as_bool())
    };
    let found = STAR_PARTS.map(part);
    found
        .iter()
        .any(Option::is_some)
        .then(|| found.map(|p| p.unwrap_or(false)))
}

/// "STAR" with a dash for each missing part: "S-AR".
pub fn star_letters(r: &Value) -> Option<String> {
    let present = star_present(r)?;
    Some(
        present
            .iter()
            .zip(['S', 'T', 'A', 'R'])
            .map(|(p, c)| if *p { c } else { '-' })
            .collect(),
    )
}

/// The STAR section's overall score, wherever the report keeps it.
pub fn star_score(r: &Value) -> Option<f64> {
    let star = r.get("star")?;
    let s = star.get("score").or_else(|| star.get("structure_score"))?;
    s.as_f64().or_else(|| {
        ["value", "score", "total"]
            .iter()
            .find_map(|k| s.get(k).and_then(Value::as_f64))
    })
}

/// Whether the Result is quantified, when the report says.
pub fn result_quantified(r: &Value) -> Option<bool> {
    r.get("star")?.get("result_quantified")?.as_bool()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metric(key: &str) -> Metric {
        all(&Targets::default())
            .into_iter()
            .find(|m| m.key == key)
            .unwrap()
    }

    #[test]
    fn directions_judge_changes() {
        let fillers = metric("fillers_per_minute");
        assert_eq!(fillers.direction.judge(9.0, 3.0), 1);
        assert_eq!(fillers.direction.judge(3.0, 9.0), -1);
        let pace = metric("wpm");
        // Into the 120-165 range from either side is better; moving inside it is no change.
        assert_eq!(pace.direction.judge(100.0, 130.0), 1);
        assert_eq!(pace.direction.judge(190.0, 170.0), 1);
        assert_eq!(pace.direction.judge(130.0, 160.0), 0);
        assert_eq!(pace.direction.judge(150.0, 200.0), -1);
    }

    #[test]
    fn values_come_from_the_report_json() {
        let r = json!({"speech_found": true, "pace": {"wpm": 141.2},
                       "fillers": {"per_minute": 4.5}, "pauses": {"long_count": 2}});
        assert_eq!(metric("wpm").value(&r), Some(141.2));
        assert_eq!(metric("long_pauses").value(&r), Some(2.0));
        assert_eq!(metric("star_score").value(&r), None);
        let silent = json!({"speech_found": false, "pace": {"wpm": 0.0}});
        assert_eq!(metric("wpm").value(&silent), None);
    }

    #[test]
    fn star_fields_are_read_when_present() {
        let r = json!({"star": {"situation": {"present": true}, "task": {"present": false},
                                "action": {"present": true}, "result": {"present": true},
                                "score": 72, "result_quantified": true}});
        assert_eq!(star_letters(&r).as_deref(), Some("S-AR"));
        assert_eq!(metric("star_parts").value(&r), Some(3.0));
        assert_eq!(star_score(&r), Some(72.0));
        assert_eq!(result_quantified(&r), Some(true));
        assert_eq!(star_letters(&json!({})), None);
    }
}
