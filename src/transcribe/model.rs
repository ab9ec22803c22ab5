//! Finding the Whisper model on disk and checking it before whisper.cpp loads it.
//!
//! whisper.cpp may abort the process on a damaged file, so [`validate`] walks the ggml
//! layout itself first (header, mel filters, vocabulary, every tensor header and its data
//! size) and turns any inconsistency into a readable error.

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use crate::ggml::{
    count, find_model, read_i32, skip, walk_file, walk_tensors, FindError, WalkError, GGML_MAGIC,
};

/// The model `rehearse model download` (and `scripts/fetch-model.sh`) installs by default.
pub const DEFAULT_MODEL: &str = "tiny.en";
/// Names searched for in each model folder, most preferred first.
const PREFERRED: &[&str] = &[
    "ggml-tiny.en.bin",
    "ggml-base.en.bin",
    "ggml-small.en.bin",
    "ggml-tiny.bin",
    "ggml-base.bin",
    "ggml-small.bin",
];

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error(
        "no Whisper model found (looked in: {searched}); run `rehearse model download` to get \
         {DEFAULT_MODEL} (78 MB), or pass --model PATH"
    )]
    NotFound { searched: String },
    #[error("model file {path} does not exist; fix --model / REHEARSE_MODEL, or run `rehearse model download` and drop them")]
    Missing { path: PathBuf },
    #[error(
        "model file {path} is not usable ({reason}); delete it and run `rehearse model download`"
    )]
    Corrupt { path: PathBuf, reason: String },
}

impl From<FindError> for ModelError {
    fn from(e: FindError) -> Self {
        match e {
            FindError::Missing { path } => ModelError::Missing { path },
            FindError::NotFound { searched } => ModelError::NotFound { searched },
        }
    }
}

/// Where a model was found, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    Flag,
    Env,
    WorkingDir,
    DataDir,
}

impl ModelSource {
    /// How the user would say it: which setting or folder supplied the model.
    pub fn describe(&self) -> &'static str {
        match self {
            ModelSource::Flag => "the --model option",
            ModelSource::Env => "the REHEARSE_MODEL environment variable",
            ModelSource::WorkingDir => "the models/ folder in the current directory",
            ModelSource::DataDir => "the data directory's models/ folder",
        }
    }
}

/// Places to look for a model, in order: `--model`, `REHEARSE_MODEL`, `./models`, the data
/// dir's `models/` (where `rehearse model download` puts them).
pub struct ModelSearch {
    pub flag: Option<PathBuf>,
    pub env: Option<PathBuf>,
    pub working_dir: PathBuf,
    pub data_dir: Option<PathBuf>,
}

impl ModelSearch {
    /// The search as seen from this process (environment, current directory, data dir:
    /// `--data-dir`, `REHEARSE_HOME` or the XDG one).
    pub fn from_environment(flag: Option<PathBuf>) -> Self {
        ModelSearch {
            flag,
            env: std::env::var_os("REHEARSE_MODEL")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            working_dir: PathBuf::from("models"),
            data_dir: crate::paths::models_dir().ok(),
        }
    }

    /// Resolve the model path. An explicit path (flag or env) must exist; folders are searched.
    pub fn resolve(&self) -> Result<(PathBuf, ModelSource), ModelError> {
        use ModelSource::{DataDir, Env, Flag, WorkingDir};
        let explicit = [(self.flag.as_ref(), Flag), (self.env.as_ref(), Env)];
        let folders = [
            (Some(&self.working_dir), WorkingDir),
            (self.data_dir.as_ref(), DataDir),
        ];
        Ok(find_model(explicit, folders, PREFERRED)?)
    }
}

/// Hyper-parameters read from a ggml model header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    pub n_vocab: i32,
    pub n_audio_layer: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    pub n_tensors: usize,
    pub multilingual: bool,
}

/// Check that `path` is a complete, well-formed ggml Whisper model.
pub fn validate(path: &Path) -> Result<ModelInfo, ModelError> {
    walk_file(path, walk).map_err(|reason| ModelError::Corrupt {
        path: path.to_path_buf(),
        reason,
    })
}

fn walk(r: &mut (impl Read + Seek), file_len: u64) -> Result<ModelInfo, WalkError> {
    if read_i32(r)? as u32 != GGML_MAGIC {
        return Err(WalkError::Format(
            "not a ggml Whisper model (bad magic)".into(),
        ));
    }
    let mut hp = [0i32; 11];
    for v in hp.iter_mut() {
        *v = read_i32(r)?;
    }
    let [n_vocab, _, _, _, n_audio_layer, _, _, _, n_text_layer, n_mels, _] = hp;
    count(n_vocab, "vocabulary size", 1 << 20)?;
    // Mel filters: n_mel x n_fft f32.
    let n_mel = count(read_i32(r)?, "mel count", 1024)?;
    let n_fft = count(read_i32(r)?, "fft size", 1 << 16)?;
    skip(r, n_mel * n_fft * 4, file_len)?;
    // Vocabulary: count, then length-prefixed tokens.
    let n_tokens = count(read_i32(r)?, "token count", 1 << 20)?;
    for _ in 0..n_tokens {
        let len = count(read_i32(r)?, "token length", 1 << 16)?;
        skip(r, len, file_len)?;
    }
    let n_tensors = walk_tensors(r, file_len)?;
    if n_tensors == 0 {
        return Err(WalkError::Format("the file holds no weights".into()));
    }
    Ok(ModelInfo {
        n_vocab,
        n_audio_layer,
        n_text_layer,
        n_mels,
        n_tensors,
        multilingual: n_vocab >= 51865,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A minimal well-formed ggml file: header, 1x2 mel filters, 2 tokens, one f32 tensor.
    fn tiny_model() -> Vec<u8> {
        let mut b = Vec::new();
        let i = |v: i32, b: &mut Vec<u8>| b.extend_from_slice(&v.to_le_bytes());
        i(GGML_MAGIC as i32, &mut b);
        for v in [51864, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1] {
            i(v, &mut b);
        }
        i(1, &mut b);
        i(2, &mut b);
        b.extend_from_slice(&[0u8; 8]);
        i(2, &mut b);
        for tok in [&b"a"[..], &b"bc"[..]] {
            i(tok.len() as i32, &mut b);
            b.extend_from_slice(tok);
        }
        // tensor: rank 1, name "x", f32, 3 elements
        i(1, &mut b);
        i(1, &mut b);
        i(0, &mut b);
        i(3, &mut b);
        b.push(b'x');
        b.extend_from_slice(&[0u8; 12]);
        b
    }

    fn check(bytes: &[u8]) -> Result<ModelInfo, WalkError> {
        walk(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn well_formed_model_is_accepted() {
        let info = check(&tiny_model()).ok().expect("valid");
        assert_eq!(info.n_tensors, 1);
        assert_eq!(info.n_audio_layer, 4);
        assert!(!info.multilingual);
    }

    #[test]
    fn truncated_model_is_rejected_at_every_cut() {
        let full = tiny_model();
        for cut in 0..full.len() {
            assert!(check(&full[..cut]).is_err(), "cut at {cut} accepted");
        }
    }

    #[test]
    fn wrong_magic_is_rejected() {
        let mut bytes = tiny_model();
        bytes[0] ^= 0xff;
        assert!(matches!(check(&bytes), Err(WalkError::Format(_))));
    }

    #[test]
    fn explicit_missing_path_names_the_fetch_command() {
        let search = ModelSearch {
            flag: Some("/nonexistent/ggml.bin".into()),
            env: None,
            working_dir: "/nonexistent".into(),
            data_dir: None,
        };
        let err = search.resolve().unwrap_err().to_string();
        assert!(err.contains("`rehearse model download`"), "{err}");
    }

    #[test]
    fn folder_search_reports_where_it_looked() {
        let search = ModelSearch {
            flag: None,
            env: None,
            working_dir: "/nonexistent/models".into(),
            data_dir: Some("/nonexistent/data".into()),
        };
        let err = search.resolve().unwrap_err().to_string();
        assert!(err.contains("/nonexistent/models") && err.contains("/nonexistent/data"));
    }
}
