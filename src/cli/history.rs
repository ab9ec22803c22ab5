//! Command-line arguments of the history commands (clap derive): history, show, compare,
//! progress, delete, reanalyze, export, import, config, and how `analyze` saves its take.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCandidates;

use super::{EngineArgs, OutputArgs, TargetArgs};

/// How `analyze` keeps its take.
#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Do not save this take in the history.
    #[arg(long)]
    pub no_save: bool,
    /// Save it even when the same recording is already stored.
    #[arg(long, conflicts_with = "no_save")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only takes whose question contains TEXT (any case).
    #[arg(long, value_name = "TEXT")]
    pub question: Option<String>,
    /// Only takes from DATE on: 2026-11-01, 2026-11-01T09:00, today, yesterday, 7d, 2w.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only the takes of one practice session (its id, as `rehearse practice` prints it).
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// Only takes tagged TAG (`rehearse tag`; any case). Give it again for takes with every tag.
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    /// Also the takes without speech or whose transcript cannot be trusted (hidden by default).
    #[arg(long)]
    pub all: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A take id, a unique start of one, `last`, or `last~N`.
    pub take: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The earlier take (id, unique prefix, `last`, `last~N`).
    pub before: String,
    /// The later take.
    pub after: String,
    /// Count `last~N` over every take, also those without speech or whose transcript cannot
    /// be trusted (skipped by default).
    #[arg(long)]
    pub all: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Judge against these targets instead of the config file's.
    #[command(flatten)]
    pub targets: TargetArgs,
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Only takes whose question contains TEXT (any case).
    #[arg(long, value_name = "TEXT")]
    pub question: Option<String>,
    /// Only takes from DATE on (as for `history`).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Also the takes without speech or whose transcript cannot be trusted (hidden by default).
    #[arg(long)]
    pub all: bool,
    /// Print JSON.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Output format: text (the table) or html (a page of line charts; see --open).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ProgressFormat>,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Open the HTML page in the default browser.
    #[arg(long, requires = "format")]
    pub open: bool,
    /// Judge against these targets instead of the config file's.
    #[command(flatten)]
    pub targets: TargetArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressFormat {
    Text,
    Json,
    Html,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The takes to delete, with their audio (ids, unique prefixes, `last`).
    #[arg(required = true)]
    pub takes: Vec<String>,
    /// Delete without asking (needed when standard input is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ReanalyzeArgs {
    /// The take (id, unique prefix, `last`, `last~N`).
    pub take: String,
    /// Check the answer against this story (`rehearse story list`) [default: the story the
    /// take was checked against before, if any].
    #[arg(long, value_name = "NAME",
          add = ArgValueCandidates::new(super::complete::story_names))]
    pub story: Option<String>,
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub targets: TargetArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export as JSON (the only format; reports and metadata, no audio).
    #[arg(long)]
    pub json: bool,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A file written by `rehearse export --json`.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print where the config file is (whether or not it exists).
    Path,
    /// Print the settings in force, as a config file would say them.
    Show,
    /// Write a config file listing every key with its default, commented out, to edit.
    Init {
        /// Replace a config file that is already there.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct RetagArgs {
    /// The take (id, unique prefix, `last`, `last~N`).
    pub take: String,
    /// The question it answers: a bank id (`rehearse questions`) or the question's text.
    #[arg(long, value_name = "ID|TEXT", required_unless_present = "no_question",
          add = ArgValueCandidates::new(super::complete::question_ids))]
    pub question: Option<String>,
    /// It answers no particular question.
    #[arg(long, conflicts_with = "question")]
    pub no_question: bool,
}

#[derive(Debug, Args)]
pub struct NoteArgs {
    /// The take (id, unique prefix, `last`, `last~N`).
    pub take: String,
    /// The note; without it the current note is printed.
    #[arg(value_name = "TEXT")]
    pub text: Option<String>,
    /// Remove the note.
    #[arg(long, conflicts_with = "text")]
    pub clear: bool,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// The take (id, unique prefix, `last`, `last~N`).
    pub take: String,
    /// Tags to add (quote one with spaces: "second round").
    #[arg(value_name = "TAG", required = true)]
    pub tags: Vec<String>,
    /// Remove these tags instead of adding them.
    #[arg(long)]
    pub remove: bool,
}
