//! Where rehearse keeps the user's things: `REHEARSE_HOME` if set, else the XDG data dir.

use std::path::PathBuf;

use anyhow::{Context, Result};

/// The data directory: `$REHEARSE_HOME`, else `$XDG_DATA_HOME/rehearse` (or the platform's).
pub fn data_dir() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("REHEARSE_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    dirs::data_dir()
        .map(|d| d.join("rehearse"))
        .context("cannot find a data directory; set REHEARSE_HOME")
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
