//! The human-readable report for a terminal, wrapped to the terminal's width (never mid-word).
//!
//! By default it is a summary a person reads in a screen or two: the header, the overall
//! verdict with the top fixes, one row per metric with one line of evidence, the question and
//! story checks, the red flags and the transcript (folded when long). Each piece of advice is
//! said once: a fix in the top list is not repeated on its row. [`View::detail`] adds what is
//! there to check the figures: the full evidence, the STAR section with every sentence's label
//! and the score's breakdown, the answer restructured, the voice window by window, the whole
//! transcript and how each figure was measured. JSON, Markdown and HTML always carry it all.

use super::evidence::Section;
use super::{clock, scorecard, Report};
use crate::analyze::doubt::Answer;
use crate::analyze::pauses::slot;
use crate::analyze::star::Part;
use crate::analyze::Verdict;
use crate::term::{pad, visible_width, wrap, Style, DEFAULT_WIDTH, MIN_WIDTH};

/// How much of the report to show, and how wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// Columns to wrap to.
    pub width: usize,
    /// Everything, not the summary (`--detail`).
    pub detail: bool,
}

impl Default for View {
    fn default() -> Self {
        View {
            width: DEFAULT_WIDTH,
            detail: false,
        }
    }
}

impl View {
    /// The summary at `width` columns.
    pub fn summary(width: usize) -> Self {
        View {
            width: width.max(MIN_WIDTH),
            detail: false,
        }
    }

    /// Everything, at `width` columns.
    pub fn detail(width: usize) -> Self {
        View {
            detail: true,
            ..View::summary(width)
        }
    }
}

/// Lines of transcript the summary shows before folding the rest away.
pub const TRANSCRIPT_LINES: usize = 16;
/// Places the summary quotes for each red flag.
const FLAG_PLACES: usize = 3;
/// Where a scorecard row's evidence and advice start.
const ROW_INDENT: usize = 11;

pub fn render(r: &Report, style: &Style, view: View) -> String {
    let width = view.width;
    let mut out = String::new();
    let head = format!(
        "{} {}  {} recording, {} Hz {} ch, {}",
        style.bold("rehearse"),
        r.audio.path,
        clock(r.audio.duration_s),
        r.audio.source_sample_rate,
        r.audio.source_channels,
        r.audio.source_encoding
    );
    line(&mut out, &wrap(&head, width, 0, 2));
    for w in &r.warnings {
        line(
            &mut out,
            &wrap(&format!("{} {w}", style.warn("warning:")), width, 0, 2),
        );
    }
    out.push('\n');
    // Advice already given, so that none is said twice.
    let mut said = summary(&mut out, r, style, width);
    if !r.speech_found {
        line(
            &mut out,
            "No speech was found, so there is nothing to measure.",
        );
        return out;
    }
    rows(&mut out, r, style, view, &mut said);
    out.push('\n');
    question(&mut out, r, style, view, &said);
    super::story::terminal(&mut out, r, style, width);
    if view.detail {
        structure(&mut out, r, style, width, &mut said);
        restructured(&mut out, r, style, width);
    }
    flags(&mut out, r, style, view);
    if view.detail {
        super::voice::terminal(&mut out, r, style, width);
    }
    transcript_section(&mut out, r, style, view);
    if view.detail {
        methods(&mut out, r, style, width);
    } else {
        let more = "More with --detail: how each figure was measured, every sentence's STAR \
                    label and the score's breakdown, the answer restructured, the voice window \
                    by window.";
        line(&mut out, &style.dim(&wrap(more, width, 0, 0)));
    }
    out
}

fn line(out: &mut String, text: &str) {
    out.push_str(text);
    out.push('\n');
}

/// The overall verdict and the top fixes, at the head of the report; returns the fixes given.
fn summary(out: &mut String, r: &Report, style: &Style, width: usize) -> Vec<String> {
    let s = r.summary();
    let verdict = paint_verdict(style, s.verdict);
    let headline = s
        .headline
        .split_once(": ")
        .map_or(s.headline.as_str(), |(_, rest)| rest);
    let overall = format!("{} {verdict}: {headline}", style.bold("Overall"));
    line(out, &wrap(&overall, width, 2, 4));
    for (i, fix) in s.top_fixes.iter().enumerate() {
        line(out, &wrap(&format!("{}. {}", i + 1, fix.fix), width, 4, 7));
    }
    out.push('\n');
    s.top_fixes.into_iter().map(|f| f.fix).collect()
}

/// One row per metric: value, verdict and target; one line of evidence (all of it with
/// `--detail`); the advice, unless it was already given or, in the summary, the metric is on
/// target.
fn rows(out: &mut String, r: &Report, style: &Style, view: View, said: &mut Vec<String>) {
    let width = view.width;
    for row in scorecard::lines(r) {
        let head = format!(
            "{} {}  {}",
            pad(&style.bold(row.metric), 8),
            row.value,
            paint_verdict(style, row.verdict),
        );
        let target = style.dim(&format!("(target {})", row.target));
        // The target on the row's line when it fits, else whole on the next.
        if 2 + visible_width(&head) + 2 + visible_width(&target) <= width {
            line(out, &format!("  {head}  {target}"));
        } else {
            line(out, &wrap(&head, width, 2, ROW_INDENT));
            line(out, &wrap(&target, width, ROW_INDENT, ROW_INDENT + 1));
        }
        let room = width.saturating_sub(ROW_INDENT);
        let evidence = match fit(&row.detail, room) {
            Some(short) if !view.detail => short,
            _ => row.detail.clone(),
        };
        line(
            out,
            &style.dim(&wrap(&evidence, width, ROW_INDENT, ROW_INDENT)),
        );
        if row.verdict == Verdict::OnTarget && !view.detail {
            continue;
        }
        let mut advice = vec![row.advice.clone()];
        if row.metric == "STAR" && !view.detail {
            // The summary has no STAR section: the rest of its coaching goes on its row.
            advice.extend(r.star.coaching.iter().cloned());
        }
        for a in advice {
            // The STAR row's advice can be a fix given above with the flag that holds the
            // verdict back added ("No Result: ... Also the blame flag (...)."): only the
            // addition is new.
            let a = match said.iter().find(|s| a.starts_with(s.as_str())) {
                Some(s) => a[s.len()..].trim().to_string(),
                None => a,
            };
            if a.is_empty() || said.contains(&a) {
                continue;
            }
            line(out, &wrap(&format!("-> {a}"), width, ROW_INDENT, 14));
            said.push(a);
        }
    }
}

/// `text` on one line of `room` columns, shortened at a boundary when it is longer: whole
/// "; " clauses dropped from the end, or else the end of a ", " list replaced by "...".
/// None when not even its first item fits.
fn fit(text: &str, room: usize) -> Option<String> {
    if visible_width(text) <= room {
        return Some(text.to_string());
    }
    let clauses: Vec<&str> = text.split("; ").collect();
    for keep in (1..clauses.len()).rev() {
        let short = clauses[..keep].join("; ");
        if visible_width(&short) <= room {
            return Some(short);
        }
    }
    let first = clauses[0];
    first
        .match_indices(", ")
        .map(|(at, _)| format!("{}, ...", &first[..at]))
        .filter(|short| visible_width(short) <= room)
        .last()
}

/// "Your answer, restructured": the speaker's sentences regrouped S, T, A, R.
fn restructured(out: &mut String, r: &Report, style: &Style, width: usize) {
    if r.star.outline.is_empty() {
        return;
    }
    line(out, &style.bold("Your answer, restructured"));
    for p in &r.star.outline {
        line(out, &format!("  {}", style.bold(p.part.name())));
        match &p.missing {
            Some(what) => {
                let text = format!("{} {what}", style.bad("missing:"));
                line(out, &wrap(&text, width, 4, 4));
            }
            None => {
                for sentence in &p.sentences {
                    line(out, &wrap(&format!("- {sentence}"), width, 4, 6));
                }
            }
        }
    }
    out.push('\n');
}

/// The STAR section (`--detail`): parts, coaching not given yet, the score's reasons, and
/// every sentence's label.
fn structure(out: &mut String, r: &Report, style: &Style, width: usize, said: &mut Vec<String>) {
    let s = &r.star;
    if let Some(why) = r.withheld(Section::Star) {
        let text = format!("{}  can't tell: {why}", style.bold("Structure (STAR)"));
        line(out, &wrap(&text, width, 0, 2));
        for sentence in &s.sentences {
            let text = format!(
                "{} {}",
                style.dim(&clock(sentence.sentence.start_s)),
                sentence.sentence.text
            );
            line(out, &wrap(&text, width, 4, 4));
        }
        out.push('\n');
        return;
    }
    line(
        out,
        &format!("{}  {}/100", style.bold("Structure (STAR)"), s.score),
    );
    for part in Part::STORY {
        let present = s.part(part).is_some_and(|p| p.present);
        let summary = scorecard::part_summary(r, part);
        let summary = if present {
            summary
        } else {
            style.bad(&summary)
        };
        line(
            out,
            &wrap(&format!("{:<10} {summary}", part.name()), width, 2, 13),
        );
    }
    line(
        out,
        &style.dim(&wrap(&scorecard::star_facts(r), width, 2, 4)),
    );
    for c in &s.coaching {
        if said.contains(c) {
            continue;
        }
        line(out, &wrap(&format!("-> {c}"), width, 2, 5));
        said.push(c.clone());
    }
    let score = format!("score: {}", scorecard::score_breakdown(r));
    line(out, &style.dim(&wrap(&score, width, 2, 4)));
    for sentence in &s.sentences {
        let text = format!(
            "{} {} {}",
            paint_part(style, sentence.label),
            style.dim(&clock(sentence.sentence.start_s)),
            sentence.sentence.text
        );
        line(out, &wrap(&text, width, 4, 4));
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

/// One entry per kind of flag, with the places it was found (the first few, in the summary).
fn flags(out: &mut String, r: &Report, style: &Style, view: View) {
    let width = view.width;
    if r.flags.is_empty() {
        line(out, &format!("{}  none found.", style.bold("Red flags")));
        out.push('\n');
        return;
    }
    line(out, &style.bold("Red flags"));
    for f in &r.flags {
        let places = f.places();
        line(out, &format!("  {}", style.warn(&f.title())));
        let shown = if view.detail {
            places.len()
        } else {
            FLAG_PLACES
        };
        for p in places.iter().take(shown) {
            let unsure = if p.doubtful && !f.doubtful {
                " (heard uncertainly)"
            } else {
                ""
            };
            let text = format!("{} \"{}\"{unsure}", clock(p.start_s), p.quote);
            line(out, &wrap(&text, width, 4, 9));
        }
        if places.len() > shown {
            let more = format!(
                "... {} more (--detail lists them all)",
                places.len() - shown
            );
            line(out, &style.dim(&wrap(&more, width, 4, 4)));
        }
        let mut why = f.explanation.clone();
        if f.doubtful {
            why.push_str(
                " Can't tell: the words that raised it were heard uncertainly; listen back \
                 to check.",
            );
        }
        line(out, &style.dim(&wrap(&why, width, 6, 6)));
    }
    out.push('\n');
}

/// The question, and its checks; a check whose advice is a fix above points to it.
fn question(out: &mut String, r: &Report, style: &Style, view: View, said: &[String]) {
    let width = view.width;
    let Some(q) = &r.question else { return };
    let head = format!(
        "{} {}{}",
        style.bold("Question:"),
        q.text,
        q.id.as_deref()
            .map_or(String::new(), |id| style.dim(&format!(" ({id})")))
    );
    line(out, &wrap(&head, width, 0, 2));
    if view.detail && !q.strong_answer.is_empty() {
        line(out, "  A strong answer has:");
        for point in &q.strong_answer {
            line(out, &wrap(&format!("- {point}"), width, 4, 6));
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
        let message = match said.iter().position(|s| *s == c.message) {
            Some(at) => {
                let short = c.message.split(": ").next().unwrap_or_default();
                format!("{} (fix {} above)", short.trim_end_matches('.'), at + 1)
            }
            None => c.message.clone(),
        };
        let text = format!("{} {message}{why}", pad(&mark, 3));
        line(out, &wrap(&text, width, 2, 6));
    }
    out.push('\n');
}

/// The transcript, with a warning first when its words are not trusted; in the summary, a
/// long one is folded after [`TRANSCRIPT_LINES`] lines.
fn transcript_section(out: &mut String, r: &Report, style: &Style, view: View) {
    let width = view.width;
    line(out, &style.bold("Transcript"));
    if !r.words_trusted() {
        let note = format!(
            "Unreliable: {}. These may not be the words that were said.",
            super::evidence::untrusted_reason(&r.transcript.quality)
        );
        line(out, &style.warn(&wrap(&note, width, 2, 2)));
    }
    let text = wrap(&transcript(r, style), width, 2, 2);
    let lines: Vec<&str> = text.lines().collect();
    if view.detail || lines.len() <= TRANSCRIPT_LINES {
        line(out, &text);
    } else {
        line(out, &lines[..TRANSCRIPT_LINES].join("\n"));
        let more = format!(
            "... {} more lines of transcript: --detail shows all of it.",
            lines.len() - TRANSCRIPT_LINES
        );
        line(out, &style.dim(&wrap(&more, width, 2, 2)));
    }
    out.push('\n');
}

/// "How this was measured" (`--detail`).
fn methods(out: &mut String, r: &Report, style: &Style, width: usize) {
    line(out, &style.dim("How this was measured:"));
    for note in [&r.methods.pauses, &r.methods.fillers, &r.methods.star]
        .into_iter()
        .chain(&r.methods.caveats)
    {
        line(out, &style.dim(&wrap(&format!("- {note}"), width, 2, 4)));
    }
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
        for view in [View::default(), View::detail(120)] {
            let plain = render(&r, &Style::plain(), view);
            let shown = show_codes(&render(&r, &coloured(), view), false);
            let head = |t: &str| -> Vec<String> {
                t.lines()
                    .take_while(|l| !l.starts_with("Transcript"))
                    .map(str::to_string)
                    .collect()
            };
            assert_eq!(head(&shown), head(&plain));
            assert!(plain.contains("  Pace     "), "{plain}");
        }
    }

    #[test]
    fn terminal_report_snapshot() {
        insta::assert_snapshot!(render(&sample_report(), &Style::plain(), View::default()));
    }

    #[test]
    fn detailed_terminal_report_snapshot() {
        insta::assert_snapshot!(render(&sample_report(), &Style::plain(), View::detail(100)));
    }

    #[test]
    fn coloured_terminal_report_snapshot() {
        let text = render(&sample_report(), &coloured(), View::default());
        insta::assert_snapshot!(show_codes(&text, true));
    }

    #[test]
    fn no_line_is_wider_than_the_view_and_no_word_is_broken() {
        let r = sample_report();
        let words = |t: &str| -> Vec<String> { t.split_whitespace().map(str::to_string).collect() };
        for width in [40, 60, 80, 120] {
            for view in [View::summary(width), View::detail(width)] {
                let text = render(&r, &coloured(), view);
                for l in text.lines() {
                    assert!(visible_width(l) <= width, "{width}: {l:?}");
                }
                // Wrapping only moves words between lines: the detail at any width has the
                // same words as the detail at a width nothing wraps at.
                if view.detail {
                    assert_eq!(
                        words(&text),
                        words(&render(&r, &coloured(), View::detail(1000)))
                    );
                }
            }
        }
    }

    #[test]
    fn the_summary_says_each_piece_of_advice_once() {
        let r = sample_report();
        for view in [View::default(), View::detail(80)] {
            let text = render(&r, &Style::plain(), view);
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for advice in r
                .star
                .coaching
                .iter()
                .chain(r.summary().top_fixes.iter().map(|f| &f.fix))
            {
                let advice = advice.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(flat.matches(&advice).count(), 1, "{advice}\n{text}");
            }
        }
    }

    #[test]
    fn the_detail_is_behind_the_detail_view() {
        let r = sample_report();
        let summary = render(&r, &Style::plain(), View::default());
        let detail = render(&r, &Style::plain(), View::detail(80));
        for only_in_detail in [
            "How this was measured:",
            "Your answer, restructured",
            "score: ",
            "A strong answer has:",
        ] {
            assert!(
                !summary.contains(only_in_detail),
                "{only_in_detail}\n{summary}"
            );
            assert!(
                detail.contains(only_in_detail),
                "{only_in_detail}\n{detail}"
            );
        }
        assert!(summary.contains("--detail"), "{summary}");
    }

    #[test]
    fn a_long_transcript_is_folded_in_the_summary_only() {
        let text = "So I set up a test suite and the builds got faster. ".repeat(60);
        let r = crate::report::tests::report_on(
            &text,
            0.9,
            crate::transcribe::quality::TranscriptQuality::default(),
        );
        let summary = render(&r, &Style::plain(), View::default());
        assert!(
            summary.contains("more lines of transcript: --detail shows all of it."),
            "{summary}"
        );
        let transcript: Vec<&str> = summary
            .lines()
            .skip_while(|l| *l != "Transcript")
            .skip(1)
            .take_while(|l| !l.is_empty())
            .collect();
        assert_eq!(transcript.len(), TRANSCRIPT_LINES + 1, "{summary}");
        let detail = render(&r, &Style::plain(), View::detail(80));
        assert!(!detail.contains("more lines of transcript"), "{detail}");
    }

    #[test]
    fn evidence_is_shortened_at_a_boundary() {
        assert_eq!(fit("a; b; c", 10).as_deref(), Some("a; b; c"));
        assert_eq!(fit("aaaa; bbbb; cccc", 10).as_deref(), Some("aaaa; bbbb"));
        assert_eq!(
            fit("13 in all: \"uh\" x3, \"um\" x3, \"like\" x2", 26).as_deref(),
            Some("13 in all: \"uh\" x3, ...")
        );
        assert_eq!(fit("one long clause without lists", 10), None);
    }

    #[test]
    fn wrapping_ignores_escape_codes_and_never_breaks_a_word() {
        let s = Style::for_output(crate::term::ColorChoice::Always, true);
        let text = format!("{} {} cc", s.bad("aa"), "b".repeat(37));
        assert_eq!(
            wrap(&text, 40, 0, 0),
            format!("{} {}\ncc", s.bad("aa"), "b".repeat(37))
        );
        let long = format!("x {} y", "w-".repeat(30));
        assert_eq!(wrap(&long, 40, 0, 0), format!("x\n{}\ny", "w-".repeat(30)));
    }
}
