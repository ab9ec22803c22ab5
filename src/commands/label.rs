//! `rehearse retag`, `note` and `tag`: correcting and labelling a saved take. Only the take's
//! metadata changes (and, for `retag`, the question section of its report); the figures stay
//! as they were measured.

use anyhow::{bail, Context, Result};

use super::common::{open_store, say};
use crate::analyze::flags::FlagKind;
use crate::analyze::questions::{self, Asked};
use crate::cli::history::{NoteArgs, RetagArgs, TagArgs};
use crate::report::{self, Report};
use crate::store::StoredTake;
use crate::tell;
use crate::term::printable_line;
use crate::transcribe::Word;

pub fn retag(args: RetagArgs) -> Result<()> {
    let mut store = open_store()?;
    let take = store.resolve(&args.take)?;
    let asked = Asked::from_flag(args.question.as_deref())?;
    if !take.analysed() {
        // No report to check yet: the question is kept for the analysis.
        let mut meta = take.meta.clone();
        meta.question = asked.as_ref().map(|a| a.text.clone());
        store.update(&meta, None)?;
        return say(&format!(
            "take {} now answers {} (not analysed yet: `rehearse reanalyze {}` checks it)\n",
            meta.id,
            meta.question.as_deref().unwrap_or("no particular question"),
            meta.id
        ));
    }
    let mut report: Report = serde_json::from_str(&take.report_json).with_context(|| {
        format!(
            "take {}'s report was written by a different rehearse; its question cannot be changed here",
            take.meta.id
        )
    })?;
    // The question's checks and the off-topic flag follow the new question; every other
    // figure stays as measured.
    let words: Vec<Word> = report
        .transcript
        .words
        .iter()
        .map(|w| Word::new(w.text.clone(), w.start_s, w.end_s).with_confidence(w.confidence))
        .collect();
    report.flags.retain(|f| f.kind != FlagKind::OffTopic);
    let question = asked.as_ref().map(|a| {
        let evidence = questions::Evidence {
            words: &words,
            star: &report.star,
            flags: &report.flags,
        };
        let q = questions::report(a, &evidence);
        let off_topic = questions::off_topic_flag(&q, &evidence);
        (q, off_topic)
    });
    report.question = question.map(|(q, off_topic)| {
        report.flags.extend(off_topic);
        q
    });
    let mut meta = take.meta.clone();
    meta.question = asked.as_ref().map(|a| a.text.clone());
    store.update(&meta, Some(&report::json::render(&report)))?;
    say(&match &report.question {
        Some(q) => format!(
            "take {} now answers: {}{}\n",
            meta.id,
            q.id.as_deref()
                .map_or(String::new(), |id| format!("[{}] ", printable_line(id))),
            printable_line(&q.text)
        ),
        None => format!("take {} now answers no particular question\n", meta.id),
    })
}

pub fn note(args: NoteArgs) -> Result<()> {
    let mut store = open_store()?;
    let take = store.resolve(&args.take)?;
    let new = match (args.text, args.clear) {
        (_, true) => None,
        (Some(text), false) => Some(one_line(&text)?),
        (None, false) => {
            return match &take.meta.note {
                Some(n) => say(&format!("{}\n", printable_line(n))),
                None => {
                    tell!("rehearse: take {} has no note", take.meta.id);
                    Ok(())
                }
            };
        }
    };
    let mut meta = take.meta.clone();
    meta.note = new;
    store.update(&meta, None)?;
    say(&format!("{}\n", describe(&meta.id, &meta.note, &meta.tags)))
}

pub fn tag(args: TagArgs) -> Result<()> {
    let mut store = open_store()?;
    let take: StoredTake = store.resolve(&args.take)?;
    let mut meta = take.meta.clone();
    for tag in &args.tags {
        let tag = one_line(tag)?;
        if args.remove {
            meta.tags.retain(|t| *t != tag);
        } else if !meta.tags.contains(&tag) {
            meta.tags.push(tag);
        }
    }
    store.update(&meta, None)?;
    say(&format!("{}\n", describe(&meta.id, &meta.note, &meta.tags)))
}

/// A note or tag is one line of text: trimmed, not empty, no control characters.
fn one_line(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        bail!("an empty note or tag: give some text (or --clear to remove a note)");
    }
    if text.chars().any(char::is_control) {
        bail!("a note or tag is one line of plain text (no line breaks or control characters)");
    }
    Ok(text.to_string())
}

fn describe(id: &str, note: &Option<String>, tags: &[String]) -> String {
    format!(
        "take {id}: tags {}; note {}",
        if tags.is_empty() {
            "none".to_string()
        } else {
            printable_line(&tags.join(", ")).into_owned()
        },
        note.as_deref()
            .map_or("none".to_string(), |n| format!("\"{}\"", printable_line(n)))
    )
}
