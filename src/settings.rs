//! The config file: the user's own targets and thresholds, used by every command.
//!
//! `config.toml` in the config directory holds a `[targets]` table whose keys are the fields
//! of [`Targets`], and a `[model]` table (where `rehearse model download` fetches from);
//! missing keys keep their defaults, unknown keys are an error (a typo must not silently
//! leave a default in force). Command-line flags override the file. [`template`] is the
//! commented file `rehearse config init` writes.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::config::Targets;
use crate::paths;
use crate::textfile::{self, TextFileError};

pub const FILE_NAME: &str = "config.toml";

/// The largest config file read (the commented template is about 3 KB).
const MAX_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub targets: Targets,
    #[serde(default)]
    pub model: ModelSettings,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSettings {
    /// A mirror of whisper.cpp's model folder for `rehearse model download`
    /// (`REHEARSE_MODEL_BASE_URL` overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The Whisper model to use: a model name (`base`: `ggml-base.bin` in the model folders)
    /// or a path (`--model` and `REHEARSE_MODEL` override it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whisper: Option<String>,
}

/// The environment variable naming a model mirror (also read by `scripts/fetch-model.sh`).
pub const BASE_URL_ENV: &str = "REHEARSE_MODEL_BASE_URL";

impl Settings {
    /// Where models are downloaded from: `REHEARSE_MODEL_BASE_URL`, else the config file's
    /// `[model] base_url`, else whisper.cpp's official repository.
    pub fn model_base_url(&self) -> String {
        std::env::var(BASE_URL_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| self.model.base_url.clone())
            .unwrap_or_else(|| crate::transcribe::download::OFFICIAL_BASE_URL.to_string())
    }
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
    // A config file that is a FIFO or a device (or a link to one) would block every command
    // or never end: it is refused before it is read, as is one past the limit.
    let text = match textfile::read(path, MAX_FILE_BYTES, "a config file") {
        Ok(t) => t,
        Err(TextFileError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Settings::default())
        }
        Err(e) => return Err(e).context("cannot use the config file"),
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
    let mut settings: Settings = table.try_into().map_err(|e| anyhow!(type_error(&e)))?;
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

/// The config file `rehearse config init` writes: every key with what it means, its unit
/// and its default, commented out so the defaults stay in force (and follow new versions)
/// until a line is uncommented and changed.
pub fn template() -> String {
    let t = Targets::default();
    let range = |r: crate::config::Range| format!("{{ min = {:?}, max = {:?} }}", r.min, r.max);
    let key = |doc: &str, line: String| format!("{doc}\n# {line}\n\n");
    let mut out = String::from(
        "# rehearse configuration. Every key is shown with its default, commented out;\n\
         # uncomment a line and change the value to use your own. Command-line flags\n\
         # (--pace, --length, --long-pause, --max-fillers-per-minute) override this file.\n\
         # `rehearse config show` prints the settings in force.\n\n[targets]\n\n",
    );
    out += &key(
        "# Comfortable speaking pace, words per minute (--pace MIN-MAX).",
        format!("pace_wpm = {}", range(t.pace_wpm)),
    );
    out += &key(
        "# Width of the windows pace is also measured over, seconds.",
        format!("pace_window_s = {:?}", t.pace_window_s),
    );
    out += &key(
        "# Silences at least this long count as pauses, seconds.",
        format!("pause_min_s = {:?}", t.pause_min_s),
    );
    out += &key(
        "# Pauses at least this long are flagged, seconds (--long-pause).",
        format!("long_pause_s = {:?}", t.long_pause_s),
    );
    out += &key(
        "# Length of a STAR answer, seconds from first to last speech (--length MIN-MAX).",
        format!("answer_length_s = {}", range(t.answer_length_s)),
    );
    out += &key(
        "# Fillers per minute that are still fine (--max-fillers-per-minute).",
        format!("fillers_per_minute_max = {:?}", t.fillers_per_minute_max),
    );
    out += &key(
        "# Fillers per minute from which listeners rate the speaker lower.",
        format!(
            "fillers_per_minute_distracting = {:?}",
            t.fillers_per_minute_distracting
        ),
    );
    out += &key(
        "# Your own filler words or phrases, always counted, e.g. [\"to be honest\", \"anyway\"].",
        "extra_filler_words = []".to_string(),
    );
    out += "[model]\n\n";
    out += &key(
        "# Where `rehearse model download` fetches models from: a folder holding the\n\
         # ggml-NAME.bin files, e.g. your organisation's mirror (REHEARSE_MODEL_BASE_URL\n\
         # overrides it). Default: whisper.cpp's repository on Hugging Face.",
        format!(
            "base_url = {:?}",
            crate::transcribe::download::OFFICIAL_BASE_URL
        ),
    );
    out += &key(
        "# The Whisper model: a name (tiny.en, base, base-q8_0, ...: ggml-NAME.bin in ./models\n\
         # or the data directory's models/) or a path (--model and REHEARSE_MODEL override it).\n\
         # Default: the first model found there, tiny.en first.",
        "whisper = \"base\"".to_string(),
    );
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// A value of the wrong type, said in one line in the file's own terms: toml's message names
/// the Rust type ("expected struct Range") and puts the key on a second line.
fn type_error(err: &toml::de::Error) -> String {
    let text = err.to_string();
    let key = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("in `")?.strip_suffix('`'))
        .map(str::to_string);
    let message = err
        .message()
        .replace(
            "expected struct Range",
            "expected a range such as { min = 120, max = 165 }",
        )
        .replace("expected f64", "expected a number")
        .replace(
            "expected a sequence",
            "expected a list such as [\"anyway\"]",
        )
        .replace("invalid type: ", "");
    let message = message.lines().next().unwrap_or_default().to_string();
    match key {
        Some(key) => format!(
            "{key}: {message} (`rehearse config init --force` writes every key with its default)"
        ),
        None => message,
    }
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

/// The Whisper model the config file names (`[model] whisper`), if any. A config file that
/// does not parse is reported by the commands that read its targets; here it only means no
/// model is named there.
pub fn configured_model() -> Option<String> {
    load().ok().and_then(|s| s.model.whisper)
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
        for (file, said) in [
            (
                "[targets]\npace_wpm = 5\n",
                "targets.pace_wpm: integer `5`, expected a range such as { min = 120, max = 165 }",
            ),
            (
                "[targets]\nlong_pause_s = \"x\"\n",
                "targets.long_pause_s: string \"x\", expected a number",
            ),
        ] {
            let err = format!("{:#}", parse(file).unwrap_err());
            assert!(err.starts_with(said), "{err}");
            assert!(
                !err.contains('\n') && !err.contains("\\n") && !err.contains("struct"),
                "{err:?}"
            );
        }
        assert!(parse("[targets]\nlong_pause_s = -1\n").is_err());
    }

    #[test]
    fn shown_settings_parse_back() {
        let s = Settings::default();
        assert_eq!(parse(&to_toml(&s)).unwrap(), s);
    }

    #[test]
    fn the_template_is_the_defaults_commented_and_uncommented() {
        let text = template();
        assert_eq!(parse(&text).unwrap(), Settings::default());
        // Uncomment every `# key = value` line: still the defaults, and every key is there.
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") && !rest.contains('`') => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let s = parse(&uncommented).unwrap();
        assert_eq!(s.targets, Targets::default());
        assert_eq!(
            s.model.base_url.as_deref(),
            Some(crate::transcribe::download::OFFICIAL_BASE_URL)
        );
        for key in known_target_keys() {
            assert!(
                uncommented.contains(&format!("\n{key} = ")),
                "{key} missing from the template"
            );
        }
    }

    #[test]
    fn the_model_mirror_is_read_from_the_file() {
        let s = parse("[model]\nbase_url = \"https://mirror.example/whisper\"\n").unwrap();
        assert_eq!(
            s.model.base_url.as_deref(),
            Some("https://mirror.example/whisper")
        );
        assert!(parse("[model]\nurl = \"x\"\n").is_err());
        let s = parse("[model]\nwhisper = \"base\"\n").unwrap();
        assert_eq!(s.model.whisper.as_deref(), Some("base"));
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
