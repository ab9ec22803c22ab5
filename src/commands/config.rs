//! `rehearse config path|show`: where the config file is and the settings in force.

use anyhow::Result;

use crate::cli::history::{ConfigAction, ConfigArgs};
use crate::settings;

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
