//! Sample-rate conversion with rubato.
//!
//! FFT resampling for rates with a small common divisor (8, 22.05, 44.1, 48 kHz...), a
//! windowed-sinc resampler for odd rates where the FFT block would be huge. The resampler's
//! delay is removed so timestamps line up with the original audio.

use rubato::{
    FftFixedIn, Resampler, SincFixedIn, SincInterpolationParameters, SincInterpolationType,
    WindowFunction,
};

const CHUNK: usize = 4096;
/// Above this input block size the FFT resampler is not worth it.
const MAX_FFT_BLOCK: usize = 8192;

/// Convert mono `input` from `from` Hz to `to` Hz.
pub fn to_rate(input: &[f32], from: u32, to: u32) -> Result<Vec<f32>, String> {
    if from == to || input.is_empty() {
        return Ok(input.to_vec());
    }
    let (from_us, to_us) = (from as usize, to as usize);
    let expected = (input.len() as u64 * u64::from(to) / u64::from(from)) as usize;
    if from_us / gcd(from_us, to_us) <= MAX_FFT_BLOCK {
        let r = FftFixedIn::<f32>::new(from_us, to_us, CHUNK, 2, 1).map_err(|e| e.to_string())?;
        run(r, input, expected)
    } else {
        let params = SincInterpolationParameters {
            sinc_len: 128,
            f_cutoff: 0.95,
            oversampling_factor: 128,
            interpolation: SincInterpolationType::Linear,
            window: WindowFunction::BlackmanHarris2,
        };
        let r = SincFixedIn::<f32>::new(f64::from(to) / f64::from(from), 1.0, params, CHUNK, 1)
            .map_err(|e| e.to_string())?;
        run(r, input, expected)
    }
}

fn run(mut r: impl Resampler<f32>, input: &[f32], expected: usize) -> Result<Vec<f32>, String> {
    let delay = r.output_delay();
    let mut out = Vec::with_capacity(expected + delay + CHUNK);
    let mut pos = 0;
    while pos + r.input_frames_next() <= input.len() {
        let n = r.input_frames_next();
        let block = r
            .process(&[&input[pos..pos + n]], None)
            .map_err(|e| e.to_string())?;
        out.extend_from_slice(&block[0]);
        pos += n;
    }
    if pos < input.len() {
        let block = r
            .process_partial(Some(&[&input[pos..]]), None)
            .map_err(|e| e.to_string())?;
        out.extend_from_slice(&block[0]);
    }
    // Flush the resampler's internal delay with silence.
    while out.len() < expected + delay {
        let block = r
            .process_partial::<&[f32]>(None, None)
            .map_err(|e| e.to_string())?;
        if block[0].is_empty() {
            break;
        }
        out.extend_from_slice(&block[0]);
    }
    out.drain(..delay.min(out.len()));
    out.truncate(expected);
    Ok(out)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, hz: f32, seconds: f32) -> Vec<f32> {
        (0..(rate as f32 * seconds) as usize)
            .map(|i| (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    }

    /// Index of the first sample above half the peak.
    fn onset(x: &[f32]) -> usize {
        x.iter().position(|v| v.abs() > 0.25).unwrap()
    }

    #[test]
    fn common_rates_keep_duration_and_level() {
        for from in [8000, 22050, 44100, 48000, 44101] {
            let out = to_rate(&tone(from, 440.0, 2.0), from, 16000).unwrap();
            assert_eq!(out.len(), 32000, "from {from}");
            let peak = out[1000..31000].iter().fold(0f32, |m, v| m.max(v.abs()));
            assert!((peak - 0.5).abs() < 0.05, "from {from}: peak {peak}");
        }
    }

    #[test]
    fn timing_is_preserved_after_removing_the_delay() {
        // Silence for 1 s, then a tone: the onset must stay at 1 s.
        let mut x = vec![0.0; 48000];
        x.extend(tone(48000, 300.0, 1.0));
        let out = to_rate(&x, 48000, 16000).unwrap();
        let at = onset(&out) as i64;
        assert!((at - 16000).abs() < 40, "onset at {at}");
    }

    #[test]
    fn same_rate_is_a_copy() {
        assert_eq!(to_rate(&[0.1, 0.2], 16000, 16000).unwrap(), vec![0.1, 0.2]);
    }
}
