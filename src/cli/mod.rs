//! Command-line arguments (clap derive), every command's. Parsing only: [`crate::commands`]
//! turns these into work. It uses plain value types ([`crate::config`], [`crate::term`]) and,
//! for tab completion only ([`complete`]), the story names and the question bank; the manual
//! pages are rendered from it ([`man_page`]). Only `main` and the commands use it.

pub mod complete;
pub mod history;
pub mod man_page;
pub mod story;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

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
    /// Keep the take history and downloaded models in DIR instead of $REHEARSE_HOME or the
    /// XDG data dir.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse recorded answers and print a report for each.
    #[command(
        mut_arg("output", |a| a.help(
            "Write the report to PATH instead of standard output. With several recordings (or \
             when PATH is an existing directory), PATH is a directory, created if missing, and \
             each report goes to PATH/<recording's file name>.<txt|json|md|html>."
        )),
        mut_arg("threads", |a| a.help(
            "Threads for transcription, 1-64, at most the cores [default: the physical cores \
             not busy with other programs]; split between files with --jobs."
        )),
        mut_arg("format", |a| a.help(
            "Report format; with several recordings, json gives one object per line (JSON Lines)."
        ))
    )]
    Analyze(AnalyzeArgs),
    /// Show which Whisper and speech detector models would be used and check them;
    /// `model download` fetches a Whisper model.
    #[command(args_conflicts_with_subcommands = true)]
    Model(ModelArgs),
    /// List saved takes, one line each.
    History(history::HistoryArgs),
    /// Print a saved take's report again, in any format, without re-transcribing.
    Show(history::ShowArgs),
    /// Analyse a saved take again from its stored audio: finishes a take whose analysis was
    /// interrupted (history marks it "not analysed"), or measures one again with another model.
    Reanalyze(history::ReanalyzeArgs),
    /// Compare two takes side by side.
    Compare(history::CompareArgs),
    /// The trend of each metric over your takes.
    Progress(history::ProgressArgs),
    /// Delete saved takes and every file they own (asks first unless --yes).
    Delete(history::DeleteArgs),
    /// Correct the question a saved take answers (its question checks are run again).
    Retag(history::RetagArgs),
    /// Set, show or clear a saved take's note.
    Note(history::NoteArgs),
    /// Add tags to a saved take ("second round", "with notes"), or remove them.
    Tag(history::TagArgs),
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
    /// Your prepared stories: add, edit, list, show, remove, and which questions they cover.
    Story(story::StoryArgs),
    /// A mock interview: questions in a row, time to think, each answer recorded, one summary.
    Practice(story::PracticeArgs),
    /// Print a shell completion script (the README says where to put it).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one per command into a folder.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write rehearse.1 and one rehearse-COMMAND.1 per command into DIR instead of printing
    /// rehearse.1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
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
    #[arg(long, value_name = "ID|TEXT", add = ArgValueCandidates::new(complete::question_ids))]
    pub question: Option<String>,
    /// Check the answer against this story (`rehearse story list`): which of its points were
    /// said, when, and where the answer wandered.
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(complete::story_names))]
    pub story: Option<String>,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The question to answer, shown before recording starts.
    #[arg(long, value_name = "ID|TEXT", add = ArgValueCandidates::new(complete::question_ids))]
    pub question: Option<String>,
    /// Check the answer against this story (`rehearse story list`).
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(complete::story_names))]
    pub story: Option<String>,
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
    /// Do not transcribe while recording: no live pace and filler figures, and the whole take
    /// is transcribed after it ends (the report is the same, later).
    #[arg(long)]
    pub no_live: bool,
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
    #[command(subcommand)]
    pub action: Option<ModelAction>,
    /// ggml Whisper model file to check, or a model name (tiny.en, base, base-q8_0, ...:
    /// ggml-NAME.bin in ./models/ or the data dir's models/) [default: $REHEARSE_MODEL, the
    /// config file's [model] whisper, then ./models/, then the data dir's models/]
    #[arg(long, value_name = "PATH|NAME")]
    pub model: Option<PathBuf>,
    /// Silero VAD ggml file to check [default: $REHEARSE_VAD_MODEL, then the Whisper model's
    /// folder, ./models/, the data dir's models/]
    #[arg(long, value_name = "PATH")]
    pub vad_model: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ModelAction {
    /// Download a Whisper model into the data dir's models/ folder, checked against its
    /// pinned size and sha256 (an interrupted download resumes when run again).
    Download(DownloadArgs),
}

/// The model names `rehearse model download` knows, smallest first.
pub const MODEL_NAMES: [&str; 6] = ["tiny.en", "tiny", "base.en", "base", "small.en", "small"];

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The model: tiny.en (78 MB, English) is what rehearse is tuned on; base.en (148 MB) and
    /// small.en (488 MB) are slower and more accurate; tiny, base and small are multilingual
    /// (base: more of running speech, fewer "uh"s; docs/models.md). Use it with --model NAME.
    #[arg(value_name = "NAME", default_value = "tiny.en", value_parser = MODEL_NAMES)]
    pub name: String,
    /// Fetch from this folder of ggml-NAME.bin files (a mirror) instead of
    /// $REHEARSE_MODEL_BASE_URL, the config file's `[model] base_url`, or Hugging Face.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// No progress bar or status lines on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct EngineArgs {
    /// ggml Whisper model file, or a model name (tiny.en, base, base-q8_0, ...: ggml-NAME.bin
    /// in ./models/ or the data dir's models/) [default: $REHEARSE_MODEL, the config file's
    /// [model] whisper, then ./models/, then the data dir]
    #[arg(long, value_name = "PATH|NAME")]
    pub model: Option<PathBuf>,
    /// Silero VAD ggml file, the speech detector [default: $REHEARSE_VAD_MODEL, then the
    /// Whisper model's folder, ./models/, the data dir]
    #[arg(long, value_name = "PATH")]
    pub vad_model: Option<PathBuf>,
    /// Beam-search width (default: greedy decoding, fastest).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(2..=16))]
    pub beam: Option<u16>,
    /// Threads for transcription, 1-64, at most the cores [default: the physical cores not busy
    /// with other programs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: Option<u16>,
    /// Count only the filled pauses (um, uh) in the transcript: do not look in the audio for
    /// those Whisper left out.
    #[arg(long)]
    pub no_audio_fillers: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable report (coloured on a terminal).
    Terminal,
    /// One JSON object (its fields: docs/json.md).
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
    /// Write the report to PATH instead of standard output.
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
    /// Show everything in the terminal report: how each figure was measured, every sentence's
    /// STAR label and the score's breakdown, the answer restructured, the voice window by
    /// window, the whole transcript (JSON, Markdown and HTML always have it all).
    #[arg(long)]
    pub detail: bool,
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

    fn help(path: &[&str]) -> String {
        let mut cmd = Cli::command();
        for name in path {
            cmd = cmd
                .find_subcommand(name)
                .unwrap_or_else(|| panic!("no command {name}"))
                .clone();
        }
        cmd.render_long_help().to_string()
    }

    #[test]
    fn help_offers_each_command_only_what_it_takes() {
        let analyze = help(&["analyze"]);
        assert!(analyze.contains("--jobs") && analyze.contains("split between files with --jobs"));
        assert!(analyze.contains("<txt|json|md|html>"), "{analyze}");
        // The same default, said the same way, everywhere.
        for cmd in ["analyze", "record"] {
            let text = help(&[cmd]);
            assert!(text.contains("physical cores not busy"), "{cmd}: {text}");
            assert!(!text.contains("all cores"), "{cmd}: {text}");
        }
        assert!(analyze.contains("JSON Lines"), "{analyze}");
        for cmd in ["record", "show"] {
            let text = help(&[cmd]);
            assert!(!text.contains("--jobs"), "{cmd}: {text}");
            assert!(!text.contains("several recordings"), "{cmd}: {text}");
            assert!(!text.contains("JSON Lines"), "{cmd}: {text}");
        }
        let model = help(&["model"]);
        assert!(
            !model.contains("--beam") && !model.contains("--threads"),
            "{model}"
        );
        assert!(help(&["model", "download"]).contains("small.en"));
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
