//! Markdown: a report to paste into notes or a practice journal.

use std::fmt::Write;

use super::{clock, scorecard, Report};
use crate::analyze::star::Part;

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Rehearsal report: {}\n", escape(&r.audio.path));
    let _ = writeln!(
        out,
        "Recording {} ({} Hz, {} channel(s), {}); transcribed locally with {} in {:.1} s.\n",
        clock(r.audio.duration_s),
        r.audio.source_sample_rate,
        r.audio.source_channels,
        escape(&r.audio.source_encoding),
        escape(&r.model.engine),
        r.model.transcribe_s
    );
    for w in &r.warnings {
        let _ = writeln!(out, "> **Warning:** {}\n", escape(w));
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
            escape(l.metric),
            escape(&l.value),
            escape(&l.detail),
            escape(&l.target),
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
        let _ = writeln!(out, "- {} \"{}\"", clock(e.start_s), escape(&e.word));
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
            p.after_word.as_deref().map_or("-".to_string(), escape)
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
        let _ = writeln!(out, "- {}", escape(note));
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
            .map_or(String::new(), |id| format!(" (question {})", escape(id)))
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
            escape(&scorecard::part_summary(r, part))
        );
    }
    let _ = writeln!(out, "\n{}.\n", escape(&scorecard::star_facts(r)));
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
        let _ = writeln!(
            out,
            "- **{}**: {}",
            escape(&f.title()),
            escape(&f.explanation)
        );
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

/// Make untrusted text (a file name, a transcript, an imported report's fields, a question or
/// story) safe to place in one line of Markdown: it renders as the same text and nothing else.
///
/// - Newlines and other control characters (and U+2028/U+2029) become spaces, and the text is
///   trimmed, so a field can neither end a heading or table row nor start a code block.
/// - `<`, `>` and `&` become entities: no raw HTML, no autolink, no entity tricks.
/// - `\`, `` ` ``, `*`, `_`, `[`, `]`, `|`, `~` and `#` are backslash-escaped everywhere:
///   no links or images (`[x](javascript:...)`, `![x](y)`), code spans, emphasis,
///   strikethrough, table cells split by a pipe, or heading closers; `!` before `[` and `(`
///   after `]` too, so not even a lax renderer sees `![` or `](`.
/// - At the start of the text, `-`, `+`, `=` and an ordered-list marker (`1.`, `2)`) are
///   escaped, so text after "- " or at a line start cannot open a list, a setext heading or a
///   thematic break (`#`, `>`, `*` and `_` are covered above).
pub fn escape(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let text = flat.trim();
    let mut out = String::with_capacity(text.len() + 8);
    if text.starts_with(['-', '+', '=']) {
        out.push('\\');
    }
    let list_marker = ordered_list_marker(text);
    let mut chars = text.char_indices().peekable();
    let mut prev = ' ';
    while let Some((at, c)) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '!' if matches!(chars.peek(), Some((_, '['))) => out.push_str("\\!"),
            '(' if prev == ']' => out.push_str("\\("),
            _ if Some(at) == list_marker => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        prev = c;
    }
    out
}

/// Where the `.` or `)` of an ordered-list marker at the start of `text` is ("3. ", "12)"):
/// one to nine digits, then `.` or `)`, then a space or the end.
fn ordered_list_marker(text: &str) -> Option<usize> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=9).contains(&digits) {
        return None;
    }
    let rest = &text.as_bytes()[digits..];
    match rest {
        [b'.' | b')'] | [b'.' | b')', b' ', ..] => Some(digits),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn html_becomes_entities() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            escape("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(escape("a &lt; b & c"), "a &amp;lt; b &amp; c");
        assert_eq!(escape("<https://x.example>"), "&lt;https://x.example&gt;");
    }

    #[test]
    fn links_and_images_are_broken() {
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            "\\[x\\]\\(javascript:alert(1))"
        );
        assert_eq!(escape("![x](y.png)"), "\\!\\[x\\]\\(y.png)");
        assert_eq!(escape("wow! nice"), "wow! nice");
        assert_eq!(escape("[a](b) ![c](d)"), "\\[a\\]\\(b) \\!\\[c\\]\\(d)");
    }

    #[test]
    fn emphasis_code_pipes_and_strikethrough_are_escaped() {
        assert_eq!(escape("*a* _b_ `c`"), "\\*a\\* \\_b\\_ \\`c\\`");
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(escape("~~gone~~"), "\\~\\~gone\\~\\~");
        assert_eq!(escape("back\\slash"), "back\\\\slash");
        assert_eq!(escape("\\[x]"), "\\\\\\[x\\]");
    }

    #[test]
    fn line_start_markers_are_escaped() {
        assert_eq!(escape("# Heading"), "\\# Heading");
        assert_eq!(escape("> quote"), "&gt; quote");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("+ item"), "\\+ item");
        assert_eq!(escape("---"), "\\---");
        assert_eq!(escape("==="), "\\===");
        assert_eq!(escape("1. first"), "1\\. first");
        assert_eq!(escape("12) twelfth"), "12\\) twelfth");
        assert_eq!(escape("3."), "3\\.");
        // Not list markers: left readable.
        assert_eq!(escape("80.5% of words"), "80.5% of words");
        assert_eq!(escape("2:30 answer"), "2:30 answer");
        assert_eq!(escape("a - b + c = d. 1. x"), "a - b + c = d. 1. x");
        assert_eq!(escape("1234567890. too long"), "1234567890. too long");
    }

    #[test]
    fn newlines_and_controls_become_spaces_and_the_text_is_trimmed() {
        assert_eq!(escape("take\n# one.m4a"), "take \\# one.m4a");
        assert_eq!(escape("a\r\nb\tc\u{2028}d"), "a  b c d");
        assert_eq!(
            escape("\x1b]0;pwned\x07x\x1b[31m"),
            "]0;pwned x [31m".replace(']', "\\]").replace('[', "\\[")
        );
        assert_eq!(escape("    code block?"), "code block?");
        assert_eq!(escape("\n- item"), "\\- item");
        assert!(!escape("a\u{85}b\x7fc").contains(|c: char| c.is_control()));
    }

    #[test]
    fn plain_text_is_unchanged() {
        for s in [
            "",
            "Deploys kept failing at my last job.",
            "Résumé, naïve: 100% (so-so)",
        ] {
            assert_eq!(escape(s), s);
        }
    }
}
