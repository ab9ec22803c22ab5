//! WAV headers that lie: repaired before the decoder sees them.
//!
//! A recorder that crashes or is killed leaves a WAV whose header was never finalised: the
//! RIFF and data lengths are still 0 (or a placeholder), though the audio is all there. A file
//! cut short (a copy interrupted, a disk full) has a header announcing more audio than follows.
//! [`inspect`] walks the RIFF chunks; when the data length cannot be right it returns a
//! [`Repair`] whose [`PatchedFile`] shows the decoder the same bytes with corrected lengths,
//! and a warning telling the user what was done.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use symphonia::core::io::MediaSource;

/// Lengths rewritten in the header, and what to tell the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Repair {
    /// `(byte offset, new little-endian u32)` pairs.
    pub patches: Vec<(u64, u32)>,
    pub warning: Option<String>,
}

/// Look at a file's RIFF/WAVE header; `None` when it is not a WAV or needs nothing.
pub fn inspect(file: &mut File, file_len: u64) -> io::Result<Option<Repair>> {
    let mut head = [0u8; 12];
    file.seek(SeekFrom::Start(0))?;
    if file_len < 12 || read_full(file, &mut head)? < 12 {
        return Ok(None);
    }
    if &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return Ok(None);
    }
    let riff_len = u32::from_le_bytes(head[4..8].try_into().expect("4 bytes"));
    let mut pos = 12u64;
    let mut format: Option<(u32, u16)> = None; // (rate, block align)
    while pos + 8 <= file_len {
        let mut chunk = [0u8; 8];
        file.seek(SeekFrom::Start(pos))?;
        if read_full(file, &mut chunk)? < 8 {
            break;
        }
        let id = &chunk[0..4];
        let len = u32::from_le_bytes(chunk[4..8].try_into().expect("4 bytes"));
        let body = pos + 8;
        if id == b"fmt " {
            let mut fmt = [0u8; 16];
            if read_full(file, &mut fmt)? == 16 {
                let rate = u32::from_le_bytes(fmt[4..8].try_into().expect("4 bytes"));
                let align = u16::from_le_bytes([fmt[12], fmt[13]]);
                format = Some((rate, align));
            }
        } else if id == b"data" {
            let available = file_len - body;
            let (rate, align) = format.unwrap_or((0, 1));
            let align = u64::from(align.max(1));
            let usable = (available / align * align).min(u64::from(u32::MAX - 1));
            let seconds = |bytes: u64| {
                if rate == 0 {
                    0.0
                } else {
                    bytes as f64 / align as f64 / f64::from(rate)
                }
            };
            let (new_len, warning) = if len == u32::MAX {
                // Written by a streaming encoder (ffmpeg to a pipe): the length was never known.
                (usable, None)
            } else if len == 0 && usable > 0 {
                (
                    usable,
                    Some(format!(
                        "the WAV header was never finalised (the recording was probably \
                         interrupted); read the {:.1} s of audio in the file",
                        seconds(usable)
                    )),
                )
            } else if u64::from(len) > available {
                (
                    usable,
                    Some(format!(
                        "the file is truncated: its header announces {:.1} s of audio but only \
                         {:.1} s is there; analysed what could be read",
                        seconds(u64::from(len)),
                        seconds(usable)
                    )),
                )
            } else {
                (u64::from(len), None)
            };
            let mut patches = Vec::new();
            if new_len != u64::from(len) {
                patches.push((pos + 4, new_len as u32));
            }
            // The RIFF length must cover everything up to the end of the data.
            let riff_needed = (body + new_len - 8).min(u64::from(u32::MAX - 1));
            if riff_len != u32::MAX && u64::from(riff_len) < riff_needed {
                patches.push((4, riff_needed as u32));
            }
            if patches.is_empty() {
                return Ok(None);
            }
            return Ok(Some(Repair { patches, warning }));
        }
        // Chunks are padded to an even length.
        pos = body + u64::from(len) + u64::from(len % 2);
    }
    Ok(None)
}

fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A file read through a few rewritten header bytes.
pub struct PatchedFile {
    file: File,
    len: u64,
    pos: u64,
    patches: Vec<(u64, [u8; 4])>,
}

impl PatchedFile {
    pub fn new(mut file: File, len: u64, repair: &Repair) -> io::Result<Self> {
        file.seek(SeekFrom::Start(0))?;
        Ok(PatchedFile {
            file,
            len,
            pos: 0,
            patches: repair
                .patches
                .iter()
                .map(|&(at, v)| (at, v.to_le_bytes()))
                .collect(),
        })
    }
}

impl Read for PatchedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        let (start, end) = (self.pos, self.pos + n as u64);
        for (at, bytes) in &self.patches {
            for (i, b) in bytes.iter().enumerate() {
                let p = at + i as u64;
                if p >= start && p < end {
                    buf[(p - start) as usize] = *b;
                }
            }
        }
        self.pos = end;
        Ok(n)
    }
}

impl Seek for PatchedFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.pos = self.file.seek(to)?;
        Ok(self.pos)
    }
}

impl MediaSource for PatchedFile {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        Some(self.len)
    }
}
