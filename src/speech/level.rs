//! Evening out the level of a take before the speech detector hears it.
//!
//! Silero VAD is not level-invariant: measured on the real clips, a take whose peaks sit at
//! -40 dBFS (a quiet microphone) scores almost every frame of clear speech below 0.2, and after
//! a 20 dB level drop half way (the speaker turns away, a gain change) the second half reads
//! as silence, so pauses appear where the speaker talked. The detector therefore scores a
//! copy of the take whose level is evened out, the way an automatic gain control would:
//!
//! - every 32 ms frame gets a *local level*: the 90th percentile of frame levels (dBFS)
//!   within [`Leveller::window_s`] either side, so one click cannot set it and a second of
//!   silence next to speech does not lower it;
//! - where that level is below [`Leveller::target_db`] the frame is raised to it, by at most
//!   [`Leveller::max_gain_db`]; louder takes are never turned down, so a take recorded at a
//!   normal level is scored exactly as it is;
//! - the gain is smoothed over [`Leveller::smooth_s`] and interpolated sample by sample, so
//!   the copy has no steps or clicks of its own.
//!
//! Only the detector hears the copy; Whisper and every measurement use the original samples.

use std::borrow::Cow;

/// How the level is evened out. The defaults were chosen on the real clips and their
/// damaged copies (`tests/realspeech.rs`): clean takes keep their speech regions, quiet and
/// level-dropped copies get them back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Leveller {
    /// Frame length, samples.
    pub frame: usize,
    /// Sample rate, Hz.
    pub rate: f64,
    /// Local level that quieter stretches are raised to, dBFS (frame RMS, 90th percentile).
    /// Clean real recordings here sit between -18 and -34.
    pub target_db: f64,
    /// Seconds either side of a frame that its local level is taken over.
    pub window_s: f64,
    /// The most a stretch is raised, dB: digital near-silence (-85 dBFS) stays near -55.
    pub max_gain_db: f64,
    /// Seconds the gain is averaged over.
    pub smooth_s: f64,
}

impl Default for Leveller {
    fn default() -> Self {
        Leveller {
            frame: 512,
            rate: 16_000.0,
            target_db: -28.0,
            window_s: 1.0,
            max_gain_db: 30.0,
            smooth_s: 0.3,
        }
    }
}

/// Level of silence: the floor under frame levels, dBFS.
const FLOOR_DB: f64 = -120.0;

impl Leveller {
    /// Gain per frame, dB (0 where the take is loud enough).
    pub fn frame_gains_db(&self, samples: &[f32]) -> Vec<f64> {
        let frame = self.frame.max(1);
        let levels: Vec<f64> = samples
            .chunks(frame)
            .map(|c| {
                let power =
                    c.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / c.len() as f64;
                if power > 0.0 {
                    (10.0 * power.log10()).max(FLOOR_DB)
                } else {
                    FLOOR_DB
                }
            })
            .collect();
        let frame_s = frame as f64 / self.rate;
        let half = (self.window_s / frame_s).round().max(0.0) as usize;
        let mut window: Vec<f64> = Vec::with_capacity(2 * half + 1);
        let raw: Vec<f64> = (0..levels.len())
            .map(|i| {
                window.clear();
                window.extend_from_slice(
                    &levels[i.saturating_sub(half)..(i + half + 1).min(levels.len())],
                );
                let local = percentile(&mut window, 0.9);
                (self.target_db - local).clamp(0.0, self.max_gain_db.max(0.0))
            })
            .collect();
        let k = (self.smooth_s / frame_s).round() as usize / 2;
        moving_average(&raw, k)
    }

    /// The evened-out copy of `samples` (mono), for the speech detector only; the samples
    /// themselves, not a copy, when no stretch needs raising (a take at a normal level).
    pub fn apply<'a>(&self, samples: &'a [f32]) -> Cow<'a, [f32]> {
        let gains = self.frame_gains_db(samples);
        if gains.iter().all(|&g| g == 0.0) {
            return Cow::Borrowed(samples);
        }
        let frame = self.frame.max(1) as f64;
        let centre = |i: usize| (i as f64 + 0.5) * frame;
        let last = gains.len().saturating_sub(1);
        samples
            .iter()
            .enumerate()
            .map(|(n, &x)| {
                // Linear interpolation of the gain between frame centres.
                let pos = (n as f64 / frame - 0.5).max(0.0);
                let i = (pos.floor() as usize).min(last);
                let j = (i + 1).min(last);
                let t = ((n as f64 - centre(i)) / frame).clamp(0.0, 1.0);
                let db = gains[i] + (gains[j] - gains[i]) * t;
                (f64::from(x) * 10f64.powf(db / 20.0)).clamp(-1.0, 1.0) as f32
            })
            .collect::<Vec<f32>>()
            .into()
    }
}

/// The `q` quantile (0-1) of `values`, by sorting them in place; 0 for none.
fn percentile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let idx = ((values.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    values[idx]
}

/// Mean over `k` values either side (fewer at the ends).
fn moving_average(values: &[f64], k: usize) -> Vec<f64> {
    (0..values.len())
        .map(|i| {
            let w = &values[i.saturating_sub(k)..(i + k + 1).min(values.len())];
            w.iter().sum::<f64>() / w.len() as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(seconds: f64, amplitude: f32) -> Vec<f32> {
        (0..(seconds * 16_000.0) as usize)
            .map(|n| amplitude * (n as f32 * 2.0 * std::f32::consts::PI * 220.0 / 16_000.0).sin())
            .collect()
    }

    fn rms_db(x: &[f32]) -> f64 {
        let p = x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len() as f64;
        10.0 * p.log10()
    }

    #[test]
    fn a_loud_take_is_left_exactly_as_it_is() {
        let x = tone(3.0, 0.3); // about -13 dBFS
        assert!(matches!(Leveller::default().apply(&x), Cow::Borrowed(s) if s == x.as_slice()));
    }

    #[test]
    fn a_quiet_take_is_raised_to_the_target() {
        let x = tone(3.0, 0.3 * 10f32.powf(-40.0 / 20.0)); // about -53 dBFS
        let y = Leveller::default().apply(&x);
        let got = rms_db(&y[16_000..32_000]);
        // From -53.5 dBFS to the target, never past 1.0.
        assert!((got - -28.0).abs() < 0.5, "{got}");
        assert!(y.iter().all(|v| v.abs() <= 1.0));
    }

    #[test]
    fn a_level_drop_half_way_is_evened_out_away_from_the_step() {
        let mut x = tone(4.0, 0.02); // -37 dBFS
        x.extend(tone(4.0, 0.002)); // -57 dBFS
        let y = Leveller::default().apply(&x);
        let first = rms_db(&y[16_000..48_000]);
        let second = rms_db(&y[80_000..112_000]);
        assert!((first - -28.0).abs() < 1.0, "{first}");
        assert!((second - -28.0).abs() < 1.0, "{second}");
    }

    #[test]
    fn the_gain_is_capped() {
        let x = tone(3.0, 0.3 * 10f32.powf(-60.0 / 20.0)); // about -73 dBFS
        let y = Leveller::default().apply(&x);
        let raised = rms_db(&y[16_000..32_000]) - rms_db(&x[16_000..32_000]);
        assert!((raised - 30.0).abs() < 0.5, "{raised}");
    }

    #[test]
    fn digital_silence_and_empty_input_are_harmless() {
        assert!(Leveller::default().apply(&[]).is_empty());
        let zeros = vec![0.0f32; 20_000];
        assert_eq!(*Leveller::default().apply(&zeros), *zeros);
    }

    #[test]
    fn the_gain_has_no_steps() {
        let mut x = tone(2.0, 0.02);
        x.extend(tone(2.0, 0.002));
        let gains = Leveller::default().frame_gains_db(&x);
        let steepest = gains
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f64::max);
        assert!(steepest < 3.0, "{steepest} dB between two frames");
    }
}
