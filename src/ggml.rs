//! Walking ggml model files (the format whisper.cpp loads) without trusting them: every
//! length and count is checked against the file before it is used, so a truncated or damaged
//! download is a readable error instead of a crash inside whisper.cpp. Shared by the Whisper
//! model check ([`crate::transcribe::model`]) and the speech detector's
//! ([`crate::speech::silero`]).

use std::io::{self, Read, Seek, SeekFrom};

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
