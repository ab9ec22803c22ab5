//! The level a piece of audio is decoded at.
//!
//! Whisper is not level-invariant: its input is the log10 of a mel spectrogram, floored 8
//! decades under its maximum and scaled by `(x + 4) / 4`, so a gain change shifts every value
//! the model sees. Measured on the real clips (tests/realspeech.rs): decoded at the level
//! the microphone gave, the 20 dB level drop and the -40 dBFS copy of `mfa_cutoffprogressive`
//! lost its acted cut-offs (16 of 18 words kept); decoded at one level they keep 17 and 18.
//!
//! So a quiet piece is decoded at one level, however quiet the microphone was: [`normalise`]
//! scales the piece by one gain so that its speech level ([`speech_level`], the 90th
//! percentile of its 20 ms frame levels: one click cannot set it, and the silence a piece is
//! padded with does not lower it) reaches [`TARGET_DBFS`]. The gain is bounded by
//! [`MAX_GAIN_DB`], so near-silence is not blown up into loud noise, and by the piece's peak,
//! so no sample clips. Within those bounds the same piece at any level under the target
//! decodes from the same samples, within rounding. A piece at the target or louder is decoded
//! as it is: turning loud pieces down too changed DTW word times by up to 0.08 s on takes at
//! normal levels, and a filled pause the audio pass finds through them was lost
//! (`tests/audio_fillers.rs`, `batchalign2_asr_test` at 4.5 s), while the clean takes' words
//! stayed the same.
//!
//! It happens inside the decode of one piece ([`super::whisper`]), so the saved take and the
//! pieces decoded while recording get the same treatment, and the piece cache
//! ([`super::cache`]), keyed by the raw samples, stays exact.

use std::borrow::Cow;

/// The speech level a quieter piece is raised to: 90th percentile of 20 ms frame RMS, dBFS.
/// The clean real clips sit between -18 and -34 (median -29). Chosen among -18, -24, -30, -34
/// and -38 (louder pieces turned down too, then) on seven of the thirteen real clips and their
/// damaged copies (every other clip in name order): fewest copies under the word floor first
/// (-30 and -34: two; -38: four, one reverberant copy decoding to no word at all), then fewest
/// word errors against the human transcripts; then scored once on the other six (README,
/// "Damaged recordings").
pub const TARGET_DBFS: f64 = -34.0;

/// The most a piece is raised, dB: a -40 dBFS microphone comes back to the target, digital
/// near-silence stays near-silence.
pub const MAX_GAIN_DB: f64 = 40.0;

/// The loudest a sample may be after the gain: no clipping, with a little headroom.
pub const MAX_PEAK: f32 = 0.99;

/// Samples per frame the speech level is measured over: 20 ms at 16 kHz.
const FRAME: usize = 320;

/// The speech level of `samples`: the 90th percentile of the RMS of its 20 ms frames (linear,
/// full scale 1.0); 0 for silence or no samples.
pub fn speech_level(samples: &[f32]) -> f64 {
    let mut frames: Vec<f64> = samples
        .chunks(FRAME)
        .map(|c| (c.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / c.len() as f64).sqrt())
        .collect();
    if frames.is_empty() {
        return 0.0;
    }
    frames.sort_by(f64::total_cmp);
    let idx = ((frames.len() - 1) as f64 * 0.9).round() as usize;
    frames[idx]
}

/// The gain [`normalise`] applies to `samples` (linear): what raises the speech level to
/// [`TARGET_DBFS`], at most [`MAX_GAIN_DB`] and at most what keeps the peak at [`MAX_PEAK`];
/// 1 for silence and for a piece already at the target or louder.
pub fn gain(samples: &[f32]) -> f64 {
    let level = speech_level(samples);
    let peak = samples.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
    let want = 10f64.powf(TARGET_DBFS / 20.0) / level;
    if !(level > 0.0 && peak > 0.0) || want <= 1.0 {
        return 1.0;
    }
    want.min(10f64.powf(MAX_GAIN_DB / 20.0))
        .min(f64::from(MAX_PEAK) / f64::from(peak))
        .max(1.0)
}

/// `samples` at the level every piece is decoded at (see the module docs); the samples
/// themselves, not a copy, when the gain is 1 (silence).
pub fn normalise(samples: &[f32]) -> Cow<'_, [f32]> {
    let g = gain(samples);
    if g == 1.0 {
        return Cow::Borrowed(samples);
    }
    samples
        .iter()
        .map(|&x| (f64::from(x) * g) as f32)
        .collect::<Vec<f32>>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vowel-like sound: a 150 Hz tone with a 900 Hz overtone, amplitude `a`, in bursts of
    /// 0.4 s with 0.2 s gaps, with 0.3 s of silence either side (a padded piece).
    fn piece(a: f32) -> Vec<f32> {
        let pad = vec![0.0f32; 4800];
        let voice: Vec<f32> = (0..48_000)
            .map(|n| {
                let t = n as f32 / 16_000.0;
                let on = (n / 3200) % 3 != 2;
                let s = (t * 2.0 * std::f32::consts::PI * 150.0).sin()
                    + 0.5 * (t * 2.0 * std::f32::consts::PI * 900.0).sin();
                if on {
                    a * s / 1.5
                } else {
                    0.0
                }
            })
            .collect();
        [&pad[..], &voice[..], &pad[..]].concat()
    }

    fn db(x: f64) -> f64 {
        20.0 * x.log10()
    }

    #[test]
    fn a_quiet_piece_is_raised_to_the_target_level() {
        // Speech levels of about -66, -56 and -46 dBFS.
        for a in [0.001, 0.003, 0.01] {
            let x = piece(a);
            let y = normalise(&x);
            let got = db(speech_level(&y));
            assert!(
                (got - TARGET_DBFS).abs() < 0.01,
                "amplitude {a}: {got} dBFS"
            );
        }
    }

    #[test]
    fn a_piece_at_the_target_or_louder_is_left_as_it_is() {
        // About -32 and -20 dBFS.
        for a in [0.05, 0.2] {
            let x = piece(a);
            assert!(matches!(normalise(&x), Cow::Borrowed(s) if s == x.as_slice()));
        }
    }

    #[test]
    fn the_same_piece_20_db_quieter_normalises_to_the_same_samples() {
        let x = piece(0.01);
        let quieter: Vec<f32> = x.iter().map(|v| v * 0.1).collect();
        let (a, b) = (normalise(&x), normalise(&quieter));
        let worst = a
            .iter()
            .zip(b.iter())
            .map(|(p, q)| (p - q).abs())
            .fold(0.0, f32::max);
        assert!(worst < 1e-6, "differ by up to {worst}");
    }

    #[test]
    fn the_gain_is_bounded() {
        // Speech at -90 dBFS would need 68 dB; it gets 40.
        let x = piece(10f32.powf(-90.0 / 20.0) * 1.41);
        let raised = db(gain(&x));
        assert!((raised - MAX_GAIN_DB).abs() < 1e-9, "{raised} dB");
    }

    #[test]
    fn nothing_clips() {
        // A loud click in a quiet piece: the gain stops where the click reaches the ceiling.
        let mut x = piece(0.01);
        x[6000] = 0.5;
        x[6001] = -0.5;
        let y = normalise(&x);
        let peak = y.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
        assert!(peak <= MAX_PEAK + 1e-6, "peak {peak}");
        assert!((peak - MAX_PEAK).abs() < 1e-4, "peak {peak}");
        // A full-scale click: the piece is not raised at all.
        x[6000] = 1.0;
        assert_eq!(gain(&x), 1.0);
    }

    #[test]
    fn silence_stays_silence() {
        let zeros = vec![0.0f32; 16_000];
        assert!(matches!(normalise(&zeros), Cow::Borrowed(s) if s == zeros.as_slice()));
        assert!(normalise(&[]).is_empty());
        assert_eq!(gain(&[]), 1.0);
    }

    #[test]
    fn one_click_does_not_set_the_level() {
        let x = piece(0.05);
        let mut clicked = x.clone();
        clicked[10_000] = 0.9;
        let (a, b) = (speech_level(&x), speech_level(&clicked));
        assert!((db(a) - db(b)).abs() < 0.01, "{} against {}", db(a), db(b));
    }
}
