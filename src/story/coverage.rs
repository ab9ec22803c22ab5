//! Story coverage: which question kinds the story set answers, which it does not, how each
//! story has fared in rehearsal, and which story to prepare next.
//!
//! Rehearsals are read from the history: a take whose report has a `story` section (it was
//! analysed with `--story NAME`, or in `rehearse practice`) is a rehearsal of that story. A
//! story's score is the share of its points the spoken answers covered; the STAR score of the
//! same takes is shown beside it.

use std::collections::BTreeMap;
use std::fmt::Write;

use jiff::Timestamp;
use serde::Serialize;

use super::format::{starter, story_kinds, NOT_STORY_KINDS};
use super::library::Named;
use crate::analyze::questions;

/// The order in which missing kinds are suggested: the questions asked most often first.
pub const KIND_PRIORITY: &[&str] = &[
    "conflict",
    "failure",
    "leadership",
    "technical_problem",
    "deadline",
    "mistake",
    "proud_project",
    "disagree_manager",
    "difficult_customer",
    "improve_process",
    "learn_quickly",
    "tech_debt",
    "weakness",
];

/// One take's facts, as far as coverage needs them.
#[derive(Debug, Clone, PartialEq)]
pub struct TakeFacts {
    pub created: Timestamp,
    /// The bank id of the question the take answered, when it is one.
    pub kind: Option<String>,
    /// The story it was checked against.
    pub story: Option<String>,
    pub star_score: Option<f64>,
    /// Share of the story's points covered (0-1).
    pub points_covered: Option<f64>,
}

impl TakeFacts {
    /// Read a stored take's report (JSON) and question.
    pub fn from_report(
        created: Timestamp,
        question: Option<&str>,
        report: &serde_json::Value,
    ) -> TakeFacts {
        let kind = report["question"]["id"]
            .as_str()
            .map(str::to_string)
            .or_else(|| {
                question
                    .and_then(|q| questions::Asked::parse(q).ok())
                    .and_then(|a| a.question.map(|q| q.id.to_string()))
            });
        let story = &report["story"];
        let points_covered = match (story["covered"].as_u64(), story["points"].as_array()) {
            (Some(c), Some(p)) if !p.is_empty() => Some(c as f64 / p.len() as f64),
            _ => None,
        };
        TakeFacts {
            created,
            kind,
            story: story["name"].as_str().map(str::to_string),
            star_score: report["star"]["score"]
                .as_f64()
                .filter(|_| report["speech_found"].as_bool() != Some(false)),
            points_covered,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KindCoverage {
    pub kind: String,
    pub question: String,
    pub stories: Vec<String>,
    /// A question to ask yourself to find a story of this kind.
    pub starter: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryStats {
    pub name: String,
    pub title: String,
    pub kinds: Vec<String>,
    pub points: usize,
    pub rehearsals: usize,
    pub last_rehearsed: Option<Timestamp>,
    /// Mean share of points covered over its rehearsals, 0-1.
    pub mean_points_covered: Option<f64>,
    /// Mean STAR structure score (0-100) over its rehearsals.
    pub mean_star_score: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub kind: String,
    pub question: String,
    pub starter: Option<String>,
    pub command: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub kinds: Vec<KindCoverage>,
    /// Kinds no story answers, most often asked first.
    pub missing: Vec<String>,
    pub stories: Vec<StoryStats>,
    pub least_rehearsed: Option<String>,
    pub worst_scored: Option<String>,
    pub next: Option<Suggestion>,
    /// Bank questions answered with a reason rather than a story.
    pub not_story_kinds: Vec<String>,
    /// Story files that could not be read, with their errors.
    pub unreadable: Vec<String>,
}

fn mean(xs: impl Iterator<Item = f64>) -> Option<f64> {
    let v: Vec<f64> = xs.collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn priority(kind: &str) -> usize {
    KIND_PRIORITY
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(KIND_PRIORITY.len())
}

pub fn compute(stories: &[Named], takes: &[TakeFacts], unreadable: Vec<String>) -> Coverage {
    let kinds: Vec<KindCoverage> = story_kinds()
        .map(|q| KindCoverage {
            kind: q.id.to_string(),
            question: q.text.to_string(),
            stories: stories
                .iter()
                .filter(|s| s.story.kinds.iter().any(|k| k == q.id))
                .map(|s| s.name.clone())
                .collect(),
            starter: starter(q.id).map(str::to_string),
        })
        .collect();
    let mut missing: Vec<String> = kinds
        .iter()
        .filter(|k| k.stories.is_empty())
        .map(|k| k.kind.clone())
        .collect();
    missing.sort_by_key(|k| priority(k));
    let stats: Vec<StoryStats> = stories
        .iter()
        .map(|s| {
            let runs: Vec<&TakeFacts> = takes
                .iter()
                .filter(|t| t.story.as_deref() == Some(s.name.as_str()))
                .collect();
            StoryStats {
                name: s.name.clone(),
                title: s.story.title.clone(),
                kinds: s.story.kinds.clone(),
                points: s.story.points.len(),
                rehearsals: runs.len(),
                last_rehearsed: runs.iter().map(|t| t.created).max(),
                mean_points_covered: mean(runs.iter().filter_map(|t| t.points_covered)),
                mean_star_score: mean(runs.iter().filter_map(|t| t.star_score)),
            }
        })
        .collect();
    let least_rehearsed = stats
        .iter()
        .min_by_key(|s| (s.rehearsals, s.last_rehearsed))
        .filter(|_| stats.len() > 1)
        .map(|s| s.name.clone());
    let worst_scored = stats
        .iter()
        .filter_map(|s| s.mean_points_covered.map(|m| (m, s)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, s)| s.name.clone());
    let next = missing.first().and_then(|k| {
        let q = questions::by_id(k)?;
        Some(Suggestion {
            kind: k.clone(),
            question: q.text.to_string(),
            starter: starter(k).map(str::to_string),
            command: format!("rehearse story add NAME --kind {k}"),
        })
    });
    Coverage {
        kinds,
        missing,
        stories: stats,
        least_rehearsed,
        worst_scored,
        next,
        not_story_kinds: NOT_STORY_KINDS.iter().map(|k| k.to_string()).collect(),
        unreadable,
    }
}

fn percent(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{:.0}%", x * 100.0))
}

/// The coverage as text for the terminal.
pub fn render_text(c: &Coverage) -> String {
    let mut out = String::new();
    let covered = c.kinds.len() - c.missing.len();
    let _ = writeln!(
        out,
        "Question kinds with a story: {covered} of {}",
        c.kinds.len()
    );
    let width = c.kinds.iter().map(|k| k.kind.len()).max().unwrap_or(0);
    for k in &c.kinds {
        let who = if k.stories.is_empty() {
            "- no story".to_string()
        } else {
            k.stories.join(", ")
        };
        let _ = writeln!(out, "  {:<width$}  {who}", k.kind);
    }
    if !c.missing.is_empty() {
        let _ = writeln!(out, "\nNo story yet for: {}", c.missing.join(", "));
    }
    if !c.stories.is_empty() {
        let _ = writeln!(
            out,
            "\nStories (points covered = mean share of the story's notes said in its \
             rehearsals; STAR = mean structure score, target 80+)"
        );
        let nw = c.stories.iter().map(|s| s.name.len()).max().unwrap_or(4);
        for s in &c.stories {
            let last = s
                .last_rehearsed
                .map_or("never".to_string(), |t| t.strftime("%Y-%m-%d").to_string());
            let _ = writeln!(
                out,
                "  {:<nw$}  {} rehearsal{}, last {last}; points covered {}; STAR {}  ({})",
                s.name,
                s.rehearsals,
                if s.rehearsals == 1 { "" } else { "s" },
                percent(s.mean_points_covered),
                s.mean_star_score.map_or("-".into(), |x| format!("{x:.0}")),
                s.title
            );
        }
        if let Some(n) = &c.least_rehearsed {
            let _ = writeln!(out, "  Rehearsed least: {n}");
        }
        if let Some(n) = &c.worst_scored {
            let _ = writeln!(out, "  Covered worst when spoken: {n}");
        }
    }
    for u in &c.unreadable {
        let _ = writeln!(out, "\n! {u}");
    }
    match &c.next {
        Some(s) => {
            let _ = writeln!(
                out,
                "\nNext story to prepare: {} (\"{}\")",
                s.kind, s.question
            );
            if let Some(st) = &s.starter {
                let _ = writeln!(out, "  Ask yourself: {st}");
            }
            let _ = writeln!(out, "  Then: {}", s.command);
        }
        None if c.stories.is_empty() => {}
        None => {
            let _ = writeln!(
                out,
                "\nEvery kind has a story. Rehearse the weakest one: rehearse practice"
            );
        }
    }
    let _ = writeln!(
        out,
        "\n({} are answered with a reason rather than a story.)",
        c.not_story_kinds.join(" and ")
    );
    out
}

/// Per question kind, how strongly `practice` should favour it: 3 with no story, 2 when the
/// latest take of that kind scored weakly (STAR under 70 or under 60% of the story's points),
/// else 1. Kinds answered without a story weigh 1.
pub fn practice_weights(stories: &[Named], takes: &[TakeFacts]) -> BTreeMap<String, u32> {
    let mut latest: BTreeMap<&str, &TakeFacts> = BTreeMap::new();
    for t in takes {
        if let Some(k) = t.kind.as_deref() {
            if latest.get(k).is_none_or(|old| old.created <= t.created) {
                latest.insert(k, t);
            }
        }
    }
    questions::BANK
        .iter()
        .map(|q| {
            let has_story = stories
                .iter()
                .any(|s| s.story.kinds.iter().any(|k| k == q.id));
            let weak = latest.get(q.id).is_some_and(|t| {
                t.star_score.is_some_and(|s| s < 70.0) || t.points_covered.is_some_and(|p| p < 0.6)
            });
            let w = if NOT_STORY_KINDS.contains(&q.id) {
                1
            } else if !has_story {
                3
            } else if weak {
                2
            } else {
                1
            };
            (q.id.to_string(), w)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::format::parse;

    fn named(name: &str, kinds: &str) -> Named {
        Named {
            name: name.into(),
            story: parse(&format!(
                "# {name}\nAnswers: {kinds}\n## Action\n- I did it.\n"
            ))
            .unwrap(),
        }
    }

    fn take(story: &str, kind: &str, covered: f64, star: f64, day: i64) -> TakeFacts {
        TakeFacts {
            created: Timestamp::from_second(day * 86_400).unwrap(),
            kind: Some(kind.into()),
            story: Some(story.into()),
            star_score: Some(star),
            points_covered: Some(covered),
        }
    }

    #[test]
    fn coverage_names_the_missing_kinds_and_the_weakest_story() {
        let stories = [
            named("billing", "technical_problem, deadline"),
            named("review", "conflict"),
            named("launch", "leadership, failure"),
        ];
        let takes = [
            take("billing", "technical_problem", 0.8, 85.0, 1),
            take("billing", "deadline", 0.6, 75.0, 2),
            take("review", "conflict", 0.4, 60.0, 3),
        ];
        let c = compute(&stories, &takes, Vec::new());
        assert_eq!(c.kinds.len(), 13);
        assert_eq!(c.missing[0], "mistake");
        assert!(!c.missing.contains(&"conflict".to_string()));
        assert!(!c.missing.iter().any(|k| k == "why_company"));
        assert_eq!(c.least_rehearsed.as_deref(), Some("launch"));
        assert_eq!(c.worst_scored.as_deref(), Some("review"));
        let billing = &c.stories[0];
        assert_eq!(billing.rehearsals, 2);
        assert!((billing.mean_points_covered.unwrap() - 0.7).abs() < 1e-9);
        let next = c.next.as_ref().unwrap();
        assert_eq!(next.kind, "mistake");
        assert_eq!(next.command, "rehearse story add NAME --kind mistake");
        let text = render_text(&c);
        assert!(
            text.contains("Question kinds with a story: 5 of 13"),
            "{text}"
        );
        assert!(text.contains("  mistake             - no story"), "{text}");
        assert!(text.contains("Next story to prepare: mistake"), "{text}");
        assert!(text.contains("Covered worst when spoken: review"), "{text}");
    }

    #[test]
    fn practice_favours_kinds_without_a_story_then_weak_ones() {
        let stories = [named("review", "conflict"), named("billing", "deadline")];
        let takes = [
            take("review", "conflict", 0.4, 60.0, 1),
            take("billing", "deadline", 0.9, 90.0, 2),
        ];
        let w = practice_weights(&stories, &takes);
        assert_eq!(w["conflict"], 2);
        assert_eq!(w["deadline"], 1);
        assert_eq!(w["failure"], 3);
        assert_eq!(w["why_company"], 1);
    }

    #[test]
    fn take_facts_come_from_the_stored_report() {
        let report = serde_json::json!({
            "speech_found": true,
            "star": {"score": 72},
            "question": {"id": "conflict"},
            "story": {"name": "review", "covered": 3, "points": [{}, {}, {}, {}]}
        });
        let f = TakeFacts::from_report(Timestamp::UNIX_EPOCH, None, &report);
        assert_eq!(f.kind.as_deref(), Some("conflict"));
        assert_eq!(f.story.as_deref(), Some("review"));
        assert_eq!(f.star_score, Some(72.0));
        assert_eq!(f.points_covered, Some(0.75));
        let old = TakeFacts::from_report(
            Timestamp::UNIX_EPOCH,
            Some("Tell me about a time you failed."),
            &serde_json::json!({"star": {"score": 50}}),
        );
        assert_eq!(old.kind.as_deref(), Some("failure"));
        assert_eq!(old.story, None);
    }
}
