//! Command-line arguments (clap derive). Parsing only; [`crate::app`] turns these into work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Range;
use crate::term::ColorChoice;

#[derive(Debug, Parser)]
#[command(
    name = "rehearse",
    version,
    about = "Local, private feedback on spoken interview answers: fillers, pace, pauses, length.",
    long_about = "rehearse transcribes a practice answer on this machine with Whisper (audio never \
                  leaves it) and reports filler words, pace, pauses and answer length against \
                  interview-coaching targets."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse recorded answers and print a report for each.
    Analyze(AnalyzeArgs),
    /// Show which Whisper model would be used, and check it.
    Model(ModelArgs),
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Recordings: WAV, FLAC, MP3, M4A/AAC, Ogg Vorbis/Opus or WebM, recognised by content.
    /// Glob patterns ("takes/*.m4a") are expanded when the shell did not.
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Analyse up to N files at once (each with its own share of --threads).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub targets: TargetArgs,
}

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct EngineArgs {
    /// ggml Whisper model file [default: $REHEARSE_MODEL, then ./models/, then the data dir]
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Beam-search width (default: greedy decoding, fastest).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(2..=16))]
    pub beam: Option<u16>,
    /// Threads for transcription [default: all cores]; split between files with --jobs.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable report (coloured on a terminal).
    Terminal,
    /// One JSON object (see the README for the schema); JSON Lines for several files.
    Json,
    /// Markdown, for notes.
    Markdown,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Terminal)]
    pub format: Format,
    /// Write the report to PATH instead of standard output. With several recordings (or when
    /// PATH is an existing directory), PATH is a directory, created if missing, and each report
    /// goes to PATH/<recording's file name>.<txt|json|md>.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Colour in the terminal report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// No progress bar or status lines on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Target pace in words per minute, MIN-MAX [default: 120-165].
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_range)]
    pub pace: Option<Range>,
    /// Target answer length in seconds, MIN-MAX [default: 90-180].
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_range)]
    pub length: Option<Range>,
    /// Pauses at least this long (seconds) are flagged [default: 2].
    #[arg(long, value_name = "SECONDS")]
    pub long_pause: Option<f64>,
    /// Fillers per minute that are still fine [default: 5].
    #[arg(long, value_name = "N")]
    pub max_fillers_per_minute: Option<f64>,
}

/// Parse "120-165" into a range.
pub fn parse_range(s: &str) -> Result<Range, String> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| format!("expected MIN-MAX, got {s:?}"))?;
    let num = |x: &str| {
        x.trim()
            .parse::<f64>()
            .map_err(|_| format!("{x:?} is not a number"))
    };
    let (min, max) = (num(a)?, num(b)?);
    if min >= max {
        return Err(format!("MIN must be below MAX in {s:?}"));
    }
    Ok(Range { min, max })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn ranges_parse() {
        assert_eq!(
            parse_range("100-150"),
            Ok(Range {
                min: 100.0,
                max: 150.0
            })
        );
        assert!(parse_range("150-100").is_err());
        assert!(parse_range("fast").is_err());
    }
}
