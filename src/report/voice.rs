//! The voice in the human-readable formats: the scorecard row's figures and a short section with the
//! moments to listen to (monotone stretches, sudden drops, sentences that trail off).
//! The HTML chart is in `html/voice.rs`; the JSON is the [`VoiceStats`] value itself.

use std::fmt::Write;

use super::{clock, Report};
use crate::analyze::voice::{VoiceStats, VoiceVerdict};

/// "pitch varies 2.8 st (median 112 Hz); level -23 dBFS", or "can't tell" for the pitch.
pub fn value(v: &VoiceStats) -> String {
    match (v.pitch_variation_semitones, v.pitch_median_hz) {
        (Some(sd), Some(hz)) => format!("pitch varies {sd:.1} st, median {hz:.0} Hz"),
        _ => format!("pitch: can't tell ({:.1} s voiced)", v.voiced_s),
    }
}

/// The secondary figures: monotone windows, trailing off, drops, level.
pub fn detail(v: &VoiceStats) -> String {
    let judged = v
        .pitch_windows
        .iter()
        .filter(|w| w.sd_semitones.is_some())
        .count();
    let mut parts = Vec::new();
    if let Some(range) = v.pitch_range_hz {
        parts.push(format!(
            "range {:.0}-{:.0} Hz ({:.1} st)",
            range.low,
            range.high,
            v.pitch_range_semitones.unwrap_or(0.0)
        ));
    }
    if judged > 0 {
        parts.push(format!(
            "monotone in {} of {judged} {:.0}-second windows",
            v.monotone_windows.len(),
            v.window_s
        ));
    }
    parts.push(if v.sentences_checked == 0 {
        "trailing off: can't tell".to_string()
    } else {
        format!(
            "{} of {} sentences trail off",
            v.trailing_off.len(),
            v.sentences_checked
        )
    });
    parts.push(match v.loudness_drops.len() {
        0 => "no sudden drop".to_string(),
        n => format!("{n} sudden drop{}", if n == 1 { "" } else { "s" }),
    });
    parts.push(format!(
        "loud speech at {:.0} dBFS, {:.1}% clipped",
        v.speech_level_db,
        v.clipped_share * 100.0
    ));
    parts.join("; ")
}

/// The aspect to work on first: the recording's level, then pitch, trailing off, drops.
pub fn worst(v: &VoiceStats) -> VoiceVerdict {
    let d = &v.verdicts;
    let order = [
        d.level.verdict,
        d.pitch_variation.verdict,
        d.trailing_off.verdict,
        d.loudness.verdict,
    ];
    order
        .into_iter()
        .find(|x| !matches!(x, VoiceVerdict::OnTarget | VoiceVerdict::NotEnoughSpeech))
        .unwrap_or(
            if d.pitch_variation.verdict == VoiceVerdict::NotEnoughSpeech {
                VoiceVerdict::NotEnoughSpeech
            } else {
                VoiceVerdict::OnTarget
            },
        )
}

pub fn advice(v: &VoiceStats, worst: VoiceVerdict) -> String {
    match worst {
        VoiceVerdict::TooQuiet => {
            "The recording is very quiet: move closer to the microphone or raise the gain, then \
             judge the voice again."
                .into()
        }
        VoiceVerdict::Clipped => {
            "The recording clips: lower the input gain so loud words are not distorted.".into()
        }
        VoiceVerdict::Monotone => {
            "Your pitch stays flat: stress the key word of each sentence and let your voice rise \
             and fall with the story."
                .into()
        }
        VoiceVerdict::TrailsOff => format!(
            "Carry your voice to the end of each sentence: breathe before the last words and \
             land them (e.g. at {}).",
            v.trailing_off
                .first()
                .map_or(String::new(), |t| clock(t.start_s))
        ),
        VoiceVerdict::SuddenDrop => format!(
            "Your voice drops at {}: keep the energy up to the end of the answer.",
            v.loudness_drops
                .first()
                .map_or(String::new(), |d| clock(d.at_s))
        ),
        VoiceVerdict::NotEnoughSpeech => "Too little voiced speech to judge the voice.".into(),
        VoiceVerdict::OnTarget => {
            "Lively pitch and a voice that carries to the end of each sentence.".into()
        }
    }
}

/// The moments worth listening to, one line each: "0:10-0:15 monotone (1.4 st)".
pub fn moments(v: &VoiceStats) -> Vec<String> {
    let mut out = Vec::new();
    for w in &v.monotone_windows {
        out.push(format!(
            "{}-{} monotone: pitch varies {:.1} st",
            clock(w.start_s),
            clock(w.end_s),
            w.sd_semitones.unwrap_or(0.0)
        ));
    }
    for d in &v.loudness_drops {
        out.push(format!(
            "{} sudden drop: {:.0} dB quieter than the {:.0} s before ({:.0} -> {:.0} dBFS)",
            clock(d.at_s),
            d.drop_db,
            v.window_s,
            d.from_db,
            d.to_db
        ));
    }
    for t in &v.trailing_off {
        out.push(format!(
            "{} trails off: last word {:.0} dB below the first words, \"{}\"",
            clock(t.start_s),
            t.drop_db,
            t.text
        ));
    }
    out
}

/// Loudness per window as one line: "-23 -24 -25 -45 dBFS per 5 s".
pub fn loudness_line(v: &VoiceStats) -> String {
    let values: Vec<String> = v
        .loudness_db
        .iter()
        .map(|w| w.db.map_or("-".to_string(), |db| format!("{db:.0}")))
        .collect();
    format!(
        "level per {:.0} s of speech: {} dBFS",
        v.window_s,
        values.join(" ")
    )
}

/// The terminal section (`--detail`): each aspect's verdict, the level window by window and
/// the moments to listen to.
pub fn terminal(out: &mut String, r: &Report, style: &crate::term::Style, width: usize) {
    use crate::term::wrap;
    let Some(v) = &r.voice else { return };
    let _ = writeln!(out, "{}", style.bold("Voice"));
    let verdicts = &v.verdicts;
    for (name, judged) in [
        ("pitch", &verdicts.pitch_variation),
        ("trailing", &verdicts.trailing_off),
        ("loudness", &verdicts.loudness),
        ("level", &verdicts.level),
    ] {
        let label = judged.verdict.label();
        let painted = match judged.verdict {
            VoiceVerdict::OnTarget => style.good(label),
            VoiceVerdict::NotEnoughSpeech => style.warn(label),
            _ => style.bad(label),
        };
        let text = format!(
            "{name:<9} {painted}  {}",
            style.dim(&format!("(target {})", judged.target))
        );
        let _ = writeln!(out, "{}", wrap(&text, width, 2, 12));
    }
    let _ = writeln!(out, "{}", style.dim(&wrap(&loudness_line(v), width, 2, 4)));
    for m in moments(v) {
        let _ = writeln!(out, "{}", wrap(&m, width, 2, 4));
    }
    out.push('\n');
}

/// The Markdown section.
pub fn markdown(out: &mut String, r: &Report, escape: impl Fn(&str) -> String) {
    let Some(v) = &r.voice else { return };
    let _ = writeln!(out, "\n## Voice\n");
    let _ = writeln!(out, "| Aspect | Verdict | Target |\n|---|---|---|");
    let verdicts = &v.verdicts;
    for (name, judged) in [
        ("Pitch variation", &verdicts.pitch_variation),
        ("Trailing off", &verdicts.trailing_off),
        ("Loudness", &verdicts.loudness),
        ("Level", &verdicts.level),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {} | {} |",
            judged.verdict.label(),
            escape(&judged.target)
        );
    }
    let _ = writeln!(out, "\n{}: {}.\n", escape(&value(v)), escape(&detail(v)));
    let _ = writeln!(out, "{}.\n", escape(&loudness_line(v)));
    for m in moments(v) {
        let _ = writeln!(out, "- {}", escape(&m));
    }
    let _ = writeln!(out, "\nHow the voice was measured:\n");
    for m in &v.methods {
        let _ = writeln!(out, "- {}", escape(m));
    }
}
