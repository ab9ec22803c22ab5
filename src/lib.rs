//! rehearse: a local, private analyzer for spoken interview answers.
//!
//! The crate is laid out as the pipeline it runs:
//! audio in ([`audio`], [`record`] for the microphone) -> transcribe ([`transcribe`]) ->
//! analyse ([`analyze`], with the question bank in [`analyze::questions`]) -> report ([`report`]) -> store ([`store`]), with
//! [`pipeline`] running one take through the stages and [`history`] reading stored takes back.
//! Each stage takes plain data and returns plain data, so every stage can be tested on its own.
//!
//! Above the stages sits the command-line edge: [`cli`] (the clap structs, parsing only) and
//! [`commands`] (one file per command: resolve settings, call a stage, hand the result to
//! [`output`]). Arrows only point down: no stage imports a command, [`output`] imports no
//! command and no clap struct, and `tests/layout.rs` fails on any circle between modules.

// `println!` and `eprintln!` panic when the pipe they write to is closed (`| head`). Results go
// through `output::write_output` (its error ends the program quietly in `main`); messages
// through `tell!` (term.rs), which drops them instead.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod analyze;
pub mod audio;
pub mod cli;
pub mod commands;
pub mod config;
pub mod ggml;
pub mod history;
pub mod live;
pub mod memory;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod practice;
pub mod record;
pub mod report;
pub mod settings;
pub mod speech;
pub mod store;
pub mod story;
pub mod term;
pub mod transcribe;
