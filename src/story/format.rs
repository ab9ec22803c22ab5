//! The story file: a small Markdown file the user can write by hand.
//!
//! ```text
//! # Billing migration                      the title (first line that is not a comment)
//!
//! Answers: technical_problem, deadline     the question kinds it answers (bank ids)
//!
//! ## Situation                             notes, one point per bullet ("- ", "* ", "1. ")
//! - Our billing database was out of support.
//! ## Task
//! ## Action
//! ## Result
//! ## Key facts                             numbers, names of systems, the result
//! - 40 percent lower hosting costs
//! ```
//!
//! `<!-- comments -->` are ignored (the template uses them for guidance). A line that is not a
//! bullet continues the bullet above it, or is a point of its own after a blank line. Every
//! mistake is an error that names the line and says what is allowed there.

use std::fmt::Write;

use serde::Serialize;

use crate::analyze::questions;

/// Which part of the story a point belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Situation,
    Task,
    Action,
    Result,
    /// A key fact: a number, a system's name, the result in a phrase.
    Fact,
}

impl Part {
    pub const ALL: [Part; 5] = [
        Part::Situation,
        Part::Task,
        Part::Action,
        Part::Result,
        Part::Fact,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            Part::Situation => "Situation",
            Part::Task => "Task",
            Part::Action => "Action",
            Part::Result => "Result",
            Part::Fact => "Key facts",
        }
    }

    /// One letter for compact listings: S, T, A, R, K.
    pub fn letter(self) -> char {
        match self {
            Part::Fact => 'K',
            other => other.heading().chars().next().unwrap_or('?'),
        }
    }

    fn from_heading(text: &str) -> Option<Part> {
        let t = text.trim().trim_end_matches(':').to_lowercase();
        Some(match t.as_str() {
            "situation" => Part::Situation,
            "task" => Part::Task,
            "action" | "actions" => Part::Action,
            "result" | "results" => Part::Result,
            "key facts" | "facts" | "key fact" => Part::Fact,
            _ => return None,
        })
    }
}

/// One note of a story that a spoken answer can cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Point {
    pub part: Part,
    pub text: String,
}

/// A story as written: title, the question kinds it answers, its points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Story {
    pub title: String,
    /// Question-bank ids ("conflict", "technical_problem"), in the order written.
    pub kinds: Vec<String>,
    pub points: Vec<Point>,
}

/// A mistake in a story file, at a line (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct FormatError {
    pub line: usize,
    pub message: String,
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, FormatError> {
    Err(FormatError {
        line,
        message: message.into(),
    })
}

/// The longest title kept, in characters.
const MAX_TITLE: usize = 120;
/// The longest point kept, in characters: a note, not a script.
const MAX_POINT: usize = 400;
/// Words that introduce the kinds line.
const KINDS_LABELS: &[&str] = &["answers", "kinds", "questions"];

/// Kinds a story can answer: every bank question except those no story answers.
pub fn story_kinds() -> impl Iterator<Item = &'static questions::Question> {
    questions::BANK
        .iter()
        .filter(|q| !NOT_STORY_KINDS.contains(&q.id))
}

/// Bank questions answered with a reason rather than a story.
pub const NOT_STORY_KINDS: &[&str] = &["why_company", "career_gap"];

/// A question kind as a user may write it: `technical problem`, `Technical-Problem`.
pub fn parse_kind(text: &str) -> Option<&'static str> {
    let id = text.trim().to_lowercase().replace([' ', '-'], "_");
    questions::by_id(&id).map(|q| q.id)
}

fn known_kinds() -> String {
    questions::BANK
        .iter()
        .map(|q| q.id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest known kind to a mistyped one, when it is close.
fn suggest_kind(text: &str) -> Option<&'static str> {
    let t = text.trim().to_lowercase().replace([' ', '-'], "_");
    questions::BANK
        .iter()
        .map(|q| (strsim::jaro_winkler(&t, q.id), q.id))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

/// Blank out `<!-- ... -->` comments, keeping line breaks so line numbers stay right.
fn strip_comments(text: &str) -> Result<String, FormatError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut line = 1;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        line += rest[..start].matches('\n').count();
        let after = &rest[start + 4..];
        let Some(end) = after.find("-->") else {
            return err(
                line,
                "a comment `<!--` is never closed: end it with `-->` (everything after it was \
                 being ignored)",
            );
        };
        let comment = &after[..end];
        for _ in 0..comment.matches('\n').count() {
            out.push('\n');
        }
        line += comment.matches('\n').count();
        rest = &after[end + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A list item's text: `- x`, `* x`, `+ x` or `1. x`.
fn bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(marker) {
            return Some(rest);
        }
    }
    if matches!(t, "-" | "*" | "+") {
        return Some("");
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        let rest = &t[digits..];
        if let Some(item) = rest.strip_prefix(". ").or(rest.strip_prefix(") ")) {
            return Some(item);
        }
    }
    None
}

/// `Answers: conflict, deadline` -> the kinds, checked against the bank.
fn parse_kinds_line(line_no: usize, value: &str) -> Result<Vec<String>, FormatError> {
    let mut kinds: Vec<String> = Vec::new();
    for item in value.split([',', ';']) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        match parse_kind(item) {
            Some(id) if !kinds.iter().any(|k| k == id) => kinds.push(id.to_string()),
            Some(_) => {}
            None => {
                let hint = suggest_kind(item)
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default();
                return err(
                    line_no,
                    format!(
                        "unknown question kind {item:?}{hint}; the kinds are: {}",
                        known_kinds()
                    ),
                );
            }
        }
    }
    if kinds.is_empty() {
        return err(
            line_no,
            format!(
                "`Answers:` names no question kind; list them separated by commas, from: {}",
                known_kinds()
            ),
        );
    }
    Ok(kinds)
}

fn kinds_line(line: &str) -> Option<&str> {
    let (label, value) = line.split_once(':')?;
    let label = label
        .trim()
        .trim_start_matches(['*', '_'])
        .trim_end_matches(['*', '_']);
    KINDS_LABELS
        .contains(&label.to_lowercase().as_str())
        .then_some(value)
}

/// Parse a story file's text.
pub fn parse(text: &str) -> Result<Story, FormatError> {
    let text = strip_comments(text.strip_prefix('\u{feff}').unwrap_or(text))?;
    let mut title: Option<String> = None;
    let mut kinds: Option<Vec<String>> = None;
    let mut points: Vec<Point> = Vec::new();
    let mut part: Option<Part> = None;
    let mut seen: Vec<Part> = Vec::new();
    // Whether the previous line was a point that a plain line may continue.
    let mut open_point = false;
    let mut last_line = 0;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        last_line = n;
        let line = raw.trim();
        if line.is_empty() {
            open_point = false;
            continue;
        }
        if title.is_none() {
            let Some(t) = line.strip_prefix("# ") else {
                return err(
                    n,
                    format!(
                        "a story starts with its title on a line like `# Billing migration`, \
                         found {:?}",
                        clip(line)
                    ),
                );
            };
            let t = t.trim();
            if t.is_empty() {
                return err(n, "the title is empty: write it after `# `");
            }
            if t.chars().count() > MAX_TITLE {
                return err(
                    n,
                    format!("the title is longer than {MAX_TITLE} characters: shorten it"),
                );
            }
            title = Some(t.to_string());
            continue;
        }
        if line.starts_with("# ") || line == "#" {
            return err(
                n,
                "a second title: a story file holds one story with one `# ` title; use `## ` \
                 for its sections",
            );
        }
        if let Some(value) = kinds_line(line).filter(|_| part.is_none() || !open_point) {
            if bullet(line).is_none() {
                if kinds.is_some() {
                    return err(n, "a second `Answers:` line: put every kind on one line");
                }
                kinds = Some(parse_kinds_line(n, value)?);
                open_point = false;
                continue;
            }
        }
        if let Some(h) = line.strip_prefix('#') {
            let level = 1 + h.chars().take_while(|&c| c == '#').count();
            let name = h.trim_start_matches('#').trim();
            let Some(p) = Part::from_heading(name).filter(|_| level == 2) else {
                return err(
                    n,
                    format!(
                        "unknown section {:?}; the sections are `## Situation`, `## Task`, \
                         `## Action`, `## Result` and `## Key facts`",
                        clip(line)
                    ),
                );
            };
            if seen.contains(&p) {
                return err(
                    n,
                    format!(
                        "`## {}` appears twice: merge the two into one section",
                        p.heading()
                    ),
                );
            }
            seen.push(p);
            part = Some(p);
            open_point = false;
            continue;
        }
        let Some(p) = part else {
            return err(
                n,
                format!(
                    "{:?} is outside any section; put notes under `## Situation`, `## Task`, \
                     `## Action`, `## Result` or `## Key facts` (only `Answers: ...` goes \
                     above them)",
                    clip(line)
                ),
            );
        };
        match bullet(line) {
            Some(item) => {
                let item = item.trim();
                if item.is_empty() {
                    return err(
                        n,
                        "an empty bullet: write the note after the `- `, or remove it",
                    );
                }
                points.push(Point {
                    part: p,
                    text: item.to_string(),
                });
                open_point = true;
            }
            None if open_point => {
                if let Some(last) = points.last_mut() {
                    last.text.push(' ');
                    last.text.push_str(line);
                }
            }
            None => {
                points.push(Point {
                    part: p,
                    text: line.to_string(),
                });
                open_point = true;
            }
        }
        if points
            .last()
            .is_some_and(|pt| pt.text.chars().count() > MAX_POINT)
        {
            return err(
                n,
                format!(
                    "this note is longer than {MAX_POINT} characters: split it into shorter \
                     bullets (one fact or step each)"
                ),
            );
        }
    }
    let Some(title) = title else {
        return err(
            1,
            "the story is empty: start with a title line like `# Billing migration`",
        );
    };
    let Some(kinds) = kinds else {
        return err(
            2,
            format!(
                "no `Answers:` line: under the title, say which questions the story answers, \
                 e.g. `Answers: conflict, deadline` (kinds: {})",
                known_kinds()
            ),
        );
    };
    if points.is_empty() {
        return err(
            last_line.max(1),
            "the story has no notes: add bullets under `## Situation`, `## Task`, `## Action`, \
             `## Result` or `## Key facts`",
        );
    }
    Ok(Story {
        title,
        kinds,
        points,
    })
}

fn clip(line: &str) -> String {
    if line.chars().count() > 60 {
        format!("{}...", line.chars().take(57).collect::<String>())
    } else {
        line.to_string()
    }
}

/// The story as a file: parsing the result gives the same story back.
pub fn render(story: &Story) -> String {
    let mut out = format!("# {}\n\nAnswers: {}\n", story.title, story.kinds.join(", "));
    for part in Part::ALL {
        let mut points = story.points.iter().filter(|p| p.part == part).peekable();
        if points.peek().is_none() {
            continue;
        }
        let _ = write!(out, "\n## {}\n", part.heading());
        for p in points {
            let _ = writeln!(out, "- {}", p.text);
        }
    }
    out
}

/// A question to ask yourself that brings a story of this kind to mind.
pub fn starter(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "technical_problem" => {
            "What is the hardest technical problem I solved, and how did I find its cause?"
        }
        "conflict" => "When did I last resolve a conflict constructively?",
        "mistake" => "When did a mistake of mine cost something, and what did I change after it?",
        "weakness" => "Which weakness has really slowed me down, and what am I doing about it?",
        "proud_project" => "Which piece of work would I show first, and what was my own part?",
        "learn_quickly" => "When did I last have to become useful at something new within weeks?",
        "tech_debt" => "When did I make the case for cleaning something up, and what did it buy?",
        "improve_process" => "Which process did I make faster or safer, and by how much?",
        "failure" => "When did something I owned fail, and what do I do differently since?",
        "leadership" => "When did people follow my lead on something I was not asked to lead?",
        "deadline" => "When did I last deliver to a tight deadline, and what did I cut?",
        "disagree_manager" => {
            "When did I disagree with a decision above me, and how did I make my case?"
        }
        "difficult_customer" => "When did I turn an unhappy customer or user around?",
        _ => return None,
    })
}

/// The file `story add` opens in the editor: guidance in comments, the kinds filled in.
pub fn template(kinds: &[&str]) -> String {
    let mut out = String::from("# \n");
    out.push_str(
        "<!-- Write the title after the `#` above. One story you can tell in about two minutes.\n\
         \x20    Short notes, not a script: rehearse checks a spoken answer against each bullet.\n\
         \x20    Text inside these comment marks is ignored. -->\n",
    );
    let starters: Vec<String> = if kinds.is_empty() {
        story_kinds()
            .filter_map(|q| starter(q.id).map(|s| format!("{}: {s}", q.id)))
            .collect()
    } else {
        kinds
            .iter()
            .filter_map(|k| starter(k).map(|s| format!("{k}: {s}")))
            .collect()
    };
    if !starters.is_empty() {
        out.push_str("<!-- Story starters, questions to ask yourself:\n");
        for s in starters {
            let _ = writeln!(out, "     - {s}");
        }
        out.push_str("-->\n");
    }
    let _ = write!(
        out,
        "\nAnswers: {}\n<!-- The kinds of question this story answers, separated by commas: {}. -->\n",
        kinds.join(", "),
        story_kinds().map(|q| q.id).collect::<Vec<_>>().join(", ")
    );
    let guidance = [
        (Part::Situation, "Where and when, in one or two bullets."),
        (Part::Task, "What you were responsible for or asked to do."),
        (
            Part::Action,
            "What you did, step by step, as \"I\": the longest part.",
        ),
        (Part::Result, "What changed because of it, with a number."),
        (
            Part::Fact,
            "Numbers, names of systems, the result in a phrase: the facts an answer must not leave out.",
        ),
    ];
    for (part, hint) in guidance {
        let _ = write!(out, "\n## {}\n<!-- {hint} -->\n", part.heading());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BILLING: &str = "# Billing migration\n\
        \n\
        Answers: technical problem, Deadline\n\
        \n\
        ## Situation\n\
        - Our billing database was out of support.\n\
        ## Task\n\
        - I had to move it to PostgreSQL\n  without downtime.\n\
        ## Actions\n\
        1. I wrote a dual-write layer.\n\
        2. I moved customers over in batches of 500.\n\
        \n\
        ## Result\n\
        Hosting costs fell by 40 percent in three months.\n\
        ## Key facts\n\
        * 40 percent lower hosting costs\n";

    #[test]
    fn a_story_file_parses_into_title_kinds_and_points() {
        let s = parse(BILLING).unwrap();
        assert_eq!(s.title, "Billing migration");
        assert_eq!(s.kinds, ["technical_problem", "deadline"]);
        let texts: Vec<(Part, &str)> = s.points.iter().map(|p| (p.part, p.text.as_str())).collect();
        assert_eq!(
            texts,
            [
                (Part::Situation, "Our billing database was out of support."),
                (
                    Part::Task,
                    "I had to move it to PostgreSQL without downtime."
                ),
                (Part::Action, "I wrote a dual-write layer."),
                (Part::Action, "I moved customers over in batches of 500."),
                (
                    Part::Result,
                    "Hosting costs fell by 40 percent in three months."
                ),
                (Part::Fact, "40 percent lower hosting costs"),
            ]
        );
    }

    #[test]
    fn rendering_and_parsing_give_the_same_story() {
        let s = parse(BILLING).unwrap();
        assert_eq!(parse(&render(&s)).unwrap(), s);
    }

    #[test]
    fn comments_are_ignored_and_keep_line_numbers() {
        let text = "<!-- a\ncomment -->\n# T\nAnswers: conflict\n<!-- x -->\n## Task\n- one\nstray";
        let s = parse(text).unwrap();
        assert_eq!(s.points.len(), 1);
        assert_eq!(s.points[0].text, "one stray");
        let e = parse("# T\nAnswers: conflict\n<!-- open\n\n## Task\n- x\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("never closed"), "{e}");
    }

    fn error_of(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn each_mistake_names_its_line_and_the_fix() {
        let e = error_of("Billing\nAnswers: conflict\n");
        assert!(
            e.starts_with("line 1: a story starts with its title"),
            "{e}"
        );
        let e = error_of("# T\nAnswers: conflcit, deadline\n## Task\n- x\n");
        assert!(
            e.starts_with("line 2: unknown question kind \"conflcit\" (did you mean conflict?)"),
            "{e}"
        );
        let e = error_of("# T\nAnswers: conflict\n## Actoin\n- x\n");
        assert!(
            e.starts_with("line 3: unknown section \"## Actoin\""),
            "{e}"
        );
        let e = error_of("# T\nAnswers: conflict\n## Task\n- x\n## Task\n- y\n");
        assert!(e.starts_with("line 5: `## Task` appears twice"), "{e}");
        let e = error_of("# T\nAnswers: conflict\nsome words\n## Task\n- x\n");
        assert!(
            e.starts_with("line 3: \"some words\" is outside any section"),
            "{e}"
        );
        let e = error_of("# T\nAnswers: conflict\n## Task\n- \n");
        assert!(e.starts_with("line 4: an empty bullet"), "{e}");
        let e = error_of("# T\n## Task\n- x\n");
        assert!(e.starts_with("line 2: no `Answers:` line"), "{e}");
        let e = error_of("# T\nAnswers: conflict\n## Task\n");
        assert!(e.starts_with("line 3: the story has no notes"), "{e}");
        let e = error_of("# T\nAnswers: conflict\n## Task\n- x\n# Another\n");
        assert!(e.starts_with("line 5: a second title"), "{e}");
        let e = error_of("# T\nAnswers: conflict\nAnswers: deadline\n## Task\n- x\n");
        assert!(e.starts_with("line 3: a second `Answers:` line"), "{e}");
        let e = error_of("");
        assert!(e.starts_with("line 1: the story is empty"), "{e}");
        let e = error_of(&format!(
            "# T\nAnswers: conflict\n## Task\n- {}\n",
            "x".repeat(500)
        ));
        assert!(e.starts_with("line 4: this note is longer"), "{e}");
    }

    #[test]
    fn the_template_is_not_a_story_until_filled_in() {
        let t = template(&["conflict"]);
        assert!(t.contains("When did I last resolve a conflict constructively?"));
        assert!(parse(&t).is_err());
        let filled = t.replacen("# \n", "# Review dispute\n", 1).replace(
            "## Action\n",
            "## Action\n- I asked for a call and listened first.\n",
        );
        let s = parse(&filled).unwrap();
        assert_eq!(s.kinds, ["conflict"]);
        assert_eq!(s.points.len(), 1);
    }

    #[test]
    fn every_story_kind_has_a_starter() {
        for q in story_kinds() {
            assert!(starter(q.id).is_some(), "{}", q.id);
        }
        assert_eq!(parse_kind("Technical-Problem"), Some("technical_problem"));
        assert_eq!(parse_kind("nope"), None);
    }
}
