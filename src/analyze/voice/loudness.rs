//! Loudness: how strongly the voice carries, window by window and word by word.
//!
//! Levels are RMS in dBFS (0 dB = a full-scale square wave) over 20 ms frames. A window's
//! level is the power mean of the frames the voice activity detector called speech, so pauses
//! do not pull it down. A stretch of words (the start or the end of a sentence) is measured
//! by the 90th percentile of its frame levels: word end times from the recogniser run on into
//! the silence after a word, and a high percentile is not fooled by that silence.

/// Frame length for levels, seconds.
pub const FRAME_S: f64 = 0.02;
/// Frames quieter than this count as silence, dBFS.
const FLOOR_DB: f64 = -100.0;

/// Level of each 20 ms frame of `samples` at `rate` Hz, dBFS.
pub fn frame_levels(samples: &[f32], rate: u32) -> Vec<f64> {
    let frame = ((f64::from(rate) * FRAME_S) as usize).max(1);
    samples.chunks(frame).map(rms_db).collect()
}

/// RMS level of `samples`, dBFS (at least `FLOOR_DB`, -100).
pub fn rms_db(samples: &[f32]) -> f64 {
    let energy = samples
        .iter()
        .map(|v| f64::from(*v) * f64::from(*v))
        .sum::<f64>()
        / samples.len().max(1) as f64;
    (10.0 * energy.max(1e-12).log10()).max(FLOOR_DB)
}

/// Frame indices `[from, to)` covering `start_s..end_s`.
fn frame_range(levels: &[f64], start_s: f64, end_s: f64) -> std::ops::Range<usize> {
    let from = ((start_s.max(0.0) / FRAME_S).floor() as usize).min(levels.len());
    let to = ((end_s.max(0.0) / FRAME_S).ceil() as usize).clamp(from, levels.len());
    from..to
}

/// Power mean of the frames in `start_s..end_s` that lie inside a speech `region`, and the
/// seconds of speech it rests on; `None` without speech in the window.
pub fn speech_level(
    levels: &[f64],
    regions: &[(f64, f64)],
    start_s: f64,
    end_s: f64,
) -> Option<(f64, f64)> {
    let mut power = 0.0;
    let mut n = 0usize;
    for i in frame_range(levels, start_s, end_s) {
        let t = (i as f64 + 0.5) * FRAME_S;
        if regions.iter().any(|&(a, b)| t >= a && t < b) {
            power += 10f64.powf(levels[i] / 10.0);
            n += 1;
        }
    }
    (n > 0).then(|| (10.0 * (power / n as f64).log10(), n as f64 * FRAME_S))
}

/// The levels of the frames in `start_s..end_s` that lie inside a speech region, in order.
pub fn speech_frames(levels: &[f64], regions: &[(f64, f64)], start_s: f64, end_s: f64) -> Vec<f64> {
    frame_range(levels, start_s, end_s)
        .filter(|&i| {
            let t = (i as f64 + 0.5) * FRAME_S;
            regions.iter().any(|&(a, b)| t >= a && t < b)
        })
        .map(|i| levels[i])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::voice::pitch::tests::{voice, RATE};

    #[test]
    fn a_sine_has_its_rms_level() {
        // A sine of peak 0.5 has RMS 0.5 / sqrt(2): -9.03 dBFS.
        let x: Vec<f32> = (0..16_000).map(|i| 0.5 * (i as f32 * 0.05).sin()).collect();
        assert!((rms_db(&x) + 9.03).abs() < 0.05, "{}", rms_db(&x));
        let levels = frame_levels(&x, RATE);
        assert_eq!(levels.len(), 50);
        assert!(levels.iter().all(|l| (l + 9.03).abs() < 0.2));
        assert_eq!(rms_db(&[0.0; 10]), FLOOR_DB);
        assert_eq!(rms_db(&[]), FLOOR_DB);
    }

    #[test]
    fn twenty_db_quieter_measures_twenty_db_lower() {
        let loud = voice(1.0, 0.5, |_| 120.0);
        let quiet: Vec<f32> = loud.iter().map(|x| x * 0.1).collect();
        let mut x = loud.clone();
        x.extend(&quiet);
        let levels = frame_levels(&x, RATE);
        let regions = [(0.0, 2.0)];
        let (a, speech) = speech_level(&levels, &regions, 0.0, 1.0).unwrap();
        let (b, _) = speech_level(&levels, &regions, 1.0, 2.0).unwrap();
        assert!((a - b - 20.0).abs() < 0.1, "{a:.1} vs {b:.1}");
        assert!((speech - 1.0).abs() < 0.03);
    }

    #[test]
    fn pauses_do_not_pull_a_window_down() {
        let mut x = voice(1.0, 0.5, |_| 120.0);
        x.extend(vec![0.0; 16_000]);
        let levels = frame_levels(&x, RATE);
        let (with_pause, speech) = speech_level(&levels, &[(0.0, 1.0)], 0.0, 2.0).unwrap();
        let (alone, _) = speech_level(&levels, &[(0.0, 1.0)], 0.0, 1.0).unwrap();
        assert!((with_pause - alone).abs() < 1e-9);
        assert!((speech - 1.0).abs() < 0.03);
        assert_eq!(speech_level(&levels, &[(0.0, 1.0)], 1.2, 2.0), None);
    }

    #[test]
    fn speech_frames_leave_out_the_pauses() {
        let mut x = voice(0.4, 0.5, |_| 120.0);
        x.extend(vec![0.0; 16_000]);
        let levels = frame_levels(&x, RATE);
        let frames = speech_frames(&levels, &[(0.0, 0.4)], 0.0, 1.4);
        assert_eq!(frames.len(), 20);
        assert!(frames.iter().all(|&l| l > -20.0));
        assert!(speech_frames(&levels, &[(0.0, 0.4)], 0.5, 1.4).is_empty());
    }
}
