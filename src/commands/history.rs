//! `rehearse history`, `show`, `compare` and `progress`: the stored takes read back. The views
//! themselves (tables, trends, JSON) are in [`crate::history`]; these open the store and print.
//! Results go to standard output; notices about the store (a recovered take, a rebuilt index,
//! a missing file) go to standard error.

use anyhow::{Context, Result};

use super::common::{emit, json_text, open_store_for_reading, targets};
use crate::cli::history::{CompareArgs, HistoryArgs, ProgressArgs, ProgressFormat, ShowArgs};
use crate::cli::Format;
use crate::history;
use crate::output::{self, write_output};
use crate::report::Report;
use crate::settings;
use crate::tell;
use crate::term::{printable_line, printable_styled, ColorChoice, Style};

fn stdout_style() -> Style {
    Style::for_output(ColorChoice::Auto, true)
}

fn since(s: Option<&str>) -> Result<Option<jiff::Timestamp>> {
    s.map(history::since::parse_now)
        .transpose()
        .map_err(Into::into)
}

pub fn history(args: HistoryArgs) -> Result<()> {
    let store = open_store_for_reading()?;
    let mut takes = history::select(
        &store,
        args.question.as_deref(),
        since(args.since.as_deref())?,
    )?;
    if let Some(session) = &args.session {
        takes.retain(|t| t.meta.session.as_deref() == Some(session.trim()));
    }
    takes.retain(|t| history::has_tags(t, &args.tag));
    let hidden = history::hide_untracked(&mut takes, args.all);
    let targets = settings::load()?.targets;
    let disk = store.disk_use();
    let all = store.list()?.len();
    let text = if args.json {
        let mut v = history::history_json(&takes, &targets);
        v["hidden"] = serde_json::json!(hidden);
        v["disk"] = serde_json::json!({
            "history_dir": disk.history_dir,
            "history_bytes": disk.history_bytes,
            "takes": all,
            "recordings_dir": disk.recordings_dir,
            "recordings": disk.recordings,
            "recordings_bytes": disk.recordings_bytes,
        });
        json_text(&v)
    } else {
        let table = history::history_table(&takes, &targets);
        let footer = history::disk_use_text(&disk, all);
        let hidden = history::hidden_text(hidden);
        printable_styled(&format!("{table}{hidden}{footer}")).into_owned()
    };
    write_output(None, &text)
}

pub fn show(args: ShowArgs) -> Result<()> {
    let store = open_store_for_reading()?;
    let take = store.resolve(&args.take)?;
    if let Some(p) = take.files.problem(&take) {
        tell!("rehearse: warning: {}", printable_line(&p));
    }
    if !take.analysed() {
        anyhow::bail!(
            "{}{}",
            history::not_analysed(&take),
            take.audio_path()
                .map_or(String::new(), |a| format!("; its audio is {}", a.display()))
        );
    }
    match serde_json::from_str::<Report>(&take.report_json) {
        Ok(report) => emit(&report, &args.output, take.audio_path().as_deref()),
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
    let counts = |t: &crate::store::StoredTake| args.all || history::worth_tracking(t);
    // `last~N` counts over the tracked takes only: when it runs past them, the hidden ones
    // are what `--all` would add.
    let resolve = |spec: &str| {
        store.resolve_counting(spec, counts).or_else(|e| {
            let hidden = if args.all || !spec.trim().starts_with("last") {
                0
            } else {
                store.list()?.iter().filter(|t| !counts(t)).count()
            };
            match e {
                crate::store::StoreError::NotFound(_) if hidden > 0 => Err(anyhow::anyhow!(
                    "no take matches {:?} among the takes `rehearse history` shows ({hidden} \
                     without speech or a trustworthy transcript {are} hidden): add --all to \
                     count {them}",
                    spec.trim(),
                    are = if hidden == 1 { "is" } else { "are" },
                    them = if hidden == 1 { "it" } else { "them" },
                )),
                e => Err(e.into()),
            }
        })
    };
    let a = resolve(&args.before)?;
    let b = resolve(&args.after)?;
    if a.meta.id == b.meta.id {
        tell!(
            "rehearse: warning: both name take {}, so nothing can differ; compare two takes, \
             e.g. `rehearse compare last~1 last`",
            a.meta.id
        );
    }
    let targets = targets(&args.targets)?;
    let text = if args.json {
        json_text(&history::compare_json(&a, &b, &targets))
    } else {
        printable_styled(&history::compare_text(&a, &b, &targets, &stdout_style())).into_owned()
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
    let mut takes = history::select(
        &store,
        args.question.as_deref(),
        since(args.since.as_deref())?,
    )?;
    let hidden = history::hide_untracked(&mut takes, args.all);
    if takes.is_empty() && format != ProgressFormat::Json {
        let filtered = args.question.is_some() || args.since.is_some();
        anyhow::bail!(
            "no takes{} to show progress for{}: `rehearse history{}` lists them",
            if filtered { " match" } else { "" },
            if hidden > 0 {
                format!(" ({hidden} without speech or a trustworthy transcript hidden)")
            } else {
                String::new()
            },
            if hidden > 0 { " --all" } else { "" },
        );
    }
    let targets = targets(&args.targets)?;
    let text = match format {
        ProgressFormat::Json => json_text(&history::progress_json(&takes, &targets)),
        ProgressFormat::Text => {
            printable_styled(&history::progress_text(&takes, &targets, &stdout_style()))
                .into_owned()
        }
        ProgressFormat::Html => {
            history::html::progress_html(&takes, &targets, args.question.as_deref())
        }
    };
    if args.open {
        return output::write_page(args.output.as_deref(), true, &text);
    }
    write_output(args.output.as_deref(), &text)
}
