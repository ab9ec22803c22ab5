//! Speech activity as the analysis sees it: the trained detector's speech regions
//! ([`crate::speech::SpeechMap`]), their edges refined on the signal, and the recording's level
//! and clipping.
//!
//! Word timestamps from Whisper absorb the silence after a word, so pauses are measured
//! between these regions, not between words. The regions come from Silero VAD; only their
//! edges are moved, by at most one detector frame, to where the signal's short-time energy
//! crosses halfway between the pause's floor and the speech next to it (the detector scores
//! 32 ms frames; energy is measured on 10 ms frames).

use serde::Serialize;

use crate::speech::SpeechMap;

/// Energy frame length for edge refinement and level, seconds.
pub const FRAME_S: f64 = 0.01;

/// Speech regions of one take.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeechActivity {
    /// Non-overlapping, ordered `(start_s, end_s)` regions of sure speech.
    pub segments: Vec<(f64, f64)>,
    pub duration_s: f64,
    /// Share of samples at full scale (|x| >= 0.999), a sign of clipping.
    pub clipped_share: f64,
    /// Level of the loud (99th percentile) 10 ms frames, dBFS.
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

    /// The detector's speech regions for mono `samples` at `rate` Hz, edges refined on the
    /// signal, with the recording's level and clipping.
    pub fn from_map(samples: &[f32], rate: u32, map: &SpeechMap) -> Self {
        let frame = ((f64::from(rate) * FRAME_S) as usize).max(1);
        let levels: Vec<f64> = samples.chunks(frame).map(level_db).collect();
        let clipped = samples.iter().filter(|v| v.abs() >= 0.999).count();
        let duration_s = samples.len() as f64 / f64::from(rate.max(1));
        SpeechActivity {
            segments: refine(&map.speech, &levels, map.frame_s, duration_s),
            duration_s,
            clipped_share: if samples.is_empty() {
                0.0
            } else {
                clipped as f64 / samples.len() as f64
            },
            speech_level_db: percentile(&levels, 0.99),
        }
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

/// Move each edge of each region by at most `reach_s` to where the energy crosses halfway
/// (in dB) between the quietest frame of the neighbouring pause and the loud speech of the
/// region. Regions keep their order and never overlap or vanish.
fn refine(
    regions: &[(f64, f64)],
    levels: &[f64],
    reach_s: f64,
    duration_s: f64,
) -> Vec<(f64, f64)> {
    let n = levels.len();
    let idx = |t: f64| ((t / FRAME_S).round().max(0.0) as usize).min(n);
    let reach = (reach_s / FRAME_S).ceil() as usize;
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(regions.len());
    for (k, &(a, b)) in regions.iter().enumerate() {
        let (ia, ib) = (idx(a), idx(b));
        if ib <= ia || n == 0 {
            out.push((a, b));
            continue;
        }
        let loud = percentile(&levels[ia..ib], 0.9);
        let prev_end = if k == 0 { 0 } else { idx(regions[k - 1].1) };
        let next_start = regions.get(k + 1).map_or(n, |r| idx(r.0));
        let floor_before = levels[prev_end.min(ia)..ia]
            .iter()
            .copied()
            .fold(loud, f64::min);
        let floor_after = levels[ib..next_start.max(ib)]
            .iter()
            .copied()
            .fold(loud, f64::min);
        let mut start = ia;
        if loud - floor_before >= 10.0 {
            let half = (loud + floor_before) / 2.0;
            let lo = ia.saturating_sub(reach).max(prev_end);
            // The earliest loud frame from lo on, at most `reach` past the detector's edge.
            let last = (ia + reach).min(ib - 1);
            start = (lo..=last).find(|&i| levels[i] >= half).unwrap_or(last);
        }
        let mut end = ib;
        if loud - floor_after >= 10.0 {
            let half = (loud + floor_after) / 2.0;
            let hi = (ib + reach).min(next_start).min(n);
            // One past the last loud frame before hi, at most `reach` back into the region.
            let first = ib.saturating_sub(reach + 1).max(start);
            end = (first..hi.max(first))
                .rev()
                .find(|&i| levels[i] >= half)
                .map_or(first + 1, |i| i + 1);
        }
        let (mut s, e) = (
            start as f64 * FRAME_S,
            (end as f64 * FRAME_S).min(duration_s),
        );
        if let Some(last) = out.last() {
            s = s.max(last.1);
        }
        out.push(if e > s { (s, e) } else { (a, b) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speech::Policy;

    const RATE: u32 = 16000;

    /// Silence and tone bursts: `(is_sound, seconds)` pieces.
    fn signal(pieces: &[(bool, f64)]) -> Vec<f32> {
        let mut out = Vec::new();
        for &(sound, secs) in pieces {
            for i in 0..(secs * f64::from(RATE)) as usize {
                out.push(if sound {
                    (i as f32 * 0.1).sin() * 0.3
                } else {
                    0.0
                });
            }
        }
        out
    }

    fn map_of(regions: &[(f64, f64)], duration_s: f64) -> SpeechMap {
        let n = (duration_s / 0.032).ceil() as usize;
        let probs = (0..n)
            .map(|i| {
                let t = (i as f64 + 0.5) * 0.032;
                if regions.iter().any(|&(a, b)| a <= t && t < b) {
                    0.9
                } else {
                    0.01
                }
            })
            .collect();
        SpeechMap::from_probabilities(probs, 0.032, duration_s, Policy::default())
    }

    #[test]
    fn edges_move_to_the_signal_by_at_most_one_frame() {
        let x = signal(&[(false, 0.5), (true, 1.0), (false, 2.5), (true, 0.5)]);
        // The detector's edges are a frame off either way.
        let m = map_of(&[(0.47, 1.53), (4.03, 4.5)], 4.5);
        let a = SpeechActivity::from_map(&x, RATE, &m);
        assert_eq!(a.segments.len(), 2, "{:?}", a.segments);
        let (s0, e0) = a.segments[0];
        let (s1, _) = a.segments[1];
        assert!(
            (s0 - 0.5).abs() < 0.015 && (e0 - 1.5).abs() < 0.015,
            "{:?}",
            a.segments
        );
        assert!((s1 - e0 - 2.5).abs() < 0.03, "{:?}", a.segments);
    }

    #[test]
    fn regions_without_an_energy_edge_are_kept_as_the_detector_put_them() {
        // Constant tone: no edge to find, so the detector's regions stand.
        let x = signal(&[(true, 3.0)]);
        let m = map_of(&[(0.992, 2.016)], 3.0);
        let a = SpeechActivity::from_map(&x, RATE, &m);
        assert_eq!(a.segments.len(), 1);
        let (s, e) = a.segments[0];
        assert!(
            (s - 0.96).abs() < 0.05 && (e - 2.016).abs() < 0.05,
            "{:?}",
            a.segments
        );
    }

    #[test]
    fn level_and_clipping_are_measured() {
        let mut x = signal(&[(true, 1.0)]);
        x[..1600].iter_mut().for_each(|v| *v = 1.0);
        let a = SpeechActivity::from_map(&x, RATE, &map_of(&[(0.0, 1.0)], 1.0));
        assert!((a.clipped_share - 0.1).abs() < 1e-9);
        assert!(a.speech_level_db > -1.0, "{}", a.speech_level_db);
    }

    #[test]
    fn empty_input_is_silent() {
        let a = SpeechActivity::from_map(&[], RATE, &SpeechMap::empty(0.0));
        assert!(!a.has_speech());
        assert_eq!(a.duration_s, 0.0);
        assert_eq!(a.span(), None);
    }
}
