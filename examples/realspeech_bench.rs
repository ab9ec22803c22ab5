//! The baselines behind the README's tables on real speech: what the same Whisper model does
//! without rehearse's speech detection, and how word times compare between methods.
//!
//! ```sh
//! cargo run --release --example realspeech_bench -- plain  FILE...  # whole clip, no pieces
//! cargo run --release --example realspeech_bench -- tokens FILE...  # rehearse, token timestamps
//! cargo run --release --example realspeech_bench -- dtw    FILE...  # rehearse, DTW (the default)
//! cargo run --release --example realspeech_bench -- speech FILE...  # the speech detector's map
//!                                                                   # and its edges refined
//! ```
//!
//! Prints one JSON object per file: `file`, `mode`, `words` (`[text, start_s, end_s]`), and for
//! `plain` the pace and pauses one would read off Whisper's own word times (span from the first
//! word's start to the last word's end; pauses are gaps between words). Uses the models
//! `rehearse` itself would find (`models/`, `REHEARSE_MODEL`).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use rehearse::analyze::vad::SpeechActivity;
use rehearse::audio::{self, TARGET_RATE};
use rehearse::config::Targets;
use rehearse::pipeline::{EngineSettings, Pipeline};
use rehearse::transcribe::whisper::{dtw_preset, WhisperEngine, WordTiming};
use rehearse::transcribe::{Transcriber, Word};
use serde_json::json;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let files: Vec<PathBuf> = args.map(PathBuf::from).collect();
    if files.is_empty() || !["plain", "tokens", "dtw", "speech"].contains(&mode.as_str()) {
        bail!("usage: realspeech_bench plain|tokens|dtw|speech FILE...");
    }
    let mut settings = EngineSettings::resolve(None, None, None, None)?;
    match mode.as_str() {
        "plain" => plain(&settings, &files),
        "speech" => {
            let pipeline = Pipeline::new(
                settings,
                Targets::default(),
                Box::new(indicatif::ProgressBar::hidden),
            );
            for file in &files {
                let audio = audio::load(file)?;
                let map = pipeline.speech_map(&audio.samples)?;
                let probs: Vec<f64> = map
                    .probabilities
                    .iter()
                    .map(|p| (f64::from(*p) * 100.0).round() / 100.0)
                    .collect();
                let refined = SpeechActivity::from_map(&audio.samples, TARGET_RATE, &map).segments;
                println!(
                    "{}",
                    json!({"file": file.display().to_string(), "speech": map.speech,
                           "refined": refined, "unsure": map.unsure, "probabilities": probs})
                );
            }
            Ok(())
        }
        _ => {
            if mode == "tokens" {
                settings.timing = WordTiming::Tokens;
            }
            let pipeline = Pipeline::new(
                settings,
                Targets::default(),
                Box::new(indicatif::ProgressBar::hidden),
            );
            pipeline.analyze_batch(&files, 1, |i, report| {
                let r = report?;
                let words: Vec<_> = r
                    .transcript
                    .words
                    .iter()
                    .map(|w| json!([w.text, w.start_s, w.end_s]))
                    .collect();
                println!(
                    "{}",
                    json!({"file": files[i].display().to_string(), "mode": mode, "words": words})
                );
                Ok(())
            })
        }
    }
}

/// The whole clip through Whisper in one call, as a plain transcriber would: no speech
/// detection, no pieces, the same model, prompt and decoding settings.
fn plain(settings: &EngineSettings, files: &[PathBuf]) -> Result<()> {
    let engine = WhisperEngine::load(&settings.model, None, dtw_preset(&settings.model_info))?;
    let mut session = engine.session(settings.threads)?;
    for file in files {
        let audio = audio::load(file).with_context(|| file.display().to_string())?;
        let words = session.transcribe(&audio.samples, Box::new(|_| {}))?.words;
        let span = match (words.first(), words.last()) {
            (Some(a), Some(b)) => (b.end_s - a.start_s).max(0.0),
            _ => 0.0,
        };
        let gaps: Vec<(f64, f64)> = words
            .windows(2)
            .map(|w| (w[0].end_s, w[1].start_s - w[0].end_s))
            .filter(|g| g.1 >= 0.25)
            .collect();
        println!(
            "{}",
            json!({
                "file": file.display().to_string(),
                "mode": "plain",
                "words": words.iter().map(|w: &Word| json!([w.text, w.start_s, w.end_s])).collect::<Vec<_>>(),
                "span_s": span,
                "wpm": if span > 0.0 { words.len() as f64 * 60.0 / span } else { 0.0 },
                "pauses": gaps.len(),
                "long_pauses": gaps.iter().filter(|g| g.1 >= 2.0).map(|g| json!([g.0, g.1])).collect::<Vec<_>>(),
            })
        );
    }
    Ok(())
}
