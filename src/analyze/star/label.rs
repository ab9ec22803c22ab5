//! Labelling sentences Situation / Task / Action / Result / none.
//!
//! Each sentence gets a score per part from what it says: cue phrases ("my goal was", "as a
//! result"), who does what in which tense ("I traced" is a step, "we were fully booked" a
//! state), amounts, and where it sits in the answer. Then the labels for the whole answer are
//! chosen together (a Viterbi pass), with a preference for the usual S -> T -> A -> R order, so
//! a neutral sentence takes its label from its neighbours rather than from a coin toss.
//! Every label keeps the cues that won it, so the report can say why.

use super::lexicon::{
    Cue, ADVERBS, CUES, IRREGULAR_PAST, I_FORMS, OPENERS, OTHER_SUBJECTS, ROLE_PRESENT,
    STATIVE_PAST, SUBORDINATORS, WE_FORMS,
};
use super::quantity;
use super::Part;
use crate::analyze::fillers::{filled_pause, find as find_fillers};
use crate::analyze::sentences::Sentence;
use crate::analyze::tokens::Token;
use crate::transcribe::Word;

/// Parts in score order.
pub const PARTS: [Part; 5] = [
    Part::Situation,
    Part::Task,
    Part::Action,
    Part::Result,
    Part::Other,
];
const OTHER: usize = 4;
/// Score every sentence starts from: a sentence with no cue at all is most likely a step.
const PRIOR: [f64; 5] = [0.0, -0.5, 0.3, -0.3, -1.2];
/// Order preference between consecutive story parts (rows: previous part, or the start of
/// the answer; columns: this part). "none" sentences are transparent.
const TRANSITION: [[f64; 4]; 5] = [
    [0.5, 0.5, 0.3, -0.6],   // after S
    [-0.5, -0.5, 1.0, -0.5], // after T
    [-1.5, -1.0, 0.8, 0.5],  // after A
    [-1.5, -1.5, -0.8, 0.8], // after R
    [0.5, 0.0, -0.5, -1.0],  // at the start
];
/// Preference for how the story ends (the last story part; index 4: no story at all).
const ENDING: [f64; 5] = [-1.0, -1.0, 0.0, 0.3, -2.0];

/// One sentence's label and the cues behind it, strongest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub part: Part,
    pub cues: Vec<String>,
    /// The rules' score for each part, in [`PARTS`] order (before the order preferences).
    pub scores: [f64; 5],
    /// The cues behind each part's score, strongest first, in [`PARTS`] order.
    pub cues_by_part: [Vec<String>; 5],
}

/// Label every sentence of an answer. `toks` are the tokens of all of `words`.
pub fn label(words: &[Word], toks: &[Token], sentences: &[Sentence]) -> Vec<Labelled> {
    let skip = disfluencies(words, toks);
    let views: Vec<View> = sentences
        .iter()
        .map(|s| View::new(words, toks, &skip, s))
        .collect();
    let mut scores: Vec<Scores> = views
        .iter()
        .enumerate()
        .map(|(i, v)| score(v, relative_position(i, views.len())))
        .collect();
    mark_tangents(&views, &mut scores);
    let parts = decode(&scores);
    parts
        .into_iter()
        .zip(scores)
        .map(|(p, s)| {
            let cues_by_part = s.why.map(|mut why| {
                why.sort_by(|a, b| b.1.total_cmp(&a.1));
                why.into_iter().map(|(c, _)| c).collect::<Vec<_>>()
            });
            Labelled {
                part: PARTS[p],
                cues: cues_by_part[p].clone(),
                scores: s.score,
                cues_by_part,
            }
        })
        .collect()
}

/// Words a listener hears past: fillers in context ("like,", "you know", "kind of") and a
/// word said twice in a row ("I I", "the the"). A transcript with or without them reads the
/// same to the rules.
fn disfluencies(words: &[Word], toks: &[Token]) -> Vec<bool> {
    let mut skip = vec![false; words.len()];
    for e in find_fillers(words) {
        for s in skip.iter_mut().skip(e.word_index).take(e.word_count.max(1)) {
            *s = true;
        }
    }
    for i in 1..toks.len() {
        if !toks[i].norm.is_empty() && toks[i].norm == toks[i - 1].norm && !toks[i - 1].comma_after
        {
            skip[i - 1] = true;
        }
    }
    skip
}

fn relative_position(i: usize, n: usize) -> f64 {
    if n > 1 {
        i as f64 / (n - 1) as f64
    } else {
        0.5
    }
}

/// A sentence as the rules read it: bare lower-case words, hesitations left out.
struct View<'a> {
    norms: Vec<&'a str>,
    raw: Vec<&'a str>,
    /// The word starts a clause (first word, or after a comma).
    clause_start: Vec<bool>,
    question: bool,
}

impl<'a> View<'a> {
    fn new(words: &'a [Word], toks: &'a [Token], skip: &[bool], s: &Sentence) -> Self {
        let mut v = View {
            norms: Vec::new(),
            raw: Vec::new(),
            clause_start: Vec::new(),
            question: false,
        };
        let mut boundary = true;
        let range = s.word_start..s.word_end;
        for ((t, w), &skipped) in toks[range.clone()]
            .iter()
            .zip(&words[range.clone()])
            .zip(&skip[range])
        {
            v.question = t.question_after;
            if t.norm.is_empty() || filled_pause(&t.norm).is_some() || skipped {
                boundary |= t.comma_after;
                continue;
            }
            v.norms.push(&t.norm);
            v.raw.push(w.text.trim());
            v.clause_start.push(boundary);
            boundary = t.comma_after;
        }
        v
    }

    fn len(&self) -> usize {
        self.norms.len()
    }

    /// Positions where a `^` cue may start: each clause start and the words after its openers.
    fn anchors(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for start in (0..self.len()).filter(|&i| self.clause_start[i]) {
            let mut k = start;
            out.push(k);
            while k + 1 < self.len() && OPENERS.contains(&self.norms[k]) {
                k += 1;
                out.push(k);
            }
        }
        out
    }

    fn matches_at(&self, at: usize, phrase: &[&str]) -> bool {
        at + phrase.len() <= self.len()
            && phrase
                .iter()
                .zip(&self.norms[at..])
                .all(|(p, w)| *p == "*" || p == w)
    }

    /// The word `i` is in a subordinate clause ("when I joined", "because they never
    /// listened", "the moment I realised I'd ..."): one opens between the last comma and it.
    fn subordinate(&self, i: usize) -> bool {
        let start = (0..=i).rev().find(|&k| self.clause_start[k]).unwrap_or(0);
        (start..i).any(|k| SUBORDINATORS.contains(&self.norms[k]))
    }

    /// The next word after `i` that is not an adverb ("I also quickly asked" -> "asked").
    fn verb_after(&self, i: usize) -> Option<usize> {
        (i + 1..self.len()).find(|&k| !ADVERBS.contains(&self.norms[k]))
    }
}

/// Scores per part (in [`PARTS`] order), with the cues that added to each.
#[derive(Debug, Clone, Default)]
struct Scores {
    score: [f64; 5],
    why: [Vec<(String, f64)>; 5],
}

impl Scores {
    fn add(&mut self, part: Part, weight: f64, why: impl Into<String>) {
        let p = index(part);
        self.score[p] += weight;
        if weight > 0.0 {
            self.why[p].push((why.into(), weight));
        }
    }
}

fn index(part: Part) -> usize {
    PARTS.iter().position(|&p| p == part).expect("every part")
}

fn score(v: &View, r: f64) -> Scores {
    let mut s = Scores {
        score: PRIOR,
        ..Scores::default()
    };
    cues(v, &mut s);
    let verbs = verbs(v, &mut s);
    if quantity::has_amount(&v.raw, &v.norms) {
        s.add(Part::Result, 0.3 + 1.2 * r, "a number");
    }
    let aside = !s.why[OTHER].is_empty();
    if verbs == 0 && !aside {
        // No one in the story does anything: a description early, an outcome late.
        s.add(
            Part::Situation,
            0.8 * (1.0 - r),
            "describes how things were",
        );
        s.add(Part::Result, 1.0 * r, "describes how things ended");
        if v.len() <= 6 {
            s.add(Part::Other, 1.5, "short aside");
        }
    }
    if r == 1.0 && s.why[index(Part::Result)].is_empty() {
        s.add(Part::Other, 1.0, "a closing remark with no outcome in it");
    }
    if v.question {
        s.add(Part::Other, 1.0, "a question");
    }
    s.add(Part::Situation, 1.0 * (1.0 - r).powi(2), "opens the answer");
    s.add(Part::Result, 1.0 * r.powi(2), "closes the answer");
    s
}

fn cues(v: &View, s: &mut Scores) {
    let anchors = v.anchors();
    for Cue {
        phrase,
        part,
        weight,
    } in CUES
    {
        let (anchored, body) = match phrase.strip_prefix('^') {
            Some(rest) => (true, rest),
            None => (false, *phrase),
        };
        let words: Vec<&str> = body.split(' ').collect();
        let hit = if anchored {
            anchors.iter().any(|&a| v.matches_at(a, &words))
        } else {
            (0..v.len()).any(|a| v.matches_at(a, &words))
        };
        if hit {
            s.add(*part, *weight, format!("\"{body}\""));
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Subject {
    I,
    We,
    Other,
}

/// Who does what, in which tense. Returns how many subject-verb pairs were read.
fn verbs(v: &View, s: &mut Scores) -> usize {
    let mut found = 0;
    let mut action = 0.0;
    let mut action_why = String::new();
    for i in 0..v.len() {
        let w = v.norms[i];
        let subject = if I_FORMS.contains(&w) {
            Subject::I
        } else if WE_FORMS.contains(&w) {
            Subject::We
        } else if OTHER_SUBJECTS.contains(&w) {
            Subject::Other
        } else {
            continue;
        };
        let Some(k) = v.verb_after(i) else { continue };
        let main = if v.subordinate(i) { 0.4 } else { 1.0 };
        let verb = v.norms[k];
        let next = v.norms.get(k + 1).copied().unwrap_or("");
        found += 1;
        match (w, verb) {
            ("i'd" | "we'd" | "he'd" | "she'd" | "they'd", _) => {
                if verb == "been" || participle(verb) {
                    s.add(Part::Situation, 1.0 * main, "past perfect");
                } else {
                    s.add(Part::Action, 0.8 * main, "what I would do");
                }
            }
            ("i've" | "we've", "been") if next.ends_with("ing") => {
                s.add(Part::Action, 1.5 * main, "what I have been doing");
            }
            ("i've" | "we've", _) if participle(verb) => found -= 1, // see present_perfect
            ("i'm" | "we're", _) => s.add(Part::Situation, 0.5 * main, "present state"),
            (_, "was" | "were") => {
                if next.ends_with("ing") && next != "going" {
                    s.add(Part::Situation, 1.2 * main, "past continuous");
                } else {
                    s.add(Part::Situation, 1.0 * main, "\"was\": a description");
                }
            }
            (_, "had") if next == "to" => found -= 1, // "had to": a Task cue
            (_, "had") => s.add(Part::Situation, 0.8 * main, "\"had\""),
            (_, "ended") if next == "up" => found -= 1, // "ended up": a Result cue
            (_, "kept") if next.ends_with("ing") => {
                s.add(Part::Situation, 1.0 * main, "a habit: \"kept ...ing\"");
            }
            (_, "didn't") if subject == Subject::Other => {
                s.add(Part::Situation, 0.8 * main, "what others didn't do");
            }
            // "looked at the logs" is a step; "looked like a mess" a description.
            _ if action_verb(verb) || verb == "looked" && LOOKED_AS_ACTION.contains(&next) => {
                let weight = match subject {
                    Subject::I => 2.0,
                    Subject::We => 1.8,
                    Subject::Other => 1.0,
                } * main;
                if weight > action {
                    action_why = format!("\"{w} {verb}\": a step taken");
                }
                action += weight;
            }
            _ if STATIVE_PAST.contains(&verb) && !matches!(verb, "needed" | "wanted") => {
                s.add(Part::Situation, 0.7 * main, "a state of mind");
            }
            _ if subject != Subject::Other && ROLE_PRESENT.contains(&verb) => {
                s.add(Part::Situation, 0.8 * main, "present role or habit");
            }
            _ => found -= 1,
        }
    }
    if action > 0.0 {
        s.add(Part::Action, action.min(3.0), action_why);
    }
    if present_perfect(v) {
        s.add(Part::Result, 1.0, "present perfect: a lasting change");
        found += 1;
    }
    found
}

/// "has since been promoted", "it's helped", "I haven't missed": a change that lasts.
fn present_perfect(v: &View) -> bool {
    (0..v.len()).any(|i| {
        matches!(
            v.norms[i],
            "has" | "have" | "hasn't" | "haven't" | "it's" | "that's" | "i've" | "we've"
        ) && v.verb_after(i).is_some_and(|k| match v.norms[k] {
            // "has been promoted" is a change; "has been hard" a state.
            "been" => v.norms.get(k + 1).is_some_and(|n| action_verb(n)),
            verb => participle(verb),
        })
    })
}

/// Words after "looked" that make it a step rather than a description.
const LOOKED_AS_ACTION: &[&str] = &[
    "at", "into", "for", "through", "over", "up", "around", "back",
];

/// A past-tense verb of doing: regular "-ed" (not a state like "needed") or irregular.
fn action_verb(w: &str) -> bool {
    if STATIVE_PAST.contains(&w) {
        return false;
    }
    IRREGULAR_PAST.contains(&w) || (w.len() > 3 && w.ends_with("ed"))
}

fn participle(w: &str) -> bool {
    action_verb(w)
        || matches!(
            w,
            "been"
                | "done"
                | "gone"
                | "taken"
                | "given"
                | "written"
                | "seen"
                | "spoken"
                | "known"
                | "had"
                | "missed"
                | "become"
                | "grown"
                | "shown"
        )
}

/// "Anyway," marks the end of a tangent: the sentence before it was one.
fn mark_tangents(views: &[View], scores: &mut [Scores]) {
    for i in 2..views.len() {
        if views[i].norms.first() == Some(&"anyway") {
            scores[i - 1].add(Part::Other, 2.0, "a tangent (followed by \"anyway\")");
        }
    }
}

/// The best label sequence: emission scores plus order preferences, by dynamic programming
/// over (label, last story part) states.
fn decode(scores: &[Scores]) -> Vec<usize> {
    const START: usize = 4;
    let n = scores.len();
    if n == 0 {
        return Vec::new();
    }
    // best[i][label][last]: score of the best path ending there; back-pointers alongside.
    let mut best = vec![[[f64::NEG_INFINITY; 5]; 5]; n];
    let mut back = vec![[[(0usize, 0usize); 5]; 5]; n];
    for (l, &e) in scores[0].score.iter().enumerate() {
        if l == OTHER {
            best[0][l][START] = e;
        } else {
            best[0][l][l] = e + TRANSITION[START][l];
        }
    }
    for i in 1..n {
        for pl in 0..5 {
            for plast in 0..5 {
                let prev = best[i - 1][pl][plast];
                if prev == f64::NEG_INFINITY {
                    continue;
                }
                for (l, &e) in scores[i].score.iter().enumerate() {
                    let (last, step) = if l == OTHER {
                        (plast, 0.0)
                    } else {
                        (l, TRANSITION[plast][l])
                    };
                    let total = prev + step + e;
                    if total > best[i][l][last] {
                        best[i][l][last] = total;
                        back[i][l][last] = (pl, plast);
                    }
                }
            }
        }
    }
    let mut state = (0, 0);
    let mut top = f64::NEG_INFINITY;
    for (l, by_last) in best[n - 1].iter().enumerate() {
        for (last, &score) in by_last.iter().enumerate() {
            let total = score + ENDING[last];
            if total > top {
                top = total;
                state = (l, last);
            }
        }
    }
    let mut out = vec![0; n];
    for i in (0..n).rev() {
        out[i] = state.0;
        if i > 0 {
            state = back[i][state.0][state.1];
        }
    }
    out
}
