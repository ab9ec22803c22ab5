//! One take through the whole pipeline: audio file -> transcript -> analysis -> [`Report`].
//!
//! A [`Pipeline`] holds the settings and loads the Whisper model once, on first use, so a
//! batch of files, a fresh recording, or a re-analysis all share one model load. A batch
//! ([`Pipeline::analyze_batch`]) can run several files at once, each with its own whisper state
//! on the one shared model, the threads split between them, and never more files at once than
//! the cores and the memory left allow ([`crate::memory`]). Takes are transcribed in short
//! pieces cut at silences ([`crate::transcribe::chunks`]), with one progress bar over the whole.
//!
//! Where speech is comes first, from the trained speech detector ([`crate::speech`]): it
//! decides what Whisper hears (everything that may be speech) and where the pauses are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::ProgressBar;

use crate::analyze::fillers::FillerEvent;
use crate::analyze::questions::Asked;
use crate::analyze::{self, vad, voice};
use crate::audio::{self, TARGET_RATE};
use crate::config::Targets;
use crate::memory::{Cost, JobsPlan, Room};
use crate::report::{EngineInfo, Report, TakeFacts};
use crate::speech::silero::{self, Silero, SpeechDetector, SpeechError, VadModelSearch};
use crate::speech::{Policy, SpeechMap};
use crate::term;
use crate::transcribe::cache::{Cached, PieceCache};
use crate::transcribe::model::{self, ModelInfo, ModelSearch};
use crate::transcribe::threads;
use crate::transcribe::whisper::{WhisperEngine, WordTiming, FILLER_PROMPT};
use crate::transcribe::{chunks, transcribe_chunks, TranscribeError, Transcriber, Transcript};

/// Where the models are and how to run them, checked before any audio is touched.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub model: PathBuf,
    pub model_info: ModelInfo,
    pub threads: usize,
    pub beam: Option<u16>,
    /// The speech detector's model (Silero VAD, ggml).
    pub vad_model: PathBuf,
    /// How word times are found (DTW when the model's alignment heads are known).
    pub timing: WordTiming,
    /// Look for filled pauses in the signal that the transcript does not hold
    /// ([`analyze::hesitation`]; on unless `--no-audio-fillers`).
    pub audio_fillers: bool,
}

impl EngineSettings {
    /// Find the Whisper model (`--model`, `REHEARSE_MODEL`, `./models`, data dir) and the
    /// speech detector's model (`--vad-model`, `REHEARSE_VAD_MODEL`, beside the Whisper
    /// model, `./models`, data dir), and validate both.
    pub fn resolve(
        model: Option<PathBuf>,
        vad_model: Option<PathBuf>,
        threads: Option<usize>,
        beam: Option<u16>,
    ) -> Result<Self> {
        let (path, _) = ModelSearch::from_environment(model).resolve()?;
        let model_info = model::validate(&path)?;
        let (vad_model, _) = VadModelSearch::from_environment(vad_model, Some(&path)).resolve()?;
        silero::validate(&vad_model)?;
        // Never more threads than cores: whisper.cpp's threads spin while they wait for each
        // other, so an extra thread only takes a core away from the rest.
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let threads = threads.map_or_else(threads::default_threads, |t| t.clamp(1, cores));
        Ok(EngineSettings {
            model: path,
            model_info,
            threads,
            beam,
            vad_model,
            timing: WordTiming::Dtw,
            audio_fillers: true,
        })
    }
}

/// Shows progress while a take is transcribed; hidden when not wanted. Called once per take
/// (from several threads at once in a parallel batch); the pipeline sets the bar's message.
pub type Progress = Box<dyn Fn() -> ProgressBar + Send + Sync>;

pub struct Pipeline {
    pub engine: EngineSettings,
    pub targets: Targets,
    /// The question the takes answer, when known (the same for every file of a batch).
    pub question: Option<Asked>,
    /// Pieces already transcribed (while the take was recorded, [`crate::live`]): a piece
    /// with the same audio is taken from here instead of being decoded again.
    pub pieces: Option<Arc<PieceCache>>,
    whisper: Mutex<Option<Arc<WhisperEngine>>>,
    detector: Mutex<Option<Arc<Silero>>>,
    progress: Progress,
}

impl Pipeline {
    pub fn new(engine: EngineSettings, targets: Targets, progress: Progress) -> Self {
        Pipeline {
            engine,
            targets,
            question: None,
            pieces: None,
            whisper: Mutex::new(None),
            detector: Mutex::new(None),
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
        let jobs = self.batch_jobs(jobs, paths.len()).jobs;
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

    /// How many of `files` files to analyse at once when `requested` were asked for: never more
    /// than the files, the cores, or what the memory left holds ([`crate::memory`]), and at least one.
    pub fn batch_jobs(&self, requested: usize, files: usize) -> JobsPlan {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        if requested.min(files) <= 1 {
            return JobsPlan::new(
                requested,
                files,
                cores,
                &Room::default(),
                Cost::shared(0, true),
                Cost::job(0),
            );
        }
        let model_bytes = std::fs::metadata(&self.engine.model).map_or(0, |m| m.len());
        let loaded = self
            .whisper
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some();
        JobsPlan::new(
            requested,
            files,
            cores,
            &Room::now(),
            Cost::shared(model_bytes, loaded),
            Cost::job(model_bytes),
        )
    }

    fn analyze_with(&self, path: &Path, threads: usize, label: Option<String>) -> Result<Report> {
        let audio = audio::load(path)?;
        let started = Instant::now();
        let (vad, transcript) = self.listen(&audio.samples, threads, label)?;
        let transcribe_s = started.elapsed().as_secs_f64();
        // One pitch track for the filled-pause pass and the voice section.
        let pitch = if vad.has_speech() {
            voice::pitch::track(&audio.samples, TARGET_RATE, &vad.segments)
        } else {
            Vec::new()
        };
        let heard = self.audio_fillers(&audio.samples, &vad, &transcript, &pitch);
        let analysis = analyze::analyze_take(
            &transcript,
            &vad,
            &self.targets,
            self.question.as_ref(),
            heard,
        );
        let mut report = Report::build(TakeFacts {
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
                speech_detector: Some(self.engine.vad_model.display().to_string()),
                word_times: Some(self.word_times().into()),
            },
            targets: &self.targets,
            transcript: &transcript,
            quality: Default::default(),
            snr_db: None,
            analysis,
        });
        report.voice = report.speech_found.then(|| {
            voice::measure_take_with_pitch(
                &audio.samples,
                TARGET_RATE,
                &vad,
                &transcript.words,
                &report.star,
                &pitch,
            )
        });
        Ok(report)
    }

    /// Where speech is in mono 16 kHz `samples` and what was said: the speech regions and the
    /// timed transcript (words fitted to the speech).
    pub fn listen(
        &self,
        samples: &[f32],
        threads: usize,
        label: Option<String>,
    ) -> Result<(vad::SpeechActivity, Transcript)> {
        let map = self.speech_map(samples)?;
        let vad = vad::SpeechActivity::from_map(samples, TARGET_RATE, &map);
        // Sure silence goes nowhere near the model: Whisper invents text for it.
        let mut transcript = if map.to_transcribe().is_empty() {
            Transcript::default()
        } else {
            self.transcribe(samples, &map, threads, label)?
        };
        crate::transcribe::fit_to_speech(&mut transcript.words, &map);
        Ok((vad, transcript))
    }

    /// Filled pauses heard in the signal that the transcript does not hold
    /// ([`analyze::hesitation`]); `None` when the pass is off.
    pub fn audio_fillers(
        &self,
        samples: &[f32],
        vad: &vad::SpeechActivity,
        transcript: &Transcript,
        pitch: &[voice::pitch::PitchFrame],
    ) -> Option<Vec<FillerEvent>> {
        if !self.engine.audio_fillers {
            return None;
        }
        if transcript.words.is_empty() {
            return Some(Vec::new());
        }
        let transcribed =
            analyze::fillers::find_with_extra(&transcript.words, &self.targets.extra_filler_words);
        Some(analyze::hesitation::detect(
            samples,
            TARGET_RATE,
            pitch,
            &transcript.words,
            &transcribed,
            vad.speech_level_db,
        ))
    }

    /// How word times are found, as the report names it.
    fn word_times(&self) -> &'static str {
        let slot = self.whisper.lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_ref().map_or(self.engine.timing, |e| e.timing()) {
            WordTiming::Dtw => "dtw",
            WordTiming::Tokens => "token_timestamps",
        }
    }

    /// The Whisper model, loaded now if it was not yet.
    pub fn whisper(&self) -> Result<Arc<WhisperEngine>, TranscribeError> {
        self.loaded_engine(&ProgressBar::hidden())
    }

    /// The model, loaded on first use by whichever job needs it first.
    fn loaded_engine(&self, bar: &ProgressBar) -> Result<Arc<WhisperEngine>, TranscribeError> {
        let mut slot = self.whisper.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(engine) = slot.as_ref() {
            return Ok(Arc::clone(engine));
        }
        bar.set_message("loading model");
        let e = &self.engine;
        let dtw = match e.timing {
            WordTiming::Dtw => crate::transcribe::whisper::dtw_preset(&e.model_info),
            WordTiming::Tokens => None,
        };
        let engine = Arc::new(WhisperEngine::load(&e.model, e.beam, dtw)?);
        *slot = Some(Arc::clone(&engine));
        Ok(engine)
    }

    /// Where speech is in `samples`, from the speech detector (loaded on first use).
    pub fn speech_map(&self, samples: &[f32]) -> Result<SpeechMap, SpeechError> {
        speech_map_of(&*self.detector()?, samples)
    }

    /// The speech detector, loaded now if it was not yet.
    pub fn detector(&self) -> Result<Arc<Silero>, SpeechError> {
        let mut slot = self.detector.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(d) = slot.as_ref() {
            return Ok(Arc::clone(d));
        }
        let d = Arc::new(Silero::load(&self.engine.vad_model, 1)?);
        *slot = Some(Arc::clone(&d));
        Ok(d)
    }

    /// Transcribe what may be speech in short pieces cut at silences ([`chunks::plan_for`]),
    /// on a whisper session of its own; one progress bar over the whole take.
    fn transcribe(
        &self,
        samples: &[f32],
        map: &SpeechMap,
        threads: usize,
        label: Option<String>,
    ) -> Result<Transcript> {
        let bar = (self.progress)();
        let engine = self.loaded_engine(&bar)?;
        let label: String = label.map_or_else(
            || "transcribing".into(),
            |l| term::printable_line(&l).into(),
        );
        bar.set_message(label);
        let plan = chunks::plan_for(map);
        let mut session = engine.session(threads)?;
        let mut cached;
        let transcriber: &mut dyn Transcriber = match self.pieces.as_deref() {
            Some(cache) => {
                cached = Cached::new(&mut session, cache);
                &mut cached
            }
            None => &mut session,
        };
        let tick = bar.clone();
        let transcript = transcribe_chunks(
            transcriber,
            samples,
            TARGET_RATE,
            &plan,
            &map.speech,
            &move |done| tick.set_position((done * 100.0).round() as u64),
        )
        .context("transcription failed")?
        .transcript;
        bar.finish_and_clear();
        Ok(transcript)
    }
}

/// Where speech is in `samples` by `detector`, with the policy every take is measured by.
pub fn speech_map_of(detector: &Silero, samples: &[f32]) -> Result<SpeechMap, SpeechError> {
    detector.map(samples, Policy::default())
}

/// An error that would fail every file: a model cannot be loaded.
fn is_fatal(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<TranscribeError>(),
            Some(TranscribeError::ModelLoad { .. })
        ) || matches!(
            c.downcast_ref::<SpeechError>(),
            Some(SpeechError::Load { .. })
        )
    })
}
