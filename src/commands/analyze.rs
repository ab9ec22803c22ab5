//! `rehearse analyze`: one recording or many (globs expanded, `--jobs` at a time, one model
//! load) through the [`Pipeline`], each report to stdout or a file, each take saved.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{MultiProgress, ProgressBar};

use super::common::{
    engine_settings, is_broken_pipe, load_story, output_options, save_analyzed, targets,
};
use crate::analyze::questions::Asked;
use crate::cli::{AnalyzeArgs, OutputArgs, SaveArgs};
use crate::config::Targets;
use crate::output::{self, progress_bar, report_path, write_output, Format};
use crate::pipeline::{EngineSettings, Pipeline};
use crate::report;
use crate::story::Named;
use crate::tell;
use crate::term::{printable_line, Style};

pub fn analyze(args: AnalyzeArgs) -> Result<()> {
    let opts = output_options(&args.output);
    output::check(&opts)?;
    let targets = targets(&args.targets)?;
    let asked = Asked::from_flag(args.question.as_deref())?;
    let story = args.story.as_deref().map(load_story).transpose()?;
    let engine = engine_settings(&args.engine)?;
    let quiet = args.output.quiet;
    let question = asked.as_ref().map(|a| a.text.clone());
    let inputs = expand_inputs(&args.files);
    if let [Input::File(path)] = inputs.as_slice() {
        // One recording: exactly one report, as always (one JSON object for --format json).
        let mut pipeline = Pipeline::new(engine, targets, Box::new(move || progress_bar(quiet)));
        pipeline.question = asked;
        let report = with_story(pipeline.analyze_file(path)?, story.as_ref());
        let out = match args.output.output.as_deref() {
            Some(dir) if dir.is_dir() => Some(report_path(dir, path, opts.format)),
            other => other.map(Path::to_path_buf),
        };
        // The take is saved before the report is written: `| head -c 10` must not lose it.
        let saved = save_analyzed(&report, path, &args.save, question.as_deref(), quiet);
        let shown = output::emit(&report, &opts, out.as_deref(), Some(path));
        if let Some(note) = saved? {
            tell!("{note}");
        }
        return shown;
    }
    // With several recordings, -o names a directory (made if needed).
    if opts.format == Format::Html && args.output.output.is_none() {
        anyhow::bail!("HTML reports of several recordings need -o DIR (one page per recording)");
    }
    if args.output.open {
        anyhow::bail!("--open shows one report; analyse a single recording to use it");
    }
    analyze_batch(
        &inputs,
        args.jobs.into(),
        engine,
        targets,
        AnswerTo { asked, story },
        &args.output,
        &args.save,
    )
}

/// What the takes answer: the question (`--question`) and the story (`--story`).
struct AnswerTo {
    asked: Option<Asked>,
    story: Option<Named>,
}

/// The report with the answer checked against the story, when one was named.
fn with_story(mut report: report::Report, story: Option<&Named>) -> report::Report {
    if let Some(s) = story {
        report.story = Some(report::story::check(&s.name, &s.story, &report));
    }
    report
}

/// A command-line argument after glob expansion.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    File(PathBuf),
    /// A pattern that matched nothing or is not valid, and why.
    BadPattern {
        pattern: String,
        message: String,
    },
}

/// Expand glob patterns the shell left alone ("takes/*.m4a" in quotes, or on Windows). An
/// argument that names an existing path is taken as it is, even if it contains `*`; a pattern's
/// matches are sorted and directories among them skipped.
pub fn expand_inputs(args: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for arg in args {
        let text = arg.to_string_lossy();
        let is_pattern = text.contains(['*', '?', '[']);
        if !is_pattern || arg.symlink_metadata().is_ok() {
            out.push(Input::File(arg.clone()));
            continue;
        }
        match glob::glob(&text) {
            Err(e) => out.push(Input::BadPattern {
                pattern: text.to_string(),
                message: format!("{text}: not a valid pattern ({e})"),
            }),
            Ok(paths) => {
                let mut found: Vec<PathBuf> = paths
                    .filter_map(Result::ok)
                    .filter(|p| !p.is_dir())
                    .collect();
                found.sort();
                if found.is_empty() {
                    out.push(Input::BadPattern {
                        pattern: text.to_string(),
                        message: format!("{text}: no file matches this pattern"),
                    });
                }
                out.extend(found.into_iter().map(Input::File));
            }
        }
    }
    out
}

/// Several recordings: one model load, `jobs` at a time, each report as soon as it is ready
/// (in input order), one line on stderr for each recording that failed.
fn analyze_batch(
    inputs: &[Input],
    jobs: usize,
    engine: EngineSettings,
    targets: Targets,
    answer_to: AnswerTo,
    out: &OutputArgs,
    save: &SaveArgs,
) -> Result<()> {
    let AnswerTo { asked, story } = answer_to;
    let format = output_options(out).format;
    let files: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(p) => Some(p.clone()),
            Input::BadPattern { .. } => None,
        })
        .collect();
    let out_dir = out.output.as_deref();
    if let Some(dir) = out_dir {
        check_output_dir(dir, &files, format)?;
    }
    let multi = (!out.quiet && std::io::stderr().is_terminal()).then(MultiProgress::new);
    let bars = multi.clone();
    let quiet = out.quiet;
    let question = asked.as_ref().map(|a| a.text.clone());
    let mut pipeline = Pipeline::new(
        engine,
        targets,
        Box::new(move || match &bars {
            Some(m) => m.add(progress_bar(quiet)),
            None => ProgressBar::hidden(),
        }),
    );
    pipeline.question = asked;
    let mut failed = 0usize;
    let quietly = |f: &mut dyn FnMut()| match &multi {
        Some(m) => m.suspend(f),
        None => f(),
    };
    // Once standard output is closed (`| head`), reports are no longer written there, but
    // every recording is still analysed and saved.
    let mut stdout_closed = false;
    let mut to_stdout = |text: &str| -> Result<()> {
        if stdout_closed {
            return Ok(());
        }
        match write_output(None, text) {
            Err(e) if is_broken_pipe(&e) => {
                stdout_closed = true;
                Ok(())
            }
            other => other,
        }
    };
    for input in inputs {
        if let Input::BadPattern { pattern, message } = input {
            failed += 1;
            tell!("rehearse: error: {}", printable_line(message));
            if format == Format::Json && out_dir.is_none() {
                to_stdout(&report::json::error_line(pattern, message))?;
            }
        }
    }
    let total = files.len();
    let style = Style::for_output(out.color, out_dir.is_none());
    let view = output::view(out.detail, out_dir.is_none());
    let mut written = 0usize;
    let plan = pipeline.batch_jobs(jobs, files.len());
    if let (Some(note), false) = (plan.note(), quiet) {
        tell!("rehearse: {note}");
    }
    pipeline.analyze_batch(&files, plan.jobs, |i, result| {
        let path = &files[i];
        let mut res = Ok(());
        match result {
            Err(err) => {
                failed += 1;
                let text = format!("{err:#}");
                quietly(&mut || tell!("rehearse: error: {}", printable_line(&text)));
                if format == Format::Json && out_dir.is_none() {
                    let line = report::json::error_line(&path.display().to_string(), &text);
                    quietly(&mut || res = to_stdout(&line));
                }
            }
            Ok(report) => {
                let report = with_story(report, story.as_ref());
                // Each take joins the history as if analysed on its own, before its report
                // is written: a report that cannot be written does not cost the take.
                let saved = save_analyzed(&report, path, save, question.as_deref(), quiet);
                let text = match (format, out_dir) {
                    (Format::Json, None) => report::json::render_line(&report),
                    (format, _) => output::render(&report, format, &style, view, Some(path)),
                };
                match out_dir {
                    Some(dir) => res = write_output(Some(&report_path(dir, path, format)), &text),
                    None => {
                        let framed = match format {
                            Format::Json => text,
                            Format::Terminal => format!(
                                "{}==> {} ({}/{}) <==\n{text}",
                                if written > 0 { "\n" } else { "" },
                                printable_line(&path.display().to_string()),
                                i + 1,
                                total
                            ),
                            Format::Markdown if written > 0 => format!("\n---\n\n{text}"),
                            // Rejected before the batch starts (one page per file needs -o DIR).
                            Format::Markdown | Format::Html => text,
                        };
                        quietly(&mut || res = to_stdout(&framed));
                    }
                }
                written += 1;
                match saved {
                    Ok(Some(note)) => quietly(&mut || tell!("{note}")),
                    Ok(None) => {}
                    Err(err) => {
                        failed += 1;
                        let text = format!("{}: {err:#}", path.display());
                        quietly(&mut || tell!("rehearse: error: {}", printable_line(&text)));
                    }
                }
            }
        }
        res
    })?;
    let all = inputs.len().max(files.len());
    if failed > 0 {
        anyhow::bail!("{failed} of {all} recordings could not be analysed");
    }
    if !out.quiet {
        quietly(&mut || tell!("rehearse: analysed {written} recordings"));
    }
    Ok(())
}

/// With several recordings, -o must be a directory (created if missing) and no two reports may
/// land on the same file name.
fn check_output_dir(dir: &Path, files: &[PathBuf], format: Format) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!(
            "{}: with several recordings, -o must name a directory (one report per recording \
             is written inside it), not a file",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the report directory {}", dir.display()))?;
    let mut seen = std::collections::HashMap::new();
    for f in files {
        let target = report_path(dir, f, format);
        if let Some(other) = seen.insert(target.clone(), f) {
            anyhow::bail!(
                "{} and {} would both be reported to {}; analyse them in separate runs",
                other.display(),
                f.display(),
                target.display()
            );
        }
    }
    Ok(())
}
