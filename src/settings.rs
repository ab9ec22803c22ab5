//! The config file: the user's own targets and thresholds, used by every command.
//!
//! `config.toml` in the config directory holds a `[targets]` table whose keys are the fields
//! of [`Targets`]; missing keys keep their defaults, unknown keys are an error (a typo must
//! not silently leave a default in force). Command-line flags override the file.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::config::Targets;
use crate::paths;

pub const FILE_NAME: &str = "config.toml";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub targets: Targets,
}

/// Where the config file is (whether or not it exists).
pub fn path() -> Result<PathBuf> {
    Ok(paths::config_dir()?.join(FILE_NAME))
}

/// The settings in force: the file's, or the defaults when there is no file.
pub fn load() -> Result<Settings> {
    load_from(&path()?)
}

pub fn load_from(path: &Path) -> Result<Settings> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    parse(&text).with_context(|| format!("in the config file {}", path.display()))
}

pub fn parse(text: &str) -> Result<Settings> {
    let table: toml::Table = toml::from_str(text)?;
    if let Some(targets) = table.get("targets").and_then(toml::Value::as_table) {
        let known = known_target_keys();
        if let Some(bad) = targets.keys().find(|k| !known.contains(k)) {
            bail!(
                "unknown key {bad:?} in [targets]; known keys: {}",
                known.join(", ")
            );
        }
    }
    let distracting_given = table
        .get("targets")
        .and_then(toml::Value::as_table)
        .is_some_and(|t| t.contains_key("fillers_per_minute_distracting"));
    let mut settings: Settings = table.try_into()?;
    if !distracting_given {
        let fine = settings.targets.fillers_per_minute_max;
        settings.targets.set_fine_filler_rate(fine);
    }
    settings.targets.validate()?;
    Ok(settings)
}

/// The settings as a config file would say them, every key included.
pub fn to_toml(settings: &Settings) -> String {
    let Ok(mut table) = toml::Table::try_from(settings) else {
        return String::new();
    };
    if let Some(toml::Value::Table(t)) = table.get_mut("targets") {
        t.entry("extra_filler_words")
            .or_insert_with(|| toml::Value::Array(Vec::new()));
    }
    toml::to_string(&table).unwrap_or_default()
}

fn known_target_keys() -> Vec<String> {
    let all = Targets {
        extra_filler_words: vec![String::new()],
        ..Targets::default()
    };
    match toml::Table::try_from(all) {
        Ok(t) => t.keys().cloned().collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fine_filler_rate_above_the_default_distracting_rate_lifts_it() {
        let s = parse("[targets]\nfillers_per_minute_max = 20\n").unwrap();
        assert_eq!(s.targets.fillers_per_minute_distracting, 20.0);
        // Both given and inverted: the user said something contradictory.
        let both = "[targets]\nfillers_per_minute_max = 20\nfillers_per_minute_distracting = 10\n";
        assert!(parse(both).is_err());
    }

    #[test]
    fn missing_keys_keep_their_defaults() {
        let s = parse("[targets]\nlong_pause_s = 3\nextra_filler_words = [\"anyway\"]\n").unwrap();
        assert_eq!(s.targets.long_pause_s, 3.0);
        assert_eq!(s.targets.extra_filler_words, ["anyway"]);
        assert_eq!(s.targets.pace_wpm, Targets::default().pace_wpm);
        assert_eq!(parse("").unwrap(), Settings::default());
    }

    #[test]
    fn ranges_are_tables() {
        let s = parse("[targets]\npace_wpm = { min = 110, max = 150 }\n").unwrap();
        assert_eq!(s.targets.pace_wpm.max, 150.0);
    }

    #[test]
    fn typos_and_bad_values_are_errors() {
        let err = parse("[targets]\nlong_pause = 3\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("long_pause") && err.contains("long_pause_s"),
            "{err}"
        );
        assert!(parse("[target]\n").is_err());
        assert!(parse("[targets]\nlong_pause_s = -1\n").is_err());
    }

    #[test]
    fn shown_settings_parse_back() {
        let s = Settings::default();
        assert_eq!(parse(&to_toml(&s)).unwrap(), s);
    }

    #[test]
    fn a_missing_file_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            load_from(&dir.path().join("none.toml")).unwrap(),
            Settings::default()
        );
    }
}
