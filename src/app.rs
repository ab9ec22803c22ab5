//! The command-line edge: resolves arguments into settings and runs the pipeline
//! audio -> transcript -> analysis -> report. Errors here carry context for the user (anyhow).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{
    AnalyzeArgs, Cli, Command, EngineArgs, Format, ModelArgs, OutputArgs, QuestionsArgs, TargetArgs,
};
use crate::config::Targets;
use crate::history;
use crate::pipeline::{EngineSettings, Pipeline};
use crate::questions::{self, Asked};
use crate::report::{self, Report};
use crate::term::Style;
use crate::transcribe::model::{self, ModelSearch};

pub fn run(cli: Cli) -> Result<()> {
    if let Some(dir) = cli.data_dir {
        crate::paths::set_data_dir(dir);
    }
    match cli.command {
        Command::Analyze(args) => analyze(args),
        Command::Model(args) => show_model(args),
        Command::History(args) => history::run::history(args),
        Command::Show(args) => history::run::show(args),
        Command::Compare(args) => history::run::compare(args),
        Command::Progress(args) => history::run::progress(args),
        Command::Delete(args) => history::run::delete(args),
        Command::Export(args) => history::run::export(args),
        Command::Import(args) => history::run::import(args),
        Command::Reindex => history::run::reindex(),
        Command::Config(args) => history::run::config(args),
        Command::Record(args) => crate::record::command::record(args),
        Command::Devices => crate::record::command::devices(),
        Command::Questions(args) => list_questions(&args),
    }
}

/// The targets in force: the config file's, overridden by any flags.
pub fn targets(args: &TargetArgs) -> Result<Targets> {
    let mut t = crate::settings::load()?.targets;
    if let Some(r) = args.pace {
        t.pace_wpm = r;
    }
    if let Some(r) = args.length {
        t.answer_length_s = r;
    }
    if let Some(s) = args.long_pause {
        t.long_pause_s = s;
    }
    if let Some(n) = args.max_fillers_per_minute {
        t.fillers_per_minute_max = n;
    }
    t.validate()?;
    Ok(t)
}

fn analyze(args: AnalyzeArgs) -> Result<()> {
    check_output(&args.output)?;
    let targets = targets(&args.targets)?;
    let asked = Asked::from_flag(args.question.as_deref())?;
    let engine = engine_settings(&args.engine)?;
    let quiet = args.output.quiet;
    let question = asked.as_ref().map(|a| a.text.clone());
    let inputs = expand_inputs(&args.files);
    if let [Input::File(path)] = inputs.as_slice() {
        // One recording: exactly one report, as always (one JSON object for --format json).
        let mut pipeline = Pipeline::new(engine, targets, Box::new(move || progress_bar(quiet)));
        pipeline.question = asked;
        let report = pipeline.analyze_file(path)?;
        let out = match args.output.output.as_deref() {
            Some(dir) if dir.is_dir() => Some(report_path(dir, path, args.output.format)),
            other => other.map(Path::to_path_buf),
        };
        emit_to(&report, &args.output, out.as_deref(), Some(path))?;
        return history::run::save_after_analyze(
            &report,
            path,
            &args.save,
            question.as_deref(),
            quiet,
        );
    }
    // With several recordings, -o names a directory (made if needed).
    if args.output.format == Format::Html && args.output.output.is_none() {
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
        asked,
        &args.output,
        &args.save,
    )
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

/// Where a recording's report goes when -o names a directory: DIR/<file name>.<ext>.
pub fn report_path(dir: &Path, input: &Path, format: Format) -> PathBuf {
    let name = input
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    let ext = match format {
        Format::Terminal => "txt",
        Format::Json => "json",
        Format::Markdown => "md",
        Format::Html => "html",
    };
    dir.join(format!("{name}.{ext}"))
}

/// Several recordings: one model load, `jobs` at a time, each report as soon as it is ready
/// (in input order), one line on stderr for each recording that failed.
fn analyze_batch(
    inputs: &[Input],
    jobs: usize,
    engine: EngineSettings,
    targets: Targets,
    asked: Option<Asked>,
    out: &OutputArgs,
    save: &crate::history::args::SaveArgs,
) -> Result<()> {
    let files: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(p) => Some(p.clone()),
            Input::BadPattern { .. } => None,
        })
        .collect();
    let out_dir = out.output.as_deref();
    if let Some(dir) = out_dir {
        check_output_dir(dir, &files, out.format)?;
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
    for input in inputs {
        if let Input::BadPattern { pattern, message } = input {
            failed += 1;
            eprintln!("rehearse: error: {message}");
            if out.format == Format::Json && out_dir.is_none() {
                write_output(None, &report::json::error_line(pattern, message))?;
            }
        }
    }
    let total = files.len();
    let style = Style::for_output(out.color, out_dir.is_none());
    let mut written = 0usize;
    pipeline.analyze_batch(&files, jobs, |i, result| {
        let path = &files[i];
        let mut res = Ok(());
        match result {
            Err(err) => {
                failed += 1;
                quietly(&mut || eprintln!("rehearse: error: {err:#}"));
                if out.format == Format::Json && out_dir.is_none() {
                    let line =
                        report::json::error_line(&path.display().to_string(), &format!("{err:#}"));
                    quietly(&mut || res = write_output(None, &line));
                }
            }
            Ok(report) => {
                let text = match (out.format, out_dir) {
                    (Format::Json, None) => report::json::render_line(&report),
                    (format, _) => render(&report, format, &style, Some(path)),
                };
                match out_dir {
                    Some(dir) => {
                        res = write_output(Some(&report_path(dir, path, out.format)), &text)
                    }
                    None => {
                        let framed = match out.format {
                            Format::Json => text,
                            Format::Terminal => format!(
                                "{}==> {} ({}/{}) <==\n{text}",
                                if written > 0 { "\n" } else { "" },
                                path.display(),
                                i + 1,
                                total
                            ),
                            Format::Markdown if written > 0 => format!("\n---\n\n{text}"),
                            // Rejected before the batch starts (one page per file needs -o DIR).
                            Format::Markdown | Format::Html => text,
                        };
                        quietly(&mut || res = write_output(None, &framed));
                    }
                }
                written += 1;
                if res.is_ok() {
                    // Each take joins the history as if analysed on its own.
                    let saved = history::run::save_after_analyze(
                        &report,
                        path,
                        save,
                        question.as_deref(),
                        quiet,
                    );
                    if let Err(err) = saved {
                        failed += 1;
                        quietly(&mut || eprintln!("rehearse: error: {}: {err:#}", path.display()));
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
        quietly(&mut || eprintln!("rehearse: analysed {written} recordings"));
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

pub fn engine_settings(args: &EngineArgs) -> Result<EngineSettings> {
    EngineSettings::resolve(args.model.clone(), args.threads.map(usize::from), args.beam)
}

/// A progress bar on stderr, or a hidden one when quiet or stderr is not a terminal.
pub fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(100), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos:>3}% {elapsed}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

fn render(report: &Report, format: Format, style: &Style, audio: Option<&Path>) -> String {
    match format {
        Format::Terminal => report::terminal::render(report, style),
        Format::Json => report::json::render(report),
        Format::Markdown => report::markdown::render(report),
        Format::Html => {
            let embedded = match audio {
                Some(path) => report::html::embed(path),
                None => report::html::Embedded::Missing("this take has no audio file.".into()),
            };
            report::html::render(report, &embedded)
        }
    }
}

pub fn emit(report: &Report, out: &OutputArgs) -> Result<()> {
    emit_with_audio(report, out, Some(Path::new(&report.audio.path)))
}

/// Like [`emit`], with the take's audio for the HTML player taken from `audio` (a stored
/// take's copy, say) rather than the path the report was made from.
pub fn emit_with_audio(report: &Report, out: &OutputArgs, audio: Option<&Path>) -> Result<()> {
    emit_to(report, out, out.output.as_deref(), audio)
}

/// Render in the chosen format and write to `path` (stdout when None), opening the page in
/// the browser with `--open`.
fn emit_to(
    report: &Report,
    out: &OutputArgs,
    path: Option<&Path>,
    audio: Option<&Path>,
) -> Result<()> {
    check_output(out)?;
    let style = Style::for_output(out.color, path.is_none());
    write_page(path, out.open, &render(report, out.format, &style, audio))
}

/// Options that only make sense together, checked before any slow work.
pub fn check_output(out: &OutputArgs) -> Result<()> {
    if out.open && out.format != Format::Html {
        anyhow::bail!("--open shows an HTML report: add --format html");
    }
    Ok(())
}

/// Write the report, and with `--open` show it in the browser (a temporary file when no
/// `-o FILE` was given).
pub fn write_page(output: Option<&Path>, open: bool, text: &str) -> Result<()> {
    if !open {
        return write_output(output, text);
    }
    let path = match output {
        Some(p) => p.to_path_buf(),
        None => std::env::temp_dir().join(format!("rehearse-report-{}.html", std::process::id())),
    };
    write_output(Some(&path), text)?;
    open_in_browser(&path);
    Ok(())
}

/// Launch the default browser; failing to is a notice, not an error (the file is written).
fn open_in_browser(path: &Path) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let status = std::process::Command::new(opener)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => eprintln!("rehearse: opened {} in the browser", path.display()),
        Ok(s) => eprintln!(
            "rehearse: {opener} could not open a browser ({s}); the report is at {}",
            path.display()
        ),
        Err(e) => eprintln!(
            "rehearse: cannot run {opener} to open a browser ({e}); the report is at {}",
            path.display()
        ),
    }
}

/// Write to a file (atomically: a temporary file renamed into place) or to stdout.
pub fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
        Some(path) => {
            let tmp = path.with_extension("rehearse-tmp");
            std::fs::write(&tmp, text)
                .with_context(|| format!("cannot write the report to {}", path.display()))?;
            std::fs::rename(&tmp, path)
                .with_context(|| format!("cannot write the report to {}", path.display()))?;
        }
    }
    Ok(())
}

fn list_questions(args: &QuestionsArgs) -> Result<()> {
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(questions::BANK)?;
        s.push('\n');
        s
    } else {
        let mut s = String::new();
        for q in questions::BANK {
            s.push_str(&format!("{}\n  {}\n", q.id, q.text));
            for point in q.strong_answer {
                s.push_str(&format!("    - {point}\n"));
            }
        }
        s.push_str("\nUse one with: rehearse analyze FILE --question ID (or --question \"your own text\")\n");
        s
    };
    write_output(None, &text)
}

fn show_model(args: ModelArgs) -> Result<()> {
    let (path, source) = ModelSearch::from_environment(args.engine.model.clone()).resolve()?;
    let info = model::validate(&path)?;
    println!("model: {}", path.display());
    println!("found via: {source:?}");
    println!(
        "layers: {} encoder, {} decoder; vocabulary {}; {}",
        info.n_audio_layer,
        info.n_text_layer,
        info.n_vocab,
        if info.multilingual {
            "multilingual"
        } else {
            "English-only"
        }
    );
    Ok(())
}
