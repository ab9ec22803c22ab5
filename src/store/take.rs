//! One take on disk: a folder `takes/<id>/` with `meta.json`, `report.json` and the audio.
//! A take that is recorded but not analysed yet has no `report.json`; its analysis adds one.
//!
//! A folder is written under a staging name and renamed into place only when every file in
//! it is complete and synced, so a folder named like a take is always a whole take. The
//! index row is derived from these files, which is what lets a damaged index be rebuilt.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::StoreError;

pub const META_FILE: &str = "meta.json";
pub const REPORT_FILE: &str = "report.json";
/// Prefix of a folder still being written (`.staging-<id>-<pid>`).
pub const STAGING_PREFIX: &str = ".staging-";
/// Prefix of a folder being deleted (`.deleted-<id>`).
pub const DELETED_PREFIX: &str = ".deleted-";

/// What rehearse knows about a take besides its report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TakeMeta {
    pub id: String,
    /// When the take was saved (UTC, RFC 3339 in JSON).
    pub created: Timestamp,
    /// The interview question it answers, when one was given.
    pub question: Option<String>,
    /// The file it was analysed from, as an absolute path at the time.
    pub source_path: String,
    /// SHA-256 of that file's bytes: how the same recording is recognised again.
    pub source_sha256: String,
    /// The copy of the audio inside the take's folder; None when none was kept (imported takes).
    pub audio_file: Option<String>,
    /// The Whisper model file that transcribed it.
    pub model: String,
    /// Length of the recording, seconds.
    pub duration_s: f64,
    /// The user's own note on the take (`rehearse note`); absent in takes from before notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The user's tags ("second round", "with notes"), in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The practice session the take was part of (`rehearse practice`); None for a lone take
    /// and for takes saved before sessions existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// An id is 8 lowercase hex digits; anything else in `takes/` is not a take.
pub fn is_take_id(name: &str) -> bool {
    name.len() == 8 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether a string is a SHA-256 in lowercase hex, as `source_sha256` is.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The folder of take `id` under `takes_dir`, or None when `id` is not a take id: the one
/// place a folder name is made from an id, so no id (from an import, or an index written by an
/// older version) can name a path outside `takes_dir`.
pub fn folder(takes_dir: &Path, id: &str) -> Option<PathBuf> {
    is_take_id(id).then(|| takes_dir.join(id))
}

/// The longest text field an imported take may carry (question, source path, model).
const MAX_TEXT: usize = 4096;

/// Check a take's metadata from outside (an export file) before anything is written for it:
/// its id and hash have their fixed forms, its numbers are sane and its text fields short.
pub fn check_imported(meta: &TakeMeta) -> Result<(), String> {
    if !is_take_id(&meta.id) {
        return Err(format!(
            "its id {:?} is not a take id (8 lowercase hex digits)",
            crate::term::printable(&meta.id)
        ));
    }
    if !is_sha256(&meta.source_sha256) {
        return Err("its source_sha256 is not a SHA-256 (64 lowercase hex digits)".into());
    }
    if !(meta.duration_s.is_finite() && (0.0..=MAX_DURATION_S).contains(&meta.duration_s)) {
        return Err(format!(
            "its duration_s {} is not a length in seconds (0 to {MAX_DURATION_S})",
            meta.duration_s
        ));
    }
    let texts = [
        ("question", meta.question.as_deref().unwrap_or("")),
        ("source_path", &meta.source_path),
        ("model", &meta.model),
        ("note", meta.note.as_deref().unwrap_or("")),
        ("session", meta.session.as_deref().unwrap_or("")),
    ];
    if meta.tags.len() > MAX_TAGS {
        return Err(format!(
            "it has {} tags (at most {MAX_TAGS})",
            meta.tags.len()
        ));
    }
    let tags = meta.tags.iter().map(|t| ("tag", t.as_str()));
    for (name, text) in texts.into_iter().chain(tags) {
        if text.len() > MAX_TEXT {
            return Err(format!(
                "its {name} is {} bytes long (at most {MAX_TEXT})",
                text.len()
            ));
        }
    }
    Ok(())
}

/// The largest report an imported take may carry: a report is about 1 KB per second of audio,
/// so this is hours of speech. Every later `history` reads the reports, so a crafted 150 MB
/// one would otherwise cost memory on each use.
pub const MAX_REPORT_BYTES: usize = 16 * 1024 * 1024;

/// Most tags an imported take may carry.
const MAX_TAGS: usize = 64;

/// Longest recording an imported take may claim: a week.
const MAX_DURATION_S: f64 = 7.0 * 24.0 * 3600.0;

/// A fresh id from the content hash, the time and the process: collisions are checked anyway.
pub fn new_id(sha256: &str, now: Timestamp, salt: u32) -> String {
    let mut h = Sha256::new();
    h.update(sha256.as_bytes());
    h.update(now.as_nanosecond().to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(salt.to_le_bytes());
    hex(&h.finalize())[..8].to_string()
}

/// SHA-256 of a file's bytes, hex.
pub fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How a take's audio gets into its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// A private copy; the original stays where it is (a file the user named).
    Copy,
    /// The file itself is moved in (a recording rehearse made in its own data folder), so
    /// the take is stored once.
    Move,
}

/// The name the audio copy gets: `audio.<original extension>`.
pub fn audio_name(source: &Path) -> String {
    let ext = source
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .map_or_else(|| "bin".to_string(), str::to_ascii_lowercase);
    format!("audio.{ext}")
}

/// Write a take's files into a fresh staging folder and sync them; returns the folder. A take
/// without a report (`None`: recorded, not analysed yet) gets no `report.json`. Its metadata is
/// written before the audio is moved in, so a staging folder that holds a moved recording can
/// always be told apart and adopted ([`read_staged`]) rather than removed.
pub fn stage(
    takes_dir: &Path,
    meta: &TakeMeta,
    report_json: Option<&str>,
    audio: Option<(&Path, Keep)>,
) -> Result<PathBuf, StoreError> {
    let dir = takes_dir.join(format!(
        "{STAGING_PREFIX}{}-{}",
        meta.id,
        std::process::id()
    ));
    let io_err = |cause| StoreError::Io {
        action: "write a take",
        path: dir.clone(),
        cause,
    };
    create_private_dir(&dir).map_err(io_err)?;
    let written = (|| {
        if let Some(report) = report_json {
            write_synced(&dir.join(REPORT_FILE), report.as_bytes())?;
        }
        let meta_json = serde_json::to_string_pretty(meta).map_err(io::Error::other)?;
        write_synced(&dir.join(META_FILE), meta_json.as_bytes())?;
        if let (Some((src, keep)), Some(name)) = (audio, &meta.audio_file) {
            bring_audio(src, &dir.join(name), keep)?;
        }
        sync_dir(&dir);
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&dir);
        return Err(io_err(e));
    }
    Ok(dir)
}

/// Put the audio at `to`: moved (renamed; copied then removed across file systems) or copied.
fn bring_audio(src: &Path, to: &Path, keep: Keep) -> io::Result<()> {
    if keep == Keep::Move && fs::rename(src, to).is_ok() {
        make_private(to, false);
        return Ok(());
    }
    // Not fs::copy: it would carry over the source's (often world-readable) mode.
    let mut from = File::open(src)?;
    let mut out = create_private(to)?;
    io::copy(&mut from, &mut out)?;
    out.sync_all()?;
    if keep == Keep::Move {
        fs::remove_file(src)?;
    }
    Ok(())
}

/// Put a moved recording back where it was, after a save that failed.
pub fn return_audio(staged: &Path, meta: &TakeMeta, original: &Path) {
    if let Some(name) = &meta.audio_file {
        let _ = fs::rename(staged.join(name), original);
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = create_private(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Create (or truncate) a file only its owner can read and write (0600 on Unix).
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    // The mode above applies only to a new file: tighten one that was already there.
    make_private(path, false);
    Ok(file)
}

/// Create a directory only its owner can enter (0700 on Unix); fails if it exists.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

pub use crate::paths::create_private_dir_all;

/// Take group and other permissions away from an existing file or directory (best effort:
/// a store on a file system without Unix modes, or owned by someone else, is left as it is).
pub fn make_private(path: &Path, dir: bool) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let want = if dir { 0o700 } else { 0o600 };
        if let Ok(m) = fs::symlink_metadata(path) {
            if m.permissions().mode() & 0o077 != 0 && !m.file_type().is_symlink() {
                let _ = fs::set_permissions(path, fs::Permissions::from_mode(want));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, dir);
}

/// Rewrite a take folder's files from the index's copy (used when the folder is damaged).
pub fn rewrite_folder(dir: &Path, meta: &TakeMeta, report_json: &str) -> io::Result<()> {
    let meta_json = serde_json::to_string_pretty(meta).map_err(io::Error::other)?;
    let mut files = vec![(META_FILE, meta_json.as_bytes())];
    if report_json != super::NOT_ANALYSED {
        files.insert(0, (REPORT_FILE, report_json.as_bytes()));
    }
    for (name, bytes) in files {
        let tmp = dir.join(format!(".{name}.repair-{}", std::process::id()));
        write_synced(&tmp, bytes)?;
        fs::rename(&tmp, dir.join(name))?;
    }
    sync_dir(dir);
    Ok(())
}

/// Replace `name` in a take's folder with `bytes`: a synced temporary file renamed over it.
pub fn replace_file(folder: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let tmp = folder.join(format!(".{name}.tmp-{}", std::process::id()));
    write_synced(&tmp, bytes)?;
    fs::rename(&tmp, folder.join(name)).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })?;
    sync_dir(folder);
    Ok(())
}

/// How many regular files are under `dir` (symbolic links not followed) and their bytes; a
/// folder that does not exist holds none.
pub fn tree_size(dir: &Path) -> (u64, u64) {
    let Ok(entries) = fs::read_dir(dir) else {
        return (0, 0);
    };
    entries
        .filter_map(Result::ok)
        .fold((0, 0), |(files, bytes), entry| match entry.file_type() {
            Ok(t) if t.is_dir() => {
                let (f, b) = tree_size(&entry.path());
                (files + f, bytes + b)
            }
            Ok(t) if t.is_file() => {
                let len = entry.metadata().map_or(0, |m| m.len());
                (files + 1, bytes + len)
            }
            _ => (files, bytes),
        })
}

/// Make a rename inside `dir` durable (a no-op where directories cannot be opened).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Read a take folder back: its metadata and report JSON, both checked to parse. A folder
/// without `report.json` is a take not analysed yet ([`super::NOT_ANALYSED`]).
pub fn read_folder(dir: &Path) -> Result<(TakeMeta, String), String> {
    let meta = read_meta(dir)?;
    let report = match fs::read_to_string(dir.join(REPORT_FILE)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => super::NOT_ANALYSED.to_string(),
        Err(e) => return Err(format!("{REPORT_FILE}: {e}")),
        Ok(report) => {
            serde_json::from_str::<serde_json::Value>(&report)
                .map_err(|e| format!("{REPORT_FILE}: {e}"))?;
            report
        }
    };
    if dir.file_name().and_then(|n| n.to_str()) != Some(meta.id.as_str()) {
        return Err(format!("{META_FILE} names take {}", meta.id));
    }
    Ok((meta, report))
}

fn read_meta(dir: &Path) -> Result<TakeMeta, String> {
    let meta_text =
        fs::read_to_string(dir.join(META_FILE)).map_err(|e| format!("{META_FILE}: {e}"))?;
    serde_json::from_str(&meta_text).map_err(|e| format!("{META_FILE}: {e}"))
}

/// An abandoned staging folder that holds a recording moved in from the data folder (a take
/// not analysed yet, with its audio): what it is, so it can be adopted. None for anything
/// else, which is only a copy of files that still exist elsewhere and may be removed.
pub fn read_staged(dir: &Path) -> Option<TakeMeta> {
    let meta = read_meta(dir).ok()?;
    let audio = meta.audio_file.as_ref()?;
    let name = dir.file_name()?.to_str()?;
    let holds_recording = !dir.join(REPORT_FILE).exists()
        && dir.join(audio).is_file()
        && is_take_id(&meta.id)
        && name.starts_with(&format!("{STAGING_PREFIX}{}-", meta.id));
    holds_recording.then_some(meta)
}

/// Whether a staging folder's writer is gone: its process no longer runs, or (where that
/// cannot be told) the folder is over an hour old.
pub fn staging_is_abandoned(dir: &Path) -> bool {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let pid = name.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
    if Path::new("/proc/self").exists() {
        if let Some(pid) = pid {
            return pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists();
        }
    }
    fs::metadata(dir)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_from_before_sessions_still_loads() {
        let old = r#"{"id": "0123abcd", "created": "2026-11-01T10:00:00Z", "question": null,
            "source_path": "/a.wav", "source_sha256": "00", "audio_file": "audio.wav",
            "model": "m.bin", "duration_s": 3.0}"#;
        let meta: TakeMeta = serde_json::from_str(old).unwrap();
        assert_eq!(meta.session, None);
        let json = serde_json::to_string(&meta).unwrap();
        assert!(!json.contains("session"), "{json}");
    }

    #[test]
    fn ids_are_eight_hex_digits() {
        let id = new_id("abc", Timestamp::UNIX_EPOCH, 0);
        assert!(is_take_id(&id), "{id}");
        assert_ne!(id, new_id("abc", Timestamp::UNIX_EPOCH, 1));
        assert!(!is_take_id(".staging-1234abcd-1"));
        assert!(!is_take_id("ABCDEF12"));
    }

    #[test]
    fn audio_keeps_its_extension() {
        assert_eq!(audio_name(Path::new("/x/Answer.WAV")), "audio.wav");
        assert_eq!(audio_name(Path::new("/x/answer")), "audio.bin");
    }

    #[test]
    fn hashing_reads_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a");
        fs::write(&p, b"abc").unwrap();
        assert_eq!(
            hash_file(&p).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
