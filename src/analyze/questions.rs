//! The question bank: common behavioural interview questions, what a strong answer to each
//! contains, and checks that only make sense for that question (a weakness answer must name
//! a real weakness; a mistake answer must own it and draw a lesson).
//!
//! A take can be tied to a bank question by id (`--question weakness`) or to any question
//! by its text; free text that clearly asks a bank question gets that question's checks.

use serde::{Deserialize, Serialize};

use crate::analyze::doubt::{self, Answer};
use crate::analyze::flags::{self, Flag, FlagKind, Occurrence};
use crate::analyze::star::{Part, StarAnalysis};
use crate::transcribe::Word;

/// A question-specific check on an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Names a real weakness, not a strength in disguise.
    NamesRealWeakness,
    /// Says what the speaker does or did about it: there are Action sentences.
    SaysWhatYouDo,
    /// No blame of others.
    OwnsIt,
    /// The Result includes a lesson or a lasting change.
    LessonLearned,
    /// The story has a Result.
    HasOutcome,
    /// The Result has a number.
    QuantifiedResult,
    /// Actions told with "I" at least as often as "we".
    OwnContribution,
    /// The gap is explained (a Situation) and kept short.
    ExplainsGapBriefly,
    /// The answer speaks to this company or role.
    ConnectsToCompany,
    /// The answer touches the question's topic: every bank question runs it first.
    OnTopic,
}

/// One idea a question is about, and words that show an answer touches it. A word matches
/// a transcript word that starts with it ("disagree" matches "disagreed"); a phrase matches
/// its words in a row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Concept {
    pub name: &'static str,
    #[serde(skip)]
    words: &'static [&'static str],
}

const fn concept(name: &'static str, words: &'static [&'static str]) -> Concept {
    Concept { name, words }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub id: &'static str,
    pub text: &'static str,
    /// What a strong answer contains, one point each.
    pub strong_answer: &'static [&'static str],
    pub checks: &'static [Check],
    /// Words that identify the question in free text, strongest first.
    #[serde(skip)]
    keywords: &'static [&'static str],
    /// What an answer to it must be about: every one of these ideas.
    pub topic: &'static [Concept],
}

use Check::*;

pub const BANK: &[Question] = &[
    Question {
        id: "technical_problem",
        text: "Tell me about a complex technical problem you solved.",
        strong_answer: &[
            "the system and why the problem mattered (users, money, time)",
            "how you narrowed it down: your own diagnosis, step by step",
            "the fix, and what you did so it would not come back",
            "a measured result: errors, time, pages or money",
        ],
        checks: &[OwnContribution, QuantifiedResult],
        keywords: &[
            "technical problem",
            "complex problem",
            "hardest bug",
            "technical challenge",
            "bug",
        ],
        topic: &[
            concept(
                "a technical system",
                &[
                    "system", "code", "server", "database", "app", "api", "software", "pipeline",
                    "deploy", "release", "query", "queries", "memory", "cache", "script", "sql",
                    "endpoint", "backend", "network", "config", "data", "website", "service",
                    "platform", "machine", "computer", "tool", "build", "test",
                ],
            ),
            concept(
                "the problem and its cause",
                &[
                    "problem",
                    "issue",
                    "bug",
                    "crash",
                    "error",
                    "fail",
                    "failure",
                    "broke",
                    "outage",
                    "slow",
                    "leak",
                    "incident",
                    "timeout",
                    "cause",
                    "fix",
                    "debug",
                    "diagnos",
                    "trace",
                    "wrong",
                    "stopped",
                    "vanish",
                    "missing",
                    "not working",
                    "wasn't working",
                    "down",
                ],
            ),
        ],
    },
    Question {
        id: "conflict",
        text: "Tell me about a time you had a conflict with a teammate.",
        strong_answer: &[
            "the disagreement, described fairly and without blame",
            "what you did to understand the other person's side",
            "how you worked it out together",
            "the outcome for the work and for the relationship",
        ],
        checks: &[OwnsIt, HasOutcome],
        keywords: &[
            "conflict",
            "teammate",
            "coworker",
            "colleague",
            "difficult person",
        ],
        topic: &[
            concept(
                "the disagreement",
                &[
                    "disagree",
                    "conflict",
                    "argue",
                    "argued",
                    "argument",
                    "arguing",
                    "tension",
                    "tense",
                    "clash",
                    "friction",
                    "frustrat",
                    "upset",
                    "annoy",
                    "push back",
                    "pushed back",
                    "complain",
                    "dispute",
                    "fell out",
                    "different idea",
                    "different view",
                    "different approach",
                    "at odds",
                    "didn't get on",
                    "didn't get along",
                    "unhappy",
                    "angry",
                    "row",
                    "difficult",
                    "problem with",
                    "issue with",
                    "didn't like",
                    "wasn't happy",
                    "blame",
                    "shout",
                    "snap",
                    "hard to work with",
                    "escalat",
                    "raised it",
                    "fault",
                    "listen",
                ],
            ),
            concept(
                "the other person",
                &[
                    "teammate",
                    "colleague",
                    "coworker",
                    "co-worker",
                    "lead",
                    "manager",
                    "another",
                    "partner",
                    "her",
                    "him",
                    "she",
                    "he",
                    "they",
                    "them",
                    "team",
                    "each other",
                ],
            ),
        ],
    },
    Question {
        id: "mistake",
        text: "Tell me about a mistake you made.",
        strong_answer: &[
            "a real mistake, owned in the first person",
            "what you did straight away to limit the damage",
            "what you changed so it would not happen again",
            "the lesson, in a sentence",
        ],
        checks: &[OwnsIt, LessonLearned],
        keywords: &["mistake", "error", "got wrong"],
        topic: &[concept(
            "your mistake",
            &[
                "skip",
                "learned not to",
                "pull",
                "mistake",
                "error",
                "wrong",
                "forgot",
                "forget",
                "missed",
                "overlook",
                "slip",
                "should have",
                "shouldn't have",
                "realised",
                "realized",
                "my fault",
                "messed up",
                "mess up",
                "incorrect",
                "skipped",
                "late",
                "accident",
                "oversight",
                "misread",
                "didn't check",
                "hadn't",
                "failed to",
            ],
        )],
    },
    Question {
        id: "weakness",
        text: "What is your greatest weakness?",
        strong_answer: &[
            "a real weakness that matters at work, not a strength in disguise",
            "an example of how it showed up",
            "what you do about it, concretely",
            "evidence that it is improving",
        ],
        checks: &[NamesRealWeakness, SaysWhatYouDo],
        keywords: &[
            "weakness",
            "weaknesses",
            "development area",
            "improve about yourself",
        ],
        topic: &[concept(
            "a weakness",
            &[
                "weakness",
                "weak",
                "struggle",
                "hard for me",
                "find it hard",
                "find it difficult",
                "not good at",
                "not great at",
                "nervous",
                "improve",
                "get better",
                "tend to",
                "working on",
                "perfectionist",
                "too much",
                "too hard",
                "impatient",
                "say no",
                "delegat",
                "difficult for me",
            ],
        )],
    },
    Question {
        id: "proud_project",
        text: "Tell me about a project you are most proud of.",
        strong_answer: &[
            "why the project mattered",
            "your own part in it, as \"I\"",
            "the hardest moment and how you handled it",
            "a measured result, and why you are proud of it",
        ],
        checks: &[OwnContribution, QuantifiedResult],
        keywords: &["proud", "proudest", "accomplishment", "achievement"],
        topic: &[concept(
            "a project or achievement",
            &[
                "project",
                "built",
                "build",
                "launch",
                "created",
                "create",
                "set up",
                "organis",
                "organiz",
                "led",
                "started",
                "designed",
                "program",
                "initiative",
                "campaign",
                "production",
                "feature",
                "proud",
                "achiev",
                "won",
                "delivered",
            ],
        )],
    },
    Question {
        id: "learn_quickly",
        text: "Tell me about a time you had to learn something quickly.",
        strong_answer: &[
            "what you had to learn, and by when",
            "how you learned it: sources, practice, people",
            "how soon you were using it for real",
            "the result, and how you learn fast now",
        ],
        checks: &[SaysWhatYouDo, HasOutcome],
        keywords: &[
            "learn something quickly",
            "learn quickly",
            "learn fast",
            "new skill",
            "learn",
        ],
        topic: &[concept(
            "learning something new",
            &[
                "learn",
                "new",
                "never used",
                "never done",
                "hadn't used",
                "first time",
                "train",
                "course",
                "tutorial",
                "manual",
                "practis",
                "practic",
                "study",
                "read up",
                "figure out",
                "figured out",
                "picked up",
                "pick up",
                "up to speed",
                "quickly",
                "unfamiliar",
                "taught myself",
            ],
        )],
    },
    Question {
        id: "tech_debt",
        text: "How have you handled technical debt?",
        strong_answer: &[
            "the debt and what it cost the team (bugs, slow changes, fear)",
            "how you made the case for fixing it, or fitted it around features",
            "the safe, incremental way you paid it down",
            "a measured result: faster changes, fewer incidents",
        ],
        checks: &[QuantifiedResult, OwnContribution],
        keywords: &["technical debt", "tech debt", "legacy code", "legacy"],
        topic: &[concept(
            "the debt",
            &[
                "technical debt",
                "tech debt",
                "debt",
                "legacy",
                "old code",
                "old system",
                "refactor",
                "rewrite",
                "rewrote",
                "messy",
                "fragile",
                "brittle",
                "spaghetti",
                "workaround",
                "hack",
                "outdated",
                "clean up",
                "cleanup",
                "cleaned up",
                "migrat",
                "monolith",
                "untested",
                "tests",
                "nobody wanted to touch",
                "years ago",
            ],
        )],
    },
    Question {
        id: "improve_process",
        text: "Tell me about a time you improved a process.",
        strong_answer: &[
            "the process and what was wrong with it, measured",
            "how you found the cause",
            "the change you made and how you got people to adopt it",
            "before-and-after numbers",
        ],
        checks: &[QuantifiedResult, OwnContribution],
        keywords: &[
            "improved a process",
            "improve a process",
            "process",
            "more efficient",
        ],
        topic: &[
            concept(
                "a process",
                &[
                    "process",
                    "workflow",
                    "procedure",
                    "system",
                    "routine",
                    "the way we",
                    "steps",
                    "manual",
                    "by hand",
                    "paper",
                    "spreadsheet",
                    "form",
                    "checklist",
                    "template",
                    "rota",
                    "schedule",
                    "count",
                    "handover",
                    "report",
                    "deploy",
                    "release",
                    "pipeline",
                    "testing",
                    "tests",
                    "every time",
                    "weekly",
                    "daily",
                    "each week",
                    "every morning",
                    "every day",
                    "whole morning",
                    "used to",
                ],
            ),
            concept(
                "making it better",
                &[
                    "improv",
                    "faster",
                    "quicker",
                    "efficien",
                    "saved",
                    "save",
                    "saving",
                    "reduc",
                    "cut",
                    "streamlin",
                    "automat",
                    "simplif",
                    "fewer",
                    "less time",
                    "speed",
                    "better",
                    "reliab",
                    "smoother",
                    "easier",
                    "consistent",
                    "instead",
                    "no longer",
                    "don't have to",
                    "didn't have to",
                    "difference",
                    "calmer",
                    "quieter",
                ],
            ),
        ],
    },
    Question {
        id: "career_gap",
        text: "Can you explain the gap in your CV?",
        strong_answer: &[
            "a short, honest reason, without apologising",
            "what you did during the gap to stay current",
            "why you are ready now, and why this role",
        ],
        checks: &[ExplainsGapBriefly, SaysWhatYouDo],
        keywords: &["gap", "time off", "career break", "out of work"],
        topic: &[concept(
            "the gap",
            &[
                "gap",
                "break",
                "time off",
                "time out",
                "months out",
                "year out",
                "redundan",
                "laid off",
                "leave",
                "caring",
                "carer",
                "travel",
                "ill",
                "career break",
                "out of work",
                "between jobs",
                "took",
                "took off",
                "back to work",
                "came back",
                "return",
            ],
        )],
    },
    Question {
        id: "why_company",
        text: "Why do you want to work here?",
        strong_answer: &[
            "something specific about the company, its product or its mission",
            "a link to your own experience",
            "what you would bring to the role",
        ],
        checks: &[ConnectsToCompany],
        keywords: &[
            "work here",
            "why this company",
            "why us",
            "why do you want",
            "join us",
        ],
        topic: &[concept(
            "this company or role",
            &[
                "your",
                "this role",
                "this company",
                "this team",
                "this job",
                "this position",
                "here",
                "mission",
                "product",
                "values",
                "culture",
                "join",
            ],
        )],
    },
    Question {
        id: "failure",
        text: "Tell me about a time you failed.",
        strong_answer: &[
            "a real failure, owned in the first person",
            "what you tried",
            "what went wrong, without blaming others",
            "what you learned and what you do differently now",
        ],
        checks: &[OwnsIt, LessonLearned],
        keywords: &["failed", "failure", "fail"],
        topic: &[concept(
            "something that failed",
            &[
                "fail",
                "failure",
                "didn't work",
                "did not work",
                "went wrong",
                "missed",
                "fell short",
                "flop",
                "lost",
                "cancel",
                "disappoint",
                "mistake",
                "wrong",
                "couldn't",
                "unsuccessful",
                "didn't hit",
                "short of",
                "didn't go",
                "worse",
                "dropped",
                "scrapped",
                "shut down",
            ],
        )],
    },
    Question {
        id: "leadership",
        text: "Tell me about a time you led a team.",
        strong_answer: &[
            "the team, the goal and what made it hard",
            "the decisions you made and how you brought people with you",
            "how you supported the people, not just the plan",
            "the result for the goal and for the team",
        ],
        checks: &[OwnContribution, HasOutcome],
        keywords: &[
            "led a team",
            "leadership",
            "lead a team",
            "took the lead",
            "leader",
        ],
        topic: &[
            concept(
                "leading",
                &[
                    "led",
                    "lead",
                    "in charge",
                    "charge",
                    "supervis",
                    "manag",
                    "delegat",
                    "coordinat",
                    "motivat",
                    "mentor",
                    "organis",
                    "organiz",
                    "head of",
                    "captain",
                    "ran the",
                    "ran",
                    "run",
                    "running",
                    "took over",
                    "plan",
                    "trained",
                    "training",
                    "one-on-one",
                    "paired",
                    "running the",
                    "responsib",
                    "assign",
                    "rota",
                ],
            ),
            concept(
                "the people",
                &[
                    "team",
                    "staff",
                    "people",
                    "group",
                    "volunteer",
                    "agents",
                    "nurses",
                    "colleague",
                    "everyone",
                    "each of",
                    "members",
                    "them",
                    "they",
                ],
            ),
        ],
    },
    Question {
        id: "deadline",
        text: "Tell me about a time you worked to a tight deadline.",
        strong_answer: &[
            "the deadline and why it was tight",
            "how you prioritised and what you cut",
            "how you kept people informed",
            "whether you made it, and by how much",
        ],
        checks: &[HasOutcome, OwnContribution],
        keywords: &["deadline", "under pressure", "time pressure"],
        topic: &[concept(
            "the deadline",
            &[
                "deadline",
                "due",
                "in time",
                "on time",
                "date",
                "days",
                "hours",
                "weeks",
                "week",
                "tomorrow",
                "next day",
                "launch",
                "urgent",
                "rush",
                "pressure",
                "tight",
                "last minute",
                "by monday",
                "by tuesday",
                "by wednesday",
                "by thursday",
                "by friday",
                "morning",
                "time",
            ],
        )],
    },
    Question {
        id: "disagree_manager",
        text: "Tell me about a time you disagreed with your manager.",
        strong_answer: &[
            "the disagreement and why it mattered",
            "how you made your case: data, not opinion",
            "respect for the decision once it was made",
            "the outcome",
        ],
        checks: &[OwnsIt, HasOutcome],
        keywords: &[
            "disagreed with your manager",
            "disagree with your manager",
            "disagreed with your boss",
            "disagree",
        ],
        topic: &[
            concept(
                "the disagreement",
                &[
                    "disagree",
                    "didn't agree",
                    "not agree",
                    "push back",
                    "pushed back",
                    "challeng",
                    "concern",
                    "argue",
                    "argued",
                    "argument",
                    "object",
                    "different view",
                    "didn't think",
                    "wasn't convinced",
                    "worried",
                    "convinc",
                    "persuad",
                    "case",
                    "wrong",
                    "risk",
                    "instead",
                ],
            ),
            concept(
                "your manager",
                &[
                    "manager",
                    "boss",
                    "head of",
                    "director",
                    "supervisor",
                    "lead",
                    "he",
                    "she",
                    "him",
                    "her",
                ],
            ),
        ],
    },
    Question {
        id: "difficult_customer",
        text: "Tell me about a time you dealt with a difficult customer.",
        strong_answer: &[
            "the customer's problem, described fairly",
            "how you listened and calmed things down",
            "what you did to solve it",
            "how it ended for the customer and the business",
        ],
        checks: &[OwnsIt, HasOutcome],
        keywords: &[
            "difficult customer",
            "angry customer",
            "unhappy customer",
            "customer",
            "client",
        ],
        topic: &[
            concept(
                "the customer",
                &[
                    "customer",
                    "client",
                    "guest",
                    "patient",
                    "parent",
                    "caller",
                    "user",
                    "buyer",
                    "shopper",
                    "member",
                    "passenger",
                    "tenant",
                    "family",
                    "visitor",
                    "account",
                ],
            ),
            concept(
                "the difficulty",
                &[
                    "angry",
                    "upset",
                    "furious",
                    "complain",
                    "difficult",
                    "unhappy",
                    "frustrat",
                    "rude",
                    "shout",
                    "yell",
                    "aggressive",
                    "demand",
                    "refund",
                    "return",
                    "escalat",
                    "annoy",
                    "threat",
                    "swear",
                    "problem",
                    "issue",
                    "wrong",
                ],
            ),
        ],
    },
];

/// A bank question by id ("weakness"; dashes and case are forgiven).
pub fn by_id(id: &str) -> Option<&'static Question> {
    let id = id.trim().to_lowercase().replace('-', "_");
    BANK.iter().find(|q| q.id == id)
}

/// The bank question free text asks, when one keyword says so more clearly than any other.
pub fn match_text(text: &str) -> Option<&'static Question> {
    let text = format!(" {} ", text.to_lowercase());
    let score = |q: &Question| -> usize {
        q.keywords
            .iter()
            .filter(|k| text.contains(&format!(" {k}")))
            .map(|k| k.split(' ').count() + 1)
            .sum()
    };
    let mut ranked: Vec<(usize, &Question)> = BANK.iter().map(|q| (score(q), q)).collect();
    ranked.sort_by_key(|&(score, _)| std::cmp::Reverse(score));
    match ranked.as_slice() {
        [(best, q), (second, _), ..] if *best > 0 && best > second => Some(q),
        _ => None,
    }
}

/// The question a take answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Asked {
    pub text: String,
    /// The bank question it is (chosen by id) or was matched to (free text).
    pub question: Option<&'static Question>,
    pub from_bank: bool,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum QuestionError {
    #[error("unknown question id {id:?}; the bank has: {ids}. Or pass the question's full text.")]
    UnknownId { id: String, ids: String },
}

impl Asked {
    /// The `--question` flag as given: none, or blank, is no question.
    pub fn from_flag(arg: Option<&str>) -> Result<Option<Asked>, QuestionError> {
        arg.filter(|a| !a.trim().is_empty())
            .map(Asked::parse)
            .transpose()
    }

    /// Resolve `--question ID|TEXT`: a bank id, or free text. A single word that is not an id
    /// is most likely a mistyped id, so it is an error rather than a one-word question.
    pub fn parse(arg: &str) -> Result<Asked, QuestionError> {
        if let Some(q) = by_id(arg) {
            return Ok(Asked {
                text: q.text.to_string(),
                question: Some(q),
                from_bank: true,
            });
        }
        let looks_like_id = !arg.trim().is_empty()
            && arg
                .trim()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if looks_like_id {
            return Err(QuestionError::UnknownId {
                id: arg.trim().to_string(),
                ids: BANK.iter().map(|q| q.id).collect::<Vec<_>>().join(", "),
            });
        }
        Ok(Asked {
            text: arg.trim().to_string(),
            question: match_text(arg),
            from_bank: false,
        })
    }

    pub fn is(&self, id: &str) -> bool {
        self.question.is_some_and(|q| q.id == id)
    }
}

/// The question as the report shows it, with the outcome of its checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionReport {
    /// The bank id, when the question is (or matches) a bank question.
    pub id: Option<String>,
    pub text: String,
    /// "bank" when chosen by id, "free_text" when typed.
    pub source: String,
    pub strong_answer: Vec<String>,
    pub checks: Vec<CheckResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: Check,
    /// True only when the answer is yes (kept for scripts written before `answer`).
    pub passed: bool,
    /// yes, no or can't tell; absent in reports from before it existed (see [`Self::answer`]).
    #[serde(default, rename = "answer", skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Answer>,
    pub message: String,
    /// Why the check cannot tell, or what it found missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

impl CheckResult {
    pub fn answer(&self) -> Answer {
        self.outcome
            .unwrap_or(if self.passed { Answer::Yes } else { Answer::No })
    }
}

/// Words in a Result sentence that show a lesson or a lasting change.
const LESSON_WORDS: &[&str] = &[
    "learn",
    "lesson",
    "since then",
    "now i",
    "i always",
    "taught me",
    "took away",
    "took from",
    "next time",
    "from then on",
    "ever since",
    "going forward",
    "these days",
];
/// Words that speak to the company or role being applied for.
const COMPANY_WORDS: &[&str] = &[
    "your ",
    "this role",
    "this company",
    "this team",
    "this job",
    "this position",
    "here",
];
/// An answer with more than this share of doubtful words cannot be called off the question:
/// its key words may be among them.
const MAX_DOUBTFUL_SHARE_FOR_OFF_TOPIC: f64 = 0.15;

/// What the checks look at besides the structure and the flags: the words as transcribed.
pub struct Evidence<'a> {
    pub words: &'a [Word],
    pub star: &'a StarAnalysis,
    pub flags: &'a [Flag],
}

pub fn report(asked: &Asked, evidence: &Evidence) -> QuestionReport {
    let q = asked.question;
    QuestionReport {
        id: q.map(|q| q.id.to_string()),
        text: asked.text.clone(),
        source: if asked.from_bank { "bank" } else { "free_text" }.into(),
        strong_answer: q
            .map(|q| q.strong_answer.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
        checks: q
            .map(|q| {
                std::iter::once(OnTopic)
                    .chain(q.checks.iter().copied())
                    .map(|c| run(c, q, evidence))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The off-topic red flag, when the on-topic check says no.
pub fn off_topic_flag(report: &QuestionReport, evidence: &Evidence) -> Option<Flag> {
    // A dodged weakness question has its own, more exact flag.
    if evidence
        .flags
        .iter()
        .any(|f| f.kind == FlagKind::NoWeakness)
    {
        return None;
    }
    let check = report
        .checks
        .iter()
        .find(|c| c.check == OnTopic && c.answer() == Answer::No)?;
    let first = evidence.star.sentences.first()?;
    let quote = crate::analyze::star::excerpt(&first.sentence.text, 12);
    Some(Flag::grouped(
        FlagKind::OffTopic,
        vec![Occurrence {
            quote,
            start_s: first.sentence.start_s,
            end_s: first.sentence.end_s,
            doubtful: false,
        }],
        format!(
            "The answer does not address the question \"{}\": {}. Answer the question asked; \
             a good story to another question still reads as a dodge.",
            report.text,
            check
                .why
                .as_deref()
                .unwrap_or("its key words never come up")
        ),
    ))
}

/// Words at the start and at the end of an answer where saying the question's own words
/// back ("a conflict I had was ...", "so that's a conflict I dealt with") does not count.
const ECHO_HEAD_WORDS: usize = 8;
const ECHO_TAIL_WORDS: usize = 12;

/// The question's ideas the answer never touches. Words of the question itself said in the
/// answer's first or last few words are an echo of the question, not evidence.
pub fn untouched(q: &Question, words: &[Word]) -> Vec<&'static Concept> {
    let bare = |t: &str| {
        t.trim()
            .trim_matches(|c: char| !c.is_alphanumeric())
            .replace('’', "'")
            .to_lowercase()
    };
    let own: Vec<String> = q
        .text
        .split_whitespace()
        .chain(q.keywords.iter().flat_map(|k| k.split(' ')))
        .map(bare)
        .filter(|w| w.len() > 3)
        .collect();
    let n = words.len();
    let norms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let w = bare(&w.text);
            let edge = n > 3 * (ECHO_HEAD_WORDS + ECHO_TAIL_WORDS)
                && (i < ECHO_HEAD_WORDS || i + ECHO_TAIL_WORDS >= n);
            if edge && own.iter().any(|o| w.starts_with(o.as_str())) {
                String::new()
            } else {
                w
            }
        })
        .collect();
    q.topic
        .iter()
        .filter(|c| !c.words.iter().any(|p| phrase_in(p, &norms)))
        .collect()
}

fn phrase_in(phrase: &str, norms: &[String]) -> bool {
    let parts: Vec<&str> = phrase.split(' ').collect();
    norms.windows(parts.len()).any(|w| {
        w.iter()
            .zip(&parts)
            .all(|(word, part)| word_matches(word, part))
    })
}

/// A long entry matches any word it starts ("disagree": "disagreed", "disagreement"); a short
/// one only itself and its -s, -es, -d, -ed, -ing forms ("led" is not "ledger").
fn word_matches(word: &str, entry: &str) -> bool {
    if entry.len() >= 5 {
        return word.starts_with(entry);
    }
    word.strip_prefix(entry)
        .is_some_and(|rest| matches!(rest, "" | "s" | "es" | "d" | "ed" | "ing"))
}

/// `yes`, `no` or `can't tell`, with the message for that answer and why.
struct Outcome {
    answer: Answer,
    why: Option<String>,
}

impl Outcome {
    fn yes() -> Self {
        Outcome {
            answer: Answer::Yes,
            why: None,
        }
    }
    fn no(why: Option<String>) -> Self {
        Outcome {
            answer: Answer::No,
            why,
        }
    }
    fn cant_tell(why: String) -> Self {
        Outcome {
            answer: Answer::CantTell,
            why: Some(why),
        }
    }
    fn from(yes: bool) -> Self {
        if yes {
            Self::yes()
        } else {
            Self::no(None)
        }
    }
}

fn run(check: Check, q: &Question, e: &Evidence) -> CheckResult {
    let (yes, no, cant) = messages(check);
    let word_count = e.words.len();
    let too_few = || {
        Outcome::cant_tell(format!(
            "only {word_count} words: too few to judge (at least {} needed)",
            doubt::MIN_WORDS_TO_JUDGE
        ))
    };
    let mut outcome = judge(check, q, e);
    // A "no" (or a "yes" that rests on something not being said) needs enough words.
    let rests_on_absence = matches!(check, OwnsIt | NamesRealWeakness);
    if word_count < doubt::MIN_WORDS_TO_JUDGE && (outcome.answer == Answer::No || rests_on_absence)
    {
        outcome = too_few();
    }
    CheckResult {
        check,
        passed: outcome.answer == Answer::Yes,
        outcome: Some(outcome.answer),
        message: match outcome.answer {
            Answer::Yes => yes,
            Answer::No => no,
            Answer::CantTell => cant,
        }
        .to_string(),
        why: outcome.why,
    }
}

/// The check's answer before the word-count rule.
fn judge(check: Check, q: &Question, e: &Evidence) -> Outcome {
    let star = e.star;
    let flag = |k: FlagKind| e.flags.iter().find(|f| f.kind == k);
    let text_of = |part: Part| -> String {
        star.sentences_of(part)
            .map(|s| s.sentence.text.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let all_text = star
        .sentences
        .iter()
        .map(|s| s.sentence.text.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    match check {
        OnTopic => on_topic(q, e),
        NamesRealWeakness | OwnsIt => {
            let kind = if check == OwnsIt {
                FlagKind::Blame
            } else {
                FlagKind::NoWeakness
            };
            match flag(kind) {
                Some(f) if f.doubtful => Outcome::cant_tell(format!(
                    "\"{}\" was heard uncertainly",
                    doubtful_quote(f, e.words)
                )),
                Some(f) => Outcome::no(Some(format!("\"{}\"", f.quote))),
                None if check == OwnsIt => match unclear_about_others(e) {
                    Some(why) => Outcome::cant_tell(why),
                    None => Outcome::yes(),
                },
                None => Outcome::yes(),
            }
        }
        SaysWhatYouDo => Outcome::from(star.action.present),
        LessonLearned => {
            if LESSON_WORDS
                .iter()
                .any(|w| text_of(Part::Result).contains(w))
            {
                return Outcome::yes();
            }
            let unclear: Vec<String> = star
                .sentences_of(Part::Result)
                .filter_map(|s| {
                    doubt::doubtful_in(e.words, s.sentence.word_start..s.sentence.word_end)
                })
                .collect();
            if unclear.is_empty() {
                Outcome::no(None)
            } else {
                Outcome::cant_tell(format!(
                    "the Result has words heard uncertainly (\"{}\")",
                    unclear.join(", ")
                ))
            }
        }
        HasOutcome => Outcome::from(star.result.present),
        QuantifiedResult => match &star.result_number_doubtful {
            Some(n) if !star.result_quantified => Outcome::cant_tell(format!(
                "the Result's only number, \"{n}\", was heard uncertainly"
            )),
            _ => Outcome::from(star.result_quantified),
        },
        OwnContribution => {
            Outcome::from(star.action.present && star.i_we_ratio.is_none_or(|r| r >= 0.5))
        }
        ExplainsGapBriefly => {
            Outcome::from(star.situation.present && star.situation.word_share <= 0.4)
        }
        ConnectsToCompany => Outcome::from(COMPANY_WORDS.iter().any(|w| all_text.contains(w))),
    }
}

fn on_topic(q: &Question, e: &Evidence) -> Outcome {
    let missing = untouched(q, e.words);
    if missing.is_empty() {
        return Outcome::yes();
    }
    let names: Vec<String> = missing
        .iter()
        .map(|c| {
            let examples: Vec<&str> = c.words.iter().take(3).copied().collect();
            format!("{} (\"{}\" ...)", c.name, examples.join("\", \""))
        })
        .collect();
    let why = format!("it never touches {}", names.join(" or "));
    let doubtful = e.words.iter().filter(|w| doubt::is_doubtful(w)).count();
    if doubtful as f64 > MAX_DOUBTFUL_SHARE_FOR_OFF_TOPIC * e.words.len() as f64 {
        return Outcome::cant_tell(format!(
            "{why}, but {doubtful} of {} words were heard uncertainly",
            e.words.len()
        ));
    }
    Outcome::no(Some(why))
}

/// The words that raised a doubtful flag and were heard uncertainly.
fn doubtful_quote(f: &Flag, words: &[Word]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for p in f.places().iter().filter(|p| p.doubtful) {
        out.extend(
            words
                .iter()
                .filter(|w| w.start_s >= p.start_s - 1e-6 && w.end_s <= p.end_s + 1e-6)
                .filter(|w| doubt::is_doubtful(w))
                .map(|w| w.text.trim()),
        );
    }
    if out.is_empty() {
        f.quote.clone()
    } else {
        out.join(" ")
    }
}

/// A sentence about other people with a doubtful word in it: blame could hide there.
fn unclear_about_others(e: &Evidence) -> Option<String> {
    e.star.sentences.iter().find_map(|s| {
        let range = s.sentence.word_start..s.sentence.word_end;
        let unclear = doubt::doubtful_in(e.words, range.clone())?;
        flags::about_others(&e.words[range]).then(|| {
            format!(
                "\"{unclear}\" was heard uncertainly in a sentence about others (\"{}\")",
                crate::analyze::star::excerpt(&s.sentence.text, 10)
            )
        })
    })
}

/// (yes, no, can't tell) messages of a check.
fn messages(check: Check) -> (&'static str, &'static str, &'static str) {
    match check {
        OnTopic => (
            "Answers the question asked.",
            "Answer the question asked: the answer never touches its key words.",
            "Can't tell whether it answers the question asked.",
        ),
        NamesRealWeakness => (
            "Names a real weakness.",
            "Name a real weakness, not a strength in disguise, and show how it affects your work.",
            "Can't tell whether it names a real weakness.",
        ),
        SaysWhatYouDo => (
            "Says what you did about it.",
            "Say what you do about it: the concrete steps you take.",
            "Can't tell whether it says what you did.",
        ),
        OwnsIt => (
            "Owns the story without blaming others.",
            "Take out the blame: describe others neutrally and focus on what you did.",
            "Can't tell whether it blames others.",
        ),
        LessonLearned => (
            "Ends with a lesson or a lasting change.",
            "End with what you learned and what you do differently since.",
            "Can't tell whether it ends with a lesson.",
        ),
        HasOutcome => (
            "Says how it ended.",
            "Say how it ended: what changed because of what you did.",
            "Can't tell whether it says how it ended.",
        ),
        QuantifiedResult => (
            "The result has a number.",
            "Put a number on the result: a percentage, time or money saved, a count.",
            "Can't tell whether the result has a number.",
        ),
        OwnContribution => (
            "Your own part is clear (\"I\", not only \"we\").",
            "Make your own part clear: say \"I\" for what you did.",
            "Can't tell whether your own part is clear.",
        ),
        ExplainsGapBriefly => (
            "Explains the gap briefly.",
            "Explain the gap in a sentence or two, then move on to what you did during it.",
            "Can't tell whether it explains the gap.",
        ),
        ConnectsToCompany => (
            "Speaks to this company or role.",
            "Say what draws you to this company or role specifically.",
            "Can't tell whether it speaks to this company.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_question_has_content() {
        for (i, q) in BANK.iter().enumerate() {
            assert!(BANK[i + 1..].iter().all(|o| o.id != q.id), "{}", q.id);
            assert!(
                !q.strong_answer.is_empty() && !q.checks.is_empty(),
                "{}",
                q.id
            );
        }
        assert_eq!(BANK.len(), 15);
    }

    #[test]
    fn an_id_picks_a_bank_question() {
        let a = Asked::parse("Weakness").unwrap();
        assert!(a.from_bank && a.is("weakness"));
        assert!(Asked::parse("tech-debt").unwrap().is("tech_debt"));
    }

    #[test]
    fn an_unknown_id_lists_the_ids() {
        let err = Asked::parse("weaknes").unwrap_err().to_string();
        assert!(err.contains("unknown question id \"weaknes\""));
        assert!(err.contains("technical_problem, conflict, mistake, weakness"));
    }

    #[test]
    fn free_text_is_accepted_and_matched_when_clear() {
        let a = Asked::parse("What would you say is your biggest weakness?").unwrap();
        assert!(!a.from_bank && a.is("weakness"));
        assert_eq!(a.text, "What would you say is your biggest weakness?");
        let a = Asked::parse("Describe your ideal weekend.").unwrap();
        assert_eq!(a.question, None);
        let a = Asked::parse("Tell me about a time you disagreed with your manager.").unwrap();
        assert!(a.is("disagree_manager"));
    }

    #[test]
    fn a_blank_question_flag_is_no_question() {
        assert!(Asked::from_flag(Some("  ")).unwrap().is_none());
        assert!(Asked::from_flag(None).unwrap().is_none());
        let asked = Asked::from_flag(Some(" Tell me about a conflict. "))
            .unwrap()
            .unwrap();
        assert_eq!(asked.text, "Tell me about a conflict.");
    }
}
