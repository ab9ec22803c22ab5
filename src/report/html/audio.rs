//! The take inside the page: decoded, written as 16 kHz mono 16-bit WAV (about 32 kB a
//! second, whatever the source was) and base64-encoded into a data URI.

use std::io::{Cursor, Write};
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
    match wav_of(path) {
        Ok(bytes) => Embedded::Wav(data_uri(&bytes)),
        Err(why) => Embedded::Missing(why),
    }
}

/// The take at `path` as the WAV file the page's player gets (16 kHz mono 16-bit), or why
/// there is none. The decoded samples are dropped before this returns: a 60-minute take is
/// 230 MB of them and 115 MB of WAV.
pub fn wav_of(path: &Path) -> Result<Vec<u8>, String> {
    let samples = audio::load(path)
        .map_err(|e| format!("the audio could not be read ({e})."))?
        .samples;
    wav_bytes(&samples).map_err(|e| format!("the audio could not be encoded ({e})."))
}

/// Write `wav` as the base64 of a data URI to `out`, a block at a time (the base64 of a
/// 60-minute take is 154 MB: it is never held whole).
pub fn write_base64(out: &mut dyn std::io::Write, wav: &[u8]) -> std::io::Result<()> {
    let mut encoder =
        base64::write::EncoderWriter::new(out, &base64::engine::general_purpose::STANDARD);
    encoder.write_all(wav)?;
    encoder.finish()?;
    Ok(())
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
    // Reserved whole: growing by doubling would hold up to twice the file.
    let mut buf = Cursor::new(Vec::with_capacity(44 + 2 * samples.len()));
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
