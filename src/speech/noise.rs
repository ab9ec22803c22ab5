//! How loud the noise is against the speech, and where the signal is active when the speech
//! detector hears nothing.
//!
//! Silero is trained on speech in noise, but under steady noise 10-15 dB below the voice it can
//! score a whole real answer as silence (a 26 s answer under pink noise was "no speech" while
//! plain faster-whisper wrote its words). So the signal gets a say of its own: frames that stand
//! well above the take's noise floor are [`active`], and the pipeline lets Whisper decide whether
//! they hold words. The same floor gives each take's signal-to-noise ratio ([`snr_db`]), which
//! the report names when it is low enough to make the words unreliable.
//!
//! Plain frame energies on purpose: a level against a floor is easy to check by hand and does
//! not pretend to know what the noise is.

/// Frame length, seconds: Silero's 512 samples at 16 kHz, so frames line up with its
/// probabilities.
pub const FRAME_S: f64 = 0.032;

/// A frame this far above the noise floor is active, dB.
pub const ACTIVE_ABOVE_DB: f64 = 6.0;
/// Active stretches closer than this are one stretch, seconds (the gaps between words).
const BRIDGE_S: f64 = 0.3;
/// Shorter active stretches are clicks, not words, seconds.
const MIN_ACTIVE_S: f64 = 0.25;
/// The noise floor: this quantile of the frame powers outside speech ...
const FLOOR_QUANTILE: f64 = 0.2;
/// ... or this quantile of all frames, when the take has too little pause to measure it (the
/// gaps between words are a tenth to a quarter of running speech).
const FLOOR_QUANTILE_ALL: f64 = 0.1;
/// Below this power (-90 dBFS) a recording is digitally silent: no noise to speak of.
const SILENT_POWER: f64 = 1e-9;
/// The ratio is reported within these bounds, dB: above 60 the noise is inaudible, and under
/// -10 the speech cannot be found to measure.
const SNR_RANGE_DB: (f64, f64) = (-10.0, 60.0);

/// The band whose power is compared, Hz: the telephone band, where speech carries its words.
/// A fan's rumble under it, or hiss over it, costs Whisper fewer words than its broadband
/// level says (a fan at 2 dB broadband cost 14 % of a real answer's words, white noise at 1 dB
/// 66 %).
pub const BAND_HZ: (f64, f64) = (300.0, 3400.0);

/// Power in [`BAND_HZ`] of each [`FRAME_S`] frame of mono `samples` at `rate` Hz (Hann window,
/// mean square scale). A last frame shorter than half a frame is left out.
pub fn frame_powers(samples: &[f32], rate: u32) -> Vec<f64> {
    let n = ((f64::from(rate) * FRAME_S) as usize).max(2);
    let mut planner = realfft::RealFftPlanner::<f64>::new();
    let fft = planner.plan_fft_forward(n);
    let window: Vec<f64> = (0..n)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n as f64).cos())
        .collect();
    let bin_hz = f64::from(rate.max(1)) / n as f64;
    let (lo, hi) = (
        (BAND_HZ.0 / bin_hz).round() as usize,
        (BAND_HZ.1 / bin_hz).round() as usize,
    );
    let scale = 2.0 / (window.iter().map(|w| w * w).sum::<f64>() * n as f64);
    let mut input = fft.make_input_vec();
    let mut spectrum = fft.make_output_vec();
    samples
        .chunks(n)
        .filter(|f| f.len() * 2 >= n)
        .map(|f| {
            for (i, x) in input.iter_mut().enumerate() {
                *x = f.get(i).map_or(0.0, |v| f64::from(*v)) * window[i];
            }
            if fft.process(&mut input, &mut spectrum).is_err() {
                return 0.0;
            }
            let end = hi.min(spectrum.len());
            spectrum[lo.min(end)..end]
                .iter()
                .map(|c| c.norm_sqr())
                .sum::<f64>()
                * scale
        })
        .collect()
}

fn quantile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[((values.len() - 1) as f64 * q).round() as usize])
}

fn frame_of(t: f64) -> usize {
    (t / FRAME_S).max(0.0) as usize
}

/// Whether frame `i` lies inside one of `regions` (seconds).
fn inside(i: usize, regions: &[(f64, f64)]) -> bool {
    regions
        .iter()
        .any(|&(a, b)| i >= frame_of(a) && i < frame_of(b).max(frame_of(a) + 1))
}

/// The take's noise floor, mean-square power: the [`FLOOR_QUANTILE`] of the frames outside
/// `busy` (speech and unsure stretches), when there are at least half a second of them, else of
/// all frames.
pub fn noise_floor(powers: &[f64], busy: &[(f64, f64)]) -> Option<f64> {
    let mut quiet: Vec<f64> = powers
        .iter()
        .enumerate()
        .filter(|&(i, _)| !inside(i, busy))
        .map(|(_, p)| *p)
        .collect();
    if (quiet.len() as f64) * FRAME_S < 0.5 {
        return quantile(&mut powers.to_vec(), FLOOR_QUANTILE_ALL);
    }
    quantile(&mut quiet, FLOOR_QUANTILE)
}

/// Signal-to-noise ratio of a take, dB: the speech frames' mean power (noise taken out) against
/// the noise floor ([`noise_floor`]). `speech` is where someone surely speaks, `busy` every
/// stretch that may be speech. `None` when there is no speech to measure; [`SNR_RANGE_DB`]'s
/// top for a digitally silent background.
pub fn snr_db(powers: &[f64], speech: &[(f64, f64)], busy: &[(f64, f64)]) -> Option<f64> {
    let in_speech: Vec<f64> = powers
        .iter()
        .enumerate()
        .filter(|&(i, _)| inside(i, speech))
        .map(|(_, p)| *p)
        .collect();
    if in_speech.is_empty() {
        return None;
    }
    let speech_power = in_speech.iter().sum::<f64>() / in_speech.len() as f64;
    let floor = noise_floor(powers, busy)?;
    if floor < SILENT_POWER {
        return Some(SNR_RANGE_DB.1);
    }
    let clean = (speech_power - floor).max(floor * 10f64.powf(SNR_RANGE_DB.0 / 10.0));
    let db = 10.0 * (clean / floor).log10();
    Some(db.clamp(SNR_RANGE_DB.0, SNR_RANGE_DB.1))
}

/// Stretches (seconds) where the signal stands [`ACTIVE_ABOVE_DB`] over the floor of all its
/// frames ([`FLOOR_QUANTILE_ALL`]), gaps under [`BRIDGE_S`] bridged, stretches under [`MIN_ACTIVE_S`] dropped. Empty
/// for a digitally silent or a steady (noise only) signal.
pub fn active(powers: &[f64]) -> Vec<(f64, f64)> {
    let Some(floor) = quantile(&mut powers.to_vec(), FLOOR_QUANTILE_ALL) else {
        return Vec::new();
    };
    let threshold = floor.max(SILENT_POWER) * 10f64.powf(ACTIVE_ABOVE_DB / 10.0);
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (i, p) in powers.iter().enumerate() {
        if *p < threshold {
            continue;
        }
        let (a, b) = (i as f64 * FRAME_S, (i + 1) as f64 * FRAME_S);
        match out.last_mut() {
            Some(last) if a - last.1 < BRIDGE_S => last.1 = b,
            _ => out.push((a, b)),
        }
    }
    out.retain(|&(a, b)| b - a >= MIN_ACTIVE_S);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames of `db` dBFS power, `n` of them.
    fn frames(db: f64, n: usize) -> Vec<f64> {
        vec![10f64.powf(db / 10.0); n]
    }

    #[test]
    fn snr_is_the_speech_over_the_floor() {
        // 2 s of noise at -50, 3 s of speech plus noise at -30 (so speech alone ~ -30.04).
        let mut p = frames(-50.0, 62);
        p.extend(frames(-30.0, 94));
        let speech = [(62.0 * FRAME_S, 156.0 * FRAME_S)];
        let snr = snr_db(&p, &speech, &speech).unwrap();
        assert!((snr - 20.0).abs() < 0.2, "{snr}");
    }

    #[test]
    fn no_speech_no_ratio_and_digital_silence_is_the_top() {
        let p = frames(-50.0, 100);
        assert_eq!(snr_db(&p, &[], &[]), None);
        let mut q = vec![0.0; 50];
        q.extend(frames(-20.0, 50));
        let speech = [(50.0 * FRAME_S, 100.0 * FRAME_S)];
        assert_eq!(snr_db(&q, &speech, &speech), Some(SNR_RANGE_DB.1));
    }

    #[test]
    fn a_take_that_is_all_speech_measures_the_floor_in_its_gaps() {
        // Speech everywhere by the detector; the quiet fifth of frames is the noise.
        let mut p = Vec::new();
        for _ in 0..20 {
            p.extend(frames(-25.0, 8));
            p.extend(frames(-45.0, 2));
        }
        let all = [(0.0, p.len() as f64 * FRAME_S)];
        let snr = snr_db(&p, &all, &all).unwrap();
        assert!((15.0..21.0).contains(&snr), "{snr}");
    }

    #[test]
    fn active_stretches_stand_above_the_floor() {
        let mut p = frames(-50.0, 60);
        p.extend(frames(-35.0, 30)); // 0.96 s of louder signal
        p.extend(frames(-50.0, 5)); // a 0.16 s gap: bridged
        p.extend(frames(-35.0, 20));
        p.extend(frames(-50.0, 60));
        p.extend(frames(-35.0, 3)); // a 0.1 s click: dropped
        p.extend(frames(-50.0, 30));
        let a = active(&p);
        assert_eq!(a.len(), 1, "{a:?}");
        assert!((a[0].0 - 60.0 * FRAME_S).abs() < 1e-9);
        assert!((a[0].1 - 115.0 * FRAME_S).abs() < 1e-9);
    }

    #[test]
    fn band_power_hears_a_voice_tone_and_not_a_rumble() {
        let tone = |hz: f64| -> Vec<f32> {
            (0..16_000)
                .map(|i| {
                    (0.1 * (2.0 * std::f64::consts::PI * hz * i as f64 / 16_000.0).sin()) as f32
                })
                .collect()
        };
        let voice = frame_powers(&tone(1000.0), 16_000);
        let rumble = frame_powers(&tone(60.0), 16_000);
        assert_eq!(voice.len(), 31);
        // A 0.1 sine has mean square 0.005.
        assert!((voice[5] - 0.005).abs() < 0.0005, "{}", voice[5]);
        assert!(rumble[5] < 1e-5, "{}", rumble[5]);
    }

    #[test]
    fn steady_noise_and_silence_have_no_active_stretch() {
        assert!(active(&frames(-40.0, 300)).is_empty());
        assert!(active(&vec![0.0; 300]).is_empty());
        assert!(active(&[]).is_empty());
    }
}
