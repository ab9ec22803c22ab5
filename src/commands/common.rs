//! What several commands share at the edge: targets and engine settings resolved from flags
//! and the config file, the report options handed to [`crate::output`], the take store opened
//! with its notices printed, and saving an analysed take.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::{EngineArgs, Format, OutputArgs, SaveArgs, TargetArgs};
use crate::config::Targets;
use crate::output;
use crate::pipeline::EngineSettings;
use crate::report::Report;
use crate::store::{self, Saved, Store};
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
        t.fillers_per_minute_max = n;
    }
    t.validate()?;
    Ok(t)
}

pub fn engine_settings(args: &EngineArgs) -> Result<EngineSettings> {
    EngineSettings::resolve(args.model.clone(), args.threads.map(usize::from), args.beam)
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
    let data = paths::data_dir()?;
    let mut store = Store::open(&data)
        .with_context(|| format!("cannot open the take store in {}", data.display()))?;
    print_notices(&mut store);
    Ok(store)
}

pub fn print_notices(store: &mut Store) {
    for n in store.take_notices() {
        eprintln!("rehearse: note: {n}");
    }
}

/// After `analyze` printed its report: keep the take, unless told not to or already kept.
pub fn save_after_analyze(
    report: &Report,
    file: &Path,
    save: &SaveArgs,
    question: Option<&str>,
    quiet: bool,
) -> Result<()> {
    if save.no_save {
        return Ok(());
    }
    let not_saved = "the report was printed but the take was not saved (--no-save skips saving)";
    let mut store = open_store().context(not_saved)?;
    let saved =
        store::save_take(&mut store, report, file, question, save.force).context(not_saved)?;
    print_notices(&mut store);
    match saved {
        Saved::Stored(m) if !quiet => {
            eprintln!(
                "rehearse: saved as take {} (`rehearse show {}` prints it again)",
                m.id, m.id
            );
        }
        Saved::Stored(_) => {}
        Saved::Duplicate(m) => eprintln!(
            "rehearse: not saved again: this recording is already take {} from {}; \
             --force saves another take of it",
            m.id,
            history::local_time(m.created)
        ),
    }
    Ok(())
}
