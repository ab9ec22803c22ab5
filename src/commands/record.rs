//! `rehearse record` and `rehearse devices`: the terminal around a take.
//!
//! Everything that can fail before a word is spoken (model, targets, device, output path) is
//! checked first. Then the question, a countdown, and the take with a live meter on stderr.
//! Enter stops (only when stdin is a terminal), Ctrl-C or SIGTERM stops and keeps the take,
//! and `--max-seconds` of captured audio stops. The take is saved, analysed with the shared
//! [`Pipeline`], and reported like `rehearse analyze`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::common::{emit, engine_settings, output_options, save_after_analyze, targets};
use crate::analyze::questions::Asked;
use crate::audio::capture::{self, Microphone, Source};
use crate::cli::{RecordArgs, SaveArgs};
use crate::output::{self, progress_bar, write_output};
use crate::paths;
use crate::pipeline::{EngineSettings, Pipeline};
use crate::record::level::meter_bar;
use crate::record::writer::TakeWriter;
use crate::record::{self as capture_loop, new_take_path, Status, StopReason, StopSignal, Take};
use crate::report::Report;

/// True while a take is being recorded: Ctrl-C then stops the take instead of the program.
static RECORDING: AtomicBool = AtomicBool::new(false);

pub fn devices() -> Result<()> {
    let devices = capture::list_devices()?;
    if devices.is_empty() {
        bail!("no input devices found; connect a microphone and try again");
    }
    let width = devices.iter().map(|d| d.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for d in &devices {
        let mark = if d.is_default { '*' } else { ' ' };
        let description = d.description.as_deref().unwrap_or("");
        out.push_str(
            format!(
                "{mark} {:<width$}  {}  {description}\n",
                d.name, d.default_config
            )
            .trim_end(),
        );
        out.push('\n');
    }
    out.push_str("(* = default; pass a name to `rehearse record --device NAME`)\n");
    write_output(None, &out)
}

pub fn record(args: RecordArgs) -> Result<()> {
    let quiet = args.output.quiet;
    let asked = Asked::from_flag(args.question.as_deref())?;
    let question = asked.as_ref().map(|a| a.text.clone());
    // Everything that can fail is checked before a word is spoken.
    output::check(&output_options(&args.output))?;
    let targets = targets(&args.targets)?;
    let engine = if args.no_analyze {
        None
    } else {
        Some(engine_settings(&args.engine)?)
    };
    let take = capture_take(&args, question.as_deref())?;
    check_take(&take, quiet)?;

    let analysed = engine
        .map(|engine| analyse(engine, targets, asked, &take.path, quiet))
        .transpose();
    let report = analysed.as_ref().ok().and_then(Option::as_ref);
    save_take(&take, question.as_deref(), report, args.no_save, quiet)?;
    let report =
        analysed.with_context(|| format!("the recording is kept in {}", take.path.display()))?;
    match report {
        Some(report) => emit(&report, &args.output, Some(Path::new(&report.audio.path))),
        None => write_output(None, &format!("{}\n", take.path.display())),
    }
}

/// Open the device, show the question, count down, and record until a stop.
fn capture_take(args: &RecordArgs, question: Option<&str>) -> Result<Take> {
    let quiet = args.output.quiet;
    let (path, overwrite) = take_destination(args.out.as_deref())?;
    let mut mic = Microphone::open(args.device.as_deref())?;
    let stop = StopSignal::new();
    install_interrupt_handler(&stop)?;

    let max_seconds = f64::from(args.max_seconds);
    // The question is what the user answers, so it shows even with --quiet.
    if let Some(q) = question {
        eprintln!("\nQuestion: {q}\n");
    }
    if !quiet {
        introduce(&mic, max_seconds);
    }
    countdown(args.countdown, quiet);
    let writer = TakeWriter::create(&path, mic.format(), overwrite)?;
    RECORDING.store(true, Ordering::SeqCst);
    if let Err(e) = mic.start() {
        let _ = std::fs::remove_file(&path);
        return Err(e.into());
    }
    watch_for_enter(&stop);
    let meter = LiveMeter::new(quiet);
    let take = capture_loop::record(&mut mic, writer, &stop, max_seconds, &mut |s| {
        meter.update(s)
    });
    RECORDING.store(false, Ordering::SeqCst);
    meter.finish();
    Ok(take)
}

/// Save the take: the one place a finished recording is registered. The WAV stays where it
/// was written; an analysed take also goes into the history (unless `--no-save`).
fn save_take(
    take: &Take,
    question: Option<&str>,
    report: Option<&Report>,
    no_save: bool,
    quiet: bool,
) -> Result<()> {
    if !quiet {
        eprintln!(
            "rehearse: recorded {:.1} s ({}): {}",
            take.seconds(),
            take.reason.describe(),
            take.path.display()
        );
    }
    let Some(report) = report else {
        return Ok(());
    };
    let save = SaveArgs {
        no_save,
        force: false,
    };
    save_after_analyze(report, &take.path, &save, question, quiet)
}

/// Where the WAV goes, and whether an existing file there may be replaced.
fn take_destination(out: Option<&Path>) -> Result<(PathBuf, bool)> {
    if let Some(path) = out {
        return Ok((path.to_path_buf(), true));
    }
    let dir = paths::data_dir()?.join("takes");
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the takes folder {}", dir.display()))?;
    Ok((new_take_path(&dir, SystemTime::now()), false))
}

fn install_interrupt_handler(stop: &StopSignal) -> Result<()> {
    let stop = stop.clone();
    ctrlc::set_handler(move || {
        if RECORDING.load(Ordering::SeqCst) {
            stop.interrupt();
        } else {
            eprintln!("\nrehearse: interrupted");
            std::process::exit(130);
        }
    })
    .context("cannot watch for Ctrl-C")
}

/// Enter ends the take, when there is a keyboard to press it on.
fn watch_for_enter(stop: &StopSignal) {
    if !std::io::stdin().is_terminal() {
        return;
    }
    let stop = stop.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        stop.enter();
    });
}

fn introduce(mic: &Microphone, max_seconds: f64) {
    let f = mic.format();
    let enter = if std::io::stdin().is_terminal() {
        "Press Enter to stop; "
    } else {
        ""
    };
    eprintln!(
        "Recording from {} ({} ch, {} Hz, {}). {enter}Ctrl-C also stops and keeps the take; \
         stops by itself after {}.",
        mic.name,
        f.channels,
        f.sample_rate,
        f.kind.describe(),
        clock(max_seconds)
    );
}

fn countdown(seconds: u32, quiet: bool) {
    for n in (1..=seconds).rev() {
        if !quiet {
            eprint!("{n}... ");
            let _ = std::io::stderr().flush();
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    if seconds > 0 && !quiet {
        eprintln!("go!");
    }
}

/// Elapsed, time left and level on one stderr line; hidden when quiet or not a terminal.
struct LiveMeter {
    bar: ProgressBar,
}

impl LiveMeter {
    fn new(quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return LiveMeter {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{prefix:.red.bold} {wide_msg}")
                .expect("the template is valid"),
        );
        bar.set_prefix("● REC");
        LiveMeter { bar }
    }

    fn update(&self, s: &Status) {
        if self.bar.is_hidden() {
            return;
        }
        let warning = s
            .warning
            .map_or(String::new(), |w| format!("  ! {}", w.short()));
        self.bar.set_message(format!(
            "{} / {}  ({} left)  [{}] {:>4.0} dBFS{warning}",
            clock(s.seconds),
            clock(s.max_seconds),
            clock((s.max_seconds - s.seconds).max(0.0)),
            meter_bar(s.level_db, 20),
            s.level_db.max(-99.0),
        ));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A take that ended badly is an error, with the path of what was kept; an empty one is removed.
fn check_take(take: &Take, quiet: bool) -> Result<()> {
    let problem = match &take.reason {
        StopReason::DeviceLost(e) => Some(e.to_string()),
        StopReason::DiskFailed(e) => Some(e.clone()),
        _ => None,
    };
    if take.frames == 0 {
        let _ = std::fs::remove_file(&take.path);
        bail!(
            "{}",
            problem.unwrap_or_else(|| "nothing was recorded".into())
        );
    }
    if let Some(problem) = problem {
        bail!(
            "{problem}; kept the {:.1} s recorded before it in {} (analyse it with `rehearse analyze`)",
            take.seconds(),
            take.path.display()
        );
    }
    if let (Some(w), false) = (take.level.warning(), quiet) {
        eprintln!("rehearse: warning: {}", w.message());
    }
    Ok(())
}

fn analyse(
    engine: EngineSettings,
    targets: crate::config::Targets,
    asked: Option<Asked>,
    path: &Path,
    quiet: bool,
) -> Result<Report> {
    let mut pipeline = Pipeline::new(engine, targets, Box::new(move || progress_bar(quiet)));
    pipeline.question = asked;
    pipeline.analyze_file(path)
}

/// `m:ss`.
fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).floor() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_shows_minutes_and_seconds() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(179.9), "2:59");
        assert_eq!(clock(180.0), "3:00");
    }
}
