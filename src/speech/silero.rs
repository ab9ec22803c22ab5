//! Silero VAD, run by whisper.cpp (through whisper-rs), and finding its model file.
//!
//! The model is a ggml file of under 1 MB (`ggml-silero-v6.2.0.bin`), looked for the way the
//! Whisper model is: `--vad-model`, `REHEARSE_VAD_MODEL`, the folder the Whisper model was
//! found in, `./models`, then the data directory's `models/`. whisper.cpp trusts the file's
//! header (lengths, layer counts), so [`validate`] walks the file first and turns any
//! inconsistency into a readable error instead of a crash.

use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use whisper_rs::{WhisperVadContext, WhisperVadContextParams};

use super::level::Leveller;
use super::{Policy, SpeechMap};
use crate::ggml::{
    find_model, read_i32, walk_file, walk_tensors, FindError, WalkError, GGML_MAGIC,
};

/// File names searched for in each model folder, most preferred first.
pub const PREFERRED: &[&str] = &["ggml-silero-v6.2.0.bin", "ggml-silero-v5.1.2.bin"];
/// Samples per frame the network scores (at 16 kHz: 32 ms).
const WINDOW: usize = 512;
const RATE: f64 = 16_000.0;
/// The command that installs the model.
const FETCH: &str = "rehearse model download";

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error(
        "no speech detector model found (looked in: {searched}); it finds where speech is before \
         transcription. Run `{FETCH}`, or pass --vad-model PATH (ggml-silero-v6.2.0.bin)"
    )]
    NotFound { searched: String },
    #[error("speech detector model {path} does not exist; run `{FETCH}` or fix --vad-model / REHEARSE_VAD_MODEL")]
    Missing { path: PathBuf },
    #[error(
        "speech detector model {path} is not usable ({reason}); delete it and run `{FETCH}` again"
    )]
    Corrupt { path: PathBuf, reason: String },
    #[error("could not load the speech detector model {path}: {reason}")]
    Load { path: PathBuf, reason: String },
    #[error("speech detection failed: {0}")]
    Detect(String),
}

impl From<FindError> for SpeechError {
    fn from(e: FindError) -> Self {
        match e {
            FindError::Missing { path } => SpeechError::Missing { path },
            FindError::NotFound { searched } => SpeechError::NotFound { searched },
        }
    }
}

/// Where a model was found, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VadModelSource {
    Flag,
    Env,
    BesideWhisperModel,
    WorkingDir,
    DataDir,
}

/// Places to look for the VAD model, in order.
pub struct VadModelSearch {
    pub flag: Option<PathBuf>,
    pub env: Option<PathBuf>,
    /// The folder of the Whisper model in use.
    pub beside: Option<PathBuf>,
    pub working_dir: PathBuf,
    pub data_dir: Option<PathBuf>,
}

impl VadModelSearch {
    /// The search as seen from this process; `whisper_model` is the Whisper model in use.
    pub fn from_environment(flag: Option<PathBuf>, whisper_model: Option<&Path>) -> Self {
        VadModelSearch {
            flag,
            env: std::env::var_os("REHEARSE_VAD_MODEL")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            beside: whisper_model
                .and_then(Path::parent)
                .map(|p| p.to_path_buf())
                .filter(|p| !p.as_os_str().is_empty()),
            working_dir: PathBuf::from("models"),
            data_dir: crate::paths::models_dir().ok(),
        }
    }

    /// Resolve the model path. An explicit path (flag or env) must exist; folders are searched.
    pub fn resolve(&self) -> Result<(PathBuf, VadModelSource), SpeechError> {
        use VadModelSource::{BesideWhisperModel, DataDir, Env, Flag, WorkingDir};
        let explicit = [(self.flag.as_ref(), Flag), (self.env.as_ref(), Env)];
        let folders = [
            (self.beside.as_ref(), BesideWhisperModel),
            (Some(&self.working_dir), WorkingDir),
            (self.data_dir.as_ref(), DataDir),
        ];
        Ok(find_model(explicit, folders, PREFERRED)?)
    }
}

/// What the header of a Silero ggml file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VadModelInfo {
    pub kind: String,
    pub version: String,
    pub window: i32,
    pub n_tensors: usize,
}

/// Check that `path` is a complete, well-formed Silero VAD ggml file.
pub fn validate(path: &Path) -> Result<VadModelInfo, SpeechError> {
    walk_file(path, walk).map_err(|reason| SpeechError::Corrupt {
        path: path.to_path_buf(),
        reason,
    })
}

fn bounded(v: i32, what: &str, lo: i32, hi: i32) -> Result<i32, WalkError> {
    if v < lo || v > hi {
        return Err(WalkError::Format(format!("implausible {what} ({v})")));
    }
    Ok(v)
}

/// Layout (whisper.cpp `whisper_vad_init_with_params`): magic, type string, version, window
/// and context sizes, 4 encoder layers of (in, out, kernel), LSTM and final sizes, tensors.
fn walk(r: &mut (impl Read + Seek), file_len: u64) -> Result<VadModelInfo, WalkError> {
    if read_i32(r)? as u32 != GGML_MAGIC {
        return Err(WalkError::Format("not a ggml model (bad magic)".into()));
    }
    let name_len = bounded(read_i32(r)?, "model type length", 1, 256)? as usize;
    let mut name = vec![0u8; name_len];
    r.read_exact(&mut name)?;
    let kind = String::from_utf8_lossy(&name).into_owned();
    if !kind.to_ascii_lowercase().contains("silero") {
        return Err(WalkError::Format(format!(
            "a {kind:?} model, not Silero VAD"
        )));
    }
    let version: Vec<i32> = (0..3).map(|_| read_i32(r)).collect::<io::Result<_>>()?;
    let window = bounded(read_i32(r)?, "window", 1, 1 << 16)?;
    bounded(read_i32(r)?, "context", 0, 1 << 16)?;
    // whisper.cpp builds exactly four encoder layers whatever the file says.
    bounded(read_i32(r)?, "encoder layer count", 4, 4)?;
    for _ in 0..4 * 3 + 4 {
        bounded(read_i32(r)?, "layer size", 0, 1 << 16)?;
    }
    let n_tensors = walk_tensors(r, file_len)?;
    // 1 STFT basis, 4 x 2 encoder, 4 LSTM, 2 final tensors.
    if n_tensors != 15 {
        return Err(WalkError::Format(format!(
            "{n_tensors} tensors where Silero VAD has 15"
        )));
    }
    Ok(VadModelInfo {
        kind,
        version: format!("{}.{}.{}", version[0], version[1], version[2]),
        window,
        n_tensors,
    })
}

static SILENCE_ENGINE_LOGS: Once = Once::new();

/// Route whisper.cpp's and ggml's own log lines to nowhere (no log backend is installed), so
/// only rehearse's messages reach stderr. Called before loading either model.
pub fn silence_engine_logs() {
    SILENCE_ENGINE_LOGS.call_once(whisper_rs::install_logging_hooks);
}

/// Anything that scores 16 kHz mono audio for speech, frame by frame.
pub trait SpeechDetector {
    /// Length of one scored frame, seconds.
    fn frame_s(&self) -> f64;
    /// One speech probability (0..=1) per frame of `samples` (16 kHz mono f32).
    fn probabilities(&self, samples: &[f32]) -> Result<Vec<f32>, SpeechError>;

    /// The [`SpeechMap`] of a take under `policy`. The detector hears the take with its level
    /// evened out ([`Leveller`]): a quiet microphone or a level drop must not read as silence.
    fn map(&self, samples: &[f32], policy: Policy) -> Result<SpeechMap, SpeechError> {
        let probabilities = self.probabilities(&Leveller::default().apply(samples))?;
        let duration_s = samples.len() as f64 / RATE;
        Ok(SpeechMap::from_probabilities(
            probabilities,
            self.frame_s(),
            duration_s,
            policy,
        ))
    }
}

/// Silero VAD in whisper.cpp. The network keeps state while it runs, so one take is scored
/// at a time; that takes well under a second per minute of audio.
pub struct Silero {
    ctx: Mutex<WhisperVadContext>,
    pub path: PathBuf,
}

impl Silero {
    /// Load a Silero ggml file. Call [`validate`] first: whisper.cpp is not forgiving.
    pub fn load(path: &Path, threads: usize) -> Result<Self, SpeechError> {
        silence_engine_logs();
        let load_error = |reason: String| SpeechError::Load {
            path: path.to_path_buf(),
            reason,
        };
        let path_str = path
            .to_str()
            .ok_or_else(|| load_error("the path is not valid UTF-8".into()))?;
        if path_str.contains('\0') {
            return Err(load_error("the path holds a NUL byte".into()));
        }
        let mut params = WhisperVadContextParams::new();
        params.set_n_threads(threads.clamp(1, 8) as i32);
        let ctx =
            WhisperVadContext::new(path_str, params).map_err(|e| load_error(format!("{e:?}")))?;
        Ok(Silero {
            ctx: Mutex::new(ctx),
            path: path.to_path_buf(),
        })
    }
}

impl SpeechDetector for Silero {
    fn frame_s(&self) -> f64 {
        WINDOW as f64 / RATE
    }

    fn probabilities(&self, samples: &[f32]) -> Result<Vec<f32>, SpeechError> {
        if samples.is_empty() {
            return Ok(Vec::new());
        }
        let mut ctx = self.ctx.lock().unwrap_or_else(|p| p.into_inner());
        ctx.detect_speech(samples)
            .map_err(|e| SpeechError::Detect(format!("{e:?}")))?;
        let probs = ctx.probabilities().to_vec();
        let expected = samples.len().div_ceil(WINDOW);
        if probs.len() != expected {
            return Err(SpeechError::Detect(format!(
                "{} probabilities for {expected} frames",
                probs.len()
            )));
        }
        Ok(probs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A minimal well-formed Silero-like file: header and 15 one-element f32 tensors.
    fn tiny_vad() -> Vec<u8> {
        let mut b = Vec::new();
        let i = |v: i32, b: &mut Vec<u8>| b.extend_from_slice(&v.to_le_bytes());
        i(GGML_MAGIC as i32, &mut b);
        i(10, &mut b);
        b.extend_from_slice(b"silero-v6_");
        for v in [6, 2, 0, 512, 64, 4] {
            i(v, &mut b);
        }
        for v in [
            129, 128, 3, 128, 64, 3, 64, 64, 3, 64, 128, 3, 128, 128, 128, 1,
        ] {
            i(v, &mut b);
        }
        for t in 0..15 {
            i(1, &mut b); // rank
            i(1, &mut b); // name length
            i(0, &mut b); // f32
            i(1, &mut b); // one element
            b.push(b'a' + t as u8);
            b.extend_from_slice(&[0u8; 4]);
        }
        b
    }

    fn check(bytes: &[u8]) -> Result<VadModelInfo, WalkError> {
        walk(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn well_formed_file_is_accepted() {
        let info = check(&tiny_vad()).ok().expect("valid");
        assert_eq!((info.version.as_str(), info.window), ("6.2.0", 512));
    }

    #[test]
    fn truncated_file_is_rejected_at_every_cut() {
        let full = tiny_vad();
        for cut in 0..full.len() {
            assert!(check(&full[..cut]).is_err(), "cut at {cut} accepted");
        }
    }

    #[test]
    fn a_whisper_model_is_not_a_speech_detector() {
        let mut b = tiny_vad();
        b[8..18].copy_from_slice(b"whisper-xx");
        assert!(matches!(check(&b), Err(WalkError::Format(_))));
    }

    #[test]
    fn a_wrong_layer_count_is_rejected_before_whisper_cpp_sees_it() {
        let mut b = tiny_vad();
        // n_encoder_layers sits after magic, name (4 + 10), version (12), window, context.
        let at = 4 + 4 + 10 + 12 + 8;
        b[at..at + 4].copy_from_slice(&9i32.to_le_bytes());
        assert!(matches!(check(&b), Err(WalkError::Format(_))));
    }

    #[test]
    fn search_order_and_messages() {
        let dir = tempfile::tempdir().unwrap();
        let beside = dir.path().join("beside");
        std::fs::create_dir(&beside).unwrap();
        std::fs::write(beside.join(PREFERRED[0]), b"x").unwrap();
        let search = VadModelSearch {
            flag: None,
            env: None,
            beside: Some(beside.clone()),
            working_dir: "/nonexistent/models".into(),
            data_dir: None,
        };
        let (path, source) = search.resolve().unwrap();
        assert_eq!(
            (path, source),
            (
                beside.join(PREFERRED[0]),
                VadModelSource::BesideWhisperModel
            )
        );

        let missing = VadModelSearch {
            flag: Some("/nonexistent/silero.bin".into()),
            ..search
        };
        let err = missing.resolve().unwrap_err().to_string();
        assert!(
            err.contains("/nonexistent/silero.bin") && err.contains(FETCH),
            "{err}"
        );

        let none = VadModelSearch {
            flag: None,
            env: None,
            beside: None,
            working_dir: "/nonexistent/models".into(),
            data_dir: Some("/nonexistent/data".into()),
        };
        let err = none.resolve().unwrap_err().to_string();
        assert!(
            err.contains("/nonexistent/models") && err.contains("/nonexistent/data"),
            "{err}"
        );
    }
}
