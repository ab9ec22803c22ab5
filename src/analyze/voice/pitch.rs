//! The pitch track: fundamental frequency (F0) of the voiced speech, frame by frame.
//!
//! F0 comes from pYIN (Mauch & Dixon 2014) through the `pyin` crate, a port of librosa's
//! implementation: YIN's difference function with a probabilistic threshold, then a hidden
//! Markov model that decodes the most likely path of pitch and voicing. The HMM already keeps
//! the track from leaping about; what octave errors remain (a frame a whole octave above or
//! below its neighbours) are folded back or dropped by [`repair_octaves`].
//!
//! Only the speech regions found by the voice activity detector are tracked, in blocks of at
//! most [`BLOCK_S`] seconds cut at silences, so silence costs nothing and memory stays flat on
//! long takes.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use pyin::{Framing, PYINExecutor, PadMode};

/// Lowest and highest F0 looked for, Hz: a low male voice to a high female one.
pub const FMIN_HZ: f64 = 60.0;
pub const FMAX_HZ: f64 = 400.0;
/// Analysis frame (64 ms at 16 kHz: four periods of the lowest F0) and hop (20 ms).
const FRAME: usize = 1024;
const HOP: usize = 320;
/// Pitch resolution of the HMM's states, semitones. pYIN's Viterbi costs the square of the
/// number of states; a quarter semitone keeps it a few milliseconds per second of audio.
const RESOLUTION_ST: f64 = 0.25;
/// Speech is tracked in blocks of at most this many seconds (cut at silences).
pub const BLOCK_S: f64 = 20.0;
/// Silence kept around each block, seconds, so the first and last syllables have context.
const BLOCK_PAD_S: f64 = 0.1;
/// A frame this far (semitones) from its neighbours' median is an octave error candidate.
const OCTAVE_SUSPECT_ST: f64 = 7.0;
/// Neighbourhood for that median, seconds either side.
const LOCAL_S: f64 = 0.75;

/// One voiced frame: its centre time (seconds from the start of the take) and F0 in Hz.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PitchFrame {
    pub time_s: f64,
    pub hz: f64,
}

/// Seconds between frames of the track.
pub fn hop_s(rate: u32) -> f64 {
    HOP as f64 / f64::from(rate.max(1))
}

/// Semitones of `hz` relative to 100 Hz.
pub fn semitones(hz: f64) -> f64 {
    12.0 * (hz / 100.0).log2()
}

/// Hz of `st` semitones relative to 100 Hz.
pub fn hz(st: f64) -> f64 {
    100.0 * (st / 12.0).exp2()
}

/// The voiced frames of the speech in `regions` (`(start_s, end_s)`, ordered) of mono
/// `samples` at `rate` Hz, octave errors repaired. Empty when nothing is voiced, or when the
/// rate is too low to look for [`FMAX_HZ`].
pub fn track(samples: &[f32], rate: u32, regions: &[(f64, f64)]) -> Vec<PitchFrame> {
    track_with(samples, rate, regions, None)
}

/// [`track`], taking the blocks already tracked from `cache` (and adding the others): the
/// same frames, as a block's frames depend only on its samples and bounds.
pub fn track_with(
    samples: &[f32],
    rate: u32,
    regions: &[(f64, f64)],
    cache: Option<&PitchCache>,
) -> Vec<PitchFrame> {
    let mut tracker = Tracker::new(rate);
    let mut frames = Vec::new();
    for block in Block::all(samples.len(), rate, regions) {
        frames.extend(match cache {
            Some(c) => c.frames(samples, &block, &mut tracker),
            None => tracker.track(samples, &block),
        });
    }
    repair_octaves(&frames)
}

/// One block of speech regions to track: its time span and the samples read for it (the
/// span padded by [`BLOCK_PAD_S`]).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Block {
    start_s: f64,
    end_s: f64,
    from: usize,
    to: usize,
}

impl Block {
    /// The blocks of `regions` in a take of `len` samples at `rate` Hz, none when the rate
    /// is too low to look for [`FMAX_HZ`].
    fn all(len: usize, rate: u32, regions: &[(f64, f64)]) -> Vec<Block> {
        if f64::from(rate) < 2.0 * FMAX_HZ {
            return Vec::new();
        }
        blocks(regions, BLOCK_S)
            .into_iter()
            .filter_map(|(start_s, end_s)| {
                let from = ((start_s - BLOCK_PAD_S).max(0.0) * f64::from(rate)) as usize;
                let to = (((end_s + BLOCK_PAD_S) * f64::from(rate)) as usize).min(len);
                (to > from + HOP).then_some(Block {
                    start_s,
                    end_s,
                    from,
                    to,
                })
            })
            .collect()
    }
}

/// pYIN at one rate, made when the first block needs it.
struct Tracker {
    rate: u32,
    executor: Option<PYINExecutor<f32>>,
}

impl Tracker {
    fn new(rate: u32) -> Self {
        Tracker {
            rate,
            executor: None,
        }
    }

    /// The voiced frames of one block, octave errors not yet repaired.
    fn track(&mut self, samples: &[f32], b: &Block) -> Vec<PitchFrame> {
        let rate = self.rate;
        let executor = self.executor.get_or_insert_with(|| {
            PYINExecutor::new(
                FMIN_HZ,
                FMAX_HZ,
                rate,
                FRAME,
                None,
                Some(HOP),
                Some(RESOLUTION_ST),
            )
        });
        let block: Vec<f32> = samples[b.from..b.to]
            .iter()
            .map(|&x| {
                if x.is_finite() {
                    x.clamp(-1.0, 1.0)
                } else {
                    0.0
                }
            })
            .collect();
        let offset = b.from as f64 / f64::from(rate);
        let (times, f0, voiced, _) =
            executor.pyin(&block, f32::NAN, Framing::Center(PadMode::Constant(0.0)));
        times
            .into_iter()
            .zip(f0)
            .zip(voiced)
            .filter_map(|((t, f), v)| {
                let time_s = t + offset;
                (v && f.is_finite() && time_s >= b.start_s && time_s <= b.end_s).then_some(
                    PitchFrame {
                        time_s,
                        hz: f64::from(f),
                    },
                )
            })
            .collect()
    }
}

/// Blocks of the pitch track remembered by their exact samples and bounds, so a take tracked
/// while it is recorded ([`crate::live`]) is not tracked again when the finished take is
/// analysed: a block of speech is final once the next one has begun (blocks are cut at
/// silences every [`BLOCK_S`] seconds or so). A block whose samples differ by one bit is a
/// miss and is tracked.
#[derive(Debug, Default)]
pub struct PitchCache {
    blocks: Mutex<HashMap<BlockKey, Vec<PitchFrame>>>,
    /// The bounds of the blocks [`PitchCache::track_ahead`] has tracked: a take being
    /// recorded only grows, so those are not hashed again at every look.
    ahead: Mutex<HashSet<Bounds>>,
    hits: AtomicUsize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct BlockKey {
    audio: u64,
    bounds: Bounds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Bounds {
    rate: u32,
    from: usize,
    to: usize,
    start_bits: u64,
    end_bits: u64,
}

impl Bounds {
    fn new(rate: u32, b: &Block) -> Self {
        Bounds {
            rate,
            from: b.from,
            to: b.to,
            start_bits: b.start_s.to_bits(),
            end_bits: b.end_s.to_bits(),
        }
    }
}

/// Blocks a [`PitchCache`] holds at most (an hour of speech); past that it starts again.
const CACHE_BLOCKS: usize = 200;

impl PitchCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Blocks answered from memory so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Blocks held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<BlockKey, Vec<PitchFrame>>> {
        self.blocks.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn ahead(&self) -> MutexGuard<'_, HashSet<Bounds>> {
        self.ahead.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Track ahead, while the take is still being recorded, the blocks of `regions` that the
    /// finished take will have: those whose padded span ends by `settled_s` (seconds of the
    /// take the speech detector will not revise) and that are followed by another block (a
    /// block is closed once the next has begun), or, when `ending` (the speaker seems to be
    /// done), the last one too. Returns how many blocks were tracked now.
    pub fn track_ahead(
        &self,
        samples: &[f32],
        rate: u32,
        regions: &[(f64, f64)],
        settled_s: f64,
        ending: bool,
    ) -> usize {
        let blocks = Block::all(samples.len(), rate, regions);
        let last = blocks.len().saturating_sub(1);
        let mut tracker = Tracker::new(rate);
        let mut tracked = 0;
        for (i, b) in blocks.iter().enumerate() {
            let padded_end_s = b.end_s + BLOCK_PAD_S;
            if padded_end_s > settled_s || (i == last && !ending) {
                break;
            }
            let bounds = Bounds::new(rate, b);
            if self.ahead().contains(&bounds) {
                continue;
            }
            let key = BlockKey::new(samples, rate, b);
            if !self.lock().contains_key(&key) {
                let frames = tracker.track(samples, b);
                self.insert(key, frames);
                tracked += 1;
            }
            self.ahead().insert(bounds);
        }
        tracked
    }

    /// The frames of `block`, from memory or tracked now and remembered.
    fn frames(&self, samples: &[f32], block: &Block, tracker: &mut Tracker) -> Vec<PitchFrame> {
        let key = BlockKey::new(samples, tracker.rate, block);
        if let Some(f) = self.lock().get(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return f.clone();
        }
        let frames = tracker.track(samples, block);
        self.insert(key, frames.clone());
        frames
    }

    fn insert(&self, key: BlockKey, frames: Vec<PitchFrame>) {
        let mut blocks = self.lock();
        if blocks.len() >= CACHE_BLOCKS {
            blocks.clear();
            self.ahead().clear();
        }
        blocks.insert(key, frames);
    }
}

impl BlockKey {
    fn new(samples: &[f32], rate: u32, b: &Block) -> Self {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for v in &samples[b.from..b.to] {
            v.to_bits().hash(&mut h);
        }
        BlockKey {
            audio: h.finish(),
            bounds: Bounds::new(rate, b),
        }
    }
}

/// Group ordered speech regions into blocks no longer than `max_s` (a single longer region
/// is split), each starting and ending at a region's edge where possible.
fn blocks(regions: &[(f64, f64)], max_s: f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for &(a, b) in regions.iter().filter(|(a, b)| b > a) {
        match out.last_mut() {
            Some(last) if b - last.0 <= max_s => last.1 = b,
            _ => {
                let mut s = a;
                while b - s > max_s {
                    out.push((s, s + max_s));
                    s += max_s;
                }
                out.push((s, b));
            }
        }
    }
    out
}

/// Fold frames an octave away from their neighbours back (by 12 semitones) when that puts
/// them among the neighbours, and drop those that fit nowhere. The neighbours are the voiced
/// frames within `LOCAL_S` (0.75) seconds; their median is the reference.
pub fn repair_octaves(frames: &[PitchFrame]) -> Vec<PitchFrame> {
    let st: Vec<f64> = frames.iter().map(|f| semitones(f.hz)).collect();
    let mut out = Vec::with_capacity(frames.len());
    let mut lo = 0;
    let mut hi = 0;
    for (i, f) in frames.iter().enumerate() {
        while frames[lo].time_s < f.time_s - LOCAL_S {
            lo += 1;
        }
        while hi < frames.len() && frames[hi].time_s <= f.time_s + LOCAL_S {
            hi += 1;
        }
        let reference = median(&st[lo..hi]);
        let d = st[i] - reference;
        if d.abs() <= OCTAVE_SUSPECT_ST {
            out.push(*f);
            continue;
        }
        let folded = st[i] - 12.0 * d.signum();
        if (folded - reference).abs() <= 12.0 - OCTAVE_SUSPECT_ST {
            out.push(PitchFrame {
                time_s: f.time_s,
                hz: hz(folded),
            });
        }
    }
    out
}

/// Median of `values` (NaN for none).
pub fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

/// The `q` quantile of `values` by nearest rank (NaN for none).
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize]
}

/// Population standard deviation of `values` (NaN for fewer than two).
pub fn std_dev(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return f64::NAN;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const RATE: u32 = 16_000;

    /// A voice-like tone: a pulse-rich wave (ten harmonics falling off as 1/k) whose F0 follows
    /// `f0(t)`, at peak amplitude about `amp`.
    pub(crate) fn voice(seconds: f64, amp: f32, f0: impl Fn(f64) -> f64) -> Vec<f32> {
        let n = (seconds * f64::from(RATE)) as usize;
        let mut phase = 0.0f64;
        (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(RATE);
                phase += std::f64::consts::TAU * f0(t) / f64::from(RATE);
                let x: f64 = (1..=10).map(|k| (phase * k as f64).sin() / k as f64).sum();
                (x * 0.6) as f32 * amp
            })
            .collect()
    }

    fn whole(samples: &[f32]) -> Vec<(f64, f64)> {
        vec![(0.0, samples.len() as f64 / f64::from(RATE))]
    }

    #[test]
    fn a_steady_tone_has_its_pitch() {
        for f0 in [85.0, 120.0, 220.0] {
            let x = voice(2.0, 0.3, |_| f0);
            let frames = track(&x, RATE, &whole(&x));
            assert!(frames.len() > 80, "{f0} Hz: {} voiced frames", frames.len());
            let hz: Vec<f64> = frames.iter().map(|f| f.hz).collect();
            let m = median(&hz);
            assert!((m / f0 - 1.0).abs() < 0.02, "{f0} Hz measured as {m:.1} Hz");
            let st: Vec<f64> = hz.iter().map(|&h| semitones(h)).collect();
            assert!(
                std_dev(&st) < 0.3,
                "a steady tone varies {:.2} st",
                std_dev(&st)
            );
        }
    }

    #[test]
    fn a_glide_spans_its_range() {
        // 100 Hz to 200 Hz over 3 s: an octave, evenly in semitones (sd of a uniform 12 st
        // spread is 12 / sqrt(12) = 3.46 st).
        let x = voice(3.0, 0.3, |t| 100.0 * (t / 3.0).exp2());
        let frames = track(&x, RATE, &whole(&x));
        let st: Vec<f64> = frames.iter().map(|f| semitones(f.hz)).collect();
        let sd = std_dev(&st);
        assert!((sd - 3.46).abs() < 0.35, "sd {sd:.2} st");
        assert!(quantile(&st, 0.02) < 1.0 && quantile(&st, 0.98) > 11.0);
    }

    #[test]
    fn silence_and_noise_are_not_voiced() {
        let silence = vec![0.0f32; 32_000];
        assert!(track(&silence, RATE, &whole(&silence)).is_empty());
        let mut seed = 7u32;
        let noise: Vec<f32> = (0..32_000)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                ((seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 0.2
            })
            .collect();
        let voiced = track(&noise, RATE, &whole(&noise)).len();
        assert!(voiced < 10, "{voiced} frames of white noise called voiced");
    }

    #[test]
    fn only_the_given_regions_are_tracked() {
        let mut x = vec![0.0f32; 16_000];
        x.extend(voice(1.0, 0.3, |_| 150.0));
        let frames = track(&x, RATE, &[(1.0, 2.0)]);
        assert!(!frames.is_empty());
        assert!(frames.iter().all(|f| f.time_s >= 1.0 && f.time_s <= 2.0));
        assert!(track(&x, RATE, &[]).is_empty());
        assert!(
            track(&x, 400, &[(1.0, 2.0)]).is_empty(),
            "8x too low a rate"
        );
    }

    /// A take of three 12 s stretches of voice with 1 s of silence between them: three
    /// blocks of the track.
    fn three_blocks() -> (Vec<f32>, Vec<(f64, f64)>) {
        let mut x = Vec::new();
        for (k, f0) in [110.0, 160.0, 210.0].into_iter().enumerate() {
            if k > 0 {
                x.extend(vec![0.0f32; RATE as usize]);
            }
            x.extend(voice(12.0, 0.3, move |t| {
                f0 * (1.0 + 0.05 * (t * 2.0).sin())
            }));
        }
        x.extend(vec![0.0f32; RATE as usize]);
        (x, vec![(0.0, 12.0), (13.0, 25.0), (26.0, 38.0)])
    }

    #[test]
    fn blocks_tracked_ahead_give_the_same_track() {
        let (x, regions) = three_blocks();
        assert_eq!(Block::all(x.len(), RATE, &regions).len(), 3);
        let fresh = track(&x, RATE, &regions);
        assert!(fresh.len() > 1000, "{} voiced frames", fresh.len());

        // Recording, 30 s in: the second block may still grow (its regions span under
        // BLOCK_S), so only the first is tracked ahead.
        let cache = PitchCache::new();
        let early = [(0.0, 12.0), (13.0, 25.0), (26.0, 30.0)];
        assert_eq!(
            cache.track_ahead(&x[..30 * RATE as usize], RATE, &early, 28.7, false),
            1
        );
        // 36 s in: the third stretch has gone past 20 s from the second's start, so the
        // second block is closed; the third is not (the speaker goes on).
        let so_far = &x[..36 * RATE as usize];
        let open = [(0.0, 12.0), (13.0, 25.0), (26.0, 35.0)];
        assert_eq!(cache.track_ahead(so_far, RATE, &open, 34.7, false), 1);
        // Looking again tracks nothing twice.
        assert_eq!(cache.track_ahead(so_far, RATE, &open, 34.7, false), 0);
        // The first block's padded end not settled yet: nothing.
        assert_eq!(
            PitchCache::new().track_ahead(so_far, RATE, &open, 12.0, false),
            0
        );

        let remembered = track_with(&x, RATE, &regions, Some(&cache));
        assert_eq!(remembered, fresh);
        assert_eq!((cache.hits(), cache.len()), (2, 3));

        // One sample changed in the second block: that block is tracked again.
        let mut changed = x.clone();
        changed[20 * RATE as usize] += 1e-3;
        let cache2 = PitchCache::new();
        cache2.track_ahead(so_far, RATE, &open, 34.7, false);
        let again = track_with(&changed, RATE, &regions, Some(&cache2));
        assert_eq!(again, track(&changed, RATE, &regions));
        assert_eq!(cache2.hits(), 1);
    }

    #[test]
    fn the_last_block_is_tracked_ahead_only_once_the_take_seems_to_end() {
        let (x, regions) = three_blocks();
        let end_s = x.len() as f64 / f64::from(RATE);
        let cache = PitchCache::new();
        assert_eq!(cache.track_ahead(&x, RATE, &regions, end_s, false), 2);
        assert_eq!(cache.track_ahead(&x, RATE, &regions, end_s, true), 1);
        assert_eq!(
            track_with(&x, RATE, &regions, Some(&cache)),
            track(&x, RATE, &regions)
        );
        assert_eq!(cache.hits(), 3);
    }

    #[test]
    fn octave_errors_are_folded_back() {
        let mut frames: Vec<PitchFrame> = (0..100)
            .map(|i| PitchFrame {
                time_s: i as f64 * 0.02,
                hz: 110.0,
            })
            .collect();
        frames[40].hz = 221.0; // an octave up
        frames[41].hz = 54.0; // an octave down
        frames[60].hz = 400.0; // fits nowhere
        let fixed = repair_octaves(&frames);
        assert_eq!(fixed.len(), 99);
        assert!(fixed.iter().all(|f| (f.hz / 110.0 - 1.0).abs() < 0.03));
    }

    #[test]
    fn blocks_are_cut_at_silences() {
        let r = [(0.0, 8.0), (9.0, 15.0), (16.0, 25.0), (26.0, 70.0)];
        assert_eq!(
            blocks(&r, 20.0),
            [
                (0.0, 15.0),
                (16.0, 25.0),
                (26.0, 46.0),
                (46.0, 66.0),
                (66.0, 70.0)
            ]
        );
        assert!(blocks(&[], 20.0).is_empty());
    }
}
