//! One summary across the answers of a practice session (`rehearse practice`): a row per
//! answer (question, story coverage, length, pace, fillers, pauses, STAR), the session's
//! totals, and what to work on next. Built from the answers' [`Report`]s, rendered as text
//! here, as JSON by serde, and as a page by [`super::html::session`].

use std::fmt::Write;

use serde::Serialize;

use super::evidence::Section;
use super::{clock, scorecard, Report};
use crate::analyze::Verdict;
use crate::config::Range;
use crate::term::Style;

/// One answer of the session, as the summary needs it.
pub struct Answer<'a> {
    pub question: &'a str,
    /// The bank id of the question.
    pub kind: Option<&'a str>,
    /// The take's id in the history, when it was saved.
    pub take: Option<&'a str>,
    pub report: &'a Report,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerRow {
    pub number: usize,
    pub question: String,
    pub kind: Option<String>,
    pub take: Option<String>,
    pub speech_found: bool,
    /// The answer's overall verdict and its worst finding: the headline of its report
    /// ("Needs work: it does not answer the question asked.").
    pub verdict: Verdict,
    pub finding: String,
    /// The story it was checked against: name, and points covered / missed / can't tell.
    pub story: Option<StoryRow>,
    pub answer_s: f64,
    pub words: usize,
    pub wpm: f64,
    pub fillers_per_minute: f64,
    pub long_pauses: usize,
    /// The STAR score; absent when the answer was too short to score, or its words could
    /// not be trusted.
    pub star_score: Option<u32>,
    /// Metrics off target in this answer ("Length", "Pace", ...).
    pub off_target: Vec<String>,
    /// Metrics with no verdict in this answer: too little evidence, or untrusted words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cant_tell: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryRow {
    pub name: String,
    pub points: usize,
    pub covered: usize,
    pub missed: usize,
    pub cant_tell: usize,
    /// The notes the answer left out.
    pub missed_points: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overall {
    pub answers: usize,
    /// Sum of the answers' lengths (first to last speech), seconds.
    pub speaking_s: f64,
    /// Words over speaking time across all answers.
    pub wpm: f64,
    pub fillers_per_minute: f64,
    pub long_pauses: usize,
    /// Mean STAR structure score of the answers with speech (0-100, target 80+).
    pub mean_star_score: Option<f64>,
    /// Story points covered over all answers checked against a story.
    pub points_covered: usize,
    pub points_total: usize,
    /// The targets the answers were judged against (from the first answer's report).
    pub pace_target_wpm: Option<Range>,
    pub fillers_per_minute_max: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionSummary {
    pub session: String,
    pub answers: Vec<AnswerRow>,
    pub overall: Overall,
    /// What to work on next, most important first.
    pub next_steps: Vec<String>,
}

pub fn summarise(session: &str, answers: &[Answer<'_>]) -> SessionSummary {
    let rows: Vec<AnswerRow> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| row(i + 1, a))
        .collect();
    let speaking_s: f64 = rows.iter().map(|r| r.answer_s).sum();
    let words: usize = rows.iter().map(|r| r.words).sum();
    let fillers: usize = answers.iter().map(|a| a.report.fillers.total).sum();
    let minutes = speaking_s / 60.0;
    let stories: Vec<&StoryRow> = rows.iter().filter_map(|r| r.story.as_ref()).collect();
    let overall = Overall {
        answers: rows.len(),
        speaking_s,
        wpm: if minutes > 0.0 {
            words as f64 / minutes
        } else {
            0.0
        },
        fillers_per_minute: if minutes > 0.0 {
            fillers as f64 / minutes
        } else {
            0.0
        },
        long_pauses: rows.iter().map(|r| r.long_pauses).sum(),
        mean_star_score: mean(rows.iter().filter_map(|r| r.star_score).map(f64::from)),
        points_covered: stories.iter().map(|s| s.covered).sum(),
        points_total: stories.iter().map(|s| s.points).sum(),
        pace_target_wpm: answers.first().map(|a| a.report.targets.pace_wpm),
        fillers_per_minute_max: answers
            .first()
            .map(|a| a.report.targets.fillers_per_minute_max),
    };
    SessionSummary {
        session: session.to_string(),
        next_steps: next_steps(answers, &rows),
        answers: rows,
        overall,
    }
}

fn mean(xs: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, sum) = xs.fold((0usize, 0.0), |(n, s), x| (n + 1, s + x));
    (n > 0).then(|| sum / n as f64)
}

fn row(number: usize, a: &Answer<'_>) -> AnswerRow {
    let r = a.report;
    let lines = if r.speech_found {
        scorecard::lines(r)
    } else {
        Vec::new()
    };
    let metrics = |keep: fn(Verdict) -> bool| -> Vec<String> {
        lines
            .iter()
            .filter(|l| keep(l.verdict))
            .map(|l| l.metric.to_string())
            .collect()
    };
    let summary = r.summary();
    AnswerRow {
        number,
        question: a.question.to_string(),
        kind: a.kind.map(str::to_string),
        take: a.take.map(str::to_string),
        speech_found: r.speech_found,
        verdict: summary.verdict,
        finding: summary.headline,
        story: r.story.as_ref().map(|s| StoryRow {
            name: s.name.clone(),
            points: s.points.len(),
            covered: s.covered,
            missed: s.missed,
            cant_tell: s.cant_tell,
            missed_points: s
                .points
                .iter()
                .filter(|p| p.covered == Some(false))
                .map(|p| p.text.clone())
                .collect(),
        }),
        answer_s: r.length.answer_s,
        words: r.length.word_count,
        wpm: r.pace.wpm,
        fillers_per_minute: r.fillers.per_minute,
        long_pauses: r.pauses.long_count,
        star_score: (r.speech_found && r.withheld(Section::Star).is_none()).then_some(r.star.score),
        off_target: metrics(Verdict::is_off_target),
        cant_tell: metrics(|v| v == Verdict::CantTell),
    }
}

/// The metric off target in the most answers (with the advice from its latest such answer),
/// then the story points left out, then questions with no story.
fn next_steps(answers: &[Answer<'_>], rows: &[AnswerRow]) -> Vec<String> {
    let mut steps = Vec::new();
    let silent: Vec<usize> = rows
        .iter()
        .filter(|r| !r.speech_found)
        .map(|r| r.number)
        .collect();
    if !silent.is_empty() {
        steps.push(format!(
            "No speech was found in answer {}: check the microphone (`rehearse devices`).",
            join_numbers(&silent)
        ));
    }
    for r in rows
        .iter()
        .filter(|r| r.speech_found && !r.verdict.is_on_target())
    {
        steps.push(format!("Answer {}: {}", r.number, lower_first(&r.finding)));
    }
    let metrics = ["Length", "Pace", "Fillers", "Pauses", "STAR"];
    let mut worst: Option<(&str, usize)> = None;
    for m in metrics {
        let n = rows
            .iter()
            .filter(|r| r.off_target.iter().any(|o| o == m))
            .count();
        if n > 0 && worst.is_none_or(|(_, w)| n > w) {
            worst = Some((m, n));
        }
    }
    if let Some((metric, n)) = worst {
        let advice = answers
            .iter()
            .rev()
            .filter(|a| a.report.speech_found)
            .flat_map(|a| scorecard::lines(a.report))
            .find(|l| l.metric == metric && l.verdict.is_off_target())
            .map(|l| l.advice)
            .unwrap_or_default();
        steps.push(format!(
            "{metric} was off target in {n} of {} answers. {advice}",
            rows.len()
        ));
    }
    for r in rows {
        if let Some(s) = &r.story {
            if !s.missed_points.is_empty() {
                steps.push(format!(
                    "Answer {} left out from story {}: {}.",
                    r.number,
                    s.name,
                    s.missed_points
                        .iter()
                        .map(|p| format!("\"{}\"", p.trim_end_matches('.')))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    let no_story: Vec<&str> = rows
        .iter()
        .filter(|r| r.story.is_none())
        .filter_map(|r| r.kind.as_deref())
        .filter(|k| !crate::story::format::NOT_STORY_KINDS.contains(k))
        .collect();
    if let Some(k) = no_story.first() {
        steps.push(format!(
            "No story of yours answers {}: `rehearse story add NAME --kind {k}` starts one.",
            no_story.join(", ")
        ));
    }
    if steps.is_empty() {
        steps.push("Every answer was on target: try new questions, or a longer session.".into());
    }
    steps
}

/// "Needs work: ..." -> "needs work: ...".
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

fn join_numbers(ns: &[usize]) -> String {
    ns.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The story column: "billing 4/6 (1 ?)" or "-".
pub fn story_cell(s: Option<&StoryRow>) -> String {
    match s {
        None => "-".into(),
        Some(s) => {
            let mut cell = format!("{} {}/{}", s.name, s.covered, s.points);
            if s.cant_tell > 0 {
                let _ = write!(cell, " ({} ?)", s.cant_tell);
            }
            cell
        }
    }
}

/// A metric's figure, or "pace can't tell" when the answer gave it no verdict.
pub fn figure(r: &AnswerRow, metric: &str, value: String) -> String {
    if r.cant_tell.iter().any(|m| m == metric) {
        format!("{} can't tell", metric.to_lowercase())
    } else {
        value
    }
}

/// "62/100", or "can't tell" for an answer too short (or too uncertain) to score.
pub fn star_cell(score: Option<u32>) -> String {
    score.map_or("can't tell".into(), |s| format!("{s}/100"))
}

fn verdict_style(style: &Style, v: Verdict, text: &str) -> String {
    if v.is_on_target() {
        style.good(text)
    } else if v.is_withheld() {
        style.warn(text)
    } else {
        style.bad(text)
    }
}

pub fn render_text(s: &SessionSummary, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  session {}: {} answer{}, {} of speech",
        style.bold("Practice summary"),
        s.session,
        s.overall.answers,
        if s.overall.answers == 1 { "" } else { "s" },
        clock(s.overall.speaking_s)
    );
    out.push('\n');
    for r in &s.answers {
        let _ = writeln!(out, "  {}. {}", r.number, style.bold(&r.question));
        if !r.speech_found {
            let _ = writeln!(out, "     {}", style.bad("no speech found"));
            continue;
        }
        let _ = writeln!(out, "     {}", verdict_style(style, r.verdict, &r.finding));
        let _ = writeln!(
            out,
            "     {} answer, {}, {}, {} long pause{}, STAR {}; story {}{}",
            clock(r.answer_s),
            figure(r, "Pace", format!("{:.0} wpm", r.wpm)),
            figure(
                r,
                "Fillers",
                format!("{:.1} fillers/min", r.fillers_per_minute)
            ),
            r.long_pauses,
            if r.long_pauses == 1 { "" } else { "s" },
            star_cell(r.star_score),
            story_cell(r.story.as_ref()),
            r.take
                .as_deref()
                .map_or(String::new(), |t| format!("; take {t}"))
        );
        if !r.off_target.is_empty() {
            let _ = writeln!(
                out,
                "     {}",
                style.warn(&format!("off target: {}", r.off_target.join(", ")))
            );
        }
    }
    let o = &s.overall;
    out.push('\n');
    let _ = writeln!(
        out,
        "  Overall  {:.0} wpm{}, {:.1} fillers/min{}, {} long pause{}, STAR {} (target 80+), \
         story points covered {}",
        o.wpm,
        o.pace_target_wpm.map_or(String::new(), |t| format!(
            " (target {:.0}-{:.0})",
            t.min, t.max
        )),
        o.fillers_per_minute,
        o.fillers_per_minute_max
            .map_or(String::new(), |m| format!(" (target at most {m:.0})")),
        o.long_pauses,
        if o.long_pauses == 1 { "" } else { "s" },
        o.mean_star_score
            .map_or("-".into(), |x| format!("{x:.0}/100 on average")),
        if o.points_total > 0 {
            format!("{} of {}", o.points_covered, o.points_total)
        } else {
            "- (no story)".into()
        }
    );
    out.push('\n');
    let _ = writeln!(out, "{}", style.bold("Next"));
    for step in &s.next_steps {
        let _ = writeln!(out, "  -> {step}");
    }
    let _ = writeln!(
        out,
        "\n{}",
        style.dim(&format!(
            "Each answer's full report: rehearse show TAKE. This session: rehearse history \
             --session {}",
            s.session
        ))
    );
    out
}

impl SessionSummary {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_report;
    use crate::story::format::parse;

    fn with_story(mut r: Report) -> Report {
        let story = parse(
            "# Deploy fix\nAnswers: improve_process\n## Action\n- I added smoke tests.\n\
             - I set up canary releases.\n",
        )
        .unwrap();
        r.story = Some(crate::report::story::check("deploys", &story, &r));
        r
    }

    #[test]
    fn the_summary_adds_up_the_answers_and_says_what_to_do_next() {
        let a = with_story(sample_report());
        let b = sample_report();
        let answers = [
            Answer {
                question: "Tell me about a time you improved a process.",
                kind: Some("improve_process"),
                take: Some("0123abcd"),
                report: &a,
            },
            Answer {
                question: "Tell me about a time you failed.",
                kind: Some("failure"),
                take: None,
                report: &b,
            },
        ];
        let s = summarise("5e55a0aa", &answers);
        assert_eq!(s.overall.answers, 2);
        assert!((s.overall.speaking_s - 2.0 * a.length.answer_s).abs() < 1e-9);
        assert_eq!((s.overall.points_covered, s.overall.points_total), (1, 2));
        assert_eq!(
            s.answers[0].story.as_ref().unwrap().missed_points,
            ["I set up canary releases."]
        );
        assert!(s.answers[0].off_target.contains(&"Length".to_string()));
        assert!(
            s.next_steps[0].starts_with("Answer 1: needs work: it blames others"),
            "every answer's worst finding comes first: {:?}",
            s.next_steps
        );
        assert_eq!(s.answers[1].finding, b.summary().headline);
        assert!(
            s.next_steps
                .iter()
                .any(|n| n.starts_with("Length was off target in 2 of 2 answers.")),
            "{:?}",
            s.next_steps
        );
        assert!(s
            .next_steps
            .iter()
            .any(|n| n.contains("\"I set up canary releases\"")));
        assert!(s.next_steps.iter().any(|n| n.contains("--kind failure")));
        let style = Style::for_output(crate::term::ColorChoice::Never, true);
        let text = render_text(&s, &style);
        assert!(
            text.contains("Practice summary  session 5e55a0aa: 2 answers"),
            "{text}"
        );
        assert!(text.contains("story deploys 1/2; take 0123abcd"), "{text}");
        assert!(text.contains("story points covered 1 of 2"), "{text}");
        let html = crate::report::html::session::render(&s, &[]);
        assert!(html.contains("<td>deploys 1/2</td>"));
        assert!(html.contains("Content-Security-Policy"));
        let json: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(json["answers"][1]["story"], serde_json::Value::Null);
        assert_eq!(json["overall"]["points_total"], 2);
    }
}
