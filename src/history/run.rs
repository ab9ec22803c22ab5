//! The history commands at the command-line edge: open the store, do the work, print.
//! Results go to standard output; notices about the store (a recovered take, a rebuilt
//! index, a missing file) go to standard error.

use std::path::Path;

use anyhow::{Context, Result};

use super::args::{
    CompareArgs, ConfigAction, ConfigArgs, DeleteArgs, ExportArgs, HistoryArgs, ImportArgs,
    ProgressArgs, ProgressFormat, SaveArgs, ShowArgs,
};
use crate::app::{emit_with_audio, write_output};
use crate::cli::Format;
use crate::report::Report;
use crate::store::{self, Saved, Store};
use crate::term::{ColorChoice, Style};
use crate::{paths, settings};

fn open_store() -> Result<Store> {
    let data = paths::data_dir()?;
    let mut store = Store::open(&data)
        .with_context(|| format!("cannot open the take store in {}", data.display()))?;
    print_notices(&mut store);
    Ok(store)
}

/// The store for a command that only reads: still opens on a read-only or full disk.
fn open_store_for_reading() -> Result<Store> {
    let data = paths::data_dir()?;
    let mut store = Store::open_for_reading(&data)
        .with_context(|| format!("cannot open the take store in {}", data.display()))?;
    print_notices(&mut store);
    Ok(store)
}

fn print_notices(store: &mut Store) {
    for n in store.take_notices() {
        eprintln!("rehearse: note: {n}");
    }
}

fn stdout_style() -> Style {
    Style::for_output(ColorChoice::Auto, true)
}

fn json_text(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).expect("a Value always serialises") + "\n"
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
            super::local_time(m.created)
        ),
    }
    Ok(())
}

fn since(s: Option<&str>) -> Result<Option<jiff::Timestamp>> {
    s.map(super::since::parse_now)
        .transpose()
        .map_err(Into::into)
}

pub fn history(args: HistoryArgs) -> Result<()> {
    let store = open_store_for_reading()?;
    let takes = super::select(
        &store,
        args.question.as_deref(),
        since(args.since.as_deref())?,
    )?;
    let targets = settings::load()?.targets;
    let text = if args.json {
        json_text(&super::history_json(&takes, &targets))
    } else {
        super::history_table(&takes, &targets)
    };
    write_output(None, &text)
}

pub fn show(args: ShowArgs) -> Result<()> {
    let store = open_store_for_reading()?;
    let take = store.resolve(&args.take)?;
    if let Some(p) = take.files.problem(&take) {
        eprintln!("rehearse: warning: {p}");
    }
    match serde_json::from_str::<Report>(&take.report_json) {
        Ok(report) => emit_with_audio(&report, &args.output, take.audio_path().as_deref()),
        // A report this version cannot read is still printable as it was stored.
        Err(_) if args.output.format == Format::Json => {
            write_output(args.output.output.as_deref(), &take.report_json)
        }
        Err(e) => Err(e).with_context(|| {
            format!(
                "take {}'s report was written by a different rehearse and cannot be rendered \
                 here; `rehearse show {} --format json` prints it as stored",
                take.meta.id, take.meta.id
            )
        }),
    }
}

pub fn compare(args: CompareArgs) -> Result<()> {
    let store = open_store_for_reading()?;
    let a = store.resolve(&args.before)?;
    let b = store.resolve(&args.after)?;
    let targets = crate::app::targets(&args.targets)?;
    let text = if args.json {
        json_text(&super::compare_json(&a, &b, &targets))
    } else {
        super::compare_text(&a, &b, &targets, &stdout_style())
    };
    write_output(None, &text)
}

pub fn progress(args: ProgressArgs) -> Result<()> {
    let format = match (args.json, args.format) {
        (true, _) => ProgressFormat::Json,
        (false, f) => f.unwrap_or(ProgressFormat::Text),
    };
    if args.open && format != ProgressFormat::Html {
        anyhow::bail!("--open shows an HTML page: add --format html");
    }
    let store = open_store_for_reading()?;
    let takes = super::select(
        &store,
        args.question.as_deref(),
        since(args.since.as_deref())?,
    )?;
    if takes.is_empty() && format != ProgressFormat::Json {
        let filtered = args.question.is_some() || args.since.is_some();
        anyhow::bail!(
            "no takes{} to show progress for: `rehearse history` lists them",
            if filtered { " match" } else { "" }
        );
    }
    let targets = crate::app::targets(&args.targets)?;
    let text = match format {
        ProgressFormat::Json => json_text(&super::progress_json(&takes, &targets)),
        ProgressFormat::Text => super::progress_text(&takes, &targets, &stdout_style()),
        ProgressFormat::Html => {
            super::html::progress_html(&takes, &targets, args.question.as_deref())
        }
    };
    if args.open {
        return crate::app::write_page(args.output.as_deref(), true, &text);
    }
    write_output(args.output.as_deref(), &text)
}

pub fn delete(args: DeleteArgs) -> Result<()> {
    let mut store = open_store()?;
    // Resolve every name first, so `delete last last~1` means the takes as they were.
    let takes = args
        .takes
        .iter()
        .map(|spec| store.resolve(spec))
        .collect::<Result<Vec<_>, _>>()?;
    for t in takes {
        store.delete(&t.meta.id)?;
        println!(
            "deleted take {} ({}{})",
            t.meta.id,
            super::local_time(t.meta.created),
            t.meta
                .question
                .as_deref()
                .map_or(String::new(), |q| format!(", {q}"))
        );
    }
    Ok(())
}

pub fn export(args: ExportArgs) -> Result<()> {
    let store = open_store_for_reading()?;
    let takes = store.list()?;
    write_output(
        args.output.as_deref(),
        &json_text(&super::export_json(&takes)),
    )
}

pub fn import(args: ImportArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let mut store = open_store()?;
    let summary = super::import(&mut store, &text)
        .with_context(|| format!("cannot import {}", args.file.display()))?;
    println!(
        "imported {} take(s), skipped {} already here",
        summary.stored.len(),
        summary.duplicates.len()
    );
    for (n, id, why) in &summary.refused {
        eprintln!(
            "rehearse: skipped take {n} of the file ({}): {}",
            crate::term::printable_line(id),
            crate::term::printable_line(why)
        );
    }
    if !summary.refused.is_empty() {
        anyhow::bail!(
            "{} of the {} takes in {} could not be imported (each is named above)",
            summary.refused.len(),
            summary.refused.len() + summary.stored.len() + summary.duplicates.len(),
            args.file.display()
        );
    }
    Ok(())
}

pub fn reindex() -> Result<()> {
    let mut store = open_store()?;
    let n = store.reindex()?;
    print_notices(&mut store);
    println!(
        "rebuilt the index {} from {n} take folder(s)",
        store.index_path().display()
    );
    Ok(())
}

pub fn config(args: ConfigArgs) -> Result<()> {
    let path = settings::path()?;
    match args.action {
        ConfigAction::Path => println!("{}", path.display()),
        ConfigAction::Show => {
            let s = settings::load_from(&path)?;
            let state = if path.exists() {
                "settings not in it are defaults"
            } else {
                "not found: these are the defaults"
            };
            println!("# {} ({state})", path.display());
            print!("{}", settings::to_toml(&s));
        }
    }
    Ok(())
}
