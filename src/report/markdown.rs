//! Markdown: a report to paste into notes or a practice journal.

use std::fmt::Write;

use super::{clock, scorecard, Report};
use crate::analyze::star::Part;

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
    summary(&mut out, r);
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
    question(&mut out, r);
    super::story::markdown(&mut out, r, escape);
    structure(&mut out, r);
    restructured(&mut out, r);
    flags(&mut out, r);
    super::voice::markdown(&mut out, r, escape);
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
    if !r.words_trusted() {
        let _ = writeln!(
            out,
            "> **Unreliable:** {}. These may not be the words that were said.\n",
            escape(&super::evidence::untrusted_reason(&r.transcript.quality))
        );
    }
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
        &r.methods.star,
        &r.methods.flags,
    ]
    .into_iter()
    .chain(&r.methods.caveats)
    {
        let _ = writeln!(out, "- {note}");
    }
    out
}

/// The overall verdict and the top fixes, at the head of the report.
fn summary(out: &mut String, r: &Report) {
    let s = r.summary();
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(out, "**{}**\n", escape(&s.headline));
    for (i, fix) in s.top_fixes.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, escape(&fix.fix));
    }
    if !s.top_fixes.is_empty() {
        out.push('\n');
    }
}

/// "Your answer, restructured": the speaker's sentences regrouped S, T, A, R.
fn restructured(out: &mut String, r: &Report) {
    if r.star.outline.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Your answer, restructured\n");
    for p in &r.star.outline {
        let _ = writeln!(out, "**{}**\n", p.part.name());
        match &p.missing {
            Some(what) => {
                let _ = writeln!(out, "- *missing:* {}", escape(what));
            }
            None => {
                for sentence in &p.sentences {
                    let _ = writeln!(out, "- {}", escape(sentence));
                }
            }
        }
        out.push('\n');
    }
}

fn question(out: &mut String, r: &Report) {
    let Some(q) = &r.question else { return };
    let _ = writeln!(out, "\n## Question\n");
    let _ = writeln!(
        out,
        "{}{}\n",
        escape(&q.text),
        q.id.as_deref()
            .map_or(String::new(), |id| format!(" (`{id}`)"))
    );
    if !q.strong_answer.is_empty() {
        let _ = writeln!(out, "A strong answer has:\n");
        for point in &q.strong_answer {
            let _ = writeln!(out, "- {}", escape(point));
        }
        out.push('\n');
    }
    for c in &q.checks {
        let _ = writeln!(
            out,
            "- [{}] **{}** {}{}",
            if c.passed { "x" } else { " " },
            c.answer().label(),
            escape(&c.message),
            c.why
                .as_deref()
                .map_or(String::new(), |w| format!(" ({})", escape(w)))
        );
    }
}

fn structure(out: &mut String, r: &Report) {
    let s = &r.star;
    if let Some(why) = r.withheld(super::evidence::Section::Star) {
        let _ = writeln!(out, "\n## Structure (STAR): can't tell\n\n{}.", escape(why));
        return;
    }
    let _ = writeln!(out, "\n## Structure (STAR): {}/100\n", s.score);
    let _ = writeln!(out, "| Part | |\n|---|---|");
    for part in Part::STORY {
        let _ = writeln!(
            out,
            "| {} | {} |",
            part.name(),
            scorecard::part_summary(r, part)
        );
    }
    let _ = writeln!(out, "\n{}.\n", scorecard::star_facts(r));
    for c in &s.coaching {
        let _ = writeln!(out, "- **{}**", escape(c));
    }
    let _ = writeln!(
        out,
        "\nScore: {}.\n",
        escape(&scorecard::score_breakdown(r))
    );
    for sentence in &s.sentences {
        let _ = writeln!(
            out,
            "{}. `{}` {} {}",
            sentence.sentence.index + 1,
            sentence.label.letter(),
            clock(sentence.sentence.start_s),
            escape(&sentence.sentence.text)
        );
    }
}

fn flags(out: &mut String, r: &Report) {
    let _ = writeln!(out, "\n## Red flags\n");
    if r.flags.is_empty() {
        let _ = writeln!(out, "None found.");
    }
    for f in &r.flags {
        let _ = writeln!(out, "- **{}**: {}", f.title(), escape(&f.explanation));
        for p in f.places() {
            let _ = writeln!(
                out,
                "  - {} \"{}\"{}",
                clock(p.start_s),
                escape(&p.quote),
                if p.doubtful {
                    " (heard uncertainly)"
                } else {
                    ""
                }
            );
        }
    }
}

/// Escape characters Markdown would interpret inside table cells and text.
fn escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('*', "\\*")
        .replace('_', "\\_")
}
