//! The question bank: common behavioural interview questions, what a strong answer to each
//! contains, and checks that only make sense for that question (a weakness answer must name
//! a real weakness; a mistake answer must own it and draw a lesson).
//!
//! A take can be tied to a bank question by id (`--question weakness`) or to any question
//! by its text; free text that clearly asks a bank question gets that question's checks.

use serde::{Deserialize, Serialize};

use crate::analyze::flags::{Flag, FlagKind};
use crate::analyze::star::{Part, StarAnalysis};

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
    pub passed: bool,
    pub message: String,
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

pub fn report(asked: &Asked, star: &StarAnalysis, flags: &[Flag]) -> QuestionReport {
    let q = asked.question;
    QuestionReport {
        id: q.map(|q| q.id.to_string()),
        text: asked.text.clone(),
        source: if asked.from_bank { "bank" } else { "free_text" }.into(),
        strong_answer: q
            .map(|q| q.strong_answer.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
        checks: q
            .map(|q| q.checks.iter().map(|&c| run(c, star, flags)).collect())
            .unwrap_or_default(),
    }
}

fn run(check: Check, star: &StarAnalysis, flags: &[Flag]) -> CheckResult {
    let flagged = |k: FlagKind| flags.iter().any(|f| f.kind == k);
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
    let (passed, yes, no) = match check {
        NamesRealWeakness => (
            !flagged(FlagKind::NoWeakness),
            "Names a real weakness.",
            "Name a real weakness, not a strength in disguise, and show how it affects your work.",
        ),
        SaysWhatYouDo => (
            star.action.present,
            "Says what you did about it.",
            "Say what you do about it: the concrete steps you take.",
        ),
        OwnsIt => (
            !flagged(FlagKind::Blame),
            "Owns the story without blaming others.",
            "Take out the blame: describe others neutrally and focus on what you did.",
        ),
        LessonLearned => (
            LESSON_WORDS
                .iter()
                .any(|w| text_of(Part::Result).contains(w)),
            "Ends with a lesson or a lasting change.",
            "End with what you learned and what you do differently since.",
        ),
        HasOutcome => (
            star.result.present,
            "Says how it ended.",
            "Say how it ended: what changed because of what you did.",
        ),
        QuantifiedResult => (
            star.result_quantified,
            "The result has a number.",
            "Put a number on the result: a percentage, time or money saved, a count.",
        ),
        OwnContribution => (
            star.action.present && star.i_we_ratio.is_none_or(|r| r >= 0.5),
            "Your own part is clear (\"I\", not only \"we\").",
            "Make your own part clear: say \"I\" for what you did.",
        ),
        ExplainsGapBriefly => (
            star.situation.present && star.situation.word_share <= 0.4,
            "Explains the gap briefly.",
            "Explain the gap in a sentence or two, then move on to what you did during it.",
        ),
        ConnectsToCompany => (
            COMPANY_WORDS.iter().any(|w| all_text.contains(w)),
            "Speaks to this company or role.",
            "Say what draws you to this company or role specifically.",
        ),
    };
    CheckResult {
        check,
        passed,
        message: if passed { yes } else { no }.to_string(),
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
