//! The table `rehearse history` prints: one line per take that fits 100 columns, so takes can
//! be scanned in an ordinary terminal. Each line names the answer (its question, else the file
//! analysed), gives the figures that matter most and the report's overall verdict; the text
//! that does not fit is cut at a character boundary and ends in `…`. `history --json` keeps
//! every field whole.

use std::fmt::Write;

use unicode_width::UnicodeWidthChar;

use super::metrics::{self, StoredReport};
use super::{local_time, not_analysed};
use crate::analyze::Verdict;
use crate::config::Targets;
use crate::store::{StoredTake, TakeMeta};

/// The width every line of the table fits in.
pub const WIDTH: usize = 100;

/// One line per take, then the takes' problems (missing files, analysis not finished).
pub fn history_table(takes: &[StoredTake], targets: &Targets) -> String {
    let ms = metrics::all(targets);
    let by_key = |k: &str| ms.iter().find(|m| m.key == k).expect("a known metric");
    let mut out = String::new();
    // LENGTH is the answer's length (first to last speech), as in `compare` and `progress`.
    let head = format!(
        "{:<8}  {:<16}  {:>6} {:>3} {:>7} {:>6}  {:<7}  {:<10}  ",
        "ID", "DATE", "LENGTH", "WPM", "FILL/MN", "PAUSES", "STAR", "VERDICT"
    );
    let _ = writeln!(out, "{head}ANSWER");
    let mut problems = Vec::new();
    for t in takes {
        let r = StoredReport::of(t);
        let f = |k: &str| by_key(k).format(by_key(k).value(&r));
        let star = match (metrics::star_letters(&r), metrics::star_score(&r)) {
            (Some(letters), Some(score)) => format!("{letters} {score:.0}"),
            _ => "-".into(),
        };
        let flagged = t.files.problem(t).is_some() || !t.analysed();
        let line = format!(
            "{:<8}  {:<16}  {:>6} {:>3} {:>7} {:>6}  {:<7}  {:<10}  ",
            t.meta.id,
            local_time(t.meta.created),
            f("answer_s"),
            f("wpm"),
            f("fillers_per_minute"),
            f("long_pauses"),
            star,
            verdict_text(t, &r),
        );
        let marker = if flagged { "  !" } else { "" };
        let room = WIDTH.saturating_sub(line.chars().count() + marker.len());
        let answer = crate::term::printable_line(&answer_text(t, &r)).into_owned();
        let _ = writeln!(out, "{line}{}{marker}", truncate(&answer, room));
        problems.extend(t.files.problem(t));
        if !t.analysed() {
            problems.push(not_analysed(t));
        }
    }
    if takes.is_empty() {
        let _ = writeln!(out, "(no takes)");
    }
    for p in problems {
        let _ = writeln!(out, "! {p}");
    }
    out
}

/// The report's overall verdict in a word or two; `-` when there is no report to read.
fn verdict_text(t: &StoredTake, r: &StoredReport) -> &'static str {
    if !t.analysed() {
        return "not done";
    }
    match r.report.as_ref().map(|r| r.summary().verdict) {
        None => "-",
        Some(Verdict::NotEnoughSpeech) => "no speech",
        Some(v @ (Verdict::OnTarget | Verdict::CantTell | Verdict::NeedsWork)) => v.label(),
        // The summary's verdict is one of the above; an older report's may be a metric's.
        Some(_) => Verdict::NeedsWork.label(),
    }
}

/// What the take answers: its question (the text; the bank id when there is none), else the name of the file analysed
/// (`(recorded)` for a take `record` made); then its tags and note.
pub fn answer_text(t: &StoredTake, r: &StoredReport) -> String {
    let mut out = question_or_file(&t.meta, r);
    if !t.meta.tags.is_empty() {
        let _ = write!(out, "  (tags: {})", t.meta.tags.join(", "));
    }
    if let Some(note) = &t.meta.note {
        let _ = write!(out, "  note: \"{note}\"");
    }
    out
}

fn question_or_file(meta: &TakeMeta, r: &StoredReport) -> String {
    let id = r
        .report
        .as_ref()
        .and_then(|r| r.question.as_ref())
        .and_then(|q| q.id.as_deref());
    let recorded = r.report.as_ref().is_some_and(|r| r.recording.is_some());
    match (id, meta.question.as_deref()) {
        (_, Some(text)) => text.to_string(),
        (Some(id), None) => format!("[{id}]"),
        (None, None) if recorded => "(recorded)".into(),
        (None, None) => std::path::Path::new(&meta.source_path)
            .file_name()
            .map_or_else(|| "-".into(), |n| n.to_string_lossy().into_owned()),
    }
}

/// `s` cut to at most `width` columns on screen (wide characters count two), at a character
/// boundary, ending in `…` when anything was cut.
pub fn truncate(s: &str, width: usize) -> String {
    let columns = |c: char| c.width().unwrap_or(0);
    if s.chars().map(columns).sum::<usize>() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + columns(c) + 1 > width {
            break;
        }
        used += columns(c);
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_cuts_at_a_character_boundary_with_an_ellipsis() {
        assert_eq!(truncate("conflict", 20), "conflict");
        assert_eq!(truncate("Tell me about a conflict", 10), "Tell me a…");
        // Multi-byte and wide characters: never split, wide ones count two columns.
        assert_eq!(truncate("Ünïcödé résumé", 6), "Ünïcö…");
        assert_eq!(truncate("面接の練習をする", 7), "面接の…");
        assert_eq!(truncate("abc", 0), "");
    }
}
