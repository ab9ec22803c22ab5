//! The figures history compares, read from a stored take's typed [`Report`], each with the
//! direction that counts as better.
//!
//! Stored reports are schema version 1 from every rehearse so far; the sections added since
//! the store began (STAR, flags, question) have serde defaults, so old takes still load
//! ([`StoredReport::parse`]). A report from before STAR has no STAR figures rather than a
//! zero score, so the reader remembers whether the stored JSON had the section at all.

use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::analyze::star::StarAnalysis;
use crate::analyze::voice::{self, VoiceStats};
use crate::config::{Range, Targets};
use crate::report::evidence::Section;
use crate::report::Report;
use crate::store::StoredTake;

/// A stored take's report as the history views read it.
#[derive(Debug, Clone, Default)]
pub struct StoredReport {
    /// None when the stored JSON is not a report this version can read (then it has no figures).
    pub report: Option<Report>,
    /// The stored JSON has a STAR section (reports from before STAR do not; serde would fill
    /// in an empty one).
    pub has_star: bool,
}

/// Which sections a stored report has, without reading them.
#[derive(Deserialize)]
struct Sections {
    #[serde(default)]
    star: Option<IgnoredAny>,
}

impl StoredReport {
    pub fn parse(json: &str) -> StoredReport {
        let report = serde_json::from_str::<Report>(json).ok();
        let has_star = report.is_some()
            && serde_json::from_str::<Sections>(json).is_ok_and(|s| s.star.is_some());
        StoredReport { report, has_star }
    }

    pub fn of(take: &StoredTake) -> StoredReport {
        StoredReport::parse(&take.report_json)
    }

    /// The report, when it found speech (figures of a silent take mean nothing).
    fn spoken(&self) -> Option<&Report> {
        self.report.as_ref().filter(|r| r.speech_found)
    }

    /// The voice section, when the report found speech and has one.
    pub fn voice(&self) -> Option<&VoiceStats> {
        self.spoken()?.voice.as_ref()
    }

    /// The report, when it found speech and gave `section` a verdict (a figure withheld for
    /// too little evidence or an untrusted transcript is no figure to track).
    fn judged(&self, section: Section) -> Option<&Report> {
        self.spoken().filter(|r| r.withheld(section).is_none())
    }

    /// The STAR section, when the report found speech, has one and scored it.
    pub fn star(&self) -> Option<&StarAnalysis> {
        self.spoken()
            .filter(|_| self.has_star)
            .filter(|r| r.withheld(Section::Star).is_none())
            .map(|r| &r.star)
    }
}

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
    /// The band within which a change is noise, not progress: the same answer analysed again,
    /// or played 1 dB louder or softer, moves the metric by up to this much ([`NOISE`]).
    pub noise: f64,
    /// A whole number (a count), written as an integer in JSON.
    pub count: bool,
    read: fn(&StoredReport) -> Option<f64>,
}

/// Each metric's noise band (docs/history.md, "About the same"). Measured with
/// scripts/compare_band.py on 5 tuning clips (4 real, samples/fillers.wav): two analyses of
/// the same audio never differed; copies 1 dB louder and softer moved only trailing off (one
/// sentence of seven: 14.3 points), so its band is 15. The others keep a small floor (a second,
/// 3 wpm, 0.5 fillers/min, 0.3 semitones, 10 STAR points: the sentence split that moved
/// STAR by 10 in #25) since a re-recorded answer varies more than re-analysed audio. Held out
/// (batchalign2_test, mfa_crossword, samples/long-pauses.wav), scored once: largest level
/// change 0.06 semitones of pitch variation, all else 0.
pub struct Bands {
    pub answer_s: f64,
    pub wpm: f64,
    pub fillers_per_minute: f64,
    pub long_pauses: f64,
    pub pitch_variation_st: f64,
    pub trailing_off_pct: f64,
    pub star_parts: f64,
    pub star_score: f64,
}

pub const NOISE: Bands = Bands {
    answer_s: 1.0,
    wpm: 3.0,
    fillers_per_minute: 0.5,
    long_pauses: 0.0,
    pitch_variation_st: 0.3,
    trailing_off_pct: 15.0,
    star_parts: 0.0,
    star_score: 10.0,
};

impl Metric {
    /// +1 when going from `a` to `b` is better, -1 when worse, 0 when the change is within
    /// the metric's noise band (or makes no difference to the target).
    pub fn judge(&self, a: f64, b: f64) -> i8 {
        if (b - a).abs() <= self.noise + 1e-9 {
            0
        } else {
            self.direction.judge(a, b)
        }
    }

    pub fn value(&self, report: &StoredReport) -> Option<f64> {
        (self.read)(report)
    }

    /// `v` rounded as [`Metric::format`] shows it (whole seconds, whole wpm, 0.1 fillers/min),
    /// so a difference computed from shown values reads right: 1:14 to 1:19 is +0:05.
    pub fn shown(&self, v: f64) -> f64 {
        let scale = 10f64.powi(self.decimals as i32);
        (v * scale).round() / scale
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
            noise: NOISE.answer_s,
            read: |r| r.spoken().map(|r| r.length.answer_s),
        },
        Metric {
            key: "wpm",
            count: false,
            label: "Pace (wpm)",
            direction: Direction::Within(targets.pace_wpm),
            limit: None,
            decimals: 0,
            noise: NOISE.wpm,
            read: |r| r.judged(Section::Pace).map(|r| r.pace.wpm),
        },
        Metric {
            key: "fillers_per_minute",
            count: false,
            label: "Fillers/min",
            direction: Direction::Lower,
            limit: Some(targets.fillers_per_minute_max),
            decimals: 1,
            noise: NOISE.fillers_per_minute,
            read: |r| r.judged(Section::Fillers).map(|r| r.fillers.per_minute),
        },
        Metric {
            key: "long_pauses",
            count: true,
            label: "Long pauses",
            direction: Direction::Lower,
            limit: Some(0.0),
            decimals: 0,
            noise: NOISE.long_pauses,
            read: |r| r.spoken().map(|r| r.pauses.long_count as f64),
        },
        Metric {
            key: "pitch_variation_st",
            count: false,
            label: "Pitch var. (st)",
            direction: Direction::Higher,
            limit: Some(voice::MONOTONE_ST),
            decimals: 1,
            noise: NOISE.pitch_variation_st,
            read: |r| r.voice()?.pitch_variation_semitones,
        },
        Metric {
            key: "trailing_off_pct",
            count: false,
            label: "Trailing off %",
            direction: Direction::Lower,
            limit: Some(voice::TRAIL_SHARE * 100.0),
            decimals: 0,
            noise: NOISE.trailing_off_pct,
            read: |r| {
                let v = r.voice()?;
                (v.sentences_checked > 0)
                    .then(|| v.trailing_off.len() as f64 * 100.0 / v.sentences_checked as f64)
            },
        },
        Metric {
            key: "star_parts",
            count: true,
            label: "STAR parts",
            direction: Direction::Higher,
            limit: Some(4.0),
            decimals: 0,
            noise: NOISE.star_parts,
            read: |r| star_present(r).map(|p| p.iter().filter(|x| **x).count() as f64),
        },
        Metric {
            key: "star_score",
            count: false,
            label: "STAR score",
            direction: Direction::Higher,
            limit: Some(f64::from(crate::analyze::star::GOOD_SCORE)),
            decimals: 0,
            noise: NOISE.star_score,
            read: star_score,
        },
    ]
}

pub const STAR_PARTS: [&str; 4] = ["situation", "task", "action", "result"];

/// Whether each STAR part is present, when the report has a STAR section.
pub fn star_present(r: &StoredReport) -> Option<[bool; 4]> {
    let star = r.star()?;
    Some([&star.situation, &star.task, &star.action, &star.result].map(|p| p.present))
}

/// "STAR" with a dash for each missing part: "S-AR".
pub fn star_letters(r: &StoredReport) -> Option<String> {
    let present = star_present(r)?;
    Some(
        present
            .iter()
            .zip(['S', 'T', 'A', 'R'])
            .map(|(p, c)| if *p { c } else { '-' })
            .collect(),
    )
}

/// The STAR section's structure score, 0-100.
pub fn star_score(r: &StoredReport) -> Option<f64> {
    r.star().map(|s| f64::from(s.score))
}

/// Whether the Result is quantified, when the report has a STAR section.
pub fn result_quantified(r: &StoredReport) -> Option<bool> {
    r.star().map(|s| s.result_quantified)
}

/// Stored reports for tests: the sample report, edited, as the store would hold it.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// The sample report changed by `edit`, as JSON; without its STAR section unless `star`.
    pub(crate) fn report_json(edit: impl FnOnce(&mut Report), star: bool) -> String {
        let mut r = crate::report::tests::sample_report();
        // The takes made here stand for answers long enough to judge: the sample's own
        // withheld verdicts (a 20 s answer's filler rate) do not apply to them.
        r.cant_tell.clear();
        edit(&mut r);
        let mut v = serde_json::to_value(&r).expect("a report serialises");
        if !star {
            v.as_object_mut().expect("an object").remove("star");
        }
        v.to_string()
    }

    pub(crate) fn stored(edit: impl FnOnce(&mut Report), star: bool) -> StoredReport {
        StoredReport::parse(&report_json(edit, star))
    }

    /// Set the STAR parts present, the score and whether the Result is quantified.
    pub(crate) fn set_star(r: &mut Report, present: [bool; 4], score: u32, quantified: bool) {
        let s = &mut r.star;
        for (p, on) in [&mut s.situation, &mut s.task, &mut s.action, &mut s.result]
            .into_iter()
            .zip(present)
        {
            p.present = on;
        }
        s.score = score;
        s.result_quantified = quantified;
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{set_star, stored};
    use super::*;

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
    fn values_come_from_the_stored_report() {
        let r = stored(
            |r| {
                r.speech_found = true;
                r.pace.wpm = 141.2;
                r.fillers.per_minute = 4.5;
                r.pauses.long_count = 2;
            },
            false,
        );
        assert_eq!(metric("wpm").value(&r), Some(141.2));
        assert_eq!(metric("long_pauses").value(&r), Some(2.0));
        assert_eq!(metric("star_score").value(&r), None);
        let silent = stored(
            |r| {
                r.speech_found = false;
                r.pace.wpm = 0.0;
            },
            true,
        );
        assert_eq!(metric("wpm").value(&silent), None);
    }

    #[test]
    fn star_fields_are_read_when_present() {
        let r = stored(|r| set_star(r, [true, false, true, true], 72, true), true);
        assert_eq!(star_letters(&r).as_deref(), Some("S-AR"));
        assert_eq!(metric("star_parts").value(&r), Some(3.0));
        assert_eq!(star_score(&r), Some(72.0));
        assert_eq!(result_quantified(&r), Some(true));
        assert_eq!(star_letters(&stored(|_| {}, false)), None);
    }

    #[test]
    fn a_report_this_version_cannot_read_has_no_figures() {
        let r = StoredReport::parse(r#"{"schema_version": 9, "pace": {"wpm": 140}}"#);
        assert!(r.report.is_none());
        assert!(all(&Targets::default())
            .iter()
            .all(|m| m.value(&r).is_none()));
        assert_eq!(star_letters(&r), None);
    }

    /// A take stored by the first rehearse with a store (schema version 1, before the STAR,
    /// flags and question sections, `methods.star`/`methods.flags` and
    /// `audio.source_container` existed) still loads, with its figures and no STAR section.
    #[test]
    fn a_report_from_before_star_still_loads() {
        let json = include_str!("testdata/report-v1-before-star.json");
        let raw: serde_json::Value = serde_json::from_str(json).unwrap();
        for key in ["star", "flags", "question"] {
            assert!(raw.get(key).is_none(), "the fixture has no {key}");
        }
        assert!(raw["audio"].get("source_container").is_none());
        let r = StoredReport::parse(json);
        let report = r.report.as_ref().expect("an old report deserialises");
        assert_eq!(report.schema_version, 1);
        assert!(report.flags.is_empty() && report.question.is_none());
        assert_eq!(report.audio.source_container, "");
        assert_eq!(metric("wpm").value(&r), raw["pace"]["wpm"].as_f64());
        assert_eq!(
            metric("long_pauses").value(&r),
            raw["pauses"]["long_count"].as_f64()
        );
        assert_eq!(star_letters(&r), None);
        assert_eq!(metric("star_score").value(&r), None);
    }
}
