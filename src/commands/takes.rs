//! `rehearse delete`, `export`, `import` and `reindex`: moving takes into and out of the store.

use std::io::{IsTerminal, Write};

use anyhow::{bail, Context, Result};

use super::common::{json_text, open_store, open_store_for_reading, print_notices, say};
use crate::cli::history::{DeleteArgs, ExportArgs, ImportArgs};
use crate::history;
use crate::output::write_output;
use crate::store::StoredTake;
use crate::term::printable_line;
use crate::textfile;
use crate::{tell, tell_part};

pub fn delete(args: DeleteArgs) -> Result<()> {
    let mut store = open_store()?;
    // Resolve every name first, so `delete last last~1` means the takes as they were.
    let takes = args
        .takes
        .iter()
        .map(|spec| store.resolve(spec))
        .collect::<Result<Vec<_>, _>>()?;
    let lines: Vec<String> = takes.iter().map(describe).collect();
    if !args.yes && !confirm(&lines)? {
        tell!("rehearse: nothing deleted");
        return Ok(());
    }
    // Every take is deleted before anything is printed: a closed stdout cannot stop it
    // half-way.
    let mut out = String::new();
    for (t, line) in takes.iter().zip(&lines) {
        let first_copy = store.delete(&t.meta.id)?;
        out.push_str(&format!("deleted take {line}\n"));
        if let Some(p) = first_copy {
            out.push_str(&format!(
                "deleted its earlier copy {}\n",
                printable_line(&p.display().to_string())
            ));
        }
    }
    say(&out)
}

/// `1a2b3c4d (2026-11-27 09:00, the question)`.
fn describe(t: &StoredTake) -> String {
    format!(
        "{} ({}{})",
        t.meta.id,
        history::local_time(t.meta.created),
        t.meta
            .question
            .as_deref()
            .map_or(String::new(), |q| format!(", {}", printable_line(q)))
    )
}

/// Ask on the terminal before deleting; without a terminal to ask on, refuse.
fn confirm(lines: &[String]) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "delete asks before removing takes, and standard input is not a terminal to \
             answer on: add --yes to delete without asking"
        );
    }
    tell!("This deletes, with their audio and reports:");
    for line in lines {
        tell!("  take {line}");
    }
    tell_part!(
        "Delete {} take{}? [y/N] ",
        lines.len(),
        if lines.len() == 1 { "" } else { "s" }
    );
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

pub fn export(args: ExportArgs) -> Result<()> {
    let store = open_store_for_reading()?;
    let takes = store.list()?;
    write_output(
        args.output.as_deref(),
        &json_text(&history::export_json(&takes)),
    )
}

pub fn import(args: ImportArgs) -> Result<()> {
    let text = textfile::read(&args.file, history::MAX_IMPORT_BYTES, "an export to import")?;
    let mut store = open_store()?;
    let summary = history::import(&mut store, &text)
        .with_context(|| format!("cannot import {}", args.file.display()))?;
    for (n, id, why) in &summary.refused {
        tell!(
            "rehearse: skipped take {n} of the file ({}): {}",
            printable_line(id),
            printable_line(why)
        );
    }
    let said = say(&format!(
        "imported {} take(s), skipped {} already here\n",
        summary.stored.len(),
        summary.duplicates.len()
    ));
    if !summary.refused.is_empty() {
        anyhow::bail!(
            "{} of the {} takes in {} could not be imported (each is named above)",
            summary.refused.len(),
            summary.refused.len() + summary.stored.len() + summary.duplicates.len(),
            args.file.display()
        );
    }
    said
}

pub fn reindex() -> Result<()> {
    let mut store = open_store()?;
    let n = store.reindex()?;
    print_notices(&mut store);
    say(&format!(
        "rebuilt the index {} from {n} take folder(s)\n",
        store.index_path().display()
    ))
}
