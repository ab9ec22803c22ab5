//! `rehearse delete`, `export`, `import` and `reindex`: moving takes into and out of the store.

use anyhow::{Context, Result};

use super::common::{json_text, open_store, print_notices};
use crate::cli::history::{DeleteArgs, ExportArgs, ImportArgs};
use crate::history;
use crate::output::write_output;

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
            history::local_time(t.meta.created),
            t.meta
                .question
                .as_deref()
                .map_or(String::new(), |q| format!(", {q}"))
        );
    }
    Ok(())
}

pub fn export(args: ExportArgs) -> Result<()> {
    let store = open_store()?;
    let takes = store.list()?;
    write_output(
        args.output.as_deref(),
        &json_text(&history::export_json(&takes)),
    )
}

pub fn import(args: ImportArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let mut store = open_store()?;
    let (stored, skipped) = history::import(&mut store, &text)
        .with_context(|| format!("cannot import {}", args.file.display()))?;
    println!(
        "imported {} take(s), skipped {} already here",
        stored.len(),
        skipped.len()
    );
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
