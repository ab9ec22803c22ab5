//! What several commands share at the edge: targets and engine settings resolved from flags
//! and the config file, the report options handed to [`crate::output`], the take store opened
//! with its notices printed, saving an analysed take. A take from the microphone at the
//! terminal, which `record` and `practice` both make, is [`take_at_terminal`].

pub mod take_at_terminal;

use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::{EngineArgs, Format, OutputArgs, SaveArgs, TargetArgs};
use crate::config::Targets;
use crate::output;
use crate::pipeline::EngineSettings;
use crate::report::Report;
use crate::store::{self, Saved, Store};
use crate::story::coverage::TakeFacts;
use crate::story::{Library, Named};
use crate::tell;
use crate::term::printable_line;
use crate::{history, paths};

/// The targets in force: the config file's, overridden by any flags.
pub fn targets(args: &TargetArgs) -> Result<Targets> {
    let mut t = crate::settings::load()?.targets;
    if let Some(r) = args.pace {
        t.pace_wpm = r;
    }
    if let Some(r) = args.length {
        t.answer_length_s = r;
    }
    if let Some(s) = args.long_pause {
        t.long_pause_s = s;
    }
    if let Some(n) = args.max_fillers_per_minute {
        t.set_fine_filler_rate(n);
    }
    t.validate()?;
    Ok(t)
}

pub fn engine_settings(args: &EngineArgs) -> Result<EngineSettings> {
    let mut settings = EngineSettings::resolve(
        args.model.clone(),
        args.vad_model.clone(),
        args.threads.map(usize::from),
        args.beam,
    )?;
    settings.audio_fillers = !args.no_audio_fillers;
    Ok(settings)
}

pub fn format(f: Format) -> output::Format {
    match f {
        Format::Terminal => output::Format::Terminal,
        Format::Json => output::Format::Json,
        Format::Markdown => output::Format::Markdown,
        Format::Html => output::Format::Html,
    }
}

/// How the report flags say to show a report.
pub fn output_options(args: &OutputArgs) -> output::Options {
    output::Options {
        format: format(args.format),
        color: args.color,
        open: args.open,
        detail: args.detail,
    }
}

/// Show a report as the output flags say, with the HTML player on `audio`.
pub fn emit(report: &Report, args: &OutputArgs, audio: Option<&Path>) -> Result<()> {
    output::emit(report, &output_options(args), args.output.as_deref(), audio)
}

/// Pretty JSON and a newline.
pub fn json_text(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).expect("a Value always serialises") + "\n"
}

pub fn open_store() -> Result<Store> {
    open_store_with(Store::open)
}

/// The take store in the data dir, opened by `open`, with its notices printed.
fn open_store_with(open: fn(&Path) -> Result<Store, store::StoreError>) -> Result<Store> {
    let data = paths::data_dir()?;
    let mut store =
        open(&data).with_context(|| format!("cannot open the take store in {}", data.display()))?;
    print_notices(&mut store);
    Ok(store)
}

/// What story coverage and practice weighting read of every stored take (question, time,
/// story score), from the take store opened as by [`open_store`].
pub fn stored_take_facts() -> Result<Vec<TakeFacts>> {
    Ok(open_store()?
        .list()?
        .iter()
        .map(|t| {
            TakeFacts::from_report(
                t.meta.created,
                t.meta.question.as_deref(),
                &t.report_value(),
            )
        })
        .collect())
}

/// The store for a command that only reads: it still opens on a read-only or full disk.
pub fn open_store_for_reading() -> Result<Store> {
    open_store_with(Store::open_for_reading)
}

pub fn print_notices(store: &mut Store) {
    for n in store.take_notices() {
        tell!("rehearse: note: {}", printable_line(&n));
    }
}

/// Print a command's result on standard output. Unlike `println!`, a closed stdout (`| head`)
/// is an error returned to `main`, which ends quietly, not a panic.
pub fn say(text: &str) -> Result<()> {
    output::write_output(None, text)
}

/// Keep the take (unless `--no-save`); returns the line to tell the user, if any. Commands
/// call this *before* writing the report, so a report that cannot be written (a closed pipe,
/// a full disk) never costs the take.
pub fn save_analyzed(
    report: &Report,
    file: &Path,
    save: &SaveArgs,
    question: Option<&str>,
    quiet: bool,
) -> Result<Option<String>> {
    if save.no_save {
        return Ok(None);
    }
    let not_saved = "the take was not saved (--no-save skips saving)";
    let mut store = open_store().context(not_saved)?;
    let saved =
        store::save_take(&mut store, report, file, question, save.force).context(not_saved)?;
    print_notices(&mut store);
    Ok(match saved {
        Saved::Stored(m) if !quiet => Some(format!(
            "rehearse: saved as take {} (`rehearse show {}` prints it again)",
            m.id, m.id
        )),
        Saved::Stored(_) => None,
        Saved::Finished(m) => Some(format!(
            "rehearse: take {} (recorded {}, not analysed until now) has its report \
             (`rehearse show {}` prints it again)",
            m.id,
            history::local_time(m.created),
            m.id
        )),
        Saved::Duplicate(m) => Some(format!(
            "rehearse: not saved again: this recording is already take {} from {}; \
             --force saves another take of it",
            m.id,
            history::local_time(m.created)
        )),
    })
}

/// Whether an error is a closed standard output (`| head` exited): not a failure of the
/// command, but nothing more should be written there.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The story named by `--story`, read and checked before any slow work.
pub fn load_story(name: &str) -> Result<Named> {
    let library = Library::new(&paths::data_dir()?);
    Ok(library.get(name)?)
}
