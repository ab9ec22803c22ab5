//! The default, human-readable report for a terminal.

use std::fmt::Write;

use super::evidence::Section;
use super::{clock, scorecard, Report};
use crate::analyze::doubt::Answer;
use crate::analyze::pauses::slot;
use crate::analyze::star::Part;
use crate::analyze::Verdict;
use crate::term::{pad, visible_width, Style};

pub fn render(r: &Report, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}  {} recording, {} Hz {} ch, {}",
        style.bold("rehearse"),
        r.audio.path,
        clock(r.audio.duration_s),
        r.audio.source_sample_rate,
        r.audio.source_channels,
        r.audio.source_encoding
    );
    for w in &r.warnings {
        let _ = writeln!(out, "{} {w}", style.warn("warning:"));
    }
    out.push('\n');
    summary(&mut out, r, style);
    if !r.speech_found {
        let _ = writeln!(out, "No speech was found, so there is nothing to measure.");
        return out;
    }
    for line in scorecard::lines(r) {
        let verdict = paint_verdict(style, line.verdict);
        let _ = writeln!(
            out,
            "  {} {}  {}  {}",
            pad(&style.bold(line.metric), 8),
            line.value,
            style.dim(&format!("(target {})", line.target)),
            verdict
        );
        let _ = writeln!(out, "           {}", style.dim(&line.detail));
        let _ = writeln!(out, "           -> {}", line.advice);
    }
    out.push('\n');
    question(&mut out, r, style);
    super::story::terminal(&mut out, r, style);
    structure(&mut out, r, style);
    restructured(&mut out, r, style);
    flags(&mut out, r, style);
    super::voice::terminal(&mut out, r, style);
    let _ = writeln!(out, "{}", style.bold("Transcript"));
    if !r.words_trusted() {
        let note = format!(
            "Unreliable: {}. These may not be the words that were said.",
            super::evidence::untrusted_reason(&r.transcript.quality)
        );
        let _ = writeln!(out, "{}", style.warn(&wrap(&note, 88, "  ")));
    }
    let _ = writeln!(out, "{}", wrap(&transcript(r, style), 88, "  "));
    out.push('\n');
    let _ = writeln!(out, "{}", style.dim("How this was measured:"));
    for note in [&r.methods.pauses, &r.methods.fillers, &r.methods.star]
        .into_iter()
        .chain(&r.methods.caveats)
    {
        let _ = writeln!(out, "{}", style.dim(&hanging(&format!("- {note}"), 88)));
    }
    out
}

/// The overall verdict and the top fixes, at the head of the report.
fn summary(out: &mut String, r: &Report, style: &Style) {
    let s = r.summary();
    let verdict = paint_verdict(style, s.verdict);
    let headline = s
        .headline
        .split_once(": ")
        .map_or(s.headline.as_str(), |(_, rest)| rest);
    let _ = writeln!(
        out,
        "{}",
        wrap(
            &format!("{} {verdict}: {headline}", style.bold("Overall")),
            88,
            "  "
        )
    );
    for (i, fix) in s.top_fixes.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}",
            hanging_at(&format!("{}. {}", i + 1, fix.fix), 88, 4, 7)
        );
    }
    out.push('\n');
}

/// "Your answer, restructured": the speaker's sentences regrouped S, T, A, R.
fn restructured(out: &mut String, r: &Report, style: &Style) {
    if r.star.outline.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", style.bold("Your answer, restructured"));
    for p in &r.star.outline {
        let _ = writeln!(out, "  {}", style.bold(p.part.name()));
        match &p.missing {
            Some(what) => {
                let line = format!("{} {what}", style.bad("missing:"));
                let _ = writeln!(out, "{}", wrap(&line, 88, "    "));
            }
            None => {
                for sentence in &p.sentences {
                    let _ = writeln!(out, "{}", hanging_at(&format!("- {sentence}"), 88, 4, 6));
                }
            }
        }
    }
    out.push('\n');
}

/// The STAR section: parts, what to fix, the score's reasons, and every sentence's label.
fn structure(out: &mut String, r: &Report, style: &Style) {
    let s = &r.star;
    if let Some(why) = r.withheld(Section::Star) {
        let line = format!("{}  can't tell: {why}", style.bold("Structure (STAR)"));
        let _ = writeln!(out, "{}", wrap(&line, 88, ""));
        for sentence in &s.sentences {
            let line = format!(
                "{} {}",
                style.dim(&clock(sentence.sentence.start_s)),
                sentence.sentence.text
            );
            let _ = writeln!(out, "{}", wrap(&line, 88, "    "));
        }
        out.push('\n');
        return;
    }
    let _ = writeln!(out, "{}  {}/100", style.bold("Structure (STAR)"), s.score);
    for part in Part::STORY {
        let present = s.part(part).is_some_and(|p| p.present);
        let summary = scorecard::part_summary(r, part);
        let _ = writeln!(
            out,
            "  {:<10} {}",
            part.name(),
            if present {
                summary
            } else {
                style.bad(&summary)
            }
        );
    }
    let _ = writeln!(out, "  {}", style.dim(&scorecard::star_facts(r)));
    for c in &s.coaching {
        let _ = writeln!(out, "{}", wrap(&format!("-> {c}"), 88, "  "));
    }
    let score = format!("score: {}", scorecard::score_breakdown(r));
    let _ = writeln!(out, "{}", style.dim(&wrap(&score, 88, "  ")));
    for sentence in &s.sentences {
        let line = format!(
            "{} {} {}",
            paint_part(style, sentence.label),
            style.dim(&clock(sentence.sentence.start_s)),
            sentence.sentence.text
        );
        let _ = writeln!(out, "{}", wrap(&line, 88, "    "));
    }
    out.push('\n');
}

fn paint_part(style: &Style, part: Part) -> String {
    let letter = part.letter().to_string();
    match part {
        Part::Other => style.dim(&letter),
        _ => style.bold(&letter),
    }
}

/// One entry per kind of flag, with every place it was found.
fn flags(out: &mut String, r: &Report, style: &Style) {
    let _ = writeln!(out, "{}", style.bold("Red flags"));
    if r.flags.is_empty() {
        let _ = writeln!(out, "  None found.");
    }
    for f in &r.flags {
        let places = f.places();
        let _ = writeln!(out, "  {}", style.warn(&f.title()));
        for p in &places {
            let unsure = if p.doubtful && !f.doubtful {
                " (heard uncertainly)"
            } else {
                ""
            };
            let line = format!("{} \"{}\"{unsure}", clock(p.start_s), p.quote);
            let _ = writeln!(out, "{}", hanging_at(&line, 88, 4, 9));
        }
        let mut why = f.explanation.clone();
        if f.doubtful {
            why.push_str(
                " Can't tell: the words that raised it were heard uncertainly; listen back \
                 to check.",
            );
        }
        let _ = writeln!(out, "{}", style.dim(&wrap(&why, 88, "      ")));
    }
    out.push('\n');
}

fn question(out: &mut String, r: &Report, style: &Style) {
    let Some(q) = &r.question else { return };
    let _ = writeln!(
        out,
        "{} {}{}",
        style.bold("Question:"),
        q.text,
        q.id.as_deref()
            .map_or(String::new(), |id| style.dim(&format!(" ({id})")))
    );
    if !q.strong_answer.is_empty() {
        let _ = writeln!(out, "  A strong answer has:");
        for point in &q.strong_answer {
            let _ = writeln!(out, "    - {point}");
        }
    }
    for c in &q.checks {
        let mark = match c.answer() {
            Answer::Yes => style.good("yes"),
            Answer::No => style.bad("no"),
            Answer::CantTell => style.warn("can't tell"),
        };
        let why = c
            .why
            .as_deref()
            .map_or(String::new(), |w| style.dim(&format!(" ({w})")));
        // Wrap with a three-column stand-in for the mark, so "no" keeps its padding (the
        // wrapper collapses runs of spaces) and colour codes never count as width.
        const SLOT: &str = "\u{E000}\u{E000}\u{E000}";
        let line = hanging_at(&format!("{SLOT} {}{why}", c.message), 88, 2, 6);
        let _ = writeln!(out, "{}", line.replacen(SLOT, &pad(&mark, 3), 1));
    }
    out.push('\n');
}

fn paint_verdict(style: &Style, v: Verdict) -> String {
    match v {
        Verdict::OnTarget => style.good(v.label()),
        Verdict::Noticeable | Verdict::NotEnoughSpeech | Verdict::CantTell => style.warn(v.label()),
        _ => style.bad(v.label()),
    }
}

/// The transcript with fillers highlighted (a multi-word filler as one piece) and long
/// pauses shown where they happened.
fn transcript(r: &Report, style: &Style) -> String {
    let words = &r.transcript.words;
    let mut long = r.pauses.events.iter().filter(|e| e.long).peekable();
    // Fillers on transcript words are highlighted; those heard only in the audio, between
    // words, are shown where they fell.
    let mut fillers = r
        .fillers
        .events
        .iter()
        .filter(|e| e.word_count > 0)
        .peekable();
    let mut heard = r
        .fillers
        .events
        .iter()
        .filter(|e| e.word_count == 0)
        .peekable();
    let heard_mark =
        |e: &crate::analyze::fillers::FillerEvent| style.filler(&format!("[{} heard]", e.word));
    let mut pieces = Vec::new();
    let mut i = 0;
    let pause = |p: &crate::analyze::pauses::PauseEvent| {
        style.warn(&format!("<{:.1}s pause>", p.duration_s))
    };
    while i < words.len() {
        // A filler spanning several words moves `i` past them: its pauses come before it.
        while let Some(p) = long.next_if(|p| slot(p, words) <= i) {
            pieces.push(pause(p));
        }
        while let Some(e) = heard.next_if(|e| e.word_index <= i) {
            pieces.push(heard_mark(e));
        }
        match fillers.next_if(|e| e.word_index == i) {
            Some(e) => {
                let end = (i + e.word_count.max(1)).min(words.len());
                let text: Vec<&str> = words[i..end].iter().map(|w| w.text.as_str()).collect();
                pieces.push(style.filler(&text.join(" ")));
                i = end;
            }
            None => {
                pieces.push(words[i].text.clone());
                i += 1;
            }
        }
    }
    pieces.extend(heard.map(heard_mark));
    pieces.extend(long.map(pause));
    pieces.join(" ")
}

/// Wrap on spaces at `width` visible columns (escape codes are not counted).
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::from(indent);
    let mut col = indent.len();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = visible_width(word);
        if col > indent.len() && col + 1 + len > width {
            out.push('\n');
            out.push_str(indent);
            col = indent.len();
        } else if col > indent.len() {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
    }
    out
}

/// Wrap with the first line at two spaces and the rest at four, for list items.
fn hanging(text: &str, width: usize) -> String {
    hanging_at(text, width, 2, 4)
}

/// Wrap with the first line indented `first` spaces and the rest `rest`.
fn hanging_at(text: &str, width: usize, first: usize, rest: usize) -> String {
    let body = wrap(
        text,
        width - (first.saturating_sub(rest)),
        &" ".repeat(rest),
    );
    format!("{}{}", " ".repeat(first), body.trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_report;
    use crate::term::ColorChoice;

    fn coloured() -> Style {
        Style::for_output(ColorChoice::Always, true)
    }

    /// Escape codes written as `<1>`, `<32>` ... `</>`, so a snapshot shows where colour is;
    /// with `keep` false they are dropped.
    fn show_codes(text: &str, keep: bool) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '\x1b' {
                out.push(c);
                continue;
            }
            let code: String = chars.by_ref().take_while(|&c| c != 'm').collect();
            if keep {
                match code.trim_start_matches('[') {
                    "0" => out.push_str("</>"),
                    other => out.push_str(&format!("<{other}>")),
                }
            }
        }
        out
    }

    #[test]
    fn coloured_scorecard_keeps_the_plain_columns() {
        let r = sample_report();
        let plain = render(&r, &Style::plain());
        let shown = show_codes(&render(&r, &coloured()), false);
        let head = |t: &str| -> Vec<String> {
            t.lines()
                .take_while(|l| !l.starts_with("Transcript"))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(head(&shown), head(&plain));
        assert!(plain.contains("  Pace     "), "{plain}");
    }

    #[test]
    fn terminal_report_snapshot() {
        insta::assert_snapshot!(render(&sample_report(), &Style::plain()));
    }

    #[test]
    fn coloured_terminal_report_snapshot() {
        insta::assert_snapshot!(show_codes(&render(&sample_report(), &coloured()), true));
    }

    #[test]
    fn wrapping_ignores_escape_codes() {
        let s = Style::for_output(crate::term::ColorChoice::Always, true);
        let text = format!("{} bb cc", s.bad("aa"));
        assert_eq!(wrap(&text, 7, ""), format!("{} bb\ncc", s.bad("aa")));
    }
}
