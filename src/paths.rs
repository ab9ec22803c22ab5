//! Where rehearse keeps the user's things: `REHEARSE_HOME` if set, else the XDG data dir.

use std::path::PathBuf;
use std::sync::OnceLock;

use anyhow::{Context, Result};

static DATA_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Use `dir` as the data directory for the rest of the run (`--data-dir`); the first call wins.
pub fn set_data_dir(dir: PathBuf) {
    let _ = DATA_DIR.set(dir);
}

/// The data directory: `--data-dir`, else `$REHEARSE_HOME`, else `$XDG_DATA_HOME/rehearse`
/// (or the platform's).
pub fn data_dir() -> Result<PathBuf> {
    if let Some(dir) = DATA_DIR.get() {
        return Ok(dir.clone());
    }
    if let Some(home) = std::env::var_os("REHEARSE_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    dirs::data_dir()
        .map(|d| d.join("rehearse"))
        .context("cannot find a data directory; set REHEARSE_HOME")
}

/// Where downloaded Whisper models go, and the last place the model search looks.
pub fn models_dir() -> Result<PathBuf> {
    Ok(data_dir()?.join("models"))
}

/// The config directory: `$REHEARSE_HOME/config` when REHEARSE_HOME is set, else the XDG one.
pub fn config_dir() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("REHEARSE_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(home).join("config"));
    }
    dirs::config_dir()
        .map(|d| d.join("rehearse"))
        .context("cannot find a config directory; set REHEARSE_HOME")
}

/// Create a directory and any missing parents, each new one private (0700 on Unix): the data
/// dir, its `models/` and the take folders hold the user's voice and words.
pub fn create_private_dir_all(path: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}
