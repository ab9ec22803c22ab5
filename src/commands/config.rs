//! `rehearse config path|show|init`: where the config file is, the settings in force, and a
//! commented starting file.

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

/// Write `text` to `path` atomically (a temporary file renamed into place), creating the folder.
fn write_new(path: &Path, text: &str) -> Result<()> {
    let context = || format!("cannot write the config file {}", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(context)?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).with_context(context)?;
    std::fs::rename(&tmp, path).with_context(context)
}
