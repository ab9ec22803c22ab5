//! The commands: one file per command (tiny related ones share a file), each a thin edge that
//! resolves its arguments into settings, calls the pipeline or the store, and hands the result
//! to [`crate::output`]. Errors here carry context for the user (anyhow).
//!
//! Arrows point down only: `main` -> [`run`] -> a command -> the stages ([`crate::pipeline`],
//! [`crate::store`], [`crate::history`]) and [`crate::output`]. Nothing below imports a command
//! or [`crate::cli`].

pub mod analyze;
mod common;
pub mod config;
pub mod history;
pub mod label;
pub mod model;
pub mod practice;
pub mod questions;
pub mod reanalyze;
pub mod record;
pub mod shell;
pub mod story;
pub mod takes;

use anyhow::Result;

use crate::cli::{Cli, Command};

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    if let Some(dir) = cli.data_dir {
        crate::paths::set_data_dir(dir);
    }
    // `--open` pages embed a recording: none outlives a day in the temporary directory.
    crate::output::prune_old_pages();
    match cli.command {
        Command::Analyze(args) => analyze::analyze(args),
        Command::Model(args) => model::model(args),
        Command::History(args) => history::history(args),
        Command::Show(args) => history::show(args),
        Command::Reanalyze(args) => reanalyze::reanalyze(args),
        Command::Compare(args) => history::compare(args),
        Command::Progress(args) => history::progress(args),
        Command::Delete(args) => takes::delete(args),
        Command::Retag(args) => label::retag(args),
        Command::Note(args) => label::note(args),
        Command::Tag(args) => label::tag(args),
        Command::Export(args) => takes::export(args),
        Command::Import(args) => takes::import(args),
        Command::Reindex => takes::reindex(),
        Command::Config(args) => config::config(args),
        Command::Record(args) => record::record(args),
        Command::Devices => record::devices(),
        Command::Questions(args) => questions::questions(&args),
        Command::Completions(args) => shell::completions(&args),
        Command::Man(args) => shell::man(&args),
        Command::Story(args) => story::story(args),
        Command::Practice(args) => practice::practice(args),
    }
}
