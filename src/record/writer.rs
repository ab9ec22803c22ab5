//! The take on disk while it is being recorded: 16 kHz mono 16-bit PCM WAV, the form the
//! analysis reads, whatever the device delivers.
//!
//! Each block from the device is mixed down to mono, resampled to [`TARGET_RATE`] as it
//! streams ([`StreamResampler`]), rounded to 16 bits and written. A 90 s take is 2.9 MB, where
//! the device's own format (48 kHz stereo 32-bit float) would be 34.5 MB. The samples as they
//! will read back from the file are also kept in memory ([`TakeWriter::take_heard`]), so the take
//! can be transcribed while it is recorded and give exactly what `analyze` gives on the file.
//!
//! The WAV header is brought up to date every [`FLUSH_S`] of audio (hound's `flush` rewrites
//! the sizes), so a crash or a kill loses at most that much; every normal stop finalises it.

use std::fs::{File, OpenOptions};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use hound::{SampleFormat, WavSpec, WavWriter};

use crate::audio::capture::{InputFormat, Samples};
use crate::audio::resample::StreamResampler;
use crate::audio::{downmix_into, TARGET_RATE};

/// Audio between header updates, seconds.
pub const FLUSH_S: f64 = 0.2;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path} and the next {FRESH_NAMES} names for a take already exist; move some recordings out of that folder")]
    Exists { path: String },
    #[error("cannot create {path}: {reason}")]
    Create { path: String, reason: String },
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
}

pub struct TakeWriter {
    wav: WavWriter<BufWriter<File>>,
    path: PathBuf,
    channels: u16,
    resampler: Option<StreamResampler>,
    /// Device frames taken so far.
    frames: u64,
    /// Samples written since [`TakeWriter::take_heard`] was last called, as the decoder will
    /// read them back.
    heard: Vec<f32>,
    mono: Vec<f32>,
    resampled: Vec<f32>,
    unflushed: u64,
    flush_every: u64,
}

/// Attempts at a free name for a fresh take before giving up.
const FRESH_NAMES: u32 = 1000;

/// A new file at `path`, or at the first free `STEM-N.EXT` beside it (N = 2, 3, ...).
fn create_fresh(path: &Path) -> Result<(File, PathBuf), WriteError> {
    let stem = path
        .file_stem()
        .map_or_else(|| "take".into(), |s| s.to_string_lossy().into_owned());
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut candidate = path.to_path_buf();
    for n in 2..FRESH_NAMES + 2 {
        match open_take(&candidate, false) {
            Err(WriteError::Exists { .. }) => {
                candidate = path.with_file_name(format!("{stem}-{n}{ext}"));
            }
            other => return other.map(|f| (f, candidate)),
        }
    }
    Err(WriteError::Exists {
        path: path.display().to_string(),
    })
}

/// Open a take file readable by the user alone: replacing what is there, or only if new.
fn open_take(path: &Path, overwrite: bool) -> Result<File, WriteError> {
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
    options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => WriteError::Exists {
            path: path.display().to_string(),
        },
        _ => WriteError::Create {
            path: path.display().to_string(),
            reason: e.to_string(),
        },
    })
}

impl TakeWriter {
    /// Create the file. `overwrite` false makes a fresh take: an existing file is never
    /// replaced, and when `path` is taken (another `record` started in the same second chose
    /// the same name) the first free `NAME-2.wav`, `NAME-3.wav`, ... beside it is used, claimed
    /// with `O_EXCL` so two processes never share one. True replaces the file (a path the user
    /// chose with `--out`). [`TakeWriter::path`] says where the take went.
    pub fn create(path: &Path, format: InputFormat, overwrite: bool) -> Result<Self, WriteError> {
        let resampler =
            StreamResampler::new(format.sample_rate, TARGET_RATE).map_err(|reason| {
                WriteError::Create {
                    path: path.display().to_string(),
                    reason,
                }
            })?;
        let (file, path) = if overwrite {
            (open_take(path, true)?, path.to_path_buf())
        } else {
            create_fresh(path)?
        };
        let shown = path.display().to_string();
        let wav = WavWriter::new(BufWriter::new(file), SPEC).map_err(|e| WriteError::Create {
            path: shown,
            reason: e.to_string(),
        })?;
        Ok(TakeWriter {
            wav,
            path,
            channels: format.channels.max(1),
            resampler: Some(resampler),
            frames: 0,
            heard: Vec::new(),
            mono: Vec::new(),
            resampled: Vec::new(),
            unflushed: 0,
            flush_every: ((f64::from(TARGET_RATE) * FLUSH_S) as u64).max(1),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whole device frames taken so far (the take's length is counted in these).
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The samples written since the last call (mono, [`TARGET_RATE`]), exactly as a decoder
    /// reads them back from the file. Not kept otherwise: a long take costs no memory here.
    pub fn take_heard(&mut self) -> Vec<f32> {
        std::mem::take(&mut self.heard)
    }

    /// Append a block from the device and update the header when due.
    pub fn write(&mut self, block: &Samples) -> Result<(), WriteError> {
        let channels = usize::from(self.channels);
        let whole = block.len() / channels * channels;
        let floats = block.to_f32();
        downmix_into(
            &floats[..whole.min(floats.len())],
            self.channels,
            &mut self.mono,
        );
        self.frames += self.mono.len() as u64;
        self.resampled.clear();
        if let Some(r) = self.resampler.as_mut() {
            r.push(&self.mono, &mut self.resampled)
                .map_err(|reason| self.error(reason))?;
        }
        self.emit()
    }

    /// Write what the resampler gave, and update the header when due.
    fn emit(&mut self) -> Result<(), WriteError> {
        for &v in &self.resampled {
            let q = quantise(v);
            if let Err(e) = self.wav.write_sample(q) {
                return Err(self.error(e.to_string()));
            }
            self.heard.push(as_read(q));
        }
        self.unflushed += self.resampled.len() as u64;
        if self.unflushed >= self.flush_every {
            self.flush()?;
        }
        Ok(())
    }

    /// Write buffered samples and the current sizes into the header.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        self.unflushed = 0;
        self.wav.flush().map_err(|e| WriteError::Write {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// Flush the resampler and finish the file; returns its path and the samples written since
    /// the last [`TakeWriter::take_heard`].
    pub fn finalize(mut self) -> Result<(PathBuf, Vec<f32>), WriteError> {
        self.resampled.clear();
        if let Some(r) = self.resampler.take() {
            r.finish(&mut self.resampled)
                .map_err(|reason| self.error(reason))?;
        }
        self.emit()?;
        let path = self.path;
        self.wav.finalize().map_err(|e| WriteError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok((path, self.heard))
    }

    fn error(&self, reason: String) -> WriteError {
        WriteError::Write {
            path: self.path.display().to_string(),
            reason,
        }
    }
}

const SPEC: WavSpec = WavSpec {
    channels: 1,
    sample_rate: TARGET_RATE,
    bits_per_sample: 16,
    sample_format: SampleFormat::Int,
};

/// A sample rounded to 16 bits.
fn quantise(v: f32) -> i16 {
    (v.clamp(-1.0, 1.0) * 32767.0).round() as i16
}

/// A 16-bit sample as the decoder reads it back ([`crate::audio::load`]).
fn as_read(q: i16) -> f32 {
    f32::from(q) / 32768.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::capture::SampleKind;

    fn format(kind: SampleKind, sample_rate: u32) -> InputFormat {
        InputFormat {
            sample_rate,
            channels: 2,
            kind,
        }
    }

    #[test]
    fn header_is_current_after_a_flush_without_finalising() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.wav");
        let mut w = TakeWriter::create(&path, format(SampleKind::I16, 16_000), false).unwrap();
        // 0.3 s of stereo at 16 kHz: past one flush interval.
        w.write(&Samples::I16(vec![100; 9600])).unwrap();
        // Read while the writer is still open, as after a crash.
        let r = hound::WavReader::open(&path).unwrap();
        assert_eq!(r.len(), 4800);
        assert_eq!(r.spec(), SPEC);
        drop(r);
        assert_eq!(w.frames(), 4800);
        w.finalize().unwrap();
    }

    #[test]
    fn a_48k_float_stereo_take_is_stored_as_16k_mono_16_bit_and_reads_back_as_heard() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.wav");
        let mut w = TakeWriter::create(&path, format(SampleKind::F32, 48_000), false).unwrap();
        // One second of a 300 Hz tone on the left, silence on the right, in uneven blocks.
        let tone: Vec<f32> = (0..48_000)
            .flat_map(|n| {
                let v = 0.5 * (n as f32 * 2.0 * std::f32::consts::PI * 300.0 / 48_000.0).sin();
                [v, 0.0]
            })
            .collect();
        let mut heard = Vec::new();
        for block in tone.chunks(2 * 777) {
            w.write(&Samples::F32(block.to_vec())).unwrap();
            heard.extend(w.take_heard());
        }
        assert_eq!(w.frames(), 48_000);
        let (path, tail) = w.finalize().unwrap();
        heard.extend(tail);
        assert_eq!(heard.len(), 16_000);
        let spec = hound::WavReader::open(&path).unwrap().spec();
        assert_eq!(spec, SPEC);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 44 + 32_000);
        // What the analysis reads is exactly what was heard while recording.
        let read = crate::audio::load(&path).unwrap();
        assert_eq!(read.samples, heard);
        // Mixed down (the tone at half level) and resampled without losing it.
        let peak = heard[1000..15_000].iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!((peak - 0.25).abs() < 0.01, "{peak}");
    }

    #[test]
    fn a_fresh_take_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.wav");
        std::fs::write(&path, b"keep me").unwrap();
        let f = format(SampleKind::F32, 48_000);
        let fresh = TakeWriter::create(&path, f, false).unwrap();
        assert_eq!(fresh.path(), dir.path().join("t-2.wav"));
        let third = TakeWriter::create(&path, f, false).unwrap();
        assert_eq!(third.path(), dir.path().join("t-3.wav"));
        assert_eq!(std::fs::read(&path).unwrap(), b"keep me");
        assert!(TakeWriter::create(&path, f, true).is_ok());
    }
}
