//! The command-line edge: resolves arguments into settings and runs the pipeline
//! audio -> transcript -> analysis -> report. Errors here carry context for the user (anyhow).

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
    let mut pipeline = Pipeline::new(engine, targets, Box::new(move || progress_bar(quiet)));
    let question = asked.as_ref().map(|a| a.text.clone());
    pipeline.question = asked;
    let report = pipeline.analyze_file(&args.file)?;
    emit(&report, &args.output)?;
    history::run::save_after_analyze(&report, &args.file, &args.save, question.as_deref(), quiet)
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

pub fn emit(report: &Report, out: &OutputArgs) -> Result<()> {
    emit_with_audio(report, out, Some(Path::new(&report.audio.path)))
}

/// Like [`emit`], with the take's audio for the HTML player taken from `audio` (a stored
/// take's copy, say) rather than the path the report was made from.
pub fn emit_with_audio(report: &Report, out: &OutputArgs, audio: Option<&Path>) -> Result<()> {
    check_output(out)?;
    let style = Style::for_output(out.color, out.output.is_none());
    let text = match out.format {
        Format::Terminal => report::terminal::render(report, &style),
        Format::Json => report::json::render(report),
        Format::Markdown => report::markdown::render(report),
        Format::Html => {
            let embedded = match audio {
                Some(path) => report::html::embed(path),
                None => report::html::Embedded::Missing("this take has no audio file.".into()),
            };
            report::html::render(report, &embedded)
        }
    };
    write_page(out.output.as_deref(), out.open, &text)
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
