//! rehearse: a local, private analyzer for spoken interview answers.
//!
//! The crate is laid out as the pipeline it runs:
//! audio in ([`audio`]) -> transcribe ([`transcribe`]) -> analyse ([`analyze`]) -> report ([`report`]).
//! Each stage takes plain data and returns plain data, so every stage can be tested on its own;
//! the command-line edge ([`cli`], [`app`]) wires them together.

pub mod analyze;
pub mod app;
pub mod audio;
pub mod cli;
pub mod config;
pub mod history;
pub mod paths;
pub mod pipeline;
pub mod practice;
pub mod questions;
pub mod record;
pub mod report;
pub mod settings;
pub mod store;
pub mod story;
pub mod term;
pub mod transcribe;
