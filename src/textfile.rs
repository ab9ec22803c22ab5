//! Reading a small text file that someone else may have made: a story, a config file, an
//! export to import.
//!
//! Such a path may name a FIFO (which would block until a writer comes), a device such as
//! `/dev/zero` (which never ends), or a huge file that its reader would refuse anyway once it
//! had it all in memory. So the file is opened without blocking, refused unless it is a
//! regular file, refused when it is larger than the reader's limit, and then read at most to
//! that limit (in case it grows meanwhile). Standard input gets the same limit.

use std::io::Read;
use std::path::Path;

/// Why a text file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is a folder, not a file")]
    Directory { path: String },
    #[error("{path} is {kind}, not a regular file")]
    NotRegular { path: String, kind: &'static str },
    #[error("{path} is {size}; {what} is at most {limit}")]
    TooLarge {
        path: String,
        what: &'static str,
        size: String,
        limit: String,
    },
    #[error("{path} is not UTF-8 text; save it as UTF-8")]
    NotUtf8 { path: String },
}

/// The text of the regular file at `path`, if it holds at most `limit` bytes of UTF-8.
/// `what` names the thing in the error ("a story file").
pub fn read(path: &Path, limit: u64, what: &'static str) -> Result<String, TextFileError> {
    let shown = crate::term::printable(&path.display().to_string()).into_owned();
    let io = |source| TextFileError::Io {
        path: shown.clone(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(TextFileError::Directory { path: shown });
    }
    if !kind.is_file() {
        return Err(TextFileError::NotRegular {
            path: shown,
            kind: crate::audio::decode::file_kind(&kind),
        });
    }
    if meta.len() > limit {
        return Err(too_large(shown, what, Some(meta.len()), limit));
    }
    // O_NONBLOCK changes nothing for reads of a regular file.
    read_bounded(file, &shown, limit, what)
}

/// Standard input (or any reader) as text, refused past `limit` bytes.
pub fn read_from(
    reader: impl Read,
    shown: &str,
    limit: u64,
    what: &'static str,
) -> Result<String, TextFileError> {
    read_bounded(reader, shown, limit, what)
}

fn read_bounded(
    reader: impl Read,
    shown: &str,
    limit: u64,
    what: &'static str,
) -> Result<String, TextFileError> {
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| TextFileError::Io {
            path: shown.to_string(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(too_large(shown.to_string(), what, None, limit));
    }
    String::from_utf8(bytes).map_err(|_| TextFileError::NotUtf8 {
        path: shown.to_string(),
    })
}

fn too_large(path: String, what: &'static str, size: Option<u64>, limit: u64) -> TextFileError {
    TextFileError::TooLarge {
        path,
        what,
        size: size.map_or_else(|| format!("more than {}", bytes(limit)), bytes),
        limit: bytes(limit),
    }
}

/// A byte count for people: "64 KB", "256 MB", "1234 bytes".
fn bytes(n: u64) -> String {
    const KB: u64 = 1024;
    if n >= KB * KB && n % (KB * KB) == 0 {
        format!("{} MB", n / (KB * KB))
    } else if n >= KB * KB {
        format!("{:.1} MB", n as f64 / (KB * KB) as f64)
    } else if n >= KB && n % KB == 0 {
        format!("{} KB", n / KB)
    } else if n >= KB {
        format!("{:.1} KB", n as f64 / KB as f64)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_utf8_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "héllo").unwrap();
        assert_eq!(read(&p, 64, "a test file").unwrap(), "héllo");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "x".repeat(2049)).unwrap();
        let e = read(&p, 2048, "a test file").unwrap_err().to_string();
        assert!(e.ends_with("is 2.0 KB; a test file is at most 2 KB"), "{e}");
    }

    #[test]
    fn endless_input_stops_at_the_limit() {
        let e = read_from(std::io::repeat(0), "standard input", 1024, "a story")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "standard input is more than 1 KB; a story is at most 1 KB"
        );
    }

    #[test]
    fn devices_fifos_and_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(Path::new("/dev/zero"), 1024, "x").unwrap_err();
        assert!(matches!(e, TextFileError::NotRegular { .. }), "{e}");
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo reads the NUL-terminated path it is given.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read(&fifo, 1024, "x").unwrap_err().to_string();
        assert!(e.contains("named pipe"), "{e}");
        let e = read(dir.path(), 1024, "x").unwrap_err().to_string();
        assert!(e.ends_with("is a folder, not a file"), "{e}");
    }

    #[test]
    fn bytes_are_shown_for_people() {
        assert_eq!(bytes(64 * 1024), "64 KB");
        assert_eq!(bytes(256 * 1024 * 1024), "256 MB");
        assert_eq!(bytes(1500), "1.5 KB");
        assert_eq!(bytes(12), "12 bytes");
    }
}
