//! The mock interview's plan: which questions to ask, which story each one calls for, and the
//! session id that groups the takes. The command (`rehearse practice`) asks, records and
//! analyses; this module only decides.
//!
//! Questions are drawn from the bank without repeats, each kind's chance proportional to its
//! weight ([`crate::story::coverage::practice_weights`]: kinds with no story weigh 3, kinds
//! whose latest take was weak 2, the rest 1), so a session goes where the preparation is thin.

use std::collections::BTreeMap;

use crate::analyze::questions::{self, Question};
use crate::story::Named;

/// Draw `n` distinct bank questions, each with probability proportional to its weight among
/// those not yet drawn. Kinds missing from `weights` weigh 1.
pub fn pick_questions(
    weights: &BTreeMap<String, u32>,
    n: usize,
    rng: &mut fastrand::Rng,
) -> Vec<&'static Question> {
    let mut pool: Vec<(&'static Question, u32)> = questions::BANK
        .iter()
        .map(|q| (q, weights.get(q.id).copied().unwrap_or(1).max(1)))
        .collect();
    let mut out = Vec::new();
    while out.len() < n && !pool.is_empty() {
        let total: u32 = pool.iter().map(|(_, w)| w).sum();
        let mut roll = rng.u32(0..total);
        let mut chosen = 0;
        for (i, (_, w)) in pool.iter().enumerate() {
            if roll < *w {
                chosen = i;
                break;
            }
            roll -= w;
        }
        out.push(pool.remove(chosen).0);
    }
    out
}

/// The story to tell for a question kind: the one that lists the kind earliest among its
/// kinds (a story's first kind is what it is best at), then by name.
pub fn story_for<'a>(kind: &str, stories: &'a [Named]) -> Option<&'a Named> {
    stories
        .iter()
        .filter_map(|s| {
            s.story
                .kinds
                .iter()
                .position(|k| k == kind)
                .map(|pos| (pos, s))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)))
        .map(|(_, s)| s)
}

/// A fresh session id: 8 hex digits from the time and the process.
pub fn new_session_id() -> String {
    let now = jiff::Timestamp::now();
    crate::store::take::new_id("session", now, std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::format::parse;

    #[test]
    fn questions_are_distinct_and_favour_heavy_kinds() {
        let mut weights = BTreeMap::new();
        weights.insert("conflict".to_string(), 30);
        let mut rng = fastrand::Rng::with_seed(7);
        let mut conflict_first = 0;
        for _ in 0..200 {
            let qs = pick_questions(&weights, 3, &mut rng);
            assert_eq!(qs.len(), 3);
            assert!(qs[0].id != qs[1].id && qs[1].id != qs[2].id && qs[0].id != qs[2].id);
            conflict_first += usize::from(qs[0].id == "conflict");
        }
        // Weight 30 of 44 in all: about 68% of first draws.
        assert!((110..=160).contains(&conflict_first), "{conflict_first}");
        let all = pick_questions(&BTreeMap::new(), 100, &mut rng);
        assert_eq!(all.len(), questions::BANK.len());
    }

    #[test]
    fn the_story_that_lists_a_kind_first_is_chosen() {
        let named = |name: &str, kinds: &str| Named {
            name: name.into(),
            story: parse(&format!("# {name}\nAnswers: {kinds}\n## Task\n- x\n")).unwrap(),
        };
        let stories = [
            named("a", "leadership, conflict"),
            named("b", "conflict"),
            named("c", "deadline"),
        ];
        assert_eq!(story_for("conflict", &stories).unwrap().name, "b");
        assert_eq!(story_for("leadership", &stories).unwrap().name, "a");
        assert!(story_for("failure", &stories).is_none());
        let id = new_session_id();
        assert!(crate::store::take::is_take_id(&id), "{id}");
    }
}
