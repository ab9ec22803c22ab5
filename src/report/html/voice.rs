//! The voice on the timeline (inline SVG, under the pace chart and on its time axis): pitch
//! per window as a line with a band of one standard deviation either side, monotone windows
//! marked, and the speech level per window with sudden drops and trailing-off sentences.

use std::fmt::Write;

use super::escape;
use crate::analyze::voice::{VoiceStats, MONOTONE_ST};
use crate::report::{clock, Report};

// The same horizontal layout as the pace chart, so both share one time axis.
const W: f64 = 800.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const PITCH_TOP: f64 = 8.0;
const PITCH_BOTTOM: f64 = 78.0;
const LEVEL_TOP: f64 = 96.0;
const LEVEL_BOTTOM: f64 = 150.0;
const H: f64 = 160.0;
/// Semitones shown either side of the take's median pitch.
const PITCH_SPAN_ST: f64 = 8.0;
/// dBFS shown on the level row: quiet to full scale.
const LEVEL_MIN_DB: f64 = -60.0;

struct Scale {
    duration_s: f64,
    median_hz: f64,
}

impl Scale {
    fn x(&self, t: f64) -> f64 {
        LEFT + (t / self.duration_s).clamp(0.0, 1.0) * (W - LEFT - RIGHT)
    }
    /// y of a pitch, `hz`, relative to the take's median.
    fn pitch_y(&self, hz: f64) -> f64 {
        let st = 12.0 * (hz / self.median_hz).log2();
        let share = ((st + PITCH_SPAN_ST) / (2.0 * PITCH_SPAN_ST)).clamp(0.0, 1.0);
        PITCH_BOTTOM - share * (PITCH_BOTTOM - PITCH_TOP)
    }
    fn level_y(&self, db: f64) -> f64 {
        let share = ((db - LEVEL_MIN_DB) / -LEVEL_MIN_DB).clamp(0.0, 1.0);
        LEVEL_BOTTOM - share * (LEVEL_BOTTOM - LEVEL_TOP)
    }
}

/// The chart, or nothing when the report has no voice section.
pub fn chart(out: &mut String, r: &Report) {
    let Some(v) = &r.voice else { return };
    let s = Scale {
        duration_s: r.audio.duration_s.max(1.0),
        median_hz: v.pitch_median_hz.unwrap_or(100.0),
    };
    let _ = writeln!(
        out,
        "<svg class=\"timeline voice\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-labelledby=\"vc-title vc-desc\">\n<title id=\"vc-title\">Pitch and loudness of \
         the take</title>\n<desc id=\"vc-desc\">{}</desc>",
        escape(&description(v))
    );
    pitch(out, v, &s);
    level(out, v, &s);
    out.push_str("</svg>\n");
    let _ = writeln!(
        out,
        "<p class=\"hint\">Pitch per {:.0}-second window (line: median; band: one standard \
         deviation either side; red: monotone, under {MONOTONE_ST:.0} semitones), {:.0} \
         semitones either side of your median; speech level per window in dBFS (line), with \
         sudden drops and sentences that trail off marked.</p>",
        v.window_s, PITCH_SPAN_ST
    );
}

fn description(v: &VoiceStats) -> String {
    format!(
        "{}. {} of {} windows monotone; {} sentences trail off; {} sudden drops in level.",
        super::super::voice::value(v),
        v.monotone_windows.len(),
        v.pitch_windows.len(),
        v.trailing_off.len(),
        v.loudness_drops.len()
    )
}

fn label(out: &mut String, y: f64, text: &str) {
    let _ = writeln!(out, "<text x=\"4\" y=\"{y:.1}\">{text}</text>");
}

fn pitch(out: &mut String, v: &VoiceStats, s: &Scale) {
    label(out, PITCH_TOP + 12.0, "pitch");
    let Some(median) = v.pitch_median_hz else {
        label(out, PITCH_TOP + 28.0, "can't tell");
        return;
    };
    let y = s.pitch_y(median);
    let _ = writeln!(
        out,
        "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{median:.0} Hz</text>",
        W - RIGHT,
        LEFT - 4.0,
        y + 4.0
    );
    let mut line = Vec::new();
    for w in &v.pitch_windows {
        let Some(hz) = w.median_hz else { continue };
        let (x0, x1) = (s.x(w.start_s), s.x(w.end_s));
        if let Some(sd) = w.sd_semitones {
            let (hi, lo) = (
                s.pitch_y(hz * (sd / 12.0).exp2()),
                s.pitch_y(hz / (sd / 12.0).exp2()),
            );
            let _ = writeln!(
                out,
                "<rect class=\"{}\" x=\"{x0:.1}\" y=\"{hi:.1}\" width=\"{:.1}\" height=\"{:.1}\">\
                 <title>{}-{}: median {hz:.0} Hz, varies {sd:.1} semitones{}</title></rect>",
                if w.monotone {
                    "pitch-band monotone"
                } else {
                    "pitch-band"
                },
                (x1 - x0).max(1.0),
                (lo - hi).max(1.0),
                clock(w.start_s),
                clock(w.end_s),
                if w.monotone { " (monotone)" } else { "" }
            );
        }
        line.push(format!("{:.1},{:.1}", (x0 + x1) / 2.0, s.pitch_y(hz)));
    }
    let _ = writeln!(
        out,
        "<polyline class=\"pitch\" points=\"{}\"/>",
        line.join(" ")
    );
}

fn level(out: &mut String, v: &VoiceStats, s: &Scale) {
    label(out, LEVEL_TOP + 12.0, "level");
    for db in [LEVEL_MIN_DB, -30.0, 0.0] {
        let y = s.level_y(db);
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{db:.0}</text>\
             <line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>",
            LEFT - 4.0,
            y + 4.0,
            W - RIGHT
        );
    }
    let points: Vec<String> = v
        .loudness_db
        .iter()
        .filter_map(|w| {
            let db = w.db?;
            Some(format!(
                "{:.1},{:.1}",
                s.x((w.start_s + w.end_s) / 2.0),
                s.level_y(db)
            ))
        })
        .collect();
    let _ = writeln!(
        out,
        "<polyline class=\"level\" points=\"{}\"/>",
        points.join(" ")
    );
    for d in &v.loudness_drops {
        let x = s.x(d.at_s);
        let _ = writeln!(
            out,
            "<rect class=\"drop-mark\" x=\"{:.1}\" y=\"{LEVEL_TOP}\" width=\"3\" height=\"{:.1}\">\
             <title>Sudden drop at {}: {:.0} dB quieter</title></rect>",
            x - 1.5,
            LEVEL_BOTTOM - LEVEL_TOP,
            clock(d.at_s),
            d.drop_db
        );
    }
    for t in &v.trailing_off {
        let x = s.x(t.end_s);
        let _ = writeln!(
            out,
            "<path class=\"trail-mark\" d=\"M{:.1},{:.1} l5,8 l5,-8 z\"><title>Trails off at {}: \
             last word {:.0} dB below the first words</title></path>",
            x - 5.0,
            LEVEL_BOTTOM + 1.0,
            clock(t.end_s),
            t.drop_db
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::voice::{measure, VoiceInput};
    use crate::report::tests::sample_report;

    /// The sample report with a voice measured on a flat 110 Hz tone whose second half is
    /// 20 dB quieter.
    fn report_with_voice() -> Report {
        let mut r = sample_report();
        let n = (r.audio.duration_s * 16_000.0) as usize;
        let samples: Vec<f32> = (0..n)
            .map(|i| {
                let phase = i as f32 * std::f32::consts::TAU * 110.0 / 16_000.0;
                let x: f32 = (1..=8).map(|k| (phase * k as f32).sin() / k as f32).sum();
                x * if i < n / 2 { 0.2 } else { 0.02 }
            })
            .collect();
        let vad = crate::analyze::vad::SpeechActivity {
            segments: vec![(0.0, r.audio.duration_s)],
            duration_s: r.audio.duration_s,
            clipped_share: 0.0,
            speech_level_db: -15.0,
        };
        let words: Vec<crate::transcribe::Word> = r
            .transcript
            .words
            .iter()
            .map(|w| crate::transcribe::Word::new(w.text.clone(), w.start_s, w.end_s))
            .collect();
        let sentences: Vec<_> = r
            .star
            .sentences
            .iter()
            .map(|s| s.sentence.clone())
            .collect();
        r.voice = Some(measure(&VoiceInput {
            samples: &samples,
            rate: 16_000,
            vad: &vad,
            words: &words,
            sentences: &sentences,
        }));
        r
    }

    #[test]
    fn the_chart_draws_pitch_and_level_with_the_problems_marked() {
        let r = report_with_voice();
        let mut out = String::new();
        chart(&mut out, &r);
        assert!(out.contains("<polyline class=\"pitch\" points=\""));
        assert!(out.contains("<polyline class=\"level\" points=\""));
        assert!(out.contains("class=\"pitch-band monotone\""));
        assert!(out.contains("<title>Sudden drop at 0:"), "{out}");
        assert!(out.contains("110 Hz</text>"));
        let page = super::super::render(&r, &super::super::Embedded::Missing("x".into()));
        assert!(page.contains("<svg class=\"timeline voice\""));
        assert!(page.contains("<th scope=\"row\">Voice</th>"));
    }

    #[test]
    fn no_voice_section_no_chart() {
        let mut out = String::new();
        chart(&mut out, &sample_report());
        assert!(out.is_empty());
    }
}
