//! Where the time of one `analyze` goes: every stage of `Pipeline::analyze_with`, in the same
//! order on the same functions, each timed on its own (one process, model loaded once before
//! the first file). The measurement behind the README's voice timing line (issue #15: the
//! voice section may add at most 10 % to the analysis) and the speed notes, and a way to see
//! where the time after a recorded take's stop goes. Needs the models (`--model`,
//! REHEARSE_MODEL / REHEARSE_VAD_MODEL, or ./models).
//!
//! ```sh
//! cargo run --release --example stage_times -- [--model PATH] [--threads N] \
//!     [--window full|fitted|fitted:MIN_FRAMES] [--text] FILE...
//! ```
//!
//! Prints one JSON object per file: its length; the wall-clock seconds of each stage
//! (`seconds`: `decode` the audio file, `speech_map` the speech detector, `transcribe` Whisper
//! over every piece, `pitch` the pYIN track shared by the filled-pause pass and the voice
//! section, `audio_fillers` that pass, `analysis` every metric, `report` building the report,
//! `voice` the voice section on the shared track) and their sum `total_s` (the model load is
//! printed once, apart); the same in CPU seconds of the whole process (`cpu_seconds`,
//! `total_cpu_s`: what a loaded machine blurs least); the pieces, how many were decoded twice
//! and how many looked suspect with the full window; the word count; `voice_share`, the voice
//! section as a share of the total, and `voice_with_pitch_share`, with the pitch track counted
//! as its own; with `--text`, the transcript.

#[path = "common/cpu.rs"]
mod cpu;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use cpu::cpu_s;
use rehearse::analyze::{self, vad, voice};
use rehearse::audio::{self, TARGET_RATE};
use rehearse::config::Targets;
use rehearse::pipeline::{speech_only, EngineSettings, Pipeline};
use rehearse::report::{EngineInfo, Report, TakeFacts};
use rehearse::speech::noise;
use rehearse::transcribe::whisper::{dtw_preset, WhisperEngine, Window, FILLER_PROMPT};
use rehearse::transcribe::{chunks, fit_to_speech, transcribe_chunks, Transcript};
use serde_json::json;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut threads, mut window, mut files) = (None, Window::Full, Vec::new());
    let (mut text, mut model) = (false, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--text" => text = true,
            "--model" => model = Some(PathBuf::from(args.next().context("--model PATH")?)),
            "--threads" => {
                threads = Some(args.next().context("--threads N")?.parse()?);
            }
            "--window" => {
                window = match args.next().as_deref() {
                    Some("full") => Window::Full,
                    Some("fitted") => Window::Fitted { min_frames: 0 },
                    Some(w) if w.starts_with("fitted:") => Window::Fitted {
                        min_frames: w["fitted:".len()..].parse()?,
                    },
                    other => bail!("--window full|fitted|fitted:MIN_FRAMES, not {other:?}"),
                }
            }
            _ => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() {
        bail!("usage: stage_times [--model PATH] [--threads N] [--window full|fitted|fitted:MIN_FRAMES] [--text] FILE...");
    }
    let settings = EngineSettings::resolve(model, None, threads, None)?;
    let threads = settings.threads;
    let t = Instant::now();
    let engine = WhisperEngine::load(&settings.model, None, dtw_preset(&settings.model_info))?;
    let model_load_s = t.elapsed().as_secs_f64();
    let language_engine = match &settings.language_model {
        Some(path) => Some(WhisperEngine::load(path, None, None)?),
        None => None,
    };
    let targets = Targets::default();
    let pipeline = Pipeline::new(
        settings.clone(),
        targets.clone(),
        Box::new(indicatif::ProgressBar::hidden),
    );
    // The speech detector loads on first use: load it now, outside the timings.
    pipeline.speech_map(&[0.0; 16_000])?;
    println!(
        "{}",
        json!({"model_load_s": model_load_s, "threads": threads, "window": format!("{window:?}"),
            "language_model": settings.language_model.as_ref().map(|p| p.display().to_string())})
    );
    for file in &files {
        let mut stage = Stage::default();
        let a = stage.time("decode", || audio::load(file))?;
        let map = stage.time("speech_map", || pipeline.speech_map(&a.samples))?;
        let vad = vad::SpeechActivity::from_map(&a.samples, TARGET_RATE, &map);
        let plan = chunks::plan_for(&map);
        let mut session = engine.session(threads)?;
        session.set_window(window);
        let chunked = stage.time("transcribe", || {
            if map.to_transcribe().is_empty() {
                return Ok(Default::default());
            }
            transcribe_chunks(
                &mut session,
                &a.samples,
                TARGET_RATE,
                &plan,
                &map.speech,
                &|_| {},
            )
        })?;
        stage.time("language", || {
            let heard = speech_only(&a.samples, &map.speech);
            match &language_engine {
                Some(other) if !engine.is_multilingual() => {
                    other.session(threads)?.language(&heard)
                }
                _ => session.language(&heard),
            }
        })?;
        stage.time("snr", || {
            let powers = noise::frame_powers(&a.samples, TARGET_RATE);
            noise::snr_db(&powers, &map.speech, &map.to_transcribe())
        });
        let mut transcript: Transcript = chunked.transcript;
        fit_to_speech(&mut transcript.words, &map);
        let pitch = stage.time("pitch", || {
            if vad.has_speech() {
                voice::pitch::track(&a.samples, TARGET_RATE, &vad.segments)
            } else {
                Vec::new()
            }
        });
        let heard = stage.time("audio_fillers", || {
            pipeline.audio_fillers(&a.samples, &vad, &transcript, &pitch)
        });
        let analysis = stage.time("analysis", || {
            analyze::analyze_take(&transcript, &vad, &targets, None, heard)
        });
        let report = stage.time("report", || {
            Report::build(TakeFacts {
                audio_path: file.display().to_string(),
                audio: &a,
                vad: &vad,
                engine: EngineInfo {
                    engine: "whisper.cpp".into(),
                    path: settings.model.display().to_string(),
                    threads,
                    beam: None,
                    initial_prompt: FILLER_PROMPT.into(),
                    transcribe_s: 0.0,
                    real_time_factor: 0.0,
                    speech_detector: None,
                    word_times: None,
                    language_model: None,
                },
                targets: &targets,
                transcript: &transcript,
                quality: Default::default(),
                snr_db: None,
                analysis,
            })
        });
        let voice = stage.time("voice", || {
            report.speech_found.then(|| {
                voice::measure_take_with_pitch(
                    &a.samples,
                    TARGET_RATE,
                    &vad,
                    &transcript.words,
                    &report.star,
                    &pitch,
                )
            })
        });
        let total: f64 = stage.0.iter().map(|s| s.1).sum();
        let get = |name: &str| stage.0.iter().find(|s| s.0 == name).map_or(0.0, |s| s.1);
        let map = |v: &[(&str, f64)]| -> serde_json::Map<String, serde_json::Value> {
            v.iter().map(|(k, v)| (k.to_string(), json!(v))).collect()
        };
        println!(
            "{}",
            json!({
                "file": file.display().to_string(),
                "duration_s": a.duration_s(),
                "seconds": map(&stage.0),
                "total_s": total,
                "cpu_seconds": map(&stage.1),
                "total_cpu_s": stage.1.iter().map(|s| s.1).sum::<f64>(),
                "pieces": chunked.pieces,
                "redecoded": chunked.redecoded,
                "suspect_full": chunked.suspect_full,
                "words": transcript.words.len(),
                "voice_found": voice.is_some(),
                "voice_share": get("voice") / total,
                "voice_with_pitch_share": (get("voice") + get("pitch")) / total,
                "text": text.then(|| transcript.text()),
            })
        );
    }
    Ok(())
}

/// Seconds spent in each named stage, in order: wall clock, and CPU (user + system, every
/// thread of the process).
#[derive(Default)]
struct Stage(Vec<(&'static str, f64)>, Vec<(&'static str, f64)>);

impl Stage {
    fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let (t, c) = (Instant::now(), cpu_s());
        let out = f();
        self.0.push((name, t.elapsed().as_secs_f64()));
        self.1.push((name, cpu_s() - c));
        out
    }
}
