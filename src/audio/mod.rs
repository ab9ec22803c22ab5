//! Audio in: any recording becomes 16 kHz mono f32, the only format the engine takes.
//!
//! [`load`] streams: each decoded packet ([`decode`]) is mixed down to mono and fed through the
//! resampler ([`resample`]) straight away, so only the 16 kHz mono result is ever held
//! (about 230 MB for an hour), never the source-rate copy. A damaged file keeps what it still
//! holds (a recording cut short by a crash still has its first minutes) and says so in
//! [`Audio::warnings`]; a WAV header that was never finalised is repaired ([`wav`]).

pub mod capture;
pub mod decode;
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
    /// e.g. "16-bit integer", "32-bit float", "AAC", "MP3".
    pub encoding: String,
    /// e.g. "WAV", "MP4/M4A", "Ogg", recognised from the content.
    pub container: String,
}

impl Audio {
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / f64::from(TARGET_RATE)
    }
}

/// What can go wrong reading a recording. Each renders as one line that names the file.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("{path}: no such file")]
    NotFound { path: String },
    #[error("{path}: is a directory, not an audio file")]
    IsDirectory { path: String },
    #[error("{path}: is {kind}, not an audio file; save the recording to a file first")]
    NotRegular { path: String, kind: &'static str },
    #[error("{path}: cannot read it ({cause})")]
    Unreadable {
        path: String,
        // Not `source`: the message already includes it, and `{:#}` would repeat it.
        cause: std::io::Error,
    },
    #[error("{path}: not an audio file this tool can read ({reason}); it reads WAV, FLAC, MP3, M4A/AAC, Ogg Vorbis/Opus and WebM")]
    NotAudio { path: String, reason: String },
    #[error("{path}: unsupported audio ({reason}); convert it with e.g. `ffmpeg -i IN -ac 1 -ar 16000 OUT.wav`")]
    Unsupported { path: String, reason: String },
    #[error("{path}: no audio to analyse ({reason})")]
    Empty { path: String, reason: String },
    #[error("{path}: resampling failed ({reason})")]
    Resample { path: String, reason: String },
    #[error("{path}: the decoder failed on damaged data ({reason}); the file may be corrupt")]
    DecoderFailed { path: String, reason: String },
}

/// Load an audio file and convert it to 16 kHz mono, streaming.
///
/// Decoders meet hostile input here, so a panic inside one (a bug in a codec crate on data it
/// did not expect) is caught and becomes [`AudioError::DecoderFailed`] for this file, instead
/// of ending the program or a whole batch.
pub fn load(path: &Path) -> Result<Audio, AudioError> {
    guarded(path, || load_streaming(path))
}

thread_local! {
    static IN_DECODER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f`, turning a panic into an error. The panic message is not printed for panics
/// caught here; every other panic still goes to the previous hook.
fn guarded(
    path: &Path,
    f: impl FnOnce() -> Result<Audio, AudioError>,
) -> Result<Audio, AudioError> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_DECODER.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    IN_DECODER.with(|d| d.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_DECODER.with(|d| d.set(false));
    result.unwrap_or_else(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "internal error".into());
        Err(AudioError::DecoderFailed {
            path: path.display().to_string(),
            reason,
        })
    })
}

fn load_streaming(path: &Path) -> Result<Audio, AudioError> {
    let source = decode::open(path)?;
    let info = source.info.clone();
    let shown = path.display().to_string();
    // Reserve the whole output once when the length is known, to avoid regrowing a large Vec;
    // never more than the file is allowed to decode to (a header can announce anything).
    let allowed = source.max_seconds * u64::from(TARGET_RATE);
    let estimate = match (info.exact_frames, info.sample_rate) {
        (Some(n), Some(r)) if r > 0 => n.saturating_mul(u64::from(TARGET_RATE)) / u64::from(r),
        _ => 0,
    };
    let mut samples: Vec<f32> = Vec::with_capacity(estimate.min(allowed) as usize + 1);
    let mut mono: Vec<f32> = Vec::new();
    let mut resampler: Option<resample::StreamResampler> = None;
    let outcome = source.run(|block, rate, channels| {
        let r = match resampler.as_mut() {
            Some(r) => r,
            None => resampler.insert(resample::StreamResampler::new(rate, TARGET_RATE)?),
        };
        downmix_into(block, channels, &mut mono);
        r.push(&mono, &mut samples)
    })?;
    if let Some(r) = resampler {
        r.finish(&mut samples)
            .map_err(|reason| AudioError::Resample {
                path: shown.clone(),
                reason,
            })?;
    }
    samples.shrink_to_fit();
    Ok(Audio {
        samples,
        source: SourceFormat {
            sample_rate: outcome.sample_rate.or(info.sample_rate).unwrap_or(0),
            channels: outcome.channels.or(info.channels).unwrap_or(0),
            encoding: info.encoding,
            container: info.container,
        },
        warnings: outcome.warnings,
    })
}

/// Average interleaved channels into one.
pub fn downmix(interleaved: &[f32], channels: u16) -> Vec<f32> {
    let mut out = Vec::new();
    downmix_into(interleaved, channels, &mut out);
    out
}

/// Average interleaved channels into `out` (cleared first). A partial last frame is dropped.
pub fn downmix_into(interleaved: &[f32], channels: u16, out: &mut Vec<f32>) {
    out.clear();
    let n = usize::from(channels.max(1));
    if n == 1 {
        out.extend_from_slice(interleaved);
        return;
    }
    out.extend(
        interleaved
            .chunks_exact(n)
            .map(|frame| frame.iter().sum::<f32>() / n as f32),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use hound::{SampleFormat, WavSpec, WavWriter};

    #[test]
    fn stereo_is_averaged() {
        assert_eq!(downmix(&[1.0, 0.0, -1.0, -1.0], 2), vec![0.5, -1.0]);
    }

    #[test]
    fn a_partial_last_frame_is_dropped() {
        assert_eq!(downmix(&[0.2, 0.4, 0.9], 2), vec![0.3]);
    }

    fn write(path: &Path, spec: WavSpec, frames: usize, value: impl Fn(usize) -> f64) {
        let mut w = WavWriter::create(path, spec).unwrap();
        for i in 0..frames * usize::from(spec.channels) {
            let v = value(i);
            match (spec.sample_format, spec.bits_per_sample) {
                (SampleFormat::Float, _) => w.write_sample(v as f32).unwrap(),
                (SampleFormat::Int, 8) => w.write_sample((v * 127.0) as i8).unwrap(),
                (SampleFormat::Int, 16) => w.write_sample((v * 32767.0) as i16).unwrap(),
                (SampleFormat::Int, b) => w
                    .write_sample((v * ((1i64 << (b - 1)) - 1) as f64) as i32)
                    .unwrap(),
            }
        }
        w.finalize().unwrap();
    }

    fn spec(channels: u16, rate: u32, bits: u16, fmt: SampleFormat) -> WavSpec {
        WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: bits,
            sample_format: fmt,
        }
    }

    #[test]
    fn every_supported_wav_encoding_decodes_to_the_same_level() {
        let dir = tempfile::tempdir().unwrap();
        for (bits, fmt) in [
            (8, SampleFormat::Int),
            (16, SampleFormat::Int),
            (24, SampleFormat::Int),
            (32, SampleFormat::Int),
            (32, SampleFormat::Float),
        ] {
            let path = dir.path().join(format!("{bits}{fmt:?}.wav"));
            write(&path, spec(2, 16000, bits, fmt), 1600, |_| 0.5);
            let a = load(&path).unwrap();
            assert_eq!(a.samples.len(), 1600, "{bits}-bit {fmt:?}");
            assert!(
                a.samples.iter().all(|v| (v - 0.5).abs() < 0.01),
                "{bits}-bit {fmt:?}: {:?}",
                &a.samples[..4]
            );
            assert!(a.warnings.is_empty(), "{:?}", a.warnings);
            assert_eq!(a.source.channels, 2);
            assert_eq!(a.source.container, "WAV");
            let want = match fmt {
                SampleFormat::Int => format!("{bits}-bit integer"),
                SampleFormat::Float => format!("{bits}-bit float"),
            };
            assert_eq!(a.source.encoding, want);
        }
    }

    #[test]
    fn many_channels_are_mixed_down() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("six.wav");
        write(&path, spec(6, 8000, 16, SampleFormat::Int), 800, |i| {
            if i % 6 == 0 {
                0.6
            } else {
                0.0
            }
        });
        let a = load(&path).unwrap();
        assert_eq!(a.source.channels, 6);
        assert_eq!(a.samples.len(), 1600);
        let mid = a.samples[800];
        assert!((mid - 0.1).abs() < 0.01, "{mid}");
    }

    #[test]
    fn float_samples_past_full_scale_are_clipped_not_overflowed() {
        // Three channels of 1e38 sum past f32::MAX; the resampler would then spread the
        // infinity. The decoder clips each sample to full scale first.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loud.wav");
        write(&path, spec(3, 8000, 32, SampleFormat::Float), 800, |i| {
            if i % 2 == 0 {
                1.0e38
            } else {
                -0.5
            }
        });
        let a = load(&path).unwrap();
        assert_eq!(a.samples.len(), 1600);
        assert!(a.samples.iter().all(|v| v.is_finite() && v.abs() <= 1.01));
    }

    fn one_second_wav(dir: &Path) -> (std::path::PathBuf, Vec<u8>) {
        let path = dir.join("take.wav");
        write(&path, spec(1, 16000, 16, SampleFormat::Int), 16000, |_| {
            0.25
        });
        let bytes = std::fs::read(&path).unwrap();
        (path, bytes)
    }

    #[test]
    fn truncated_data_keeps_what_was_read_and_warns() {
        let dir = tempfile::tempdir().unwrap();
        let (path, bytes) = one_second_wav(dir.path());
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let a = load(&path).unwrap();
        assert!(a.samples.len() > 7000 && a.samples.len() < 8000);
        assert!(a.warnings[0].contains("truncated"), "{:?}", a.warnings);
    }

    #[test]
    fn an_unfinalised_header_still_decodes_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut bytes) = one_second_wav(dir.path());
        for placeholder in [0u32, u32::MAX] {
            // RIFF length and data length never written.
            bytes[4..8].copy_from_slice(&placeholder.to_le_bytes());
            bytes[40..44].copy_from_slice(&placeholder.to_le_bytes());
            std::fs::write(&path, &bytes).unwrap();
            let a = load(&path).unwrap();
            assert_eq!(a.samples.len(), 16000, "placeholder {placeholder:#x}");
            if placeholder == 0 {
                assert!(
                    a.warnings[0].contains("never finalised"),
                    "{:?}",
                    a.warnings
                );
            }
        }
    }

    #[test]
    fn a_header_only_wav_is_an_empty_recording() {
        let dir = tempfile::tempdir().unwrap();
        let (path, bytes) = one_second_wav(dir.path());
        std::fs::write(&path, &bytes[..44]).unwrap();
        let a = load(&path).unwrap();
        assert!(a.samples.is_empty());
        assert_eq!(a.source.sample_rate, 16000);
    }

    #[test]
    fn content_decides_not_the_extension() {
        let dir = tempfile::tempdir().unwrap();
        let (path, bytes) = one_second_wav(dir.path());
        let renamed = dir.path().join("really-a-wav.mp3");
        std::fs::write(&renamed, bytes).unwrap();
        let a = load(&renamed).unwrap();
        assert_eq!(a.source.container, "WAV");
        assert_eq!(a.samples.len(), 16000);
        drop(path);
    }

    #[test]
    fn random_bytes_are_not_audio() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("noise.wav");
        std::fs::write(&path, b"this is not a riff file at all").unwrap();
        assert!(matches!(load(&path), Err(AudioError::NotAudio { .. })));
    }

    #[test]
    fn an_empty_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.m4a");
        std::fs::write(&path, b"").unwrap();
        let err = load(&path).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }

    #[test]
    fn a_missing_file_says_so() {
        let err = load(Path::new("/nonexistent/take.wav")).unwrap_err();
        assert!(matches!(err, AudioError::NotFound { .. }));
    }

    #[test]
    fn a_panicking_decoder_becomes_an_error() {
        let err = guarded(Path::new("bad.m4a"), || panic!("index out of range")).unwrap_err();
        assert!(matches!(err, AudioError::DecoderFailed { .. }));
        assert!(err.to_string().contains("bad.m4a"), "{err}");
        assert!(err.to_string().contains("index out of range"), "{err}");
        // The guard is off again afterwards.
        assert!(!IN_DECODER.with(std::cell::Cell::get));
    }

    #[test]
    fn a_directory_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(dir.path()).unwrap_err();
        assert!(matches!(err, AudioError::IsDirectory { .. }));
    }
}
