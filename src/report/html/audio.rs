//! The take inside the page: decoded, written as 16 kHz mono 16-bit WAV (about 32 kB a
//! second, whatever the source was) and base64-encoded into a data URI.

use std::io::Cursor;
use std::path::Path;

use base64::Engine;

use crate::audio::{self, TARGET_RATE};

/// The audio for the page's player, or why there is none (shown on the page).
#[derive(Debug, Clone, PartialEq)]
pub enum Embedded {
    /// A `data:audio/wav;base64,...` URI.
    Wav(String),
    Missing(String),
}

impl Embedded {
    pub fn is_playable(&self) -> bool {
        matches!(self, Embedded::Wav(_))
    }
}

/// Read the take at `path` for embedding; any failure becomes [`Embedded::Missing`].
pub fn embed(path: &Path) -> Embedded {
    match audio::load(path) {
        Ok(a) => match wav_bytes(&a.samples) {
            Ok(bytes) => Embedded::Wav(data_uri(&bytes)),
            Err(e) => Embedded::Missing(format!("the audio could not be encoded ({e}).")),
        },
        Err(e) => Embedded::Missing(format!("the audio could not be read ({e}).")),
    }
}

fn data_uri(wav: &[u8]) -> String {
    format!(
        "data:audio/wav;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(wav)
    )
}

/// Mono f32 samples at [`TARGET_RATE`] as a 16-bit WAV file in memory.
fn wav_bytes(samples: &[f32]) -> Result<Vec<u8>, hound::Error> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: TARGET_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut buf = Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut buf, spec)?;
    for &s in samples {
        w.write_sample((s.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16)?;
    }
    w.finalize()?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_become_a_playable_wav_data_uri() {
        let bytes = wav_bytes(&[0.0, 0.5, -1.0]).unwrap();
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(bytes.len(), 44 + 3 * 2);
        assert!(data_uri(&bytes).starts_with("data:audio/wav;base64,UklGR"));
    }

    #[test]
    fn unreadable_audio_is_missing_with_a_reason() {
        let e = embed(Path::new("/nonexistent/take.wav"));
        let Embedded::Missing(why) = e else {
            panic!("expected Missing");
        };
        assert!(why.contains("no such file"), "{why}");
    }
}
