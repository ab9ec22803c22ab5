//! `rehearse config path|show`: where the config file is and the settings in force.

use anyhow::Result;

use super::common::say;
use crate::cli::history::{ConfigAction, ConfigArgs};
use crate::settings;
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
    }
}
