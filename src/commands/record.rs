//! `rehearse record` and `rehearse devices`: the terminal around a take.
//!
//! Everything that can fail before a word is spoken (model, targets, device, output path) is
//! checked first. Then the question, a countdown, and the take with a live meter on stderr.
//! Enter stops (only when stdin is a terminal), Ctrl-C or SIGTERM stops and keeps the take,
//! and `--max-seconds` of captured audio stops. The take is saved, analysed with the shared
//! [`Pipeline`], and reported like `rehearse analyze`.

use std::path::Path;

use anyhow::{bail, Context, Result};

use super::common::{
    capture_take, check_take, emit, engine_settings, load_story, output_options,
    save_after_analyze, targets, TakeOptions,
};
use crate::analyze::questions::Asked;
use crate::audio::capture;
use crate::cli::{RecordArgs, SaveArgs};
use crate::live::Live;
use crate::output::{self, progress_bar, write_output};
use crate::pipeline::Pipeline;
use crate::record::Take;
use crate::report::{self, RecordingInfo, Report};
use crate::story::Named;

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
    let story = args.story.as_deref().map(load_story).transpose()?;
    let options = TakeOptions {
        device: args.device.as_deref(),
        max_seconds: f64::from(args.max_seconds),
        countdown: args.countdown,
        out: args.out.as_deref(),
        question: question.as_deref(),
        quiet,
    };
    // The models load before the countdown, and the take is transcribed while it is spoken.
    let mut pipeline = engine.map(|engine| {
        let mut p = Pipeline::new(engine, targets, Box::new(move || progress_bar(quiet)));
        p.question = asked;
        p
    });
    let mut live = match pipeline.as_mut() {
        Some(p) if !args.no_live => Some(Live::start(p, live_threads(p.engine.threads))?),
        _ => None,
    };
    let take = capture_take(&options, live.as_mut());
    if let Some(p) = live
        .map(Live::finish)
        .filter(|p| !quiet && p.failed.is_some())
    {
        eprintln!(
            "rehearse: transcribing while recording stopped ({}); the take is transcribed now",
            p.failed.unwrap_or_default()
        );
    }
    let take = take?;
    check_take(&take, quiet)?;

    let analysed = pipeline
        .map(|mut p| analyse(&mut p, &take))
        .transpose()
        .map(|report| report.map(|r| with_story(r, story.as_ref())));
    let report = analysed.as_ref().ok().and_then(Option::as_ref);
    save_take(&take, question.as_deref(), report, args.no_save, quiet)?;
    let report =
        analysed.with_context(|| format!("the recording is kept in {}", take.path.display()))?;
    match report {
        Some(report) => emit(&report, &args.output, Some(Path::new(&report.audio.path))),
        None => write_output(None, &format!("{}\n", take.path.display())),
    }
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
            crate::term::printable_line(&take.path.display().to_string())
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

/// Analyse the saved take like any file; pieces transcribed while it was recorded are taken
/// from the pipeline's cache.
fn analyse(pipeline: &mut Pipeline, take: &Take) -> Result<Report> {
    let mut report = pipeline.analyze_file(&take.path)?;
    let from_recording = pipeline.pieces.as_ref().map_or(0, |c| c.hits());
    report.recording = Some(RecordingInfo {
        device: take.device.clone(),
        started_at: take.started_at,
        stopped_at: take.stopped_at,
        stop_reason: take.reason.describe().into(),
        pieces_while_recording: from_recording,
        report_after_stop_s: take.ended.elapsed().as_secs_f64(),
    });
    Ok(report)
}

/// Threads for transcribing while recording: one core is left to the audio capture and the
/// display, so a busy decoder never makes the device drop samples.
fn live_threads(threads: usize) -> usize {
    let cores = crate::transcribe::threads::cores();
    threads.min(cores.saturating_sub(1)).max(1)
}

/// The report with the answer checked against the story, when one was named.
fn with_story(mut report: Report, story: Option<&Named>) -> Report {
    if let Some(s) = story {
        report.story = Some(report::story::check(&s.name, &s.story, &report));
    }
    report
}
