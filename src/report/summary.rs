//! The head of every report: one overall verdict and the three fixes that matter most.
//!
//! Fixes are ranked by what an interviewer notices first. Content red flags (blame, a dodged
//! weakness question, an answer to another question) come first, then what the question
//! asked for and the story's missing parts, then delivery (length, pace, fillers, pauses,
//! hedging), then structure polish. A take with a content red flag is never on target, however
//! well it scores elsewhere; an answer too short to judge, or whose only problem rests on
//! words heard uncertainly, is "can't tell".

use serde::{Deserialize, Serialize};

use super::evidence::{self, Section};
use super::{scorecard, Report};
use crate::analyze::doubt::{self, Answer};
use crate::analyze::flags::{Flag, FlagKind};
use crate::analyze::star::{self, Part};
use crate::analyze::Verdict;

/// How many fixes the summary lists.
pub const TOP_FIXES: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// `on_target`, `needs_work`, `cant_tell` or `not_enough_speech`.
    pub verdict: Verdict,
    /// One line for a person: the verdict and why.
    pub headline: String,
    /// The most important fixes, most important first (at most three).
    pub top_fixes: Vec<Fix>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    /// What it is about: a flag kind (`blame`, `no_weakness`, `off_topic`, `hedge`, ...), a
    /// question check, a metric (`length`, `pace`, `fillers`, `pauses`, ...) or `star`.
    pub area: String,
    /// What to do.
    pub fix: String,
}

/// A candidate fix: its rank (lower first), a short name for the headline, and the fix.
struct Candidate {
    tier: u8,
    what: String,
    fix: Fix,
}

/// Tiers, most noticeable first.
const CONTENT: u8 = 0;
const SUBSTANCE: u8 = 1;
const DELIVERY: u8 = 2;
const POLISH: u8 = 3;

pub fn of(r: &Report) -> Summary {
    // Speech whose every word was another language's annotation is not "no speech".
    if !r.speech_found && r.words_trusted() {
        return Summary {
            verdict: Verdict::NotEnoughSpeech,
            headline: "No speech was found: there is no answer to judge.".into(),
            top_fixes: Vec::new(),
        };
    }
    if !r.words_trusted() {
        return untrusted(r);
    }
    let mut found = candidates(r);
    found.sort_by_key(|c| c.tier);
    let mut top: Vec<Candidate> = Vec::new();
    for c in found {
        if !top.iter().any(|t| t.fix.area == c.fix.area) {
            top.push(c);
        }
    }
    let words = r.length.word_count;
    let serious: Vec<&Candidate> = top.iter().filter(|c| c.tier < POLISH).collect();
    let unsure = unsure(r);
    let (verdict, headline) = if words < doubt::MIN_WORDS_TO_JUDGE {
        (
            Verdict::CantTell,
            format!(
                "Can't tell: only {words} words, too few to judge an answer (at least {} needed).",
                doubt::MIN_WORDS_TO_JUDGE
            ),
        )
    } else if !serious.is_empty() || structure_off(r) {
        let whats: Vec<&str> = serious.iter().take(2).map(|c| c.what.as_str()).collect();
        let why = if whats.is_empty() {
            "the structure needs work".to_string()
        } else {
            whats.join("; ")
        };
        (Verdict::NeedsWork, format!("Needs work: {why}."))
    } else if let Some(why) = unsure {
        (Verdict::CantTell, format!("Can't tell: {why}."))
    } else {
        (
            Verdict::OnTarget,
            "On target: every measure is within its target and no red flag was raised.".into(),
        )
    };
    Summary {
        verdict,
        headline,
        top_fixes: top.into_iter().take(TOP_FIXES).map(|c| c.fix).collect(),
    }
}

fn structure_off(r: &Report) -> bool {
    !r.star.sentences.is_empty()
        && r.star.score < star::GOOD_SCORE
        && r.withheld(Section::Star).is_none()
}

/// The transcript is not trusted: the summary says so first, with the reason, and lists only
/// fixes that do not rest on the words (length, pauses, voice).
fn untrusted(r: &Report) -> Summary {
    let top_fixes = candidates(r)
        .into_iter()
        .filter(|c| WORDLESS_AREAS.contains(&c.fix.area.as_str()))
        .take(TOP_FIXES)
        .map(|c| c.fix)
        .collect();
    Summary {
        verdict: Verdict::CantTell,
        headline: format!(
            "Can't tell: {}; no verdict is given on words that may not have been said.",
            evidence::untrusted_reason(&r.transcript.quality)
        ),
        top_fixes,
    }
}

/// Scorecard areas whose figures come from the signal, not the words.
const WORDLESS_AREAS: [&str; 3] = ["length", "pauses", "voice"];

/// Something the verdict rests on was heard uncertainly: a doubtful content flag or a check
/// that cannot tell.
fn unsure(r: &Report) -> Option<String> {
    if let Some(f) = r.flags.iter().find(|f| f.kind.is_content() && f.doubtful) {
        return Some(format!(
            "a possible {} flag rests on words heard uncertainly (\"{}\")",
            f.kind.label(),
            f.quote
        ));
    }
    let q = r.question.as_ref()?;
    let c = q.checks.iter().find(|c| c.answer() == Answer::CantTell)?;
    Some(format!(
        "{} ({})",
        c.message.trim_end_matches('.').to_lowercase(),
        c.why.as_deref().unwrap_or("not enough evidence")
    ))
}

fn candidates(r: &Report) -> Vec<Candidate> {
    let mut out = Vec::new();
    for f in r.flags.iter().filter(|f| !f.doubtful) {
        out.extend(flag_fix(f));
    }
    let s = &r.star;
    for (part, area) in [(Part::Result, "star_result"), (Part::Action, "star_action")] {
        // Only a part the labeller is sure is missing leads; "can't tell" stays polish.
        if !s.sentences.is_empty()
            && r.withheld(Section::Star).is_none()
            && s.part(part)
                .is_some_and(|p| p.verdict == star::Presence::Missing)
        {
            let coaching = s
                .coaching
                .iter()
                .find(|c| c.starts_with(&format!("No {}", part.name())))
                .cloned()
                .unwrap_or_else(|| format!("Add a {}.", part.name()));
            out.push(Candidate {
                tier: SUBSTANCE,
                what: format!("no {}", part.name()),
                fix: Fix {
                    area: area.into(),
                    fix: coaching,
                },
            });
        }
    }
    if let Some(q) = &r.question {
        for c in q.checks.iter().filter(|c| c.answer() == Answer::No) {
            let area = check_area(c.check);
            out.push(Candidate {
                tier: SUBSTANCE,
                what: check_what(c.check).into(),
                fix: Fix {
                    area: area.into(),
                    fix: c.message.clone(),
                },
            });
        }
    }
    let mut delivery: Vec<(bool, Candidate)> = scorecard::lines(r)
        .into_iter()
        .filter(|l| l.metric != "STAR")
        .filter(|l| l.verdict.is_off_target())
        .map(|l| {
            (
                l.verdict == Verdict::Distracting,
                Candidate {
                    tier: DELIVERY,
                    what: format!("{} {}", l.metric.to_lowercase(), l.verdict.label()),
                    fix: Fix {
                        area: l.metric.to_lowercase(),
                        fix: l.advice,
                    },
                },
            )
        })
        .collect();
    delivery.sort_by_key(|(distracting, _)| !distracting);
    out.extend(delivery.into_iter().map(|(_, c)| c));
    for c in &s.coaching {
        if c.starts_with("No Result") || c.starts_with("No Action") {
            continue;
        }
        out.push(Candidate {
            tier: POLISH,
            what: "structure".into(),
            fix: Fix {
                area: "star".into(),
                fix: c.clone(),
            },
        });
    }
    out
}

fn flag_fix(f: &Flag) -> Option<Candidate> {
    let times = if f.count > 1 {
        format!(", {} times", f.count)
    } else {
        String::new()
    };
    let (tier, what, fix) = match f.kind {
        FlagKind::NoWeakness => (
            CONTENT,
            "it dodges the weakness question".to_string(),
            format!(
                "Name a real weakness instead of \"{}\"{times}: how it shows up at work and what \
                 you do about it.",
                star::excerpt(&f.quote, 10)
            ),
        ),
        FlagKind::Blame => (
            CONTENT,
            "it blames others".to_string(),
            format!(
                "Take out the blame (\"{}\"{times}): describe others neutrally and say what you \
                 did.",
                star::excerpt(&f.quote, 10)
            ),
        ),
        FlagKind::OffTopic => (
            CONTENT,
            "it does not answer the question asked".to_string(),
            f.explanation.clone(),
        ),
        FlagKind::Hedge => (
            DELIVERY,
            format!("{} hedges", f.count),
            format!(
                "Drop the hedges ({} in the answer): say what you did plainly.",
                f.count
            ),
        ),
        FlagKind::Jargon => (POLISH, "jargon".to_string(), f.explanation.clone()),
        FlagKind::Repetition => (POLISH, "repetition".to_string(), f.explanation.clone()),
    };
    let area = serde_json::to_value(f.kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| f.kind.label().to_string());
    Some(Candidate {
        tier,
        what,
        fix: Fix { area, fix },
    })
}

/// A failed check in a few words, for the headline.
fn check_what(check: crate::analyze::questions::Check) -> &'static str {
    use crate::analyze::questions::Check::*;
    match check {
        OnTopic => "it does not answer the question asked",
        NamesRealWeakness => "no real weakness named",
        OwnsIt => "it blames others",
        HasOutcome => "no outcome",
        SaysWhatYouDo => "no steps of your own",
        QuantifiedResult => "no number in the result",
        OwnContribution => "your own part is unclear",
        LessonLearned => "no lesson learned",
        ExplainsGapBriefly => "the gap is not explained briefly",
        ConnectsToCompany => "nothing about this company",
    }
}

/// The area a failed check is about: the same as the flag or STAR fix it repeats, so the
/// summary lists each problem once.
fn check_area(check: crate::analyze::questions::Check) -> &'static str {
    use crate::analyze::questions::Check::*;
    match check {
        OnTopic => "off_topic",
        NamesRealWeakness => "no_weakness",
        OwnsIt => "blame",
        HasOutcome => "star_result",
        SaysWhatYouDo => "star_action",
        QuantifiedResult => "result_number",
        OwnContribution => "own_contribution",
        LessonLearned => "lesson_learned",
        ExplainsGapBriefly => "explains_gap",
        ConnectsToCompany => "connects_to_company",
    }
}
