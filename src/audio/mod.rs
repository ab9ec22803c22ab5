//! Audio in: any WAV becomes 16 kHz mono f32, the only format the engine takes.
//!
//! Decoding ([`wav`]) keeps what a damaged file still holds (a recording cut short by a crash
//! still has its first minutes) and says so in [`Audio::warnings`]; resampling ([`resample`])
//! is done by rubato.

pub mod capture;
pub mod resample;
pub mod wav;

use std::path::Path;

/// The sample rate Whisper expects.
pub const TARGET_RATE: u32 = 16_000;

/// Decoded audio ready for transcription and signal analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Audio {
    /// Mono samples at [`TARGET_RATE`], nominally in -1.0..=1.0.
    pub samples: Vec<f32>,
    /// What the file was before conversion.
    pub source: SourceFormat,
    /// Things the user should know about the input (e.g. a truncated file).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFormat {
    pub sample_rate: u32,
    pub channels: u16,
    /// e.g. "16-bit integer", "32-bit float".
    pub encoding: String,
}

impl Audio {
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / f64::from(TARGET_RATE)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("{path}: no such file")]
    NotFound { path: String },
    #[error("{path}: is a directory, not an audio file")]
    IsDirectory { path: String },
    #[error("{path}: cannot read it ({source})")]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a WAV file this tool can read ({reason}); convert it with e.g. `sox IN -r 16000 -c 1 OUT.wav`")]
    NotAudio { path: String, reason: String },
    #[error("{path}: unsupported WAV encoding ({reason}); use 8/16/24/32-bit integer or 32-bit float PCM")]
    Unsupported { path: String, reason: String },
    #[error("{path}: resampling failed ({reason})")]
    Resample { path: String, reason: String },
}

/// Load an audio file and convert it to 16 kHz mono.
pub fn load(path: &Path) -> Result<Audio, AudioError> {
    let decoded = wav::decode(path)?;
    let mono = downmix(&decoded.interleaved, decoded.format.channels);
    let samples =
        resample::to_rate(&mono, decoded.format.sample_rate, TARGET_RATE).map_err(|reason| {
            AudioError::Resample {
                path: path.display().to_string(),
                reason,
            }
        })?;
    Ok(Audio {
        samples,
        source: decoded.format,
        warnings: decoded.warnings,
    })
}

/// Average interleaved channels into one.
pub fn downmix(interleaved: &[f32], channels: u16) -> Vec<f32> {
    let n = usize::from(channels.max(1));
    if n == 1 {
        return interleaved.to_vec();
    }
    interleaved
        .chunks_exact(n)
        .map(|frame| frame.iter().sum::<f32>() / n as f32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_is_averaged() {
        assert_eq!(downmix(&[1.0, 0.0, -1.0, -1.0], 2), vec![0.5, -1.0]);
    }

    #[test]
    fn a_partial_last_frame_is_dropped() {
        assert_eq!(downmix(&[0.2, 0.4, 0.9], 2), vec![0.3]);
    }
}
