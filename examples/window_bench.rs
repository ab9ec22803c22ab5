//! What the shortened encoder window changes, piece by piece: every piece rehearse would
//! transcribe is decoded with Whisper's full 30 s window and with the window fitted to it
//! (`Window::Fitted`), and the two transcripts compared. The measurement behind
//! `WINDOW_MARGIN_FRAMES` and the guard (`transcribe::suspect`).
//!
//! ```sh
//! cargo run --release --example window_bench -- [--min-frames N] FILE...
//! ```
//!
//! Prints one JSON object per piece (`file`, `start_s`, `len_s`, `speech_s`, for each window
//! its `seconds`, `words` and `text`, the word edits between the two, and `suspect`: what the
//! guard says about the fitted transcript), then a summary line: pieces, seconds per window,
//! words, edits, and the pieces the guard sends back to the full window. One thread.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use rehearse::audio::{self, TARGET_RATE};
use rehearse::config::Targets;
use rehearse::pipeline::{EngineSettings, Pipeline};
use rehearse::transcribe::whisper::{dtw_preset, WhisperEngine, Window};
use rehearse::transcribe::{chunks, suspect, Transcriber, Word};
use serde_json::json;

/// Silence either side of a piece, as `transcribe_chunks` adds it, seconds.
const LEAD_IN_S: f64 = 0.3;

fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--min-frames N` first puts a floor under the fitted window (`Window::Fitted`).
    let mut min_frames = 0;
    if args.first().map(String::as_str) == Some("--min-frames") && args.len() > 1 {
        min_frames = args[1].parse()?;
        args.drain(..2);
    }
    let files: Vec<PathBuf> = args.into_iter().map(PathBuf::from).collect();
    if files.is_empty() {
        bail!("usage: window_bench [--min-frames N] FILE...");
    }
    let settings = EngineSettings::resolve(None, None, Some(1), None)?;
    let engine = WhisperEngine::load(&settings.model, None, dtw_preset(&settings.model_info))?;
    let pipeline = Pipeline::new(
        settings,
        Targets::default(),
        Box::new(indicatif::ProgressBar::hidden),
    );
    let mut session = engine.session(1)?;
    let fitted = Window::Fitted { min_frames };
    let (mut pieces, mut seconds, mut words, mut edits, mut redone) = (0, [0.0; 2], [0; 2], 0, 0);
    for file in &files {
        let a = audio::load(file)?;
        let map = pipeline.speech_map(&a.samples)?;
        for c in chunks::plan_for(&map) {
            let at = |t: f64| ((t * f64::from(TARGET_RATE)) as usize).min(a.samples.len());
            let pad = vec![0.0f32; (LEAD_IN_S * f64::from(TARGET_RATE)) as usize];
            let piece = [&pad[..], &a.samples[at(c.start_s)..at(c.end_s)], &pad[..]].concat();
            let speech: Vec<(f64, f64)> = map
                .speech
                .iter()
                .filter(|r| r.1 > c.start_s && r.0 < c.end_s)
                .map(|r| (r.0.max(c.start_s) - c.start_s, r.1.min(c.end_s) - c.start_s))
                .collect();
            let mut out = Vec::new();
            let mut texts: Vec<Vec<String>> = Vec::new();
            let mut guard = None;
            for (i, w) in [Window::Full, fitted].into_iter().enumerate() {
                session.set_window(w);
                let t = Instant::now();
                let heard: Vec<Word> = session
                    .transcribe(&piece, Box::new(|_| {}))?
                    .words
                    .into_iter()
                    .map(|mut x| {
                        x.start_s = (x.start_s - LEAD_IN_S).clamp(0.0, c.len_s());
                        x.end_s = (x.end_s - LEAD_IN_S).clamp(x.start_s, c.len_s());
                        x
                    })
                    .collect();
                seconds[i] += t.elapsed().as_secs_f64();
                words[i] += heard.len();
                if w == fitted {
                    guard = suspect(&heard, &speech);
                }
                texts.push(heard.iter().map(|x| norm(&x.text)).collect());
                let conf: Vec<f32> = heard.iter().filter_map(|x| x.confidence).collect();
                out.push(
                    json!({"seconds": t.elapsed().as_secs_f64(), "words": heard.len(),
                    "text": rehearse::transcribe::join_words(&heard), "confidence": conf}),
                );
            }
            let e = edit_distance(&texts[0], &texts[1]);
            edits += e;
            pieces += 1;
            redone += usize::from(guard.is_some());
            println!(
                "{}",
                json!({"file": file.display().to_string(), "start_s": c.start_s, "len_s": c.len_s(),
                    "speech_s": speech.iter().map(|r| r.1 - r.0).sum::<f64>(),
                    "full": out[0], "fitted": out[1], "edits": e,
                    "suspect": guard.map(|s| format!("{s:?}"))})
            );
        }
    }
    println!(
        "{}",
        json!({"pieces": pieces, "seconds_full": seconds[0], "seconds_fitted": seconds[1],
            "words_full": words[0], "words_fitted": words[1], "edits": edits,
            "suspect_pieces": redone})
    );
    Ok(())
}

fn norm(t: &str) -> String {
    t.chars()
        .filter(|c| c.is_alphanumeric() || *c == '\'')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Word-level Levenshtein distance.
fn edit_distance(a: &[String], b: &[String]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (cur + 1).min(row[j] + 1).min(prev + usize::from(x != y));
            prev = cur;
        }
    }
    row[b.len()]
}
