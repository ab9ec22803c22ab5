//! One take through the whole pipeline: audio file -> transcript -> analysis -> [`Report`].
//!
//! A [`Pipeline`] holds the settings and loads the Whisper model once, on first use, so a
//! batch of files, a fresh recording, or a re-analysis all share one model load.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::ProgressBar;

use crate::analyze::{self, vad};
use crate::audio::{self, TARGET_RATE};
use crate::config::Targets;
use crate::questions::Asked;
use crate::report::{EngineInfo, Report, TakeFacts};
use crate::transcribe::model::{self, ModelSearch};
use crate::transcribe::whisper::{WhisperEngine, FILLER_PROMPT};
use crate::transcribe::{chunks, transcribe_chunks, Transcript};

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

/// Shows progress while a take is transcribed; hidden when not wanted.
pub type Progress = Box<dyn Fn() -> ProgressBar>;

pub struct Pipeline {
    pub engine: EngineSettings,
    pub targets: Targets,
    /// The question the takes answer, when known.
    pub question: Option<Asked>,
    whisper: Option<WhisperEngine>,
    progress: Progress,
}

impl Pipeline {
    pub fn new(engine: EngineSettings, targets: Targets, progress: Progress) -> Self {
        Pipeline {
            engine,
            targets,
            question: None,
            whisper: None,
            progress,
        }
    }

    /// Analyse one audio file and build its report.
    pub fn analyze_file(&mut self, path: &Path) -> Result<Report> {
        let audio = audio::load(path)?;
        let vad = vad::detect(&audio.samples, TARGET_RATE);
        let started = Instant::now();
        // Silence goes nowhere near the model: Whisper invents text for it.
        let transcript = if vad.has_speech() {
            self.transcribe(&audio.samples, &chunks::plan(&vad.segments, vad.duration_s))?
        } else {
            Transcript::default()
        };
        let transcribe_s = started.elapsed().as_secs_f64();
        let analysis =
            analyze::analyze_answer(&transcript, &vad, &self.targets, self.question.as_ref());
        Ok(Report::build(TakeFacts {
            audio_path: path.display().to_string(),
            audio: &audio,
            vad: &vad,
            engine: EngineInfo {
                engine: "whisper.cpp".into(),
                path: self.engine.model.display().to_string(),
                threads: self.engine.threads,
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

    fn transcribe(&mut self, samples: &[f32], plan: &[chunks::Chunk]) -> Result<Transcript> {
        let bar = (self.progress)();
        if self.whisper.is_none() {
            bar.set_message("loading model");
            let e = &self.engine;
            self.whisper = Some(WhisperEngine::load(&e.model, e.threads, e.beam)?);
        }
        let whisper = self.whisper.as_mut().expect("loaded above");
        bar.set_message("transcribing");
        let tick = bar.clone();
        let transcript = transcribe_chunks(whisper, samples, TARGET_RATE, plan, &move |done| {
            tick.set_position((done * 100.0).round() as u64)
        })
        .context("transcription failed")?;
        bar.finish_and_clear();
        Ok(transcript)
    }
}
