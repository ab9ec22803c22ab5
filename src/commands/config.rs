//! `rehearse config path|show|init`: where the config file is, the settings in force, and a
//! commented starting file.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

use super::common::say;
use crate::cli::history::{ConfigAction, ConfigArgs};
use crate::settings;
use crate::tell;
use crate::term::printable_line;

pub fn config(args: ConfigArgs) -> Result<()> {
    let path = settings::path()?;
    let shown = path.display().to_string();
    let shown = printable_line(&shown);
    match args.action {
        ConfigAction::Path => say(&format!("{shown}\n")),
        ConfigAction::Show => {
            let s = settings::load_from(&path)?;
            let state = if path.exists() {
                "settings not in it are defaults"
            } else {
                "not found: these are the defaults"
            };
            say(&format!("# {shown} ({state})\n{}", settings::to_toml(&s)))
        }
        ConfigAction::Init { force } => {
            if path.exists() && !force {
                bail!(
                    "{} already exists; edit it, or add --force to replace it with the commented defaults",
                    path.display()
                );
            }
            write_new(&path, &settings::template())?;
            tell!("rehearse: wrote {shown}; uncomment and change what you want");
            say(&format!("{shown}\n"))
        }
    }
}

/// Write `text` to `path` atomically, readable by the user alone: a new temporary file beside
/// it (random name, `O_EXCL`, 0600, so no planted file or symlink is written through) renamed
/// into place. The folder, when missing, is created 0700 (as the data directory is).
fn write_new(path: &Path, text: &str) -> Result<()> {
    let context = || format!("cannot write the config file {}", path.display());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    crate::store::take::create_private_dir_all(dir).with_context(context)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".config-")
        .suffix(".toml.tmp")
        .tempfile_in(dir)
        .with_context(context)?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(context)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(context)?;
    Ok(())
}
