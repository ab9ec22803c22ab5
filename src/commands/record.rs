//! `rehearse record` and `rehearse devices`: the terminal around a take.
//!
//! Everything that can fail before a word is spoken (model, targets, device, output path) is
//! checked first. Then the question, a countdown, and the take with a live meter on stderr.
//! Enter stops (only when stdin is a terminal), Ctrl-C or SIGTERM stops and keeps the take,
//! and `--max-seconds` of captured audio stops. The take goes into the history at once (the
//! recording moved into its take folder, marked not analysed), is analysed with the shared
//! [`Pipeline`], gets its report attached, and is reported like `rehearse analyze`. Stopped
//! during the analysis, the take stays in the history and `rehearse reanalyze` finishes it.

use std::path::Path;

use anyhow::{bail, Context, Result};

use super::common::take_at_terminal::{
    capture_take, check_take, keep_take, take_finished, Kept, TakeOptions,
};
use super::common::{emit, engine_settings, load_story, open_store, output_options, targets};
use crate::analyze::questions::Asked;
use crate::audio::capture;
use crate::cli::RecordArgs;
use crate::live::Live;
use crate::output::{self, progress_bar, write_output};
use crate::pipeline::Pipeline;
use crate::record::Take;
use crate::report::{self, RecordingInfo, Report};
use crate::story::Named;
use crate::tell;
use crate::transcribe::cache::PieceCache;

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
        Some(p) if !args.no_live => Some(Live::start(p, p.engine.threads)?),
        _ => None,
    };
    // On an error the live transcriber is dropped, which stops it.
    let take = capture_take(&options, live.as_mut())?;
    check_take(&take, quiet)?;
    // Into the history before the analysis: an interrupted analysis loses nothing. A store
    // that cannot take it (a full disk) does not stop the analysis; the error comes after the
    // report, and the recording stays where it was written.
    let (kept, not_kept) = match (!args.no_save)
        .then(|| keep_take(&take, question.as_deref(), None, args.out.is_some()))
        .transpose()
    {
        Ok(kept) => (kept, None),
        Err(e) => (None, Some(e)),
    };
    // Only now wait for the piece being transcribed: the take is already safe.
    if let Some(p) = live
        .map(Live::finish)
        .filter(|p| !quiet && p.failed.is_some())
    {
        tell!(
            "rehearse: transcribing while recording stopped ({}); the take is transcribed now",
            p.failed.unwrap_or_default()
        );
    }
    announce(&take, kept.as_ref(), pipeline.is_none(), quiet);
    let audio = kept.as_ref().map_or(&take.path, |k| &k.audio);
    let Some(mut pipeline) = pipeline else {
        let shown = if args.out.is_some() {
            &take.path
        } else {
            audio
        };
        write_output(None, &format!("{}\n", shown.display()))?;
        return not_kept.map_or(Ok(()), Err);
    };
    crate::store::test_pause("analysing");
    let report = analyse(&mut pipeline, &take, audio)
        .map(|r| with_story(r, story.as_ref()))
        .with_context(|| match &kept {
            Some(k) => format!(
                "take {} is kept in the history, not analysed ({}); `rehearse reanalyze {}` \
                 analyses it",
                k.id,
                k.audio.display(),
                k.id
            ),
            None => format!("the recording is kept in {}", take.path.display()),
        })?;
    // The report is shown even if it cannot be stored; the take is in the history anyway.
    let stored = kept
        .as_ref()
        .map_or(Ok(()), |k| store_report(k, &report, quiet));
    emit(&report, &args.output, Some(Path::new(&report.audio.path)))?;
    not_kept.map_or(stored, Err)
}

/// Say what was recorded and where it is kept.
fn announce(take: &Take, kept: Option<&Kept>, no_analyze: bool, quiet: bool) {
    if quiet {
        return;
    }
    let path = |p: &Path| crate::term::printable_line(&p.display().to_string()).into_owned();
    match kept {
        Some(k) => tell!(
            "rehearse: recorded {:.1} s ({}), kept as take {}: {}{}",
            take.seconds(),
            take.reason.describe(),
            k.id,
            path(&k.audio),
            if no_analyze {
                format!(" (not analysed; `rehearse reanalyze {}` analyses it)", k.id)
            } else {
                String::new()
            }
        ),
        None => tell!(
            "rehearse: recorded {:.1} s ({}): {}",
            take.seconds(),
            take.reason.describe(),
            path(&take.path)
        ),
    }
}

/// The analysis's report into the take stored before it.
fn store_report(kept: &Kept, report: &Report, quiet: bool) -> Result<()> {
    let not_stored = || {
        format!(
            "the report could not be stored with take {}; `rehearse reanalyze {}` analyses it \
             again",
            kept.id, kept.id
        )
    };
    let mut store = open_store().with_context(not_stored)?;
    store
        .attach_report(
            &kept.id,
            &report::json::render(report),
            &report.model.path,
            report.audio.duration_s,
        )
        .with_context(not_stored)?;
    take_finished(&kept.id);
    if !quiet {
        tell!(
            "rehearse: saved as take {} (`rehearse show {}` prints it again)",
            kept.id,
            kept.id
        );
    }
    Ok(())
}

/// Analyse the saved take (`audio`: where it is kept now) like any file; pieces transcribed
/// while it was recorded are taken from the pipeline's cache.
fn analyse(pipeline: &mut Pipeline, take: &Take, audio: &Path) -> Result<Report> {
    // Through a cache even without live transcription, so every piece is counted.
    pipeline
        .pieces
        .get_or_insert_with(|| std::sync::Arc::new(PieceCache::new()));
    let counts = |p: &Pipeline| {
        let (hits, misses, languages) = p.pieces.as_ref().map_or((0, 0, 0), |c| {
            (c.hits(), c.misses(), c.languages_remembered())
        });
        let pitch = p.pitch_blocks.as_ref().map_or(0, |c| c.hits());
        (hits, misses, languages, pitch)
    };
    let before = counts(pipeline);
    let mut report = pipeline.analyze_file(audio)?;
    // Pieces of this analysis found already transcribed, and decoded now (not the live
    // thread's own look-ups).
    let after = counts(pipeline);
    let (from_recording, after_stop) = (after.0 - before.0, after.1 - before.1);
    report.recording = Some(RecordingInfo {
        device: take.device.clone(),
        started_at: take.started_at,
        stopped_at: take.stopped_at,
        stop_reason: take.reason.describe().into(),
        pieces_while_recording: from_recording,
        pieces_after_stop: after_stop,
        language_named_while_recording: after.2 > before.2,
        pitch_blocks_while_recording: after.3 - before.3,
        report_after_stop_s: take.ended.elapsed().as_secs_f64(),
    });
    Ok(report)
}

/// The report with the answer checked against the story, when one was named.
fn with_story(mut report: Report, story: Option<&Named>) -> Report {
    if let Some(s) = story {
        report.story = Some(report::story::check(&s.name, &s.story, &report));
    }
    report
}
