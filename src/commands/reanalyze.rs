//! `rehearse reanalyze`: a stored take analysed again from the audio the history keeps. It
//! finishes a take whose analysis was interrupted (recorded, then Ctrl-C), and re-measures an
//! analysed one (another model, changed targets). The take keeps its id, question, note, tags
//! and session; only its report is replaced.

use anyhow::{anyhow, Context, Result};

use super::common::{
    emit, engine_settings, load_story, open_store, output_options, print_notices, targets,
};
use crate::analyze::questions::{self, Asked};
use crate::cli::history::ReanalyzeArgs;
use crate::output::{self, progress_bar};
use crate::pipeline::Pipeline;
use crate::report;
use crate::store::{FileState, StoredTake};
use crate::tell;
use crate::term::printable_line;

pub fn reanalyze(args: ReanalyzeArgs) -> Result<()> {
    output::check(&output_options(&args.output))?;
    let targets = targets(&args.targets)?;
    let engine = engine_settings(&args.engine)?;
    let quiet = args.output.quiet;
    let mut store = open_store()?;
    let take = store.resolve(&args.take)?;
    let id = take.meta.id.clone();
    let audio = match (take.files, take.audio_path()) {
        (FileState::Ok, Some(audio)) => audio,
        (FileState::NoAudio, _) | (_, None) => {
            return Err(anyhow!(
                "take {id} has no audio in the history (imported takes carry none), so it \
                 cannot be analysed again"
            ))
        }
        (state, _) => {
            return Err(anyhow!(
                "{}",
                state
                    .problem(&take)
                    .unwrap_or_else(|| format!("take {id}'s audio cannot be found"))
            ))
        }
    };
    let story_name = args.story.clone().or_else(|| previous_story(&take));
    let story = story_name.as_deref().map(load_story).transpose()?;
    let mut pipeline = Pipeline::new(engine, targets, Box::new(move || progress_bar(quiet)));
    pipeline.question = stored_question(&take);
    let mut report = pipeline
        .analyze_file(&audio)
        .with_context(|| format!("take {id} could not be analysed"))?;
    if let Some(s) = &story {
        report.story = Some(report::story::check(&s.name, &s.story, &report));
    }
    store
        .attach_report(
            &id,
            &report::json::render(&report),
            &report.model.path,
            report.audio.duration_s,
        )
        .with_context(|| format!("take {id}'s new report could not be stored"))?;
    print_notices(&mut store);
    if !quiet {
        tell!(
            "rehearse: take {id} {} (`rehearse show {id}` prints it again)",
            if take.analysed() {
                "analysed again; its report is replaced"
            } else {
                "is analysed"
            }
        );
    }
    emit(&report, &args.output, Some(&audio))
}

/// The question the take answers, as it was asked: its bank question when it had one.
fn stored_question(take: &StoredTake) -> Option<Asked> {
    let text = take.meta.question.as_deref()?.trim();
    let reported_id = take.report_value()["question"]["id"]
        .as_str()
        .map(str::to_string);
    let bank = reported_id
        .as_deref()
        .and_then(questions::by_id)
        .or_else(|| questions::BANK.iter().find(|q| q.text == text));
    Some(Asked {
        text: text.to_string(),
        question: bank.or_else(|| questions::match_text(text)),
        from_bank: bank.is_some(),
    })
}

/// The story the take's last report was checked against.
fn previous_story(take: &StoredTake) -> Option<String> {
    let name = take.report_value()["story"]["name"].as_str()?.to_string();
    (!name.is_empty()).then(|| printable_line(&name).into_owned())
}
