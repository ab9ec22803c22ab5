//! `rehearse model`: which Whisper model and speech detector model would be used, found
//! where, and whether they are sound; `rehearse model download [NAME]`: fetch a Whisper model
//! into the data directory.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::common::say;
use crate::cli::{DownloadArgs, ModelAction, ModelArgs};
use crate::speech::silero::{self, VadModelSearch, VadModelSource};
use crate::tell;
use crate::term::printable_line;
use crate::transcribe::download::{self, ModelFile, Outcome, Request};
use crate::transcribe::model::{self, ModelSearch};
use crate::transcribe::whisper::dtw_preset;
use crate::{paths, settings};

pub fn model(args: ModelArgs) -> Result<()> {
    match args.action {
        Some(ModelAction::Download(d)) => download(d),
        None => show(args),
    }
}

fn show(args: ModelArgs) -> Result<()> {
    let (path, source) =
        ModelSearch::from_environment(args.model, crate::settings::configured_model()).resolve()?;
    let info = model::validate(&path)?;
    let word_times = match dtw_preset(&info) {
        Some(p) => format!("DTW over the {p:?} alignment heads"),
        None => "token timestamps (no known alignment heads for this model)".into(),
    };
    let (vad, vad_source) =
        VadModelSearch::from_environment(args.vad_model, Some(&path)).resolve()?;
    let vad_info = silero::validate(&vad)?;
    let vad_found = match vad_source {
        VadModelSource::Flag => "the --vad-model option",
        VadModelSource::Env => "the REHEARSE_VAD_MODEL environment variable",
        VadModelSource::BesideWhisperModel => "the Whisper model's folder",
        VadModelSource::WorkingDir => "the models/ folder in the current directory",
        VadModelSource::DataDir => "the data directory's models/ folder",
    };
    say(&format!(
        "model: {}\nfound in: {}\nlayers: {} encoder, {} decoder; vocabulary {}; {}\n\
         word times: {word_times}\nspeech detector: {}\nfound in: {vad_found}\n\
         {} {}, {}-sample frames\n",
        printable_line(&path.display().to_string()),
        source.describe(),
        info.n_audio_layer,
        info.n_text_layer,
        info.n_vocab,
        if info.multilingual {
            "multilingual"
        } else {
            "English-only"
        },
        printable_line(&vad.display().to_string()),
        vad_info.kind,
        vad_info.version,
        vad_info.window
    ))
}

fn download(args: DownloadArgs) -> Result<()> {
    let file =
        ModelFile::known(&args.name).ok_or_else(|| download::DownloadError::UnknownModel {
            name: args.name.clone(),
        })?;
    let base_url = match args.base_url {
        Some(url) => url,
        None => settings::load()?.model_base_url(),
    };
    let dir = paths::models_dir()?;
    let path = fetch(&file, &base_url, &dir, args.quiet)?;
    model::validate(&path).context("the downloaded file matches its pin but does not load")?;
    // Transcription needs the speech detector too: fetch it unless one is found already.
    // A mirror holds both files; without one, each comes from its official repository.
    if VadModelSearch::from_environment(None, Some(&path))
        .resolve()
        .is_err()
    {
        let vad_base = if base_url == download::OFFICIAL_BASE_URL {
            download::SPEECH_DETECTOR_BASE_URL
        } else {
            base_url.as_str()
        };
        let vad = fetch(&ModelFile::speech_detector(), vad_base, &dir, args.quiet)?;
        silero::validate(&vad)?;
    }
    say(&format!(
        "{}\n",
        printable_line(&path.display().to_string())
    ))
}

/// Download one pinned file into `dir` (or find it there, verified), with a progress bar.
fn fetch(file: &ModelFile, base_url: &str, dir: &Path, quiet: bool) -> Result<PathBuf> {
    let req = Request {
        model: file,
        base_url,
        dir,
    };
    let talk = !quiet;
    if talk {
        tell!("rehearse: downloading {} into {}", req.url(), dir.display());
    }
    let bar = byte_bar(quiet);
    let outcome = download::download(&req, &mut |p| {
        if let Some(total) = p.total {
            bar.set_length(total);
        }
        bar.set_position(p.done);
    });
    bar.finish_and_clear();
    Ok(match outcome? {
        Outcome::AlreadyThere { path } => {
            if talk {
                tell!("rehearse: {} is already there and verified", path.display());
            }
            path
        }
        Outcome::Downloaded {
            path,
            size,
            resumed_from,
        } => {
            if talk {
                let resumed = if resumed_from > 0 {
                    format!(", resumed after {:.1} MB", resumed_from as f64 / 1e6)
                } else {
                    String::new()
                };
                tell!(
                    "rehearse: {:.1} MB downloaded and sha256 verified{resumed}",
                    size as f64 / 1e6
                );
            }
            path
        }
    })
}

/// Bytes so far, total, speed and time left on stderr; hidden when quiet or not a terminal.
fn byte_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes}  {bytes_per_sec}  {eta} left")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

#[cfg(test)]
mod tests {
    use crate::cli::MODEL_NAMES;
    use crate::transcribe::download::NAMES;

    #[test]
    fn the_command_line_offers_every_pinned_model() {
        assert_eq!(MODEL_NAMES.as_slice(), NAMES);
    }
}
