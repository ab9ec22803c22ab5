//! Markdown: a report to paste into notes or a practice journal.

use std::fmt::Write;

use super::{clock, scorecard, Report};

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Rehearsal report: {}\n", r.audio.path);
    let _ = writeln!(
        out,
        "Recording {} ({} Hz, {} channel(s), {}); transcribed locally with {} in {:.1} s.\n",
        clock(r.audio.duration_s),
        r.audio.source_sample_rate,
        r.audio.source_channels,
        r.audio.source_encoding,
        r.model.engine,
        r.model.transcribe_s
    );
    for w in &r.warnings {
        let _ = writeln!(out, "> **Warning:** {w}\n");
    }
    if !r.speech_found {
        let _ = writeln!(out, "No speech was found, so there is nothing to measure.");
        return out;
    }
    let _ = writeln!(out, "| Metric | Value | Target | Verdict | Next step |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for l in scorecard::lines(r) {
        let _ = writeln!(
            out,
            "| {} | {}<br>{} | {} | {} | {} |",
            l.metric,
            l.value,
            escape(&l.detail),
            l.target,
            l.verdict.label(),
            escape(&l.advice)
        );
    }
    let _ = writeln!(out, "\n## Fillers\n");
    if r.fillers.events.is_empty() {
        let _ = writeln!(out, "None found.");
    }
    for e in &r.fillers.events {
        let _ = writeln!(out, "- {} \"{}\"", clock(e.start_s), e.word);
    }
    let _ = writeln!(
        out,
        "\n## Pauses of {:.0} s or more\n",
        r.pauses.long_threshold_s
    );
    if r.pauses.long_count == 0 {
        let _ = writeln!(out, "None.");
    }
    for p in r.pauses.events.iter().filter(|p| p.long) {
        let _ = writeln!(
            out,
            "- {} for {:.1} s, after \"{}\"",
            clock(p.start_s),
            p.duration_s,
            p.after_word.as_deref().unwrap_or("-")
        );
    }
    let _ = writeln!(out, "\n## Transcript\n");
    let text: Vec<String> = r
        .transcript
        .words
        .iter()
        .map(|w| {
            if w.filler {
                format!("**{}**", escape(&w.text))
            } else {
                escape(&w.text)
            }
        })
        .collect();
    let _ = writeln!(out, "{}\n", text.join(" "));
    let _ = writeln!(out, "## How this was measured\n");
    for note in [
        &r.methods.length,
        &r.methods.pace,
        &r.methods.fillers,
        &r.methods.pauses,
    ]
    .into_iter()
    .chain(&r.methods.caveats)
    {
        let _ = writeln!(out, "- {note}");
    }
    out
}

/// Escape characters Markdown would interpret inside table cells and text.
fn escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('*', "\\*")
        .replace('_', "\\_")
}
