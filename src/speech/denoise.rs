//! Noise suppression with RNNoise (`nnnoiseless`, its pure-Rust port), as a measured option:
//! the take is raised to RNNoise's 48 kHz, denoised frame by frame, and brought back to 16 kHz.
//! Where it goes (before the speech detector, before Whisper, both, or nowhere) is
//! [`Denoise`]; what each place did to the words against the human transcripts is in
//! docs/accuracy.md.

use nnnoiseless::DenoiseState;

use crate::audio::resample::StreamResampler;
use crate::audio::TARGET_RATE;

/// RNNoise's own rate.
const RNNOISE_RATE: u32 = 48_000;

/// Where the denoised take is used instead of the recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Denoise {
    /// Nowhere: both hear the recording.
    #[default]
    Off,
    /// The speech detector hears the denoised take, Whisper the recording.
    Detector,
    /// Whisper hears the denoised take, the speech detector the recording.
    Whisper,
    /// Both hear the denoised take.
    Both,
}

impl Denoise {
    pub fn for_detector(self) -> bool {
        matches!(self, Denoise::Detector | Denoise::Both)
    }

    pub fn for_whisper(self) -> bool {
        matches!(self, Denoise::Whisper | Denoise::Both)
    }
}

impl std::str::FromStr for Denoise {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "off" => Ok(Denoise::Off),
            "detector" => Ok(Denoise::Detector),
            "whisper" => Ok(Denoise::Whisper),
            "both" => Ok(Denoise::Both),
            other => Err(format!(
                "unknown denoise setting {other:?}: off, detector, whisper or both"
            )),
        }
    }
}

/// `samples` (16 kHz mono, -1..1) with RNNoise's noise suppression: the same length, the
/// same clock (RNNoise's one-frame delay and the resamplers' delays are taken out).
pub fn rnnoise(samples: &[f32]) -> Result<Vec<f32>, String> {
    let mut high = Vec::with_capacity(samples.len() * 3 + DenoiseState::FRAME_SIZE);
    let mut up = StreamResampler::new(TARGET_RATE, RNNOISE_RATE)?;
    up.push(samples, &mut high)?;
    up.finish(&mut high)?;
    let n = high.len();
    let mut state = DenoiseState::new();
    let mut cleaned = Vec::with_capacity(n + 2 * DenoiseState::FRAME_SIZE);
    let mut input = [0.0f32; DenoiseState::FRAME_SIZE];
    let mut output = [0.0f32; DenoiseState::FRAME_SIZE];
    let scale = f32::from(i16::MAX);
    // One frame of silence after the take flushes the frame RNNoise holds back.
    let frames = n.div_ceil(DenoiseState::FRAME_SIZE) + 1;
    for f in 0..frames {
        input.fill(0.0);
        let start = (f * DenoiseState::FRAME_SIZE).min(n);
        let end = (start + DenoiseState::FRAME_SIZE).min(n);
        for (i, s) in high[start..end].iter().enumerate() {
            input[i] = s * scale;
        }
        state.process_frame(&mut output, &input);
        cleaned.extend(output.iter().map(|s| s / scale));
    }
    // RNNoise's output runs one frame behind its input.
    let cleaned = &cleaned[DenoiseState::FRAME_SIZE.min(cleaned.len())..];
    let cleaned = &cleaned[..n.min(cleaned.len())];
    let mut low = Vec::with_capacity(samples.len());
    let mut down = StreamResampler::new(RNNOISE_RATE, TARGET_RATE)?;
    down.push(cleaned, &mut low)?;
    down.finish(&mut low)?;
    low.resize(samples.len(), 0.0);
    Ok(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rms(x: &[f32]) -> f64 {
        (x.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / x.len().max(1) as f64).sqrt()
    }

    #[test]
    fn white_noise_alone_is_turned_down_and_the_length_is_kept() {
        let mut rng = fastrand::Rng::with_seed(7);
        let noise: Vec<f32> = (0..16_000 * 3).map(|_| (rng.f32() - 0.5) * 0.1).collect();
        let out = rnnoise(&noise).unwrap();
        assert_eq!(out.len(), noise.len());
        let (before, after) = (rms(&noise[16_000..]), rms(&out[16_000..]));
        assert!(after < before / 4.0, "{before} -> {after}");
    }

    /// Clean real speech comes back on the same clock: the lag that best lines the denoised
    /// take up with the recording is under a millisecond.
    #[test]
    fn real_speech_keeps_its_clock() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/realspeech/mfa_uhum.wav"
        );
        let mut reader = hound::WavReader::open(path).unwrap();
        let x: Vec<f32> = reader
            .samples::<i16>()
            .map(|s| f32::from(s.unwrap()) / 32768.0)
            .collect();
        let y = rnnoise(&x).unwrap();
        assert_eq!(y.len(), x.len());
        let corr = |lag: i64| -> f64 {
            (0..x.len() as i64)
                .filter_map(|i| {
                    let j = i + lag;
                    (j >= 0 && (j as usize) < y.len())
                        .then(|| f64::from(x[i as usize]) * f64::from(y[j as usize]))
                })
                .sum()
        };
        // 16 samples a millisecond; look 20 ms either way.
        let best = (-320..=320)
            .max_by(|&a, &b| corr(a).total_cmp(&corr(b)))
            .unwrap();
        assert!(best.abs() <= 16, "denoised speech is {best} samples off");
    }

    #[test]
    fn settings_are_named() {
        assert_eq!("both".parse(), Ok(Denoise::Both));
        assert!("loud".parse::<Denoise>().is_err());
        assert!(Denoise::Detector.for_detector() && !Denoise::Detector.for_whisper());
    }
}
