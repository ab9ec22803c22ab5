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
use crate::analyze::voice::pitch::PitchCache;
use crate::analyze::{self, vad, voice};
use crate::audio::{self, TARGET_RATE};
use crate::config::Targets;
use crate::memory::{Cost, JobsPlan, Room};
use crate::report::{EngineInfo, Report, TakeFacts};
use crate::speech::denoise::{self, Denoise};
use crate::speech::noise;
use crate::speech::silero::{self, Silero, SpeechDetector, SpeechError, VadModelSearch};
use crate::speech::{Policy, SpeechMap};
use crate::term;
use crate::transcribe::cache::{Cached, PieceCache};
use crate::transcribe::model::{self, ModelInfo, ModelSearch};
use crate::transcribe::quality::{self, TranscriptQuality};
use crate::transcribe::threads;
use crate::transcribe::whisper::{WhisperEngine, Window, WordTiming, FILLER_PROMPT};
use crate::transcribe::{
    chunks, strip_annotations, transcribe_chunks, TranscribeError, Transcriber, Transcript, Word,
};

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
    /// A multilingual model that names the language of each take when `model` is
    /// English-only ([`ModelSearch::language_model`]); `None` when `model` is multilingual
    /// (it names the language itself) or none is on disk.
    pub language_model: Option<PathBuf>,
    /// The encoder window of each piece (`REHEARSE_ENCODER_WINDOW`: `full`, `fitted`,
    /// `fitted:FRAMES`; docs/speed.md).
    pub window: Window,
    /// Where RNNoise's denoised take replaces the recording (`REHEARSE_DENOISE`: `off`,
    /// `detector`, `whisper`, `both`; docs/accuracy.md). Measured, and off: it cost words in
    /// white and pink noise. `record`'s pieces transcribed while the take is spoken hear the
    /// recording, so with it on they are decoded again at the stop.
    pub denoise: Denoise,
}

/// The setting the environment variable `name` names, or `default` when it is not set.
fn setting_from_env<T: std::str::FromStr<Err = String>>(name: &str, default: T) -> Result<T> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|e: String| anyhow::anyhow!("{name}: {e}")),
        Err(_) => Ok(default),
    }
}

/// The thread count `REHEARSE_THREADS` (`value`) asks for, at most `cores`; `None` when it is
/// not set. For scripts and test runners that run several analyses side by side: each picks
/// its default from the load it sees when it starts, so analyses started together each take
/// every core, and whisper.cpp's threads, which spin while they wait, then fight for them.
fn threads_from_env(value: Option<String>, cores: usize) -> Result<Option<usize>> {
    let Some(value) = value else {
        return Ok(None);
    };
    match value.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(Some(n.min(cores.max(1)))),
        _ => anyhow::bail!("REHEARSE_THREADS: {value:?} is not a thread count (1 or more)"),
    }
}

/// The encoder window a piece gets unless `REHEARSE_ENCODER_WINDOW` says otherwise: fitted to
/// the piece (plus 5.1 s). On the long takes of both splits it does about half the encoder
/// work at the same mean word error rate, and the same filled-pause F1 (recall 0.97 against
/// 0.92, precision 0.83 against 0.87 on 60 fillers); the differences are smaller than what
/// the same audio cut into other pieces moves (docs/speed.md, "The fitted window judged
/// against the truth"). Takes with at most 15 s to transcribe keep the full window.
pub const DEFAULT_WINDOW: Window = Window::Fitted { min_frames: 0 };

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
        let search = ModelSearch::from_environment(model, crate::settings::configured_model());
        let (path, _) = search.resolve()?;
        let model_info = model::validate(&path)?;
        let language_model = (!model_info.multilingual)
            .then(|| search.language_model(Some(&path)))
            .flatten();
        let (vad_model, _) = VadModelSearch::from_environment(vad_model, Some(&path)).resolve()?;
        silero::validate(&vad_model)?;
        // Never more threads than cores: whisper.cpp's threads spin while they wait for each
        // other, so an extra thread only takes a core away from the rest.
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let threads = match threads {
            Some(t) => t.clamp(1, cores),
            None => threads_from_env(std::env::var("REHEARSE_THREADS").ok(), cores)?
                .unwrap_or_else(threads::default_threads),
        };
        let window = setting_from_env("REHEARSE_ENCODER_WINDOW", DEFAULT_WINDOW)?;
        let denoise = setting_from_env("REHEARSE_DENOISE", Denoise::default())?;
        Ok(EngineSettings {
            model: path,
            model_info,
            threads,
            beam,
            vad_model,
            timing: WordTiming::Dtw,
            audio_fillers: true,
            language_model,
            window,
            denoise,
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
    /// Blocks of the pitch track already tracked (while the take was recorded): a block with
    /// the same samples and bounds is taken from here instead of being tracked again.
    pub pitch_blocks: Option<Arc<PitchCache>>,
    whisper: Mutex<Option<Arc<WhisperEngine>>>,
    /// The multilingual model that names the language ([`EngineSettings::language_model`]).
    language: Mutex<Option<Arc<WhisperEngine>>>,
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
            pitch_blocks: None,
            whisper: Mutex::new(None),
            language: Mutex::new(None),
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
        let Heard {
            vad,
            transcript,
            quality,
            snr_db,
            detector_missed,
        } = self.hear(&audio.samples, threads, label)?;
        let transcribe_s = started.elapsed().as_secs_f64();
        // One pitch track for the filled-pause pass and the voice section.
        let pitch = if vad.has_speech() {
            voice::pitch::track_with(
                &audio.samples,
                TARGET_RATE,
                &vad.segments,
                self.pitch_blocks.as_deref(),
            )
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
                language_model: self
                    .engine
                    .language_model
                    .as_ref()
                    .map(|p| p.display().to_string()),
            },
            targets: &self.targets,
            transcript: &transcript,
            quality,
            snr_db,
            analysis,
        });
        let language_checked =
            self.engine.model_info.multilingual || self.engine.language_model.is_some();
        report.warnings.extend(hearing_warnings(
            snr_db,
            detector_missed,
            report.speech_found,
            language_checked,
        ));
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
        let heard = self.hear(samples, threads, label)?;
        Ok((heard.vad, heard.transcript))
    }

    /// Everything [`listen`](Self::listen) finds, and how far its words can be trusted: the
    /// signal-to-noise ratio and the transcript's quality ([`quality::judge`]).
    ///
    /// Where the detector hears no speech but the signal stands above its noise floor
    /// ([`noise::active`]), Whisper decides: when it writes words there with confidence
    /// ([`heard_words`]), those stretches are speech; otherwise the take has none.
    pub fn hear(&self, samples: &[f32], threads: usize, label: Option<String>) -> Result<Heard> {
        let denoise = self.engine.denoise;
        let cleaned = if denoise == Denoise::Off {
            None
        } else {
            Some(denoise::rnnoise(samples).map_err(|e| anyhow::anyhow!("denoising: {e}"))?)
        };
        let pick = |wanted: bool| match &cleaned {
            Some(c) if wanted => c.as_slice(),
            _ => samples,
        };
        let (for_detector, for_whisper) =
            (pick(denoise.for_detector()), pick(denoise.for_whisper()));
        let mut map = self.speech_map(for_detector)?;
        let powers = noise::frame_powers(samples, TARGET_RATE);
        // Sure silence goes nowhere near the model: Whisper invents text for it.
        let mut decoded = if map.to_transcribe().is_empty() {
            Decoded::default()
        } else {
            self.transcribe(for_whisper, &map, threads, label.clone())?
        };
        let mut detector_missed = false;
        if map.speech_s() < MIN_DETECTED_SPEECH_S || decoded.transcript.words.is_empty() {
            let active = noise::active(&powers);
            let active_s: f64 = active.iter().map(|&(a, b)| b - a).sum();
            if active_s >= MIN_ACTIVE_SPEECH_S {
                let wider = map.with_speech(&active);
                let second = self.transcribe(for_whisper, &wider, threads, label)?;
                let (words, _) = strip_annotations(second.transcript.words.clone());
                if heard_words(&words) && words.len() > decoded.transcript.words.len() {
                    map = wider;
                    decoded = second;
                    detector_missed = true;
                }
            }
        }
        let (words, annotations) = strip_annotations(decoded.transcript.words);
        let mut transcript = Transcript { words };
        crate::transcribe::fit_to_speech(&mut transcript.words, &map);
        let vad = vad::SpeechActivity::from_map(samples, TARGET_RATE, &map);
        let snr_db = noise::snr_db(&powers, &map.speech, &map.to_transcribe())
            .map(|db| (db * 10.0).round() / 10.0);
        let quality = quality::judge(&quality::Evidence {
            words: &transcript.words,
            annotations: &annotations,
            language: decoded.language,
            snr_db,
            pieces: decoded.pieces,
            redecoded: decoded.redecoded,
        });
        Ok(Heard {
            vad,
            transcript,
            quality,
            snr_db,
            detector_missed,
        })
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
        loaded_once(&self.whisper, || {
            bar.set_message("loading model");
            let e = &self.engine;
            let dtw = match e.timing {
                WordTiming::Dtw => crate::transcribe::whisper::dtw_preset(&e.model_info),
                WordTiming::Tokens => None,
            };
            Ok::<_, TranscribeError>(
                WhisperEngine::load(&e.model, e.beam, dtw)?.with_window(e.window),
            )
        })
    }

    /// The multilingual model that names the language of an English-only model's takes,
    /// loaded on first use; `None` when there is none.
    fn language_engine(&self, bar: &ProgressBar) -> Result<Option<Arc<WhisperEngine>>> {
        let Some(path) = &self.engine.language_model else {
            return Ok(None);
        };
        let engine = loaded_once(&self.language, || {
            bar.set_message("loading language model");
            WhisperEngine::load(path, None, None)
        })
        .context("cannot load the language model")?;
        Ok(Some(engine))
    }

    /// The model that names the language of a take, loaded now if it was not yet: the
    /// multilingual model itself, else the language model beside an English-only one; `None`
    /// when the language is not checked.
    pub fn language_identifier(&self) -> Result<Option<Arc<WhisperEngine>>> {
        self.identifier(&ProgressBar::hidden())
    }

    fn identifier(&self, bar: &ProgressBar) -> Result<Option<Arc<WhisperEngine>>> {
        let engine = self.loaded_engine(bar)?;
        if engine.is_multilingual() {
            return Ok(Some(engine));
        }
        self.language_engine(bar)
    }

    /// Where speech is in `samples`, from the speech detector (loaded on first use).
    pub fn speech_map(&self, samples: &[f32]) -> Result<SpeechMap, SpeechError> {
        speech_map_of(&*self.detector()?, samples)
    }

    /// The speech detector, loaded now if it was not yet.
    pub fn detector(&self) -> Result<Arc<Silero>, SpeechError> {
        loaded_once(&self.detector, || Silero::load(&self.engine.vad_model, 1))
    }

    /// Transcribe what may be speech in short pieces cut at silences ([`chunks::plan_for`]),
    /// on a whisper session of its own; one progress bar over the whole take. A multilingual
    /// model also names the language of the speech.
    fn transcribe(
        &self,
        samples: &[f32],
        map: &SpeechMap,
        threads: usize,
        label: Option<String>,
    ) -> Result<Decoded> {
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
        let chunked = transcribe_chunks(
            transcriber,
            samples,
            TARGET_RATE,
            &plan,
            &map.speech,
            &move |done| tick.set_position((done * 100.0).round() as u64),
        )
        .context("transcription failed")?;
        let heard = speech_only(samples, &map.speech);
        let identifier = self.identifier(&bar)?;
        let identify = |heard: &[f32]| match &identifier {
            Some(model) => model.session(threads)?.language(heard),
            None => Ok(None),
        };
        // Named while the take was recorded, when its first seconds of speech were settled.
        let language = match self.pieces.as_deref() {
            Some(cache) => cache.language(&heard, identify),
            None => identify(&heard),
        }
        .context("language identification failed")?;
        bar.finish_and_clear();
        Ok(Decoded {
            transcript: chunked.transcript,
            pieces: chunked.pieces,
            redecoded: chunked.redecoded + chunked.second_opinions,
            language,
        })
    }
}

/// What `slot` holds, loaded by `load` on first use (by whichever job asks first; the others
/// wait for it and share it).
fn loaded_once<T, E>(
    slot: &Mutex<Option<Arc<T>>>,
    load: impl FnOnce() -> Result<T, E>,
) -> Result<Arc<T>, E> {
    let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(loaded) = slot.as_ref() {
        return Ok(Arc::clone(loaded));
    }
    let loaded = Arc::new(load()?);
    *slot = Some(Arc::clone(&loaded));
    Ok(loaded)
}

/// What [`Pipeline::hear`] found in one take.
pub struct Heard {
    pub vad: vad::SpeechActivity,
    pub transcript: Transcript,
    pub quality: TranscriptQuality,
    pub snr_db: Option<f64>,
    /// The detector heard (almost) no speech, and the words come from stretches where the
    /// signal stood above the noise and Whisper heard words.
    pub detector_missed: bool,
}

/// One take's transcription, before annotations are taken out and words fitted.
#[derive(Default)]
struct Decoded {
    transcript: Transcript,
    pieces: usize,
    /// Pieces decoded more than once because their words did not cover their speech.
    redecoded: usize,
    language: Option<(String, f32)>,
}

/// Less sure speech than this, seconds, and the signal is asked too ([`noise::active`]).
const MIN_DETECTED_SPEECH_S: f64 = 0.5;
/// Active signal worth asking Whisper about, seconds: one short word.
const MIN_ACTIVE_SPEECH_S: f64 = 0.5;
/// Words Whisper must write, and the median confidence it must have in them, for stretches the
/// detector missed to count as speech: a hallucination on noise is one or two words
/// ("Thank you.") or many doubtful ones.
const HEARD_MIN_WORDS: usize = 3;
const HEARD_MIN_CONFIDENCE: f32 = 0.5;
/// Below this signal-to-noise ratio, dB (speech band, [`noise::snr_db`]), the report warns
/// that noise may cost words: on noisy copies of real answers tiny.en's word error was 0.16-0.46
/// from 5 to 10 dB, 0.06-0.24 above (under 5 dB the words are not trusted at all:
/// [`quality::NOISY_SNR_DB`]).
pub const NOISE_WARNING_SNR_DB: f64 = 10.0;

/// Whether `words` are words Whisper heard, not ones it invented for noise.
fn heard_words(words: &[Word]) -> bool {
    if words.len() < HEARD_MIN_WORDS {
        return false;
    }
    let mut c: Vec<f32> = words.iter().map(|w| w.confidence.unwrap_or(1.0)).collect();
    c.sort_by(f32::total_cmp);
    c[c.len() / 2] >= HEARD_MIN_CONFIDENCE
}

/// The samples inside `regions` (seconds), joined: what language identification hears.
pub fn speech_only(samples: &[f32], regions: &[(f64, f64)]) -> Vec<f32> {
    let at = |t: f64| ((t * f64::from(TARGET_RATE)) as usize).min(samples.len());
    regions
        .iter()
        .flat_map(|&(a, b)| samples[at(a)..at(b).max(at(a))].iter().copied())
        .collect()
}

/// What the report should say about how well the take could be heard.
fn hearing_warnings(
    snr_db: Option<f64>,
    detector_missed: bool,
    speech_found: bool,
    language_checked: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if speech_found && !language_checked {
        out.push(
            "The language was not checked: the model is English-only and no multilingual \
             model is installed to tell (`bash scripts/fetch-model.sh base-q8_0`, or \
             `rehearse model download tiny`). If you spoke another language, the words and \
             the coaching on them are wrong."
                .to_string(),
        );
    }
    if detector_missed && speech_found {
        out.push(
            "The speech detector found no speech, but Whisper heard words where the signal \
             stands above the noise: noise may be masking the voice, so pauses and timing \
             are rough."
                .to_string(),
        );
    }
    if let Some(db) = snr_db.filter(|db| speech_found && *db < NOISE_WARNING_SNR_DB) {
        out.push(format!(
            "Background noise is loud: the speech is only {db:.0} dB above it (speech band, \
             against the quiet stretches; {NOISE_WARNING_SNR_DB:.0} dB or more is comfortable). \
             Words may be missed or misheard, and the figures built on them are less reliable."
        ));
    }
    out
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

#[cfg(test)]
mod tests {
    use super::threads_from_env;

    #[test]
    fn rehearse_threads_is_a_count_of_at_least_one_and_at_most_the_cores() {
        assert_eq!(threads_from_env(None, 4).unwrap(), None);
        assert_eq!(threads_from_env(Some("1".into()), 4).unwrap(), Some(1));
        assert_eq!(threads_from_env(Some(" 3 ".into()), 4).unwrap(), Some(3));
        assert_eq!(threads_from_env(Some("64".into()), 2).unwrap(), Some(2));
        for bad in ["0", "-1", "two", ""] {
            let e = threads_from_env(Some(bad.into()), 2)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("REHEARSE_THREADS:"), "{e}");
        }
    }
}
