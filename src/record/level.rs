//! The live level meter: how loud the input is, and whether it is clipping or too quiet.
//!
//! Samples are measured in blocks of 100 ms (RMS level in dBFS, peak, full-scale samples).
//! A warning is held while its cause is recent, so a one-block event stays readable on screen:
//! clipping for a second after it happened; "too quiet" when even the loudest block of the last
//! few seconds stays below the level at which the analysis finds speech reliably.

use std::collections::VecDeque;

/// A sample at or above this magnitude is at full scale (the same rule the analysis uses).
pub const CLIP_LEVEL: f32 = 0.999;
/// Meter block length, seconds.
const BLOCK_S: f64 = 0.1;
/// Full-scale samples in one block that count as clipping (one alone can be a legitimate peak).
const CLIPPED_PER_BLOCK: usize = 3;
/// How long a clipping warning stays up, seconds.
const CLIP_HOLD_S: f64 = 1.0;
/// Loud speech should reach this level (dBFS, 100 ms RMS); the voice-activity detector gives up
/// on a take whose loud frames stay under -50 dBFS, and Whisper needs some margin above that.
pub const QUIET_DB: f64 = -45.0;
/// How much input the "too quiet" judgement looks at, seconds.
const QUIET_WINDOW_S: f64 = 4.0;
/// The level shown for digital silence.
pub const FLOOR_DB: f64 = -90.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockLevel {
    /// RMS level, dBFS.
    pub rms_db: f64,
    /// Largest magnitude, 0.0..=1.0.
    pub peak: f32,
    /// Samples at full scale.
    pub clipped: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    Clipping,
    TooQuiet,
}

impl Warning {
    /// For the live meter line.
    pub fn short(self) -> &'static str {
        match self {
            Warning::Clipping => "CLIPPING: lower the gain",
            Warning::TooQuiet => "TOO QUIET: speak up",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Warning::Clipping => "clipping: lower the input gain or move back from the microphone",
            Warning::TooQuiet => {
                "too quiet to transcribe: speak up, move closer, or raise the input gain"
            }
        }
    }
}

/// What the whole take looked like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelSummary {
    /// Loudest 100 ms block, dBFS.
    pub loudest_db: f64,
    /// Share of samples at full scale.
    pub clipped_share: f64,
    pub seconds: f64,
}

impl LevelSummary {
    /// The warning that applies to the take as a whole, if any.
    pub fn warning(&self) -> Option<Warning> {
        if self.clipped_share > 0.001 {
            Some(Warning::Clipping)
        } else if self.seconds > 0.0 && self.loudest_db < QUIET_DB {
            Some(Warning::TooQuiet)
        } else {
            None
        }
    }
}

pub struct LevelMeter {
    block_samples: usize,
    // The block being filled.
    sum_sq: f64,
    peak: f32,
    clipped: usize,
    filled: usize,
    // Finished blocks, newest last, as many as the longest look-back needs.
    recent: VecDeque<BlockLevel>,
    keep: usize,
    // Whole take.
    total_samples: u64,
    total_clipped: u64,
    loudest_db: f64,
    channels: u16,
    rate: u32,
}

impl LevelMeter {
    pub fn new(sample_rate: u32, channels: u16) -> Self {
        let block_frames = (f64::from(sample_rate) * BLOCK_S).round().max(1.0) as usize;
        LevelMeter {
            block_samples: block_frames * usize::from(channels.max(1)),
            sum_sq: 0.0,
            peak: 0.0,
            clipped: 0,
            filled: 0,
            recent: VecDeque::new(),
            keep: (QUIET_WINDOW_S.max(CLIP_HOLD_S) / BLOCK_S).round() as usize,
            total_samples: 0,
            total_clipped: 0,
            loudest_db: FLOOR_DB,
            channels: channels.max(1),
            rate: sample_rate.max(1),
        }
    }

    /// Measure interleaved samples scaled to -1.0..=1.0.
    pub fn push(&mut self, samples: &[f32]) {
        for &s in samples {
            let a = s.abs();
            self.sum_sq += f64::from(s) * f64::from(s);
            self.peak = self.peak.max(a);
            if a >= CLIP_LEVEL {
                self.clipped += 1;
            }
            self.filled += 1;
            if self.filled == self.block_samples {
                self.finish_block();
            }
        }
    }

    fn finish_block(&mut self) {
        let block = BlockLevel {
            rms_db: to_db(self.sum_sq / self.filled.max(1) as f64),
            peak: self.peak,
            clipped: self.clipped,
        };
        self.total_samples += self.filled as u64;
        self.total_clipped += self.clipped as u64;
        self.loudest_db = self.loudest_db.max(block.rms_db);
        self.recent.push_back(block);
        if self.recent.len() > self.keep {
            self.recent.pop_front();
        }
        (self.sum_sq, self.peak, self.clipped, self.filled) = (0.0, 0.0, 0, 0);
    }

    /// The latest finished block, if any.
    pub fn current(&self) -> Option<BlockLevel> {
        self.recent.back().copied()
    }

    /// What to warn about now: clipping first (it ruins audio), then a too-quiet input.
    pub fn warning(&self) -> Option<Warning> {
        let clip_blocks = (CLIP_HOLD_S / BLOCK_S).round() as usize;
        let clipping = self
            .recent
            .iter()
            .rev()
            .take(clip_blocks)
            .any(|b| b.clipped >= CLIPPED_PER_BLOCK);
        if clipping {
            return Some(Warning::Clipping);
        }
        let quiet_blocks = (QUIET_WINDOW_S / BLOCK_S).round() as usize;
        let enough = self.recent.len() >= quiet_blocks;
        let loudest = self
            .recent
            .iter()
            .rev()
            .take(quiet_blocks)
            .map(|b| b.rms_db)
            .fold(FLOOR_DB, f64::max);
        (enough && loudest < QUIET_DB).then_some(Warning::TooQuiet)
    }

    pub fn summary(&self) -> LevelSummary {
        let samples = self.total_samples + self.filled as u64;
        let clipped = self.total_clipped + self.clipped as u64;
        let pending_db = to_db(self.sum_sq / self.filled.max(1) as f64);
        LevelSummary {
            loudest_db: if self.filled > 0 {
                self.loudest_db.max(pending_db)
            } else {
                self.loudest_db
            },
            clipped_share: if samples == 0 {
                0.0
            } else {
                clipped as f64 / samples as f64
            },
            seconds: samples as f64 / f64::from(self.channels) / f64::from(self.rate),
        }
    }
}

/// Mean square to dBFS (a full-scale square wave is 0 dBFS), floored for silence.
fn to_db(mean_square: f64) -> f64 {
    if mean_square <= 0.0 {
        FLOOR_DB
    } else {
        (10.0 * mean_square.log10()).max(FLOOR_DB)
    }
}

/// A text meter `width` characters wide spanning -60..0 dBFS.
pub fn meter_bar(db: f64, width: usize) -> String {
    let filled = (((db + 60.0) / 60.0).clamp(0.0, 1.0) * width as f64).round() as usize;
    format!("{}{}", "#".repeat(filled), "-".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 16_000;

    fn sine(amplitude: f32, seconds: f64) -> Vec<f32> {
        let n = (f64::from(RATE) * seconds) as usize;
        (0..n)
            .map(|i| amplitude * (i as f32 * 440.0 * std::f32::consts::TAU / RATE as f32).sin())
            .collect()
    }

    #[test]
    fn a_sine_reads_three_db_under_its_peak() {
        let mut m = LevelMeter::new(RATE, 1);
        m.push(&sine(0.5, 0.5));
        let b = m.current().expect("five blocks");
        // 0.5 amplitude: peak -6 dBFS, RMS -9 dBFS.
        assert!((b.rms_db + 9.03).abs() < 0.1, "{}", b.rms_db);
        assert!((b.peak - 0.5).abs() < 0.01);
        assert_eq!(m.warning(), None);
    }

    #[test]
    fn full_scale_samples_raise_a_clipping_warning_that_fades() {
        let mut m = LevelMeter::new(RATE, 1);
        let mut loud = sine(0.3, 0.1);
        loud[10..20].fill(1.0);
        m.push(&loud);
        assert_eq!(m.warning(), Some(Warning::Clipping));
        m.push(&sine(0.3, 1.2));
        assert_eq!(
            m.warning(),
            None,
            "clipping warning should clear after a second"
        );
    }

    #[test]
    fn a_single_full_scale_peak_is_not_clipping() {
        let mut m = LevelMeter::new(RATE, 1);
        let mut s = sine(0.3, 0.2);
        s[5] = 1.0;
        m.push(&s);
        assert_eq!(m.warning(), None);
    }

    #[test]
    fn whisper_quiet_input_is_flagged_after_the_window() {
        let mut m = LevelMeter::new(RATE, 1);
        m.push(&sine(0.001, 3.0)); // about -63 dBFS
        assert_eq!(m.warning(), None, "too early to judge");
        m.push(&sine(0.001, 1.5));
        assert_eq!(m.warning(), Some(Warning::TooQuiet));
        m.push(&sine(0.2, 0.2));
        assert_eq!(m.warning(), None, "one loud block in the window is enough");
    }

    #[test]
    fn normal_speech_level_is_not_too_quiet() {
        let mut m = LevelMeter::new(RATE, 2);
        m.push(&sine(0.05, 10.0)); // -29 dBFS RMS
        assert_eq!(m.warning(), None);
        assert_eq!(m.summary().warning(), None);
    }

    #[test]
    fn summary_covers_the_whole_take() {
        let mut m = LevelMeter::new(RATE, 1);
        let mut s = sine(0.001, 2.0);
        s[..100].fill(-1.0);
        m.push(&s);
        let sum = m.summary();
        assert!((sum.seconds - 2.0).abs() < 1e-9);
        assert!((sum.clipped_share - 100.0 / 32_000.0).abs() < 1e-9);
        assert_eq!(sum.warning(), Some(Warning::Clipping));
        let mut quiet = LevelMeter::new(RATE, 1);
        quiet.push(&sine(0.001, 2.05));
        assert_eq!(quiet.summary().warning(), Some(Warning::TooQuiet));
    }

    #[test]
    fn silence_sits_at_the_floor() {
        let mut m = LevelMeter::new(RATE, 1);
        m.push(&vec![0.0; 1600]);
        assert_eq!(m.current().map(|b| b.rms_db), Some(FLOOR_DB));
    }

    #[test]
    fn meter_bar_spans_sixty_db() {
        assert_eq!(meter_bar(0.0, 10), "##########");
        assert_eq!(meter_bar(-30.0, 10), "#####-----");
        assert_eq!(meter_bar(-90.0, 10), "----------");
        assert_eq!(meter_bar(6.0, 4), "####");
    }
}
