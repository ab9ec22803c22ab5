//! The timeline chart (inline SVG): pace per window against the target band, with the STAR
//! parts, fillers and pauses on the same time axis, so "where did it go wrong" is one look.

use std::fmt::Write;

use crate::analyze::fillers::Source;

use super::{escape, part_class};
use crate::analyze::star::Part;
use crate::report::{clock, Report};

const W: f64 = 800.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const STAR_Y: f64 = 8.0;
const PACE_TOP: f64 = 40.0;
const PACE_BOTTOM: f64 = 170.0;
const FILLER_Y: f64 = 180.0;
const PAUSE_Y: f64 = 200.0;
const AXIS_Y: f64 = 220.0;
const H: f64 = 256.0;

/// Maps seconds and words per minute to chart coordinates.
struct Scale {
    duration_s: f64,
    max_wpm: f64,
}

impl Scale {
    fn x(&self, t: f64) -> f64 {
        LEFT + (t / self.duration_s).clamp(0.0, 1.0) * (W - LEFT - RIGHT)
    }
    fn y(&self, wpm: f64) -> f64 {
        PACE_BOTTOM - (wpm / self.max_wpm).clamp(0.0, 1.0) * (PACE_BOTTOM - PACE_TOP)
    }
}

pub fn section(out: &mut String, r: &Report) {
    let max_window = r.pace.judged_windows().map(|w| w.wpm).fold(0.0, f64::max);
    let s = Scale {
        duration_s: r.audio.duration_s.max(1.0),
        max_wpm: (max_window.max(r.pace.target.max) * 1.15 / 20.0).ceil() * 20.0,
    };
    out.push_str(
        "<section aria-labelledby=\"h-time\">\n<h2 id=\"h-time\">Timeline</h2>\n<figure>\n",
    );
    let _ = writeln!(
        out,
        "<svg class=\"timeline\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-labelledby=\"tl-title tl-desc\">\n<title id=\"tl-title\">Timeline of the take</title>\n\
         <desc id=\"tl-desc\">{}</desc>",
        escape(&description(r))
    );
    star_row(out, r, &s);
    pace(out, r, &s);
    fillers(out, r, &s);
    pauses(out, r, &s);
    axis(out, &s);
    out.push_str("</svg>\n");
    super::voice::chart(out, r);
    out.push_str("<figcaption>");
    let _ = write!(
        out,
        "Pace in {:.0}-second windows (line) against the target band of {:.0}-{:.0} words per \
         minute (shaded); fillers (ticks) and pauses (bars, dark when {:.0} s or longer) on \
         the same time axis; STAR parts along the top.",
        r.pace.window_s, r.pace.target.min, r.pace.target.max, r.pauses.long_threshold_s
    );
    if let Some(tail) = unjudged_tail(r) {
        let _ = write!(
            out,
            " The last {:.0} s of speech is not plotted: too short a window for a pace.",
            tail.max(1.0)
        );
    }
    out.push_str("</figcaption>\n</figure>\n</section>\n");
}

/// Seconds at the end of the answer in windows too short to judge, if any.
fn unjudged_tail(r: &Report) -> Option<f64> {
    let judged_end = r
        .pace
        .judged_windows()
        .map(|w| w.end_s)
        .fold(f64::NAN, f64::max);
    let end = r.pace.windows.last()?.end_s;
    let from = if judged_end.is_nan() {
        r.pace.windows.first()?.start_s
    } else {
        judged_end
    };
    (end - from > 1e-9).then_some(end - from)
}

/// The chart in words, for screen readers.
fn description(r: &Report) -> String {
    let off = r.pace.windows_off_target;
    let judged = r.pace.judged_windows().count();
    format!(
        "Pace {:.0} words per minute overall; {off} of {judged} {} outside the {:.0}-{:.0} \
         target. {} fillers, {} long pauses.",
        r.pace.wpm,
        if judged == 1 { "window" } else { "windows" },
        r.pace.target.min,
        r.pace.target.max,
        r.fillers.total,
        r.pauses.long_count
    )
}

fn row_label(out: &mut String, y: f64, text: &str) {
    let _ = writeln!(out, "<text x=\"4\" y=\"{:.1}\">{text}</text>", y);
}

fn star_row(out: &mut String, r: &Report, s: &Scale) {
    if r.star.sentences.is_empty() {
        return;
    }
    row_label(out, STAR_Y + 15.0, "STAR");
    for (i, sen) in r.star.sentences.iter().enumerate() {
        let end = r
            .star
            .sentences
            .get(i + 1)
            .map_or(sen.sentence.end_s, |n| n.sentence.start_s);
        let (x0, x1) = (s.x(sen.sentence.start_s), s.x(end));
        let name = if sen.label == Part::Other {
            "none"
        } else {
            sen.label.name()
        };
        let _ = writeln!(
            out,
            "<g class=\"{}\"><rect x=\"{x0:.1}\" y=\"{STAR_Y}\" width=\"{:.1}\" height=\"22\" \
             fill=\"currentColor\"><title>Sentence {}: {name}, {}-{}</title></rect>",
            part_class(sen.label),
            (x1 - x0).max(1.0),
            sen.sentence.index + 1,
            clock(sen.sentence.start_s),
            clock(end)
        );
        if x1 - x0 > 14.0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"band-letter\">{}</text>",
                (x0 + x1) / 2.0,
                STAR_Y + 15.0,
                sen.label.letter()
            );
        }
        out.push_str("</g>\n");
    }
}

fn pace(out: &mut String, r: &Report, s: &Scale) {
    let (lo, hi) = (s.y(r.pace.target.min), s.y(r.pace.target.max));
    let _ = writeln!(
        out,
        "<rect class=\"target\" x=\"{LEFT}\" y=\"{hi:.1}\" width=\"{:.1}\" height=\"{:.1}\">\
         <title>Target pace {:.0}-{:.0} wpm</title></rect>",
        W - LEFT - RIGHT,
        lo - hi,
        r.pace.target.min,
        r.pace.target.max
    );
    row_label(out, PACE_TOP + 4.0, "wpm");
    for v in [0.0, r.pace.target.min, r.pace.target.max, s.max_wpm] {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.0}</text>\
             <line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>",
            LEFT - 4.0,
            s.y(v) + 4.0,
            W - RIGHT,
            y = s.y(v)
        );
    }
    let points: Vec<(f64, f64, &crate::analyze::pace::PaceWindow)> = r
        .pace
        .judged_windows()
        .map(|w| (s.x((w.start_s + w.end_s) / 2.0), s.y(w.wpm), w))
        .collect();
    let line: Vec<String> = points
        .iter()
        .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
        .collect();
    let _ = writeln!(
        out,
        "<polyline class=\"pace\" points=\"{}\"/>",
        line.join(" ")
    );
    for (x, y, w) in points {
        let _ = writeln!(
            out,
            "<circle class=\"pace-pt\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\"><title>{}-{}: {:.0} \
             wpm ({} words)</title></circle>",
            clock(w.start_s),
            clock(w.end_s),
            w.wpm,
            w.words
        );
    }
}

fn fillers(out: &mut String, r: &Report, s: &Scale) {
    row_label(out, FILLER_Y + 10.0, "fillers");
    for e in &r.fillers.events {
        let x = s.x(e.start_s);
        let (class, note) = match e.source {
            Source::Audio => (
                "filler-mark heard",
                " (heard in the audio, not in the transcript; click to play)",
            ),
            Source::Transcript => ("filler-mark", ""),
        };
        let _ = writeln!(
            out,
            "<rect class=\"{class}\" data-t=\"{:.2}\" x=\"{:.1}\" y=\"{FILLER_Y}\" width=\"4\" \
             height=\"14\"><title>Filler \"{}\" at {}{note}</title></rect>",
            e.start_s,
            x - 2.0,
            escape(&e.word),
            clock(e.start_s)
        );
    }
}

fn pauses(out: &mut String, r: &Report, s: &Scale) {
    row_label(out, PAUSE_Y + 10.0, "pauses");
    for p in &r.pauses.events {
        let (x0, x1) = (s.x(p.start_s), s.x(p.start_s + p.duration_s));
        let _ = writeln!(
            out,
            "<rect class=\"{}\" x=\"{x0:.1}\" y=\"{PAUSE_Y}\" width=\"{:.1}\" height=\"12\">\
             <title>Pause of {:.1} s at {}</title></rect>",
            if p.long { "pause-long" } else { "pause-short" },
            (x1 - x0).max(2.0),
            p.duration_s,
            clock(p.start_s)
        );
    }
}

fn axis(out: &mut String, s: &Scale) {
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{AXIS_Y}\" y2=\"{AXIS_Y}\"/>",
        W - RIGHT
    );
    let step = tick_step(s.duration_s);
    let mut t = 0.0;
    while t <= s.duration_s + 1e-9 {
        let x = s.x(t);
        let _ = writeln!(
            out,
            "<line class=\"axis\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{AXIS_Y}\" y2=\"{:.1}\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            AXIS_Y + 4.0,
            AXIS_Y + 16.0,
            clock(t)
        );
        t += step;
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">time (m:ss)</text>",
        W - RIGHT,
        H - 2.0
    );
}

/// Seconds between time labels: at most about ten labels.
fn tick_step(duration_s: f64) -> f64 {
    [5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0]
        .into_iter()
        .find(|step| duration_s / step <= 10.0)
        .unwrap_or(600.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analyze::pace::PaceWindow;
    use crate::report::tests::sample_report;

    /// The sample report with a 31 s answer whose last window is 1 s holding 5 words.
    fn short_last_window() -> Report {
        let mut r = sample_report();
        let w = |start_s: f64, end_s: f64, words: usize| PaceWindow {
            start_s,
            end_s,
            words,
            wpm: words as f64 * 60.0 / (end_s - start_s),
        };
        r.audio.duration_s = 32.0;
        r.pace.windows = vec![w(0.0, 15.0, 36), w(15.0, 30.0, 38), w(30.0, 31.0, 5)];
        r
    }

    #[test]
    fn a_short_last_window_is_neither_plotted_nor_stretching_the_axis() {
        let r = short_last_window();
        let mut svg = String::new();
        section(&mut svg, &r);
        assert_eq!(svg.matches("<circle class=\"pace-pt\"").count(), 2, "{svg}");
        assert!(!svg.contains("300 wpm"), "{svg}");
        // The axis tops out just above the fastest judged window or the target (165 wpm).
        assert!(svg.contains(">200</text>"), "{svg}");
        assert!(
            svg.contains("The last 1 s of speech is not plotted"),
            "{svg}"
        );
        assert!(svg.contains("of 2 windows outside"), "{svg}");
    }

    #[test]
    fn about_ten_time_labels_at_most() {
        assert_eq!(tick_step(20.0), 5.0);
        assert_eq!(tick_step(95.0), 10.0);
        assert_eq!(tick_step(170.0), 30.0);
        assert_eq!(tick_step(5000.0), 600.0);
    }
}
