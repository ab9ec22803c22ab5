//! `rehearse progress --format html`: the takes' metrics as the plain data the progress
//! page renders ([`crate::report::html::progress`]).

use super::metrics::{self, Direction, Metric, StoredReport};
use super::{local_time, target_text};
use crate::config::Targets;
use crate::report::html::progress::{self, Progress, Series};
use crate::store::StoredTake;
use jiff::{tz::TimeZone, Timestamp};

pub fn progress_html(takes: &[StoredTake], targets: &Targets, question: Option<&str>) -> String {
    let reports: Vec<StoredReport> = takes.iter().map(StoredReport::of).collect();
    let series = metrics::all(targets)
        .iter()
        .map(|m| series(m, &reports))
        .filter(|s| s.values.iter().any(Option::is_some))
        .collect();
    progress::render(&Progress {
        subtitle: super::span(takes),
        question: question.map(str::to_string),
        takes: takes
            .iter()
            .map(|t| format!("take {} ({})", t.meta.id, local_time(t.meta.created)))
            .collect(),
        dates: takes.iter().map(|t| short_date(t.meta.created)).collect(),
        series,
    })
}

/// "7 Dec": the day a take was saved, in local time, for the chart's x axis.
fn short_date(t: Timestamp) -> String {
    t.to_zoned(TimeZone::system())
        .strftime("%-d %b")
        .to_string()
}

fn series(m: &Metric, reports: &[StoredReport]) -> Series {
    let values: Vec<Option<f64>> = reports.iter().map(|r| m.value(r)).collect();
    Series {
        label: m.label.to_string(),
        target: if m.limit.is_none() && !matches!(m.direction, Direction::Within(_)) {
            String::new()
        } else {
            target_text(m)
        },
        band: band(m),
        texts: values.iter().map(|v| m.format(*v)).collect(),
        values,
    }
}

/// The target as a band on the chart: inside a range, up to a ceiling, or from a floor.
fn band(m: &Metric) -> Option<(Option<f64>, Option<f64>)> {
    match (m.direction, m.limit) {
        (Direction::Within(r), _) => Some((Some(r.min), Some(r.max))),
        (Direction::Lower, Some(l)) => Some((None, Some(l))),
        (Direction::Higher, Some(l)) => Some((Some(l), None)),
        (_, None) => None,
    }
}
