//! Arguments of `rehearse story ...` and `rehearse practice`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCandidates;

use super::complete::{question_ids, story_names};
use super::{EngineArgs, OutputArgs, TargetArgs};

#[derive(Debug, Args)]
pub struct StoryArgs {
    #[command(subcommand)]
    pub command: StoryCommand,
}

#[derive(Debug, Subcommand)]
pub enum StoryCommand {
    /// Add a story: from --file, from standard input, or (on a terminal) in $EDITOR on a
    /// template.
    Add {
        /// The story's name: lowercase letters, digits, - and _ (e.g. billing-migration).
        name: String,
        /// Read the story from this Markdown file.
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
        /// Question kinds for the template's `Answers:` line and story starters (repeatable).
        #[arg(long, value_name = "KIND", add = ArgValueCandidates::new(question_ids))]
        kind: Vec<String>,
    },
    /// Change a story: replace it with --file, or open it in $EDITOR.
    Edit {
        #[arg(add = ArgValueCandidates::new(story_names))]
        name: String,
        /// Replace the story with this Markdown file.
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
    },
    /// List the stories: name, title, question kinds, points.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print a story's file, or its parsed form with --json.
    Show {
        #[arg(add = ArgValueCandidates::new(story_names))]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a story's file (takes that rehearsed it keep their reports).
    Remove {
        #[arg(add = ArgValueCandidates::new(story_names))]
        name: String,
    },
    /// Which question kinds your stories answer, which have none, and how each story fared.
    Coverage {
        #[arg(long)]
        json: bool,
    },
    /// Print the story template, with story starters for the given kinds.
    Template {
        #[arg(long, value_name = "KIND", add = ArgValueCandidates::new(question_ids))]
        kind: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct PracticeArgs {
    /// How many questions to ask (picked from the bank, favouring kinds with no story or a
    /// weak latest answer).
    #[arg(long, short = 'n', value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=15))]
    pub questions: u32,
    /// Ask this question (a bank id or the question's text) instead of picking; repeat for
    /// several, asked in order.
    #[arg(long, value_name = "ID|TEXT", add = ArgValueCandidates::new(question_ids))]
    pub question: Vec<String>,
    /// Seconds to think before each answer is recorded (Enter starts sooner on a terminal).
    #[arg(long, value_name = "SECONDS", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(0..=600))]
    pub think: u32,
    /// The longest answer, in seconds (1-3600); Enter ends an answer sooner.
    #[arg(long, value_name = "N", default_value_t = 180,
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub max_seconds: u32,
    /// Input device by name, as `rehearse devices` lists it [default: the system default].
    #[arg(long, value_name = "NAME")]
    pub device: Option<String>,
    /// Seed for picking the questions, to repeat a session's questions.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Do not add the answers to the history (the recordings are still kept).
    #[arg(long)]
    pub no_save: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub targets: TargetArgs,
}
