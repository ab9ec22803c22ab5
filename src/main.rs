//! The `rehearse` binary: parse, run, report errors on one line with a non-zero exit.

// As in lib.rs: messages through `tell!`, which cannot panic on a closed pipe.
#![warn(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

fn main() -> ExitCode {
    // A completion request from the shell script `rehearse completions SHELL` wrote: answered
    // here, and the process exits (nothing else may write to stdout first).
    clap_complete::CompleteEnv::with_factory(rehearse::cli::Cli::command)
        .var(rehearse::cli::complete::COMPLETE_VAR)
        .complete();
    let cli = rehearse::cli::Cli::parse();
    match rehearse::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // Paths, ids and question text in an error come from outside: escaped.
            let text = format!("{err:#}");
            rehearse::tell!("rehearse: error: {}", rehearse::term::printable_line(&text));
            ExitCode::FAILURE
        }
    }
}

/// A closed pipe (`rehearse analyze x.wav | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
