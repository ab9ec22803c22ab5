//! Sample-rate conversion with rubato, block by block.
//!
//! [`StreamResampler`] takes mono audio in blocks of any size as they are decoded and appends
//! the converted samples to an output buffer, so a long recording is never held at its source
//! rate. FFT resampling is used for rates with a small common divisor (8, 22.05, 44.1, 48 kHz...),
//! a windowed-sinc resampler for odd rates where the FFT block would be huge. The resampler's
//! delay is removed so timestamps line up with the original audio.

use rubato::{
    FftFixedIn, SincFixedIn, SincInterpolationParameters, SincInterpolationType, WindowFunction,
};

// An object-safe face of rubato's `Resampler` for slices, so one stream type covers both kinds.
rubato::implement_resampler!(SliceResampler, &[&[T]], &mut [Vec<T>]);

const CHUNK: usize = 4096;
/// Above this input block size the FFT resampler is not worth it.
const MAX_FFT_BLOCK: usize = 8192;

/// Converts a mono stream from one rate to another, appending to the caller's buffer.
pub struct StreamResampler {
    engine: Option<Box<dyn SliceResampler<f32>>>,
    from: u32,
    to: u32,
    /// Input waiting for a full block.
    pending: Vec<f32>,
    /// Output samples still to drop at the start (the resampler's delay).
    skip: usize,
    /// Input samples taken so far.
    consumed: u64,
    /// Output samples written so far.
    produced: u64,
}

impl StreamResampler {
    pub fn new(from: u32, to: u32) -> Result<Self, String> {
        if from == 0 || to == 0 {
            return Err(format!("cannot resample from {from} Hz to {to} Hz"));
        }
        let engine: Option<Box<dyn SliceResampler<f32>>> = if from == to {
            None
        } else {
            let (from_us, to_us) = (from as usize, to as usize);
            if from_us / gcd(from_us, to_us) <= MAX_FFT_BLOCK {
                Some(Box::new(
                    FftFixedIn::<f32>::new(from_us, to_us, CHUNK, 2, 1)
                        .map_err(|e| e.to_string())?,
                ))
            } else {
                let params = SincInterpolationParameters {
                    sinc_len: 128,
                    f_cutoff: 0.95,
                    oversampling_factor: 128,
                    interpolation: SincInterpolationType::Linear,
                    window: WindowFunction::BlackmanHarris2,
                };
                Some(Box::new(
                    SincFixedIn::<f32>::new(f64::from(to) / f64::from(from), 1.0, params, CHUNK, 1)
                        .map_err(|e| e.to_string())?,
                ))
            }
        };
        let skip = engine.as_ref().map_or(0, |e| e.output_delay());
        Ok(StreamResampler {
            engine,
            from,
            to,
            pending: Vec::with_capacity(CHUNK * 2),
            skip,
            consumed: 0,
            produced: 0,
        })
    }

    /// How many output samples `input_len` source samples become.
    pub fn expected_len(&self, input_len: u64) -> u64 {
        input_len * u64::from(self.to) / u64::from(self.from)
    }

    /// Feed the next block of mono samples; converted samples are appended to `out`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<(), String> {
        self.consumed += input.len() as u64;
        let Some(engine) = self.engine.as_mut() else {
            out.extend_from_slice(input);
            self.produced += input.len() as u64;
            return Ok(());
        };
        let mut rest = input;
        loop {
            let need = engine.input_frames_next();
            if self.pending.is_empty() && rest.len() >= need {
                // Whole blocks straight from the input, without copying.
                let block = engine
                    .process(&[&rest[..need]], None)
                    .map_err(|e| e.to_string())?;
                rest = &rest[need..];
                Self::emit(&mut self.skip, &mut self.produced, &block[0], out);
                continue;
            }
            let take = (need - self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() < need {
                break;
            }
            let block = engine
                .process(&[&self.pending[..]], None)
                .map_err(|e| e.to_string())?;
            self.pending.clear();
            Self::emit(&mut self.skip, &mut self.produced, &block[0], out);
        }
        Ok(())
    }

    /// Flush what is left; afterwards `out` holds exactly `expected_len(all input)` samples
    /// from this stream.
    pub fn finish(mut self, out: &mut Vec<f32>) -> Result<(), String> {
        let expected = self.expected_len(self.consumed);
        if let Some(engine) = self.engine.as_mut() {
            if !self.pending.is_empty() {
                let block = engine
                    .process_partial(Some(&[&self.pending[..]]), None)
                    .map_err(|e| e.to_string())?;
                Self::emit(&mut self.skip, &mut self.produced, &block[0], out);
            }
            // Flush the resampler's internal delay with silence.
            while self.produced < expected {
                let block = engine
                    .process_partial(None, None)
                    .map_err(|e| e.to_string())?;
                if block[0].is_empty() {
                    break;
                }
                Self::emit(&mut self.skip, &mut self.produced, &block[0], out);
            }
        }
        if self.produced > expected {
            let extra = (self.produced - expected) as usize;
            out.truncate(out.len().saturating_sub(extra));
        }
        Ok(())
    }

    fn emit(skip: &mut usize, produced: &mut u64, block: &[f32], out: &mut Vec<f32>) {
        let drop = (*skip).min(block.len());
        *skip -= drop;
        out.extend_from_slice(&block[drop..]);
        *produced += (block.len() - drop) as u64;
    }
}

/// Convert mono `input` from `from` Hz to `to` Hz in one go.
pub fn to_rate(input: &[f32], from: u32, to: u32) -> Result<Vec<f32>, String> {
    if from == to || input.is_empty() {
        return Ok(input.to_vec());
    }
    let mut r = StreamResampler::new(from, to)?;
    let mut out = Vec::with_capacity(r.expected_len(input.len() as u64) as usize + CHUNK);
    r.push(input, &mut out)?;
    r.finish(&mut out)?;
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

    #[test]
    fn blocks_of_any_size_give_the_same_result_as_one_go() {
        for from in [44100, 8000, 44101] {
            let x = tone(from, 220.0, 1.3);
            let whole = to_rate(&x, from, 16000).unwrap();
            for block in [1, 7, 1000, 4096, 5000] {
                let mut r = StreamResampler::new(from, 16000).unwrap();
                let mut out = Vec::new();
                for piece in x.chunks(block) {
                    r.push(piece, &mut out).unwrap();
                }
                r.finish(&mut out).unwrap();
                assert_eq!(out.len(), whole.len(), "from {from}, blocks of {block}");
                let max_diff = out
                    .iter()
                    .zip(&whole)
                    .fold(0f32, |m, (a, b)| m.max((a - b).abs()));
                assert!(
                    max_diff < 1e-4,
                    "from {from}, blocks of {block}: {max_diff}"
                );
            }
        }
    }

    #[test]
    fn a_stream_shorter_than_one_block_is_kept() {
        let x = tone(48000, 300.0, 0.01);
        let out = to_rate(&x, 48000, 16000).unwrap();
        assert_eq!(out.len(), 160);
    }
}
