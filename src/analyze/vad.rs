//! Speech activity as the analysis sees it: the trained detector's speech regions
//! ([`crate::speech::SpeechMap`]), their edges refined on the signal, and the recording's level
//! and clipping.
//!
//! Word timestamps from Whisper absorb the silence after a word, so pauses are measured
//! between these regions, not between words. The regions come from Silero VAD; only their
//! edges are moved, by at most [`REACH_S`], to where the signal's short-time energy (10 ms
//! frames) crosses from the pause's floor to the level of the speech next to it. Silero scores
//! 32 ms frames and its regions trail the speech (measured on the synthetic samples: they end
//! 80-90 ms after it), so a 3.0 s silence read 2.94 s before the edges were moved this far.
//! Where the pause is noise rather than quiet ([`MIN_CONTRAST_DB`]), the energy has no edge
//! to trust and the detector's edges stand.

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
            segments: refine(&map.speech, &levels, duration_s),
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

/// How far the signal may move an edge of the detector's, seconds. Silero's edges trail the
/// signal: on the synthetic samples its regions end 80-90 ms after the speech does.
pub const REACH_S: f64 = 0.25;
/// The speech next to an edge must stand at least this far above the pause's floor for the
/// edge to be sought on the signal, dB. Below it the pause is noise (or the voice is faint),
/// an energy crossing says little, and the detector's edge stands.
pub const MIN_CONTRAST_DB: f64 = 25.0;
/// An edge is where the energy crosses this far under the speech next to it, dB ...
const UNDER_SPEECH_DB: f64 = 30.0;
/// ... but never closer than this to the pause's floor, dB.
const OVER_FLOOR_DB: f64 = 10.0;
/// The pause side of an edge stays under the threshold this long (or up to the neighbouring
/// region), seconds: a stop consonant's closure inside a word is shorter.
const QUIET_FOR_S: f64 = 0.1;
/// The speech side of an edge stays over the threshold this long, seconds: a click is shorter.
const LOUD_FOR_S: f64 = 0.03;
/// Speech and pause levels are taken within this distance of the edge, seconds.
const LOCAL_S: f64 = 1.0;

/// Move each edge of each region, by at most [`REACH_S`], to where the signal's energy crosses
/// a threshold set by the speech next to the edge (its loud frames, 90th percentile, less
/// [`UNDER_SPEECH_DB`]) and the neighbouring pause (its floor, 10th percentile, plus
/// [`OVER_FLOOR_DB`]): the crossing nearest the detector's edge that has quiet on the pause
/// side and sound on the speech side. No such crossing, a pause too short to have a floor, or
/// too little contrast ([`MIN_CONTRAST_DB`]): the detector's edge stands. Regions keep their
/// order and never overlap or vanish.
fn refine(regions: &[(f64, f64)], levels: &[f64], duration_s: f64) -> Vec<(f64, f64)> {
    let n = levels.len();
    let frames = |s: f64| (s / FRAME_S).round() as usize;
    let idx = |t: f64| ((t / FRAME_S).round().max(0.0) as usize).min(n);
    let (reach, local) = (frames(REACH_S), frames(LOCAL_S));
    let (quiet_for, loud_for) = (frames(QUIET_FOR_S), frames(LOUD_FOR_S).max(1));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(regions.len());
    // One past the last frame of the previous refined region.
    let mut taken = 0;
    for (k, &(a, b)) in regions.iter().enumerate() {
        let (ia, ib) = (idx(a), idx(b));
        if ib <= ia {
            out.push((a, b));
            continue;
        }
        let prev_end = regions
            .get(k.wrapping_sub(1))
            .map_or(0, |r| idx(r.1))
            .clamp(taken, ia);
        let next_start = regions.get(k + 1).map_or(n, |r| idx(r.0)).max(ib);
        // Where the level is at least `thr` for `loud_for` frames from `i` on, and under it
        // for up to `quiet_for` frames (at least one) before `i`, back to `stop`.
        let rises = |i: usize, thr: f64, stop: usize| {
            i > stop
                && i + loud_for <= n
                && levels[i..i + loud_for].iter().all(|&l| l >= thr)
                && levels[i.saturating_sub(quiet_for).max(stop)..i]
                    .iter()
                    .all(|&l| l < thr)
        };
        // Where the level is at least `thr` for `loud_for` frames before `j`, and under it
        // for up to `quiet_for` frames (at least one) from `j` on, up to `stop`.
        let falls = |j: usize, thr: f64, stop: usize| {
            j < stop
                && j >= loud_for
                && levels[j - loud_for..j].iter().all(|&l| l >= thr)
                && levels[j..(j + quiet_for).min(stop)]
                    .iter()
                    .all(|&l| l < thr)
        };
        let start = threshold(
            &levels[ia..(ia + local).min(ib)],
            &levels[prev_end.max(ia.saturating_sub(local))..ia],
            quiet_for,
        )
        .and_then(|thr| {
            let lo = ia.saturating_sub(reach).max(prev_end);
            let hi = (ia + reach).min(ib - 1);
            (lo..=hi)
                .filter(|&i| rises(i, thr, prev_end))
                .min_by_key(|&i| i.abs_diff(ia))
        });
        let end = threshold(
            &levels[ib.saturating_sub(local).max(ia)..ib],
            &levels[ib..(ib + local).min(next_start)],
            quiet_for,
        )
        .and_then(|thr| {
            let lo = ib.saturating_sub(reach).max(start.unwrap_or(ia) + 1);
            let hi = (ib + reach).min(next_start);
            (lo..=hi)
                .filter(|&j| falls(j, thr, next_start))
                .min_by_key(|&j| j.abs_diff(ib))
        });
        // Edges without a crossing stay exactly where the detector put them.
        let (s, e) = (
            start
                .map_or(a, |i| i as f64 * FRAME_S)
                .max(out.last().map_or(0.0, |r| r.1)),
            end.map_or(b, |j| (j as f64 * FRAME_S).min(duration_s)),
        );
        let region = if e > s { (s, e) } else { (a, b) };
        taken = idx(region.1);
        out.push(region);
    }
    out
}

/// The level an edge is placed at between `speech` and `pause` (frame levels, dB), when the
/// pause is long enough to have a floor and the speech stands [`MIN_CONTRAST_DB`] above it.
fn threshold(speech: &[f64], pause: &[f64], min_pause: usize) -> Option<f64> {
    if speech.is_empty() || pause.len() < min_pause.max(1) {
        return None;
    }
    let loud = percentile(speech, 0.9);
    let floor = percentile(pause, 0.1);
    (loud - floor >= MIN_CONTRAST_DB).then_some((loud - UNDER_SPEECH_DB).max(floor + OVER_FLOOR_DB))
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

    /// 10 ms frame levels of `x`, as [`SpeechActivity::from_map`] measures them.
    fn levels(x: &[f32]) -> Vec<f64> {
        x.chunks((f64::from(RATE) * FRAME_S) as usize)
            .map(level_db)
            .collect()
    }

    /// White noise at `amplitude` (a fixed-seed generator: the same every run).
    fn noise(seconds: f64, amplitude: f32) -> Vec<f32> {
        let mut state = 0x2545_f491_u32;
        (0..(seconds * f64::from(RATE)) as usize)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state as f32 / u32::MAX as f32 * 2.0 - 1.0) * amplitude
            })
            .collect()
    }

    fn near(got: &[(f64, f64)], want: &[(f64, f64)], tol: f64) -> bool {
        got.len() == want.len()
            && got
                .iter()
                .zip(want)
                .all(|(g, w)| (g.0 - w.0).abs() <= tol && (g.1 - w.1).abs() <= tol)
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
    fn trailing_detector_edges_come_back_to_the_signal() {
        // What Silero does on the synthetic samples: its regions start up to a frame late and
        // end 80-90 ms after the speech. A 3.0 s silence must read 3.0 s.
        let x = signal(&[(false, 1.0), (true, 4.45), (false, 3.0), (true, 2.0)]);
        let l = levels(&x);
        let got = refine(&[(1.02, 5.536), (8.46, 10.45)], &l, 10.45);
        assert!(near(&got, &[(1.0, 5.45), (8.45, 10.45)], 0.011), "{got:?}");
        // Late or early by up to 0.2 s either way.
        for off in [-0.2, -0.1, 0.1, 0.2] {
            let got = refine(&[(1.0 + off, 5.45 - off), (8.45 + off, 10.45)], &l, 10.45);
            assert!(
                near(&got, &[(1.0, 5.45), (8.45, 10.45)], 0.011),
                "{off}: {got:?}"
            );
        }
    }

    #[test]
    fn an_edge_moves_no_further_than_the_reach() {
        // The detector ends its region 0.4 s after the sound: past the reach, the edge found
        // on the signal is not trusted and the detector's stands.
        let x = signal(&[(false, 1.0), (true, 2.0), (false, 2.0), (true, 1.0)]);
        let got = refine(&[(1.0, 3.4), (5.0, 6.0)], &levels(&x), 6.0);
        assert!(near(&got, &[(1.0, 3.4), (5.0, 6.0)], 0.011), "{got:?}");
        let got = refine(&[(1.0, 3.0 + REACH_S - 0.02), (5.0, 6.0)], &levels(&x), 6.0);
        assert!((got[0].1 - 3.0).abs() <= 0.011, "{got:?}");
    }

    #[test]
    fn an_edge_in_noise_stays_where_the_detector_put_it() {
        // Speech-level tone and white noise 15 dB under it in the pauses: the energy "edge"
        // is the noise's, so the detector's edges stand, to the sample.
        let mut x = noise(
            1.0,
            0.3 * 10f32.powf(-15.0 / 20.0) * 3f32.sqrt() / 2f32.sqrt(),
        );
        x.extend(signal(&[(true, 2.0)]));
        x.extend(noise(
            2.0,
            0.3 * 10f32.powf(-15.0 / 20.0) * 3f32.sqrt() / 2f32.sqrt(),
        ));
        x.extend(signal(&[(true, 1.0)]));
        let regions = [(1.15, 2.8), (5.1, 6.0)];
        assert_eq!(refine(&regions, &levels(&x), 6.0), regions);
    }

    #[test]
    fn a_click_or_a_closure_is_not_an_edge() {
        // A 5 ms click 0.15 s before the speech starts, and a 60 ms closure (silence inside a
        // word) 0.1 s before it ends: the edges go to the speech, not to either.
        let mut x = signal(&[(false, 0.845)]);
        x.extend(std::iter::repeat_n(0.9f32, 80));
        x.extend(signal(&[
            (false, 0.15),
            (true, 1.84),
            (false, 0.06),
            (true, 0.1),
            (false, 2.0),
            (true, 1.0),
        ]));
        let l = levels(&x);
        let got = refine(&[(1.08, 3.1), (5.0, 6.0)], &l, 6.0);
        assert!(near(&got, &[(1.0, 3.0), (5.0, 6.0)], 0.011), "{got:?}");
        // A detector edge inside the closure moves out to the word's real end.
        let got = refine(&[(1.0, 2.87), (5.0, 6.0)], &l, 6.0);
        assert!(near(&got, &[(1.0, 3.0), (5.0, 6.0)], 0.011), "{got:?}");
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
