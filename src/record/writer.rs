//! The take on disk while it is being recorded: a WAV file in the device's own format.
//!
//! Samples are written as they arrive and the WAV header is brought up to date every
//! [`FLUSH_S`] of audio (hound's `flush` rewrites the sizes), so a crash or a kill loses at most
//! that much; every normal stop finalises the file.

use std::fs::{File, OpenOptions};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use hound::{SampleFormat, WavSpec, WavWriter};

use crate::audio::capture::{InputFormat, SampleKind, Samples};

/// Audio between header updates, seconds.
pub const FLUSH_S: f64 = 0.2;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: already exists; choose another --out path")]
    Exists { path: String },
    #[error("cannot create {path}: {reason}")]
    Create { path: String, reason: String },
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
}

pub struct TakeWriter {
    wav: WavWriter<BufWriter<File>>,
    path: PathBuf,
    kind: SampleKind,
    channels: u16,
    samples: u64,
    unflushed: u64,
    flush_every: u64,
}

impl TakeWriter {
    /// Create the file. `overwrite` false refuses an existing file (a fresh take path);
    /// true replaces it (a path the user chose with `--out`).
    pub fn create(path: &Path, format: InputFormat, overwrite: bool) -> Result<Self, WriteError> {
        let shown = path.display().to_string();
        let mut options = OpenOptions::new();
        options.write(true);
        // A recording of the user's voice: readable by the user alone.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        if overwrite {
            options.create(true).truncate(true);
        } else {
            options.create_new(true);
        }
        let file = options.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => WriteError::Exists {
                path: shown.clone(),
            },
            _ => WriteError::Create {
                path: shown.clone(),
                reason: e.to_string(),
            },
        })?;
        let wav =
            WavWriter::new(BufWriter::new(file), spec(format)).map_err(|e| WriteError::Create {
                path: shown,
                reason: e.to_string(),
            })?;
        let per_second = u64::from(format.sample_rate) * u64::from(format.channels.max(1));
        Ok(TakeWriter {
            wav,
            path: path.to_path_buf(),
            kind: format.kind,
            channels: format.channels.max(1),
            samples: 0,
            unflushed: 0,
            flush_every: ((per_second as f64 * FLUSH_S) as u64).max(1),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whole frames written so far.
    pub fn frames(&self) -> u64 {
        self.samples / u64::from(self.channels)
    }

    /// Append a block (in the format the file was created with) and update the header when due.
    pub fn write(&mut self, block: &Samples) -> Result<(), WriteError> {
        let written = match (block, self.kind) {
            (Samples::F32(v), SampleKind::F32) => write_all(&mut self.wav, v),
            (Samples::I16(v), SampleKind::I16) => write_all(&mut self.wav, v),
            // A source never changes format mid-take; convert rather than fail if one did.
            (Samples::I16(_), SampleKind::F32) => write_all(&mut self.wav, &block.to_f32()),
            (Samples::F32(v), SampleKind::I16) => {
                let ints: Vec<i16> = v
                    .iter()
                    .map(|s| (s.clamp(-1.0, 1.0) * 32767.0) as i16)
                    .collect();
                write_all(&mut self.wav, &ints)
            }
        };
        written.map_err(|e| self.write_error(&e))?;
        self.samples += block.len() as u64;
        self.unflushed += block.len() as u64;
        if self.unflushed >= self.flush_every {
            self.flush()?;
        }
        Ok(())
    }

    /// Write buffered samples and the current sizes into the header.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        self.unflushed = 0;
        self.wav.flush().map_err(|e| self.write_error(&e))
    }

    /// Finish the file; returns its path.
    pub fn finalize(self) -> Result<PathBuf, WriteError> {
        let path = self.path;
        self.wav.finalize().map_err(|e| WriteError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(path)
    }

    fn write_error(&self, e: &hound::Error) -> WriteError {
        WriteError::Write {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        }
    }
}

fn write_all<S: hound::Sample + Copy>(
    wav: &mut WavWriter<BufWriter<File>>,
    samples: &[S],
) -> Result<(), hound::Error> {
    samples.iter().try_for_each(|&s| wav.write_sample(s))
}

fn spec(format: InputFormat) -> WavSpec {
    let (bits_per_sample, sample_format) = match format.kind {
        SampleKind::F32 => (32, SampleFormat::Float),
        SampleKind::I16 => (16, SampleFormat::Int),
    };
    WavSpec {
        channels: format.channels.max(1),
        sample_rate: format.sample_rate,
        bits_per_sample,
        sample_format,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(kind: SampleKind) -> InputFormat {
        InputFormat {
            sample_rate: 1000,
            channels: 2,
            kind,
        }
    }

    #[test]
    fn header_is_current_after_a_flush_without_finalising() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.wav");
        let mut w = TakeWriter::create(&path, format(SampleKind::I16), false).unwrap();
        // 0.3 s of stereo at 1 kHz: past one flush interval.
        w.write(&Samples::I16(vec![100; 600])).unwrap();
        // Read while the writer is still open, as after a crash.
        let r = hound::WavReader::open(&path).unwrap();
        assert_eq!(r.len(), 600);
        assert_eq!(r.spec().bits_per_sample, 16);
        drop(r);
        assert_eq!(w.frames(), 300);
        w.finalize().unwrap();
    }

    #[test]
    fn float_takes_stay_float() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.wav");
        let mut w = TakeWriter::create(&path, format(SampleKind::F32), false).unwrap();
        w.write(&Samples::F32(vec![0.25, -0.25])).unwrap();
        w.finalize().unwrap();
        let mut r = hound::WavReader::open(&path).unwrap();
        assert_eq!(r.spec().sample_format, SampleFormat::Float);
        let got: Vec<f32> = r.samples::<f32>().map(Result::unwrap).collect();
        assert_eq!(got, vec![0.25, -0.25]);
    }

    #[test]
    fn a_fresh_take_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.wav");
        std::fs::write(&path, b"keep me").unwrap();
        let err = TakeWriter::create(&path, format(SampleKind::F32), false).err();
        assert!(matches!(err, Some(WriteError::Exists { .. })));
        assert_eq!(std::fs::read(&path).unwrap(), b"keep me");
        assert!(TakeWriter::create(&path, format(SampleKind::F32), true).is_ok());
    }
}
