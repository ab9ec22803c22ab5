//! Where one piece's transcription time goes inside whisper.cpp (issue #13): the mel
//! spectrogram, the encoder (one 30 s window), the decoder (prompt and sampled tokens) and
//! DTW word alignment. Each file is cut into the pieces `analyze` transcribes
//! (`chunks::plan_for` over the speech detector's map); every piece is then run, `--runs`
//! times, through:
//!
//! - `mel`: `whisper_pcm_to_mel` on the piece;
//! - `encode`: `whisper_encode` of that mel (the full window, as `analyze` does by default);
//! - `full_plain`: `whisper_full` with `analyze`'s decoding settings, on a model loaded
//!   without DTW;
//! - `full_dtw`: the same on a model loaded with the DTW preset (what `analyze` runs).
//!
//! The decoder is `full_plain - mel - encode`, DTW is `full_dtw - full_plain`. Each step runs
//! on a fresh state, as `analyze` does per piece. Prints, per file, the median over runs of
//! each step summed over the pieces and per piece, in wall and CPU seconds (CPU: user + system
//! of the whole process, the steadier figure on a shared machine), and the word count of the
//! last DTW run (to compare engine builds: the same words, or not).
//!
//! ```sh
//! cargo run --release --example engine_split -- [--model PATH] [--threads N] [--runs N] FILE...
//! ```

#[path = "common/cpu.rs"]
mod cpu;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use cpu::cpu_s;
use rehearse::audio::{self, TARGET_RATE};
use rehearse::pipeline::{EngineSettings, Pipeline};
use rehearse::transcribe::chunks;
use rehearse::transcribe::whisper::{decode_params, dtw_preset};
use serde_json::json;
use whisper_rs::{DtwMode, DtwParameters, FullParams, WhisperContext, WhisperContextParameters};

const STEPS: [&str; 4] = ["mel", "encode", "full_plain", "full_dtw"];

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut threads, mut runs, mut model, mut files) = (None, 3usize, None, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model = Some(PathBuf::from(args.next().context("--model PATH")?)),
            "--threads" => threads = Some(args.next().context("--threads N")?.parse()?),
            "--runs" => runs = args.next().context("--runs N")?.parse()?,
            _ => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() || runs == 0 {
        bail!("usage: engine_split [--model PATH] [--threads N] [--runs N] FILE...");
    }
    let settings = EngineSettings::resolve(model, None, threads, None)?;
    let threads = settings.threads;
    rehearse::speech::silero::silence_engine_logs();
    let path = settings.model.to_str().context("model path is not UTF-8")?;
    let preset = dtw_preset(&settings.model_info).context("no DTW preset for this model")?;
    let plain = WhisperContext::new_with_params(path, WhisperContextParameters::default())
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut with_dtw = WhisperContextParameters::default();
    with_dtw.dtw_parameters(DtwParameters {
        mode: DtwMode::ModelPreset {
            model_preset: preset,
        },
        ..DtwParameters::default()
    });
    let dtw =
        WhisperContext::new_with_params(path, with_dtw).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let pipeline = Pipeline::new(
        settings.clone(),
        Default::default(),
        Box::new(indicatif::ProgressBar::hidden),
    );
    println!("{}", json!({"threads": threads, "runs": runs}));
    for file in &files {
        let a = audio::load(file)?;
        let map = pipeline.speech_map(&a.samples)?;
        let rate = TARGET_RATE as f64;
        let pieces: Vec<&[f32]> = chunks::plan_for(&map)
            .iter()
            .map(|c| {
                let s = ((c.start_s * rate) as usize).min(a.samples.len());
                let e = ((c.end_s * rate) as usize).clamp(s, a.samples.len());
                &a.samples[s..e]
            })
            .filter(|p| !p.is_empty())
            .collect();
        // [run][step] -> (wall, cpu) summed over pieces.
        let mut totals = vec![[(0.0, 0.0); 4]; runs];
        let mut words = 0;
        for run in totals.iter_mut() {
            words = 0;
            for piece in &pieces {
                let mut state = plain.create_state().map_err(|e| anyhow::anyhow!("{e:?}"))?;
                run[0] = add(run[0], timed(|| state.pcm_to_mel(piece, threads))?);
                run[1] = add(run[1], timed(|| state.encode(0, threads))?);
                let mut state = plain.create_state().map_err(|e| anyhow::anyhow!("{e:?}"))?;
                run[2] = add(run[2], timed(|| state.full(params(threads), piece))?);
                let mut state = dtw.create_state().map_err(|e| anyhow::anyhow!("{e:?}"))?;
                run[3] = add(run[3], timed(|| state.full(params(threads), piece))?);
                words += state.full_n_segments();
            }
        }
        let median = |step: usize, cpu: bool| {
            let mut v: Vec<f64> = totals
                .iter()
                .map(|r| if cpu { r[step].1 } else { r[step].0 })
                .collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let split = |cpu: bool| {
            let (mel, enc, plain, dtw) = (
                median(0, cpu),
                median(1, cpu),
                median(2, cpu),
                median(3, cpu),
            );
            json!({
                "mel": mel, "encoder": enc, "decoder": plain - mel - enc, "dtw": dtw - plain,
                "full_plain": plain, "full_dtw": dtw,
            })
        };
        let n = pieces.len().max(1) as f64;
        let per_piece = |cpu: bool| {
            let mut m = serde_json::Map::new();
            for (i, s) in STEPS.iter().enumerate() {
                m.insert(s.to_string(), json!(median(i, cpu) / n));
            }
            m
        };
        let lens: Vec<f64> = pieces.iter().map(|p| p.len() as f64 / rate).collect();
        println!(
            "{}",
            json!({
                "file": file.display().to_string(),
                "pieces": pieces.len(),
                "piece_s": lens,
                "wall_s": split(false),
                "cpu_s": split(true),
                "per_piece_wall_s": per_piece(false),
                "per_piece_cpu_s": per_piece(true),
                "segments": words,
            })
        );
    }
    Ok(())
}

/// `analyze`'s decoding settings (greedy).
fn params(threads: usize) -> FullParams<'static, 'static> {
    decode_params(threads as i32, None)
}

fn add(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    (a.0 + b.0, a.1 + b.1)
}

/// Wall and CPU seconds of `f`.
fn timed<E: std::fmt::Debug>(f: impl FnOnce() -> Result<(), E>) -> Result<(f64, f64)> {
    let (t, c) = (Instant::now(), cpu_s());
    f().map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok((t.elapsed().as_secs_f64(), cpu_s() - c))
}
