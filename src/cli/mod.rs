//! Command-line arguments (clap derive), every command's. Parsing only: [`crate::commands`]
//! turns these into work. A leaf: it uses plain value types ([`crate::config`], [`crate::term`])
//! and nothing else in the crate, and only `main` and the commands use it.

pub mod history;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Range;
use crate::term::ColorChoice;
pub use history::SaveArgs;

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
    /// Keep the take history in DIR instead of $REHEARSE_HOME or the XDG data dir.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse recorded answers and print a report for each.
    Analyze(AnalyzeArgs),
    /// Show which Whisper and speech detector models would be used, and check them.
    Model(ModelArgs),
    /// List saved takes, one line each.
    History(history::HistoryArgs),
    /// Print a saved take's report again, in any format, without re-transcribing.
    Show(history::ShowArgs),
    /// Compare two takes side by side.
    Compare(history::CompareArgs),
    /// The trend of each metric over your takes.
    Progress(history::ProgressArgs),
    /// Delete saved takes and their audio.
    Delete(history::DeleteArgs),
    /// Write every take (metadata and reports) as JSON.
    Export(history::ExportArgs),
    /// Add the takes from a `rehearse export` file; ones already here are skipped.
    Import(history::ImportArgs),
    /// Rebuild the take index from the take folders.
    Reindex,
    /// Where the config file is, and the settings in force.
    Config(history::ConfigArgs),
    /// Record an answer from the microphone, save it as a take, and analyse it.
    Record(RecordArgs),
    /// List audio input devices and their default formats.
    Devices,
    /// List the built-in interview questions and what a strong answer to each contains.
    Questions(QuestionsArgs),
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
    #[command(flatten)]
    pub save: SaveArgs,
    /// The question this take answers: a bank id (see `rehearse questions`) or the question's
    /// text. Adds the question's checks to the report.
    #[arg(long, value_name = "ID|TEXT")]
    pub question: Option<String>,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The question to answer, shown before recording starts.
    #[arg(long, value_name = "ID|TEXT")]
    pub question: Option<String>,
    /// Input device by name, as `rehearse devices` lists it [default: the system default].
    #[arg(long, value_name = "NAME")]
    pub device: Option<String>,
    /// Stop after this much audio, in seconds (1-3600).
    #[arg(long, value_name = "N", default_value_t = 180,
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub max_seconds: u32,
    /// Seconds to count down before recording starts (0-60).
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(0..=60))]
    pub countdown: u32,
    /// Only record; print the saved file's path instead of a report.
    #[arg(long)]
    pub no_analyze: bool,
    /// Do not add the analysed take to the history (the WAV is still kept).
    #[arg(long)]
    pub no_save: bool,
    /// Save the recording (WAV) here [default: a new file in the takes folder of the data dir].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub targets: TargetArgs,
}

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Print the bank as JSON.
    #[arg(long)]
    pub json: bool,
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
    /// Silero VAD ggml file, the speech detector [default: $REHEARSE_VAD_MODEL, then the
    /// Whisper model's folder, ./models/, the data dir]
    #[arg(long, value_name = "PATH")]
    pub vad_model: Option<PathBuf>,
    /// Beam-search width (default: greedy decoding, fastest).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(2..=16))]
    pub beam: Option<u16>,
    /// Threads for transcription, 1-64, at most the cores [default: the physical cores not busy
    /// with other programs]; split between files with --jobs.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
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
    /// One self-contained web page: player, transcript, timeline chart (no network use).
    Html,
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
    /// Open the report in the default browser (with --format html; without -o it is written
    /// to a temporary file).
    #[arg(long)]
    pub open: bool,
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
