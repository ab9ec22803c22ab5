//! Getting a Whisper model into the data directory: `rehearse model download [NAME]`.
//!
//! An installed binary has no `scripts/` folder, so it fetches the model itself: over HTTPS
//! from whisper.cpp's model repository (or an organisation's mirror), streamed into
//! `<models>/ggml-NAME.bin.part`, checked against a pinned size and sha256, then renamed into
//! place, so a half-written or tampered file is never taken for a model. An interrupted
//! download leaves the `.part` file; the next run asks the server for the rest (an HTTP
//! `Range` request) and starts over if the server cannot resume. A file that fails the check
//! is deleted.
//!
//! The pins are the ones `scripts/fetch-model.sh` uses: the official files' sizes and sha256
//! (their git-LFS object ids), and for tiny.en and base also the project's own conversions
//! from PyPI packages (the script's fallback for machines that reach only package
//! registries), so a mirror may serve either.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

/// whisper.cpp's model repository; files are `ggml-NAME.bin` under it.
pub const OFFICIAL_BASE_URL: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

/// The speech detector's official repository (`ggml-silero-v6.2.0.bin` under it).
pub const SPEECH_DETECTOR_BASE_URL: &str =
    "https://huggingface.co/ggml-org/whisper-vad/resolve/main";

/// (name, size in bytes, sha256) of every file a name may be satisfied by.
const PINS: &[(&str, u64, &str)] = &[
    (
        "tiny.en",
        77_704_715,
        "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f",
    ),
    // scripts/fetch-model.sh's deterministic conversion of tiny.en from PyPI packages.
    (
        "tiny.en",
        77_704_698,
        "49b35c0f0fa5e8fe48396546d4c3308e7cc3e8a50589273a99710c76fd373fdf",
    ),
    (
        "tiny",
        77_691_713,
        "be07e048e1e599ad46341c8d2a135645097a538221678b7acdd1b1919c6e1b21",
    ),
    (
        "base.en",
        147_964_211,
        "a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002",
    ),
    (
        "base",
        147_951_465,
        "60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe",
    ),
    // Our conversion of the PyPI route (`scripts/fetch-model.sh base`): the same size as the
    // official file, another hash.
    (
        "base",
        147_951_465,
        "c0db470711f9496ec80feedb59b0916f10a0c301218e7254a61e7d3d1890dc6d",
    ),
    (
        "small.en",
        487_614_201,
        "c6138d6d58ecc8322097e0f987c32f1be8bb0a18532a3f88f734d1bbf9c41e5d",
    ),
    (
        "small",
        487_601_967,
        "1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b",
    ),
];

/// Model names `download` knows, smallest first.
pub const NAMES: &[&str] = &["tiny.en", "tiny", "base.en", "base", "small.en", "small"];

/// A file the download must match exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// A model to fetch: its file name and the pins a downloaded file must match one of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFile {
    pub name: String,
    pub file_name: String,
    pub pins: Vec<Pin>,
}

impl ModelFile {
    /// A model by its name (`tiny.en`, `base`, ...), or None for a name with no pin.
    pub fn known(name: &str) -> Option<ModelFile> {
        let pins: Vec<Pin> = PINS
            .iter()
            .filter(|(n, _, _)| *n == name)
            .map(|&(_, size, sha)| Pin {
                size,
                sha256: sha.to_string(),
            })
            .collect();
        (!pins.is_empty()).then(|| ModelFile {
            name: name.to_string(),
            file_name: format!("ggml-{name}.bin"),
            pins,
        })
    }

    /// The speech detector's model (Silero VAD 6.2.0 for whisper.cpp), pinned as
    /// `scripts/fetch-vad-model.sh` pins it.
    pub fn speech_detector() -> ModelFile {
        ModelFile {
            name: "silero-v6.2.0".into(),
            file_name: "ggml-silero-v6.2.0.bin".into(),
            pins: vec![Pin {
                size: 885_098,
                sha256: "2aa269b785eeb53a82983a20501ddf7c1d9c48e33ab63a41391ac6c9f7fb6987".into(),
            }],
        }
    }

    fn max_size(&self) -> u64 {
        self.pins.iter().map(|p| p.size).max().unwrap_or(0)
    }

    fn fits_size(&self, size: u64) -> bool {
        self.pins.iter().any(|p| p.size == size)
    }

    fn matches(&self, size: u64, sha256: &str) -> bool {
        self.pins
            .iter()
            .any(|p| p.size == size && p.sha256 == sha256)
    }

    fn expected(&self) -> String {
        let pins: Vec<String> = self
            .pins
            .iter()
            .map(|p| format!("{} bytes with sha256 {}", p.size, p.sha256))
            .collect();
        pins.join(", or ")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("unknown model {name:?}; known models: {}", NAMES.join(", "))]
    UnknownModel { name: String },
    #[error("the model URL must start with http:// or https:// (got {url:?}); check REHEARSE_MODEL_BASE_URL or [model] base_url in the config file")]
    BadUrl { url: String },
    #[error("cannot reach {url}: {reason}; check the network, or set a mirror with REHEARSE_MODEL_BASE_URL")]
    Network { url: String, reason: String },
    #[error("{url} answered HTTP {status}; the file is not there (check the mirror URL), or the server is down")]
    Status { url: String, status: u16 },
    #[error("{url} is {got} bytes, but {name} is pinned at {expected}; not downloading it (a wrong file or a wrong mirror)")]
    WrongSize {
        url: String,
        name: String,
        got: u64,
        expected: String,
    },
    #[error("the download of {url} stopped after {received} of {total} bytes ({reason}); run the same command again to resume (the part is kept in {part})")]
    Interrupted {
        url: String,
        received: u64,
        total: String,
        reason: String,
        part: PathBuf,
    },
    #[error("the file from {url} does not match its pin: got {size} bytes with sha256 {got}, expected {expected}; it was deleted (a damaged download or a wrong file on the mirror)")]
    Mismatch {
        url: String,
        size: u64,
        got: String,
        expected: String,
    },
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

fn io_err<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> DownloadError + 'a {
    move |source| DownloadError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// What to fetch, from where, into which folder.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub model: &'a ModelFile,
    /// The folder holding `ggml-NAME.bin` (mirrors keep the official layout).
    pub base_url: &'a str,
    /// The models folder; created if missing.
    pub dir: &'a Path,
}

impl Request<'_> {
    pub fn url(&self) -> String {
        format!(
            "{}/{}",
            self.base_url.trim_end_matches('/'),
            self.model.file_name
        )
    }
}

/// How far a download is: bytes in the file so far, and the file's full size when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A verified copy was already in place; nothing was fetched.
    AlreadyThere { path: PathBuf },
    /// Fetched and verified; `resumed_from` bytes came from an earlier, interrupted run.
    Downloaded {
        path: PathBuf,
        size: u64,
        resumed_from: u64,
    },
}

/// Fetch the model into `req.dir` unless a verified copy is there. `progress` is called as
/// bytes arrive (and once before the first one).
pub fn download(
    req: &Request<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Outcome, DownloadError> {
    let url = req.url();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(DownloadError::BadUrl {
            url: req.base_url.to_string(),
        });
    }
    // The data directory and models/ are private, like the takes (0700 when created here).
    crate::paths::create_private_dir_all(req.dir)
        .map_err(io_err("cannot create the models folder", req.dir))?;
    let dest = req.dir.join(&req.model.file_name);
    if is_verified(req.model, &dest)? {
        return Ok(Outcome::AlreadyThere { path: dest });
    }
    let part = req.dir.join(format!("{}.part", req.model.file_name));
    let fetched = fetch(req, &url, &part, progress).inspect_err(|_| remove_if_empty(&part))?;
    let sha = hex(fetched.hasher.finalize().as_slice());
    if !req.model.matches(fetched.size, &sha) {
        let _ = fs::remove_file(&part);
        return Err(DownloadError::Mismatch {
            url,
            size: fetched.size,
            got: sha,
            expected: req.model.expected(),
        });
    }
    fs::rename(&part, &dest).map_err(io_err("cannot move the download into place as", &dest))?;
    if let Ok(dir) = File::open(req.dir) {
        let _ = dir.sync_all();
    }
    Ok(Outcome::Downloaded {
        path: dest,
        size: fetched.size,
        resumed_from: fetched.resumed_from,
    })
}

/// True if `path` exists and matches one of the model's pins.
pub fn is_verified(model: &ModelFile, path: &Path) -> Result<bool, DownloadError> {
    let size = match fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(_) => return Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_err("cannot read", path)(e)),
    };
    if !model.fits_size(size) {
        return Ok(false);
    }
    let mut hasher = Sha256::new();
    let mut file = File::open(path).map_err(io_err("cannot read", path))?;
    io::copy(&mut file, &mut hasher).map_err(io_err("cannot read", path))?;
    Ok(model.matches(size, &hex(hasher.finalize().as_slice())))
}

struct Fetched {
    size: u64,
    hasher: Sha256,
    resumed_from: u64,
}

/// A failed download that received nothing leaves no empty `.part` behind (one that holds
/// bytes is kept, so the next run resumes).
fn remove_if_empty(part: &Path) {
    if fs::metadata(part).is_ok_and(|m| m.len() == 0) {
        let _ = fs::remove_file(part);
    }
}

/// Fill `part` with the whole file, resuming from what it already holds when the server can.
fn fetch(
    req: &Request<'_>,
    url: &str,
    part: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Fetched, DownloadError> {
    let (mut file, mut hasher, mut have) = open_part(req.model, part)?;
    let agent = agent();
    let mut request = agent.get(url);
    if have > 0 {
        request = request.header("Range", format!("bytes={have}-"));
    }
    let response = request.call().map_err(|e| DownloadError::Network {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    let status = response.status().as_u16();
    let resumed = status == 206 && have > 0 && content_range_start(&response) == Some(have);
    if !resumed {
        if status != 200 {
            return Err(DownloadError::Status {
                url: url.to_string(),
                status,
            });
        }
        // A full answer (the server ignored the range): start the part over.
        (file, hasher, have) = restart_part(part)?;
    }
    let resumed_from = have;
    let total = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
        .map(|len| len + have);
    if let Some(total) = total.filter(|t| !req.model.fits_size(*t)) {
        if resumed {
            // The part on disk does not belong to this file: drop it so the next run starts clean.
            let _ = fs::remove_file(part);
        }
        return Err(DownloadError::WrongSize {
            url: url.to_string(),
            name: req.model.name.clone(),
            got: total,
            expected: req.model.expected(),
        });
    }
    progress(Progress { done: have, total });
    let interrupted = |received: u64, reason: String| DownloadError::Interrupted {
        url: url.to_string(),
        received,
        total: total.map_or_else(|| "?".to_string(), |t| t.to_string()),
        reason,
        part: part.to_path_buf(),
    };
    let mut body = response.into_body().into_reader();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = file.sync_all();
                return Err(interrupted(have, e.to_string()));
            }
        };
        file.write_all(&buf[..n])
            .map_err(io_err("cannot write the download to", part))?;
        hasher.update(&buf[..n]);
        have += n as u64;
        if have > req.model.max_size() {
            drop(file);
            let _ = fs::remove_file(part);
            return Err(DownloadError::WrongSize {
                url: url.to_string(),
                name: req.model.name.clone(),
                got: have,
                expected: req.model.expected(),
            });
        }
        progress(Progress { done: have, total });
    }
    file.sync_all()
        .map_err(io_err("cannot write the download to", part))?;
    if let Some(total) = total.filter(|t| have < *t) {
        return Err(interrupted(
            have,
            format!("the connection closed {} bytes early", total - have),
        ));
    }
    Ok(Fetched {
        size: have,
        hasher,
        resumed_from,
    })
}

/// The part file opened for appending, with the hash of what it already holds. A part larger
/// than any pinned file cannot be the start of one and is started over.
fn open_part(model: &ModelFile, part: &Path) -> Result<(File, Sha256, u64), DownloadError> {
    let mut file = part_options()
        .read(true)
        .append(true)
        .open(part)
        .map_err(io_err("cannot create", part))?;
    let len = file.metadata().map_err(io_err("cannot read", part))?.len();
    if len >= model.max_size() {
        drop(file);
        return restart_part(part);
    }
    let mut hasher = Sha256::new();
    file.seek(SeekFrom::Start(0))
        .map_err(io_err("cannot read", part))?;
    let copied =
        io::copy(&mut (&mut file).take(len), &mut hasher).map_err(io_err("cannot read", part))?;
    Ok((file, hasher, copied))
}

/// How a part file is opened: created 0600 (readable by the user alone, like every file in
/// the data directory), never through a symlink planted at its name.
fn part_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

fn restart_part(part: &Path) -> Result<(File, Sha256, u64), DownloadError> {
    let file = part_options()
        .write(true)
        .truncate(true)
        .open(part)
        .map_err(io_err("cannot create", part))?;
    Ok((file, Sha256::new(), 0))
}

/// The first byte a 206 answer carries (`Content-Range: bytes START-END/TOTAL`).
fn content_range_start(response: &ureq::http::Response<ureq::Body>) -> Option<u64> {
    let v = response.headers().get("content-range")?.to_str().ok()?;
    let range = v.trim().strip_prefix("bytes ")?;
    range.split('-').next()?.trim().parse().ok()
}

/// Statuses are handled here, not as errors; a stalled connection fails after a minute
/// without data instead of hanging (and the part is kept for the next run).
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_per_read(Some(Duration::from_secs(60)))
        .user_agent(concat!("rehearse/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_has_a_pin_and_a_file_name() {
        for name in NAMES {
            let m = ModelFile::known(name).unwrap();
            assert_eq!(m.file_name, format!("ggml-{name}.bin"));
            assert!(m
                .pins
                .iter()
                .all(|p| p.sha256.len() == 64 && p.size > 1_000_000));
        }
        assert_eq!(ModelFile::known("tiny.en").unwrap().pins.len(), 2);
        assert_eq!(ModelFile::known("base").unwrap().pins.len(), 2);
        assert!(ModelFile::known("large").is_none());
        assert!(ModelFile::known("../x").is_none());
    }

    #[test]
    fn the_url_joins_base_and_file_name_once() {
        let m = ModelFile::known("base").unwrap();
        let dir = Path::new("/tmp");
        for base in ["https://example.org/m", "https://example.org/m/"] {
            let req = Request {
                model: &m,
                base_url: base,
                dir,
            };
            assert_eq!(req.url(), "https://example.org/m/ggml-base.bin");
        }
    }

    #[test]
    fn a_non_http_url_is_refused_before_anything_is_written() {
        let m = ModelFile::known("tiny").unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("models");
        let req = Request {
            model: &m,
            base_url: "file:///etc",
            dir: &dir,
        };
        let err = download(&req, &mut |_| {}).unwrap_err();
        assert!(matches!(err, DownloadError::BadUrl { .. }), "{err}");
        assert!(!dir.exists());
    }
}
