//! The progress page: one line chart (inline SVG) per metric across takes, with the target
//! band shaded, so a trend and its distance from the target read at a glance.
//!
//! It takes plain data ([`Progress`]) so it does not depend on how the history is stored.
//! The x axis is labelled with each take's date, and on a phone, where a chart keeps a
//! minimum width and scrolls sideways, it starts scrolled to its right end (the newest takes)
//! by a right-to-left scroll container, so this needs no script.

use std::fmt::Write;

use super::{escape, page};

pub struct Progress {
    /// e.g. "6 takes, 2026-11-01 09:00 to 2026-11-20 18:30".
    pub subtitle: String,
    /// The question filter, when one was given.
    pub question: Option<String>,
    /// One label per take, oldest first: "take a1b2 (2026-11-01 09:00)".
    pub takes: Vec<String>,
    /// One short date per take for the x axis, oldest first: "7 Dec".
    pub dates: Vec<String>,
    pub series: Vec<Series>,
}

pub struct Series {
    pub label: String,
    /// "120-165", "at most 3.0", or "" when there is no target.
    pub target: String,
    /// The target band as (low, high); None on a side means unbounded.
    pub band: Option<(Option<f64>, Option<f64>)>,
    /// One per take; None where a take has no value for this metric.
    pub values: Vec<Option<f64>>,
    /// Each value as text, for labels.
    pub texts: Vec<String>,
}

const W: f64 = 640.0;
const H: f64 = 180.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 150.0;
/// At most this many dates on the x axis; with more takes every k-th is labelled, counting
/// back from the newest, which is always labelled.
const MAX_DATE_LABELS: usize = 10;

pub fn render(p: &Progress) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header>\n<h1>Progress</h1>\n<p class=\"meta\">{}</p>",
        escape(&p.subtitle)
    );
    if let Some(q) = &p.question {
        let _ = writeln!(body, "<p>Question: <q>{}</q></p>", escape(q));
    }
    body.push_str("</header>\n<main>\n");
    for (i, s) in p.series.iter().enumerate() {
        chart(&mut body, p, s, i);
    }
    body.push_str(
        "<section aria-labelledby=\"h-takes\">\n<h2 id=\"h-takes\">Takes, newest first</h2>\n\
         <ol reversed>\n",
    );
    for t in p.takes.iter().rev() {
        let _ = writeln!(body, "<li>{}</li>", escape(t));
    }
    body.push_str("</ol>\n</section>\n</main>\n");
    page::wrap("Rehearsal progress", &body)
}

/// The y range: the values and the finite edges of the band, padded a little.
fn y_range(s: &Series) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let band = s.band.into_iter().flat_map(|(a, b)| [a, b]).flatten();
    for v in s.values.iter().flatten().copied().chain(band) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let lo = lo.min(0.0);
    let pad = ((hi - lo) * 0.1).max(1.0);
    (lo, hi + pad)
}

fn chart(out: &mut String, p: &Progress, s: &Series, i: usize) {
    let (lo, hi) = y_range(s);
    let n = s.values.len().max(1);
    let x = |k: usize| {
        if n == 1 {
            (LEFT + W - RIGHT) / 2.0
        } else {
            LEFT + k as f64 / (n - 1) as f64 * (W - LEFT - RIGHT)
        }
    };
    let y = |v: f64| BOTTOM - (v - lo) / (hi - lo) * (BOTTOM - TOP);
    let target = if s.target.is_empty() {
        "no target".to_string()
    } else {
        format!("target {}", s.target)
    };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"h-m{i}\">\n<h2 id=\"h-m{i}\">{} <small>({})</small></h2>\n\
         <figure class=\"newest-in-view\">\n<svg class=\"progress\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-labelledby=\"m{i}-t\"><title id=\"m{i}-t\">{} over {} takes: {}; {}</title>",
        escape(&s.label),
        escape(&target),
        escape(&s.label),
        s.values.len(),
        escape(&s.texts.join(", ")),
        escape(&target)
    );
    if let Some((a, b)) = s.band {
        let (top, bottom) = (y(b.unwrap_or(hi).min(hi)), y(a.unwrap_or(lo).max(lo)));
        let _ = writeln!(
            out,
            "<rect class=\"target\" x=\"{LEFT}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\">\
             <title>{}</title></rect>",
            W - LEFT - RIGHT,
            (bottom - top).max(1.0),
            escape(&target)
        );
    }
    // The target's edges first, then the axis ends unless they would overlap a label.
    let edges = s.band.into_iter().flat_map(|(a, b)| [a, b]).flatten();
    let mut labelled: Vec<f64> = Vec::new();
    for v in edges.chain([lo, hi]) {
        if labelled.iter().any(|&u| (y(u) - y(v)).abs() < 14.0) {
            continue;
        }
        labelled.push(v);
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.0}</text>",
            LEFT - 4.0,
            y(v) + 4.0
        );
    }
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{BOTTOM}\" y2=\"{BOTTOM}\"/>",
        W - RIGHT
    );
    let pts: Vec<(usize, f64)> = s
        .values
        .iter()
        .enumerate()
        .filter_map(|(k, v)| Some((k, (*v)?)))
        .collect();
    let line: Vec<String> = pts
        .iter()
        .map(|&(k, v)| format!("{:.1},{:.1}", x(k), y(v)))
        .collect();
    let _ = writeln!(
        out,
        "<polyline class=\"pace\" points=\"{}\"/>",
        line.join(" ")
    );
    for &(k, v) in &pts {
        let _ = writeln!(
            out,
            "<circle class=\"pace-pt\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\"><title>{}: {}</title></circle>",
            x(k),
            y(v),
            escape(p.takes.get(k).map_or("", String::as_str)),
            escape(s.texts.get(k).map_or("", String::as_str))
        );
    }
    for k in date_labels(s.values.len()) {
        let _ = writeln!(
            out,
            "<text class=\"date\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{}\">{}</text>",
            x(k),
            BOTTOM + 16.0,
            // The newest (rightmost) date ends at its point so it stays inside the chart.
            if k + 1 == s.values.len() && n > 1 {
                "end"
            } else {
                "middle"
            },
            escape(p.dates.get(k).map_or("", String::as_str))
        );
    }
    out.push_str("</svg>\n</figure>\n</section>\n");
}

/// Which takes get a date on the x axis: all of up to [`MAX_DATE_LABELS`], else every k-th
/// counting back from the newest.
fn date_labels(n: usize) -> impl Iterator<Item = usize> {
    let step = n.div_ceil(MAX_DATE_LABELS).max(1);
    (0..n).filter(move |k| (n - 1 - k) % step == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Progress {
        Progress {
            subtitle: "3 takes".into(),
            question: Some("conflict".into()),
            takes: vec!["take 1".into(), "take 2".into(), "take 3".into()],
            dates: vec!["1 Nov".into(), "3 Nov".into(), "7 Dec".into()],
            series: vec![Series {
                label: "Fillers/min".into(),
                target: "at most 3.0".into(),
                band: Some((None, Some(3.0))),
                values: vec![Some(8.0), None, Some(2.5)],
                texts: vec!["8.0".into(), "-".into(), "2.5".into()],
            }],
        }
    }

    #[test]
    fn progress_page_snapshot() {
        let page = render(&sample());
        let start = page.find("<body>").unwrap();
        let end = start + page[start..].find("<script>").unwrap();
        insta::assert_snapshot!(&page[start..end]);
    }

    #[test]
    fn an_axis_end_next_to_a_target_edge_is_not_labelled_over_it() {
        let mut p = sample();
        p.series[0] = Series {
            label: "Answer length".into(),
            target: "1:30-3:00".into(),
            band: Some((Some(90.0), Some(180.0))),
            values: vec![Some(32.0), Some(60.0)],
            texts: vec!["0:32".into(), "1:00".into()],
        };
        let page = render(&p);
        // The axis runs to 198 (180 plus 10 %), 3 units above the 180 label: only 180 is shown.
        assert!(page.contains(">180</text>") && page.contains(">90</text>"));
        assert!(page.contains(">0</text>"));
        assert!(!page.contains(">198</text>"), "{page}");
    }

    #[test]
    fn the_axis_shows_dates_and_always_the_newest() {
        let page = render(&sample());
        for d in ["1 Nov", "3 Nov", "7 Dec"] {
            assert!(
                page.contains(&format!(">{d}</text>")),
                "{d} missing: {page}"
            );
        }
        let many: Vec<usize> = date_labels(25).collect();
        assert!(many.len() <= MAX_DATE_LABELS, "{many:?}");
        assert_eq!(many.last(), Some(&24));
        assert_eq!(date_labels(8).count(), 8);
    }

    #[test]
    fn the_takes_list_is_newest_first() {
        let page = render(&sample());
        let (a, c) = (
            page.find("<li>take 1").unwrap(),
            page.find("<li>take 3").unwrap(),
        );
        assert!(c < a);
    }

    #[test]
    fn takes_without_a_value_leave_a_gap_not_a_zero() {
        let page = render(&sample());
        assert_eq!(page.matches("<circle").count(), 2);
    }
}
