//! WAV decoding with hound: every PCM integer width hound reads, and 32-bit float.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use hound::{SampleFormat, WavReader};

use super::{AudioError, SourceFormat};

pub struct Decoded {
    pub interleaved: Vec<f32>,
    pub format: SourceFormat,
    pub warnings: Vec<String>,
}

pub fn decode(path: &Path) -> Result<Decoded, AudioError> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return Err(AudioError::IsDirectory { path: shown });
    }
    let file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => AudioError::NotFound {
            path: shown.clone(),
        },
        _ => AudioError::Unreadable {
            path: shown.clone(),
            source: e,
        },
    })?;
    let reader = WavReader::new(BufReader::new(file)).map_err(|e| AudioError::NotAudio {
        path: shown.clone(),
        reason: describe(&e),
    })?;
    let spec = reader.spec();
    if spec.channels == 0 || spec.sample_rate == 0 {
        return Err(AudioError::NotAudio {
            path: shown,
            reason: "the header declares zero channels or a zero sample rate".into(),
        });
    }
    let encoding = match spec.sample_format {
        SampleFormat::Int => format!("{}-bit integer", spec.bits_per_sample),
        SampleFormat::Float => format!("{}-bit float", spec.bits_per_sample),
    };
    let declared = reader.len() as usize;
    let (interleaved, error) = read_samples(reader, &shown)?;
    let mut warnings = Vec::new();
    if let Some(err) = error {
        let frames = interleaved.len() / usize::from(spec.channels);
        warnings.push(format!(
            "the file is damaged or truncated ({err}); analysed the {:.1} s that could be read \
             (the header announced {:.1} s)",
            frames as f64 / f64::from(spec.sample_rate),
            declared as f64 / f64::from(spec.channels) / f64::from(spec.sample_rate),
        ));
    }
    Ok(Decoded {
        interleaved,
        format: SourceFormat {
            sample_rate: spec.sample_rate,
            channels: spec.channels,
            encoding,
        },
        warnings,
    })
}

/// Read every sample up to the first error, scaled to -1.0..=1.0. Returns the error, if any,
/// beside what was read so that a truncated recording is not thrown away.
fn read_samples(
    mut reader: WavReader<BufReader<File>>,
    shown: &str,
) -> Result<(Vec<f32>, Option<String>), AudioError> {
    let spec = reader.spec();
    let mut out = Vec::with_capacity(reader.len() as usize);
    let mut error = None;
    match (spec.sample_format, spec.bits_per_sample) {
        (SampleFormat::Float, 32) => {
            for s in reader.samples::<f32>() {
                match s {
                    Ok(v) => out.push(if v.is_finite() { v } else { 0.0 }),
                    Err(e) => {
                        error = Some(describe(&e));
                        break;
                    }
                }
            }
        }
        (SampleFormat::Int, bits @ 1..=32) => {
            let scale = 1.0 / (1u64 << (bits - 1)) as f32;
            for s in reader.samples::<i32>() {
                match s {
                    Ok(v) => out.push(v as f32 * scale),
                    Err(e) => {
                        error = Some(describe(&e));
                        break;
                    }
                }
            }
        }
        (format, bits) => {
            return Err(AudioError::Unsupported {
                path: shown.to_string(),
                reason: format!("{bits}-bit {format:?}"),
            })
        }
    }
    Ok((out, error))
}

fn describe(e: &hound::Error) -> String {
    match e {
        hound::Error::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "unexpected end of file".into()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hound::{WavSpec, WavWriter};

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

    #[test]
    fn every_supported_encoding_decodes_to_the_same_level() {
        let dir = tempfile::tempdir().unwrap();
        for (bits, fmt) in [
            (8, SampleFormat::Int),
            (16, SampleFormat::Int),
            (24, SampleFormat::Int),
            (32, SampleFormat::Int),
            (32, SampleFormat::Float),
        ] {
            let spec = WavSpec {
                channels: 2,
                sample_rate: 8000,
                bits_per_sample: bits,
                sample_format: fmt,
            };
            let path = dir.path().join(format!("{bits}{fmt:?}.wav"));
            write(&path, spec, 100, |_| 0.5);
            let d = decode(&path).unwrap();
            assert_eq!(d.interleaved.len(), 200);
            assert!(
                d.interleaved.iter().all(|v| (v - 0.5).abs() < 0.01),
                "{bits}-bit {fmt:?}: {:?}",
                &d.interleaved[..4]
            );
            assert!(d.warnings.is_empty());
        }
    }

    #[test]
    fn truncated_data_keeps_what_was_read_and_warns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.wav");
        let spec = WavSpec {
            channels: 1,
            sample_rate: 16000,
            bits_per_sample: 16,
            sample_format: SampleFormat::Int,
        };
        write(&path, spec, 16000, |_| 0.25);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let d = decode(&path).unwrap();
        assert!(d.interleaved.len() > 7000 && d.interleaved.len() < 8000);
        assert!(d.warnings[0].contains("truncated"), "{:?}", d.warnings);
    }

    #[test]
    fn random_bytes_are_not_audio() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("noise.wav");
        std::fs::write(&path, b"this is not a riff file at all").unwrap();
        assert!(matches!(decode(&path), Err(AudioError::NotAudio { .. })));
    }

    #[test]
    fn a_missing_file_says_so() {
        let err = decode(Path::new("/nonexistent/take.wav")).err().unwrap();
        assert!(matches!(err, AudioError::NotFound { .. }));
    }
}
