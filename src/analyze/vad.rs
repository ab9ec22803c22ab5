//! Voice activity from the signal itself: where the speaker is making sound.
//!
//! Word timestamps from Whisper absorb the silence after a word, so pauses are measured here,
//! from short-time energy. The threshold adapts to the recording: it sits between the noise
//! floor and the level of loud speech frames, so the same code works on a quiet laptop
//! microphone and on a normalised studio take.

use serde::Serialize;

/// Analysis frame length, seconds.
pub const FRAME_S: f64 = 0.02;
/// Bursts of sound shorter than this are clicks, not speech.
const MIN_SPEECH_S: f64 = 0.06;
/// Frames quieter than this are silence whatever the recording (dBFS).
const ABSOLUTE_FLOOR_DB: f64 = -60.0;

/// Speech regions of one take.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeechActivity {
    /// Non-overlapping, ordered `(start_s, end_s)` regions with sound.
    pub segments: Vec<(f64, f64)>,
    pub duration_s: f64,
    /// The level a frame had to reach to count as speech, dBFS.
    pub threshold_db: f64,
    /// Share of frames at full scale (|x| >= 0.999), a sign of clipping.
    pub clipped_share: f64,
    /// Level of the loud (99th percentile) frames, dBFS.
    pub speech_level_db: f64,
}

impl SpeechActivity {
    pub fn has_speech(&self) -> bool {
        !self.segments.is_empty()
    }

    /// Start of the first and end of the last speech region.
    pub fn span(&self) -> Option<(f64, f64)> {
        Some((self.segments.first()?.0, self.segments.last()?.1))
    }
}

/// Detect speech in mono `samples` at `rate` Hz.
pub fn detect(samples: &[f32], rate: u32) -> SpeechActivity {
    let frame = ((f64::from(rate) * FRAME_S) as usize).max(1);
    let levels: Vec<f64> = samples.chunks(frame).map(level_db).collect();
    let clipped = samples.iter().filter(|v| v.abs() >= 0.999).count();
    let duration_s = samples.len() as f64 / f64::from(rate.max(1));
    let clipped_share = if samples.is_empty() {
        0.0
    } else {
        clipped as f64 / samples.len() as f64
    };

    let loud = percentile(&levels, 0.99);
    let floor = percentile(&levels, 0.10);
    // Halfway (in dB) between floor and loud speech, at most 30 dB under loud speech.
    let threshold = ((floor + loud) / 2.0)
        .max(loud - 30.0)
        .max(ABSOLUTE_FLOOR_DB);
    // A recording whose loud frames barely rise above the floor holds no speech.
    let segments = if loud < ABSOLUTE_FLOOR_DB + 10.0 || loud - floor < 6.0 {
        Vec::new()
    } else {
        regions(&levels, threshold, duration_s)
    };
    SpeechActivity {
        segments,
        duration_s,
        threshold_db: threshold,
        clipped_share,
        speech_level_db: loud,
    }
}

fn level_db(frame: &[f32]) -> f64 {
    let energy = frame
        .iter()
        .map(|v| f64::from(*v) * f64::from(*v))
        .sum::<f64>()
        / frame.len().max(1) as f64;
    10.0 * energy.max(1e-12).log10()
}

fn percentile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return -120.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// Runs of frames above `threshold`, dropping runs shorter than [`MIN_SPEECH_S`].
fn regions(levels: &[f64], threshold: f64, duration_s: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &db) in levels
        .iter()
        .chain(std::iter::once(&f64::NEG_INFINITY))
        .enumerate()
    {
        match (db >= threshold, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let (a, b) = (s as f64 * FRAME_S, (i as f64 * FRAME_S).min(duration_s));
                if b - a >= MIN_SPEECH_S {
                    out.push((a, b));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 16000;

    /// Silence and tone bursts: `(is_sound, seconds)` pieces.
    fn signal(pieces: &[(bool, f64)], noise: f32) -> Vec<f32> {
        let mut out = Vec::new();
        let mut seed = 1u32;
        for &(sound, secs) in pieces {
            for i in 0..(secs * f64::from(RATE)) as usize {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let n = (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                let s = if sound {
                    (i as f32 * 0.1).sin() * 0.3
                } else {
                    0.0
                };
                out.push(s + n * noise);
            }
        }
        out
    }

    #[test]
    fn finds_bursts_and_the_gaps_between_them() {
        let x = signal(
            &[(false, 0.5), (true, 1.0), (false, 2.5), (true, 0.5)],
            0.001,
        );
        let a = detect(&x, RATE);
        assert_eq!(a.segments.len(), 2, "{:?}", a.segments);
        let (s0, e0) = a.segments[0];
        let (s1, _) = a.segments[1];
        assert!((s0 - 0.5).abs() < 0.03 && (e0 - 1.5).abs() < 0.03);
        assert!((s1 - e0 - 2.5).abs() < 0.05);
    }

    #[test]
    fn digital_silence_has_no_speech() {
        let a = detect(&vec![0.0; 32000], RATE);
        assert!(!a.has_speech());
        assert_eq!(a.span(), None);
    }

    #[test]
    fn steady_noise_has_no_speech() {
        let a = detect(&signal(&[(false, 3.0)], 0.05), RATE);
        assert!(!a.has_speech(), "{:?}", a.segments);
    }

    #[test]
    fn clicks_are_not_speech() {
        let x = signal(
            &[(false, 1.0), (true, 0.02), (false, 1.0), (true, 1.0)],
            0.0,
        );
        let a = detect(&x, RATE);
        assert_eq!(a.segments.len(), 1);
    }

    #[test]
    fn empty_input_is_silent() {
        let a = detect(&[], RATE);
        assert!(!a.has_speech());
        assert_eq!(a.duration_s, 0.0);
    }
}
