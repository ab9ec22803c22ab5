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

/// RMS level of `samples`, dBFS (at least [`FLOOR_DB`]).
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

/// The 90th-percentile frame level in `start_s..end_s`: the level of the loud part of the
/// words said there, whatever silence the span also holds. `None` for an empty span.
pub fn words_level(levels: &[f64], start_s: f64, end_s: f64) -> Option<f64> {
    let span = &levels[frame_range(levels, start_s, end_s)];
    (!span.is_empty()).then(|| super::pitch::quantile(span, 0.9))
}

/// Frames at least this far under the loudest of a stretch are not sound, dB.
const SOUND_BELOW_PEAK_DB: f64 = 50.0;

/// The end of the last frame in `start_s..end_s` that holds sound: within
/// [`SOUND_BELOW_PEAK_DB`] of the stretch's loudest frame and above the silence floor.
pub fn last_sound_s(levels: &[f64], start_s: f64, end_s: f64) -> Option<f64> {
    let range = frame_range(levels, start_s, end_s);
    let from = range.start;
    let span = &levels[range];
    let peak = span.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let floor = (peak - SOUND_BELOW_PEAK_DB).max(FLOOR_DB + 10.0);
    let last = span.iter().rposition(|&l| l >= floor)?;
    Some((from + last + 1) as f64 * FRAME_S)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::voice::pitch::tests::{voice, RATE};

    #[test]
    fn a_sine_has_its_rms_level() {
        // A sine of peak 0.5 has RMS 0.5 / sqrt(2): -9.03 dBFS.
        let x: Vec<f32> = (0..16_000)
            .map(|i| 0.5 * (i as f32 * 0.05).sin())
            .collect();
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
    fn trailing_silence_does_not_lower_a_words_level() {
        let mut x = voice(0.4, 0.5, |_| 120.0);
        x.extend(vec![0.0; 16_000]);
        let levels = frame_levels(&x, RATE);
        let word = words_level(&levels, 0.0, 0.4).unwrap();
        let with_silence = words_level(&levels, 0.0, 1.2).unwrap();
        assert!((word - with_silence).abs() < 0.5, "{word:.1} vs {with_silence:.1}");
        assert_eq!(words_level(&levels, 5.0, 6.0), None);
    }

    #[test]
    fn the_last_sound_ends_where_the_voice_does() {
        let mut x = vec![0.0; 8_000];
        x.extend(voice(1.0, 0.5, |_| 120.0));
        x.extend(vec![0.0; 16_000]);
        let levels = frame_levels(&x, RATE);
        let end = last_sound_s(&levels, 0.0, 2.5).unwrap();
        assert!((end - 1.5).abs() < 0.021, "{end}");
        assert_eq!(last_sound_s(&levels, 1.6, 2.5), None);
    }
}
