//! The command-line edge: resolves arguments into settings and runs the pipeline
//! audio -> transcript -> analysis -> report. Errors here carry context for the user (anyhow).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::analyze::{self, vad};
use crate::audio::{self, TARGET_RATE};
use crate::cli::{
    AnalyzeArgs, Cli, Command, EngineArgs, Format, ModelArgs, OutputArgs, TargetArgs,
};
use crate::config::Targets;
use crate::report::{self, EngineInfo, Report, TakeFacts};
use crate::term::Style;
use crate::transcribe::model::{self, ModelSearch};
use crate::transcribe::whisper::{WhisperEngine, FILLER_PROMPT};
use crate::transcribe::{Transcriber, Transcript};

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Analyze(args) => analyze(args),
        Command::Model(args) => show_model(args),
    }
}

/// Settings for the engine once the model is found and checked.
struct Engine {
    model: PathBuf,
    threads: usize,
    beam: Option<u16>,
}

impl Engine {
    fn resolve(args: &EngineArgs) -> Result<Engine> {
        let (path, _) = ModelSearch::from_environment(args.model.clone()).resolve()?;
        model::validate(&path)?;
        let threads = args.threads.map(usize::from).unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(4, std::num::NonZeroUsize::get)
        });
        Ok(Engine {
            model: path,
            threads,
            beam: args.beam,
        })
    }
}

fn targets(args: &TargetArgs) -> Result<Targets> {
    let mut t = Targets::default();
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
    let targets = targets(&args.targets)?;
    let engine = Engine::resolve(&args.engine)?;
    let audio = audio::load(&args.file)?;
    let vad = vad::detect(&audio.samples, TARGET_RATE);

    let started = Instant::now();
    let transcript = if vad.has_speech() {
        transcribe(&engine, &audio.samples, args.output.quiet)?
    } else {
        Transcript::default()
    };
    let transcribe_s = started.elapsed().as_secs_f64();

    let analysis = analyze::analyze(&transcript, &vad, &targets);
    let report = Report::build(TakeFacts {
        audio_path: args.file.display().to_string(),
        audio: &audio,
        vad: &vad,
        engine: EngineInfo {
            engine: "whisper.cpp",
            path: engine.model.display().to_string(),
            threads: engine.threads,
            beam: engine.beam,
            initial_prompt: FILLER_PROMPT,
            transcribe_s,
            real_time_factor: if audio.duration_s() > 0.0 {
                transcribe_s / audio.duration_s()
            } else {
                0.0
            },
        },
        targets: &targets,
        transcript: &transcript,
        analysis,
    });
    emit(&report, &args.output)
}

fn transcribe(engine: &Engine, samples: &[f32], quiet: bool) -> Result<Transcript> {
    let bar = progress_bar(quiet);
    bar.set_message("loading model");
    let mut whisper = WhisperEngine::load(&engine.model, engine.threads, engine.beam)?;
    bar.set_message("transcribing");
    let tick = bar.clone();
    let transcript = whisper
        .transcribe(
            samples,
            Box::new(move |pct| tick.set_position(pct.clamp(0, 100) as u64)),
        )
        .context("transcription failed")?;
    bar.finish_and_clear();
    Ok(transcript)
}

fn progress_bar(quiet: bool) -> ProgressBar {
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

fn emit(report: &Report, out: &OutputArgs) -> Result<()> {
    let style = Style::for_output(out.color, out.output.is_none());
    let text = match out.format {
        Format::Terminal => report::terminal::render(report, &style),
        Format::Json => report::json::render(report),
        Format::Markdown => report::markdown::render(report),
    };
    write_output(out.output.as_deref(), &text)
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
