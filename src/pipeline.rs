//! One take through the whole pipeline: audio file -> transcript -> analysis -> [`Report`].
//!
//! A [`Pipeline`] holds the settings and loads the Whisper model once, on first use, so a
//! batch of files, a fresh recording, or a re-analysis all share one model load. A batch
//! ([`Pipeline::analyze_batch`]) can run several files at once, each with its own whisper state
//! on the one shared model, the threads split between them. Long recordings are transcribed in
//! windows cut at silences ([`crate::transcribe::chunks`]), with one progress bar over the whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::ProgressBar;

use crate::analyze::{self, vad};
use crate::audio::{self, TARGET_RATE};
use crate::config::Targets;
use crate::report::{EngineInfo, Report, TakeFacts};
use crate::transcribe::chunks;
use crate::transcribe::model::{self, ModelSearch};
use crate::transcribe::whisper::{WhisperEngine, FILLER_PROMPT};
use crate::transcribe::{TranscribeError, Transcript, Word};

/// Where the model is and how to run it, checked before any audio is touched.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub model: PathBuf,
    pub threads: usize,
    pub beam: Option<u16>,
}

impl EngineSettings {
    /// Find the model (`--model`, `REHEARSE_MODEL`, `./models`, data dir) and validate it.
    pub fn resolve(
        model: Option<PathBuf>,
        threads: Option<usize>,
        beam: Option<u16>,
    ) -> Result<Self> {
        let (path, _) = ModelSearch::from_environment(model).resolve()?;
        model::validate(&path)?;
        let threads = threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(4, std::num::NonZeroUsize::get)
        });
        Ok(EngineSettings {
            model: path,
            threads,
            beam,
        })
    }
}

/// Shows progress while a take is transcribed; hidden when not wanted. Called once per take
/// (from several threads at once in a parallel batch); the pipeline sets the bar's message.
pub type Progress = Box<dyn Fn() -> ProgressBar + Send + Sync>;

pub struct Pipeline {
    pub engine: EngineSettings,
    pub targets: Targets,
    whisper: Mutex<Option<Arc<WhisperEngine>>>,
    progress: Progress,
}

impl Pipeline {
    pub fn new(engine: EngineSettings, targets: Targets, progress: Progress) -> Self {
        Pipeline {
            engine,
            targets,
            whisper: Mutex::new(None),
            progress,
        }
    }

    /// Analyse one audio file and build its report, with all the engine's threads.
    pub fn analyze_file(&mut self, path: &Path) -> Result<Report> {
        self.analyze_with(path, self.engine.threads, None)
    }

    /// Analyse `paths` with `jobs` files in flight at once, calling `on_result` with each
    /// file's index and outcome in input order, as soon as it and those before it are done.
    /// A file that fails is passed on as its error and the batch goes on; only a model that
    /// cannot be loaded, or an error from `on_result` (e.g. a closed pipe), stops the batch and
    /// is returned.
    pub fn analyze_batch<F>(&self, paths: &[PathBuf], jobs: usize, mut on_result: F) -> Result<()>
    where
        F: FnMut(usize, Result<Report>) -> Result<()>,
    {
        let jobs = jobs.clamp(1, paths.len().max(1));
        let threads = (self.engine.threads / jobs).max(1);
        let label = |p: &Path| {
            (paths.len() > 1).then(|| {
                let name: String = p
                    .file_name()
                    .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into());
                if name.chars().count() > 28 {
                    format!("{}...", name.chars().take(25).collect::<String>())
                } else {
                    name
                }
            })
        };
        if jobs == 1 {
            for (i, path) in paths.iter().enumerate() {
                let result = self.analyze_with(path, threads, label(path));
                if let Err(e) = &result {
                    if is_fatal(e) {
                        return result.map(|_| ());
                    }
                }
                on_result(i, result)?;
            }
            return Ok(());
        }

        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let (tx, rx) = mpsc::channel::<(usize, Result<Report>)>();
        std::thread::scope(|scope| {
            for _ in 0..jobs {
                let tx = tx.clone();
                let (next, stop, label) = (&next, &stop, &label);
                scope.spawn(move || loop {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let result = self.analyze_with(path, threads, label(path));
                    if result.as_ref().is_err_and(is_fatal) {
                        stop.store(true, Ordering::Relaxed);
                    }
                    if tx.send((i, result)).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            let mut waiting = BTreeMap::new();
            let mut due = 0;
            for (i, result) in rx {
                waiting.insert(i, result);
                while let Some(result) = waiting.remove(&due) {
                    due += 1;
                    let outcome = match result {
                        Err(e) if is_fatal(&e) => Err(e),
                        result => on_result(due - 1, result),
                    };
                    if let Err(e) = outcome {
                        stop.store(true, Ordering::Relaxed);
                        return Err(e);
                    }
                }
            }
            Ok(())
        })
    }

    fn analyze_with(&self, path: &Path, threads: usize, label: Option<String>) -> Result<Report> {
        let audio = audio::load(path)?;
        let vad = vad::detect(&audio.samples, TARGET_RATE);
        let started = Instant::now();
        // Silence goes nowhere near the model: Whisper invents text for it.
        let transcript = if vad.has_speech() {
            self.transcribe(&audio.samples, &vad, threads, label)?
        } else {
            Transcript::default()
        };
        let transcribe_s = started.elapsed().as_secs_f64();
        let analysis = analyze::analyze(&transcript, &vad, &self.targets);
        Ok(Report::build(TakeFacts {
            audio_path: path.display().to_string(),
            audio: &audio,
            vad: &vad,
            engine: EngineInfo {
                engine: "whisper.cpp".into(),
                path: self.engine.model.display().to_string(),
                threads,
                beam: self.engine.beam,
                initial_prompt: FILLER_PROMPT.into(),
                transcribe_s,
                real_time_factor: if audio.duration_s() > 0.0 {
                    transcribe_s / audio.duration_s()
                } else {
                    0.0
                },
            },
            targets: &self.targets,
            transcript: &transcript,
            analysis,
        }))
    }

    /// The model, loaded on first use by whichever job needs it first.
    fn loaded_engine(&self, bar: &ProgressBar) -> Result<Arc<WhisperEngine>, TranscribeError> {
        let mut slot = self.whisper.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(engine) = slot.as_ref() {
            return Ok(Arc::clone(engine));
        }
        bar.set_message("loading model");
        let e = &self.engine;
        let engine = Arc::new(WhisperEngine::load(&e.model, e.threads, e.beam)?);
        *slot = Some(Arc::clone(&engine));
        Ok(engine)
    }

    /// Transcribe the windows of the take that hold speech; one progress bar over them all.
    fn transcribe(
        &self,
        samples: &[f32],
        vad: &vad::SpeechActivity,
        threads: usize,
        label: Option<String>,
    ) -> Result<Transcript> {
        let bar = (self.progress)();
        let engine = self.loaded_engine(&bar)?;
        let message = label.unwrap_or_else(|| "transcribing".into());
        bar.set_message(message);
        let rate = f64::from(TARGET_RATE);
        let (target_s, max_s) = window_lengths();
        let windows: Vec<(usize, usize, f64)> =
            chunks::plan(&vad.segments, samples.len() as f64 / rate, target_s, max_s)
                .into_iter()
                .filter(|c| c.has_speech)
                .map(|c| {
                    let a = ((c.start_s * rate) as usize).min(samples.len());
                    let b = ((c.end_s * rate) as usize).min(samples.len());
                    (a, b, c.start_s)
                })
                .filter(|(a, b, _)| b > a)
                .collect();
        let total: usize = windows.iter().map(|(a, b, _)| b - a).sum::<usize>().max(1);
        let mut session = engine.session(threads)?;
        let mut words: Vec<Word> = Vec::new();
        let mut done = 0usize;
        for (a, b, offset_s) in windows {
            let len = b - a;
            let tick = bar.clone();
            let piece = session
                .transcribe(
                    &samples[a..b],
                    Box::new(move |pct| {
                        let pct = pct.clamp(0, 100) as usize;
                        tick.set_position(((done + len * pct / 100) * 100 / total) as u64);
                    }),
                )
                .context("transcription failed")?;
            let end_s = b as f64 / rate;
            words.extend(piece.words.into_iter().map(|w| {
                let start_s = (w.start_s + offset_s).min(end_s);
                Word::new(w.text, start_s, (w.end_s + offset_s).clamp(start_s, end_s))
            }));
            done += len;
            bar.set_position((done * 100 / total) as u64);
        }
        bar.finish_and_clear();
        Ok(Transcript { words })
    }
}

/// Window lengths for long takes. `REHEARSE_CHUNK_MAX_S` (seconds) overrides the maximum, with
/// the target at half of it: it exists so tests can exercise the windowing on short audio.
fn window_lengths() -> (f64, f64) {
    std::env::var("REHEARSE_CHUNK_MAX_S")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 5.0)
        .map_or((chunks::TARGET_S, chunks::MAX_S), |max| (max / 2.0, max))
}

/// An error that would fail every file: the model cannot be loaded.
fn is_fatal(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<TranscribeError>(),
            Some(TranscribeError::ModelLoad { .. })
        )
    })
}
