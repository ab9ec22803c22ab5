//! ggml model files (the format whisper.cpp loads): finding one on disk, and walking it
//! without trusting it. Every length and count is checked against the file before it is used,
//! so a truncated or damaged download is a readable error instead of a crash inside
//! whisper.cpp. Shared by the Whisper model ([`crate::transcribe::model`]) and the speech
//! detector's ([`crate::speech::silero`]), which differ in their file names, folders and
//! layouts.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;

/// The first four bytes of every ggml file.
pub const GGML_MAGIC: u32 = 0x6767_6d6c;

/// Why a walk stopped.
pub enum WalkError {
    Io(io::Error),
    Format(String),
}

impl From<io::Error> for WalkError {
    fn from(e: io::Error) -> Self {
        WalkError::Io(e)
    }
}

/// Why no model file was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindError {
    /// A path given explicitly (option or environment variable) is not a file.
    Missing { path: PathBuf },
    /// None of the names is in any folder; `searched` lists the folders, comma-separated.
    NotFound { searched: String },
}

/// The model file to use. The first explicit path given (an option, then an environment
/// variable) is used and must exist; else each folder (`None`: not known here) is searched for
/// the first of `names` (most preferred first) that is a file. Each candidate carries `S`,
/// where it came from, which is returned with the path.
pub fn find_model<'a, S>(
    explicit: impl IntoIterator<Item = (Option<&'a PathBuf>, S)>,
    folders: impl IntoIterator<Item = (Option<&'a PathBuf>, S)>,
    names: &[&str],
) -> Result<(PathBuf, S), FindError> {
    for (path, source) in explicit {
        if let Some(path) = path {
            return if path.is_file() {
                Ok((path.clone(), source))
            } else {
                Err(FindError::Missing { path: path.clone() })
            };
        }
    }
    let mut searched: Vec<String> = Vec::new();
    for (folder, source) in folders {
        let Some(folder) = folder else { continue };
        let shown = folder.display().to_string();
        if searched.contains(&shown) {
            continue;
        }
        searched.push(shown);
        if let Some(path) = names.iter().map(|n| folder.join(n)).find(|p| p.is_file()) {
            return Ok((path, source));
        }
    }
    Err(FindError::NotFound {
        searched: searched.join(", "),
    })
}

/// Open the file at `path` and `walk` it (given the reader and the file's length); a failure
/// comes back as the reason in words ("the file is truncated", "cannot open: ...").
pub fn walk_file<T>(
    path: &std::path::Path,
    walk: impl FnOnce(&mut BufReader<File>, u64) -> Result<T, WalkError>,
) -> Result<T, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let len = file
        .metadata()
        .map_err(|e| format!("cannot stat: {e}"))?
        .len();
    walk(&mut BufReader::new(file), len).map_err(|e| match e {
        WalkError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            "the file is truncated".to_string()
        }
        WalkError::Io(e) => e.to_string(),
        WalkError::Format(s) => s,
    })
}

/// A little-endian i32.
pub fn read_i32(r: &mut impl Read) -> io::Result<i32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(i32::from_le_bytes(b))
}

/// Skip `n` bytes, failing if that passes the end of the file.
pub fn skip(r: &mut (impl Read + Seek), n: u64, file_len: u64) -> Result<(), WalkError> {
    let pos = r.stream_position()?;
    if pos + n > file_len {
        return Err(WalkError::Io(io::ErrorKind::UnexpectedEof.into()));
    }
    r.seek(SeekFrom::Current(n as i64))?;
    Ok(())
}

/// A count read from the file, between 0 and `max`.
pub fn count(v: i32, what: &str, max: i32) -> Result<u64, WalkError> {
    if v < 0 || v > max {
        return Err(WalkError::Format(format!("implausible {what} ({v})")));
    }
    Ok(v as u64)
}

/// Walk tensor headers and data to the end of the file; returns how many tensors there are.
pub fn walk_tensors(r: &mut (impl Read + Seek), file_len: u64) -> Result<usize, WalkError> {
    let mut n = 0;
    while r.stream_position()? < file_len {
        let n_dims = count(read_i32(r)?, "tensor rank", 4)?;
        let name_len = count(read_i32(r)?, "tensor name length", 1024)?;
        let ftype = read_i32(r)?;
        let mut elements: u64 = 1;
        for _ in 0..n_dims {
            elements = elements.saturating_mul(count(read_i32(r)?, "tensor dimension", 1 << 24)?);
        }
        skip(r, name_len, file_len)?;
        let bytes = tensor_bytes(ftype, elements)
            .ok_or_else(|| WalkError::Format(format!("unknown tensor type {ftype}")))?;
        skip(r, bytes, file_len)?;
        n += 1;
    }
    Ok(n)
}

/// Bytes of tensor data for a ggml type id (f32, f16, and the common block-quantised types).
fn tensor_bytes(ftype: i32, elements: u64) -> Option<u64> {
    // (block size, bytes per block) per ggml type id.
    let (block, size) = match ftype {
        0 => (1, 4),   // f32
        1 => (1, 2),   // f16
        2 => (32, 18), // q4_0
        3 => (32, 20), // q4_1
        6 => (32, 22), // q5_0
        7 => (32, 24), // q5_1
        8 => (32, 34), // q8_0
        _ => return None,
    };
    Some(elements.div_ceil(block) * size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_explicit_path_wins_and_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("model.bin");
        std::fs::write(&file, b"x").unwrap();
        let missing = dir.path().join("absent.bin");
        let folder = dir.path().to_path_buf();
        let found = find_model(
            [(None, 'f'), (Some(&file), 'e')],
            [(Some(&folder), 'w')],
            &["model.bin"],
        );
        assert_eq!(found, Ok((file.clone(), 'e')));
        let found = find_model(
            [(Some(&missing), 'f'), (Some(&file), 'e')],
            [(Some(&folder), 'w')],
            &["model.bin"],
        );
        assert_eq!(found, Err(FindError::Missing { path: missing }));
    }

    #[test]
    fn folders_are_searched_in_order_for_the_most_preferred_name() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        std::fs::write(b.path().join("small.bin"), b"x").unwrap();
        std::fs::write(b.path().join("large.bin"), b"x").unwrap();
        let (a, b) = (a.path().to_path_buf(), b.path().to_path_buf());
        let found = find_model(
            [(None, 0)],
            [(None, 1), (Some(&a), 2), (Some(&b), 3)],
            &["large.bin", "small.bin"],
        );
        assert_eq!(found, Ok((b.join("large.bin"), 3)));
    }

    #[test]
    fn not_found_lists_each_folder_searched_once() {
        let a = PathBuf::from("/nonexistent/a");
        let b = PathBuf::from("/nonexistent/b");
        let found = find_model(
            [(None, ())],
            [(Some(&a), ()), (None, ()), (Some(&b), ()), (Some(&a), ())],
            &["model.bin"],
        );
        assert_eq!(
            found,
            Err(FindError::NotFound {
                searched: "/nonexistent/a, /nonexistent/b".into()
            })
        );
    }

    #[test]
    fn a_short_file_is_truncated_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("short.bin");
        std::fs::write(&path, [1u8, 2]).unwrap();
        let err = walk_file(&path, |r, _| read_i32(r).map_err(WalkError::from)).unwrap_err();
        assert_eq!(err, "the file is truncated");
        let err = walk_file(&dir.path().join("absent"), |r, _| {
            read_i32(r).map_err(WalkError::from)
        })
        .unwrap_err();
        assert!(err.starts_with("cannot open: "), "{err}");
    }
}
