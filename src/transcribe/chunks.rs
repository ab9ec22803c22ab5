//! Cutting a take into short pieces at its silences before transcription.
//!
//! Measured on this engine: given a whole 30-second answer, Whisper tiny.en writes the
//! fluent sentence the speaker meant and drops most "um"s and "uh"s; given the same audio in
//! 5-10 second pieces cut at pauses, it keeps them (README, "Why chunks"). Cutting only in
//! silence means no word is split.
//!
//! [`plan_for`] plans the pieces from a [`SpeechMap`]: pieces group what may be speech and
//! are cut in the widest pauses between sure speech. Audio between two pieces is left out only
//! where the detector is confident it is silence (Whisper invents text for silence); anywhere
//! else the two pieces meet at the least speech-like frame, so nothing that might be a word
//! is dropped.

use crate::speech::SpeechMap;

/// Aim for pieces about this long, seconds.
pub const TARGET_S: f64 = 8.0;
/// Never longer than this; one unbroken stretch of speech beyond it is cut hard.
pub const MAX_S: f64 = 12.0;
/// Audio kept either side of the speech in a piece, seconds.
const PAD_S: f64 = 0.2;

/// A piece of the take to transcribe on its own: `[start_s, end_s)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chunk {
    pub start_s: f64,
    pub end_s: f64,
}

impl Chunk {
    pub fn len_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// Group speech regions into chunks of at most about [`TARGET_S`], cutting in the widest
/// silences (usually sentence ends) so that a cut rarely falls inside a sentence.
pub fn plan(speech: &[(f64, f64)], duration_s: f64) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    split_at_widest_gap(speech, &mut chunks);
    pad(chunks, duration_s)
}

/// Silence shorter than this is never left out between pieces, seconds: it costs Whisper
/// little and may hide a soft word edge.
const MIN_SKIP_S: f64 = 0.6;

/// Sure silence at the end of the take, after the last piece, is left out once it is at least
/// this long, seconds (the padding plus 0.3 s): shorter than between pieces, because nothing
/// follows it whose soft start it could hide. It must not exceed `live::GUESS_AFTER_S`: a take
/// recorded live is guessed to end once its speech is followed by that much silence, and the
/// final plan of a take stopped then has to end its last piece where the guess did, or that
/// piece is decoded again after the stop.
pub const MIN_END_SKIP_S: f64 = 0.5;

/// Pieces that together cover everything in `map` that may be speech.
///
/// The pieces are planned left to right (`Grouper`): what is decided about the audio up to
/// some time never depends on what comes after it (beyond the first 2 s (`MIN_PIECE_S`) of the
/// unit that follows, and its end when two gaps tie). So a take
/// being recorded can have its first pieces planned, and transcribed, while the speaker goes
/// on ([`plan_settled`]), and they are exactly the pieces this plan gives for the whole take.
pub fn plan_for(map: &SpeechMap) -> Vec<Chunk> {
    let units = map.to_transcribe();
    let mut grouper = Grouper::default();
    for &u in &units {
        grouper.push(u);
    }
    let mut groups = grouper.closed;
    groups.extend(grouper.open.finish());
    let mut chunks = bounded(map, groups, true);
    chunks.retain(|c| c.len_s() > 0.0);
    chunks
}

/// The pieces of [`plan_for`] that audio up to `settled_s` already decides: every piece whose
/// audio, and whose cut from the next piece, lies before `settled_s`. `map` may cover more
/// than `settled_s` (a take still being recorded, whose last second the detector may still
/// revise); nothing after `settled_s` is used.
pub fn plan_settled(map: &SpeechMap, settled_s: f64) -> Vec<Chunk> {
    let mut grouper = Grouper::default();
    // A unit is settled when it ends before `settled_s` by what decides where it ends: the
    // silence that closes a speech region, or a blip too short to be speech that an unsure
    // stretch runs through.
    let p = &map.policy;
    let guard = p.min_silence_s.max(p.min_speech_s) + p.min_speech_s + 2.0 * map.frame_s;
    let units = map.to_transcribe();
    let n_settled = units.iter().take_while(|u| u.1 + guard < settled_s).count();
    for &u in &units[..n_settled] {
        grouper.push(u);
    }
    // The unit still going on (a long sentence) already decides the cut before it once it is
    // known to last MIN_PIECE_S: the cut depends on its end only through that length and
    // through ties between equally wide gaps, which `push_partial` leaves open.
    if let Some(&(start, end)) = units.get(n_settled) {
        let known_end = end.min(settled_s - guard);
        if known_end - start >= MIN_PIECE_S {
            grouper.push_partial((start, known_end));
        }
    }
    // The cut after a closed group needs the start of the next group's first unit, which is
    // settled: the grouper only closes a group once the unit after it was pushed.
    let mut groups = grouper.closed;
    let n = groups.len();
    if n == 0 {
        return Vec::new();
    }
    let next = grouper.open.units.first().copied().map(|u| Chunk {
        start_s: u.0,
        end_s: u.1,
    });
    groups.extend(next);
    let mut chunks = bounded(map, groups, false);
    chunks.truncate(n);
    chunks.retain(|c| c.len_s() > 0.0);
    chunks
}

/// Groups what may be speech into pieces of about [`TARGET_S`], one unit at a time: when a
/// unit takes the group past the target, the group is cut at its widest silence (one that
/// leaves at least [`MIN_PIECE_S`] either side, if there is one; usually a sentence end), and
/// what follows that silence starts the next group.
#[derive(Debug, Default)]
struct Grouper {
    closed: Vec<Chunk>,
    open: Open,
}

#[derive(Debug, Default)]
struct Open {
    units: Vec<(f64, f64)>,
}

impl Open {
    fn span(&self) -> f64 {
        match (self.units.first(), self.units.last()) {
            (Some(a), Some(b)) => b.1 - a.0,
            _ => 0.0,
        }
    }

    /// The group as pieces: one, or equal parts of a single stretch longer than [`MAX_S`].
    fn finish(&self) -> Vec<Chunk> {
        match (self.units.first(), self.units.last()) {
            (Some(a), Some(b)) => split_long((a.0, b.1)),
            _ => Vec::new(),
        }
    }
}

impl Grouper {
    fn push(&mut self, unit: (f64, f64)) {
        self.open.units.push(unit);
        self.close_groups(false);
    }

    /// Push the part heard so far of a unit that goes on, at least [`MIN_PIECE_S`] long.
    /// Only cuts that its real end cannot change are made: a longer unit only makes the group
    /// longer and every gap as balanced as it already is, but the tie-break between equally
    /// wide gaps (nearest the middle) moves with the end, so a tie leaves the group open.
    fn push_partial(&mut self, unit: (f64, f64)) {
        self.open.units.push(unit);
        self.close_groups(true);
    }

    fn close_groups(&mut self, partial: bool) {
        while self.open.units.len() >= 2 && self.open.span() > TARGET_S {
            let units = &self.open.units;
            let (first, last) = (units[0], units[units.len() - 1]);
            let gap = |i: usize| units[i + 1].0 - units[i].1;
            let balanced = |i: &usize| {
                units[*i].1 - first.0 >= MIN_PIECE_S && last.1 - units[*i + 1].0 >= MIN_PIECE_S
            };
            // Among equally wide gaps (frames quantise them), the one nearest the middle.
            let centre = (first.0 + last.1) / 2.0;
            let off_centre = |i: usize| (units[i].1 - centre).abs();
            let widest = |candidates: &mut dyn Iterator<Item = usize>| {
                candidates.max_by(|&a, &b| {
                    gap(a)
                        .total_cmp(&gap(b))
                        .then(off_centre(b).total_cmp(&off_centre(a)))
                })
            };
            let candidates: Vec<usize> = {
                let balanced: Vec<usize> = (0..units.len() - 1).filter(balanced).collect();
                if balanced.is_empty() {
                    (0..units.len() - 1).collect()
                } else {
                    balanced
                }
            };
            let cut =
                widest(&mut candidates.iter().copied()).expect("two or more units have a gap");
            if partial && candidates.iter().any(|&i| i != cut && gap(i) == gap(cut)) {
                return;
            }
            let rest = self.open.units.split_off(cut + 1);
            self.closed.extend(self.open.finish());
            self.open.units = rest;
        }
    }
}

/// Set the outer edges of `groups` (ordered, each spanning its units): audio between two
/// groups is left out only when it is sure silence, otherwise the two meet at the quietest
/// frame. With `last`, the final group runs to the end of the take (unless at least
/// [`MIN_END_SKIP_S`] of sure silence follows it).
fn bounded(map: &SpeechMap, mut chunks: Vec<Chunk>, last: bool) -> Vec<Chunk> {
    let skippable =
        |a: f64, b: f64| b - a >= MIN_SKIP_S + 2.0 * PAD_S && map.confidently_silent(a, b);
    let n = chunks.len();
    for i in 0..n {
        // Before the first piece: from the start of the take unless that is sure silence.
        if i == 0 {
            let c = &mut chunks[0];
            c.start_s = if skippable(0.0, c.start_s) {
                (c.start_s - PAD_S).max(0.0)
            } else {
                0.0
            };
        }
        if i + 1 < n {
            let (a, b) = (chunks[i].end_s, chunks[i + 1].start_s);
            if a >= b {
                // A stretch longer than MAX_S cut hard: the parts meet.
            } else if skippable(a, b) {
                chunks[i].end_s = a + PAD_S;
                chunks[i + 1].start_s = b - PAD_S;
            } else {
                let cut = map.quietest(a, b);
                chunks[i].end_s = cut;
                chunks[i + 1].start_s = cut;
            }
        } else if last {
            let end = map.duration_s;
            let c = &mut chunks[i];
            let trailing = end - c.end_s >= MIN_END_SKIP_S && map.confidently_silent(c.end_s, end);
            c.end_s = if trailing {
                (c.end_s + PAD_S).min(end)
            } else {
                end
            };
        }
    }
    chunks
}

/// Smallest piece a cut may leave on either side, when the speech allows it, seconds.
const MIN_PIECE_S: f64 = 2.0;

fn split_at_widest_gap(speech: &[(f64, f64)], out: &mut Vec<Chunk>) {
    let (Some(first), Some(last)) = (speech.first(), speech.last()) else {
        return;
    };
    if last.1 - first.0 <= TARGET_S || speech.len() == 1 {
        out.extend(split_long((first.0, last.1)));
        return;
    }
    // Gap i lies between speech[i] and speech[i + 1]. Prefer gaps that leave both sides a
    // useful length; fall back to any gap.
    let gap = |i: usize| speech[i + 1].0 - speech[i].1;
    let balanced = |i: &usize| {
        speech[*i].1 - first.0 >= MIN_PIECE_S && last.1 - speech[*i + 1].0 >= MIN_PIECE_S
    };
    // Among equally wide gaps (frames quantise them), the one nearest the middle.
    let centre = (first.0 + last.1) / 2.0;
    let off_centre = |i: usize| (speech[i].1 - centre).abs();
    let widest = |candidates: &mut dyn Iterator<Item = usize>| {
        candidates.max_by(|&a, &b| {
            gap(a)
                .total_cmp(&gap(b))
                .then(off_centre(b).total_cmp(&off_centre(a)))
        })
    };
    let cut = widest(&mut (0..speech.len() - 1).filter(balanced))
        .or_else(|| widest(&mut (0..speech.len() - 1)))
        .expect("two or more regions have a gap");
    split_at_widest_gap(&speech[..=cut], out);
    split_at_widest_gap(&speech[cut + 1..], out);
}

/// Cut a stretch longer than [`MAX_S`] into equal pieces no longer than it.
fn split_long((s, e): (f64, f64)) -> Vec<Chunk> {
    let n = ((e - s) / MAX_S).ceil().max(1.0) as usize;
    let step = (e - s) / n as f64;
    (0..n)
        .map(|i| Chunk {
            start_s: s + i as f64 * step,
            end_s: if i + 1 == n {
                e
            } else {
                s + (i + 1) as f64 * step
            },
        })
        .collect()
}

/// Widen each chunk by [`PAD_S`] without overlapping its neighbours or leaving the take.
fn pad(mut chunks: Vec<Chunk>, duration_s: f64) -> Vec<Chunk> {
    let n = chunks.len();
    for i in 0..n {
        let lo = if i == 0 { 0.0 } else { chunks[i - 1].end_s };
        let hi = if i + 1 == n {
            duration_s
        } else {
            chunks[i + 1].start_s
        };
        let c = &mut chunks[i];
        // Half the gap at most, so neighbours never overlap.
        c.start_s = (c.start_s - PAD_S).max(if i == 0 { lo } else { (lo + c.start_s) / 2.0 });
        c.end_s = (c.end_s + PAD_S).min(if i + 1 == n { hi } else { (c.end_s + hi) / 2.0 });
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_grouped_up_to_the_target() {
        // Six 2-second sentences with half-second gaps.
        let speech: Vec<(f64, f64)> = (0..6)
            .map(|i| (i as f64 * 2.5, i as f64 * 2.5 + 2.0))
            .collect();
        let c = plan(&speech, 20.0);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c.iter().all(|c| c.len_s() <= TARGET_S + 2.0 * PAD_S));
        // The cut falls in the silence between sentence 3 and 4.
        assert!(c[0].end_s > 7.0 && c[0].end_s <= 7.25 && c[1].start_s >= 7.25);
    }

    #[test]
    fn chunks_never_overlap_and_stay_inside_the_take() {
        let speech = [
            (0.05, 3.0),
            (3.1, 9.0),
            (9.05, 30.0),
            (30.1, 31.0),
            (31.5, 33.0),
        ];
        let c = plan(&speech, 33.1);
        assert!(c[0].start_s >= 0.0 && c.last().unwrap().end_s <= 33.1);
        for w in c.windows(2) {
            assert!(w[0].end_s <= w[1].start_s, "{w:?}");
        }
        assert!(c.iter().all(|c| c.len_s() <= MAX_S + 2.0 * PAD_S), "{c:?}");
        // Every instant of speech is inside some chunk.
        for (a, b) in speech {
            let mut t = a;
            while t <= b {
                assert!(
                    c.iter().any(|c| c.start_s <= t && t <= c.end_s),
                    "{t} not covered"
                );
                t += 0.01;
            }
        }
    }

    #[test]
    fn long_silences_are_left_out() {
        let c = plan(&[(1.0, 3.0), (60.0, 62.0)], 70.0);
        assert_eq!(c.len(), 2);
        assert!(c[0].end_s < 4.0 && c[1].start_s > 59.0);
    }

    fn map(runs: &[(f32, usize)]) -> SpeechMap {
        crate::speech::test_map(runs, 0.032)
    }

    fn covered(c: &[Chunk], a: f64, b: f64) -> bool {
        let mut t = a;
        while t < b {
            if !c.iter().any(|c| c.start_s <= t && t <= c.end_s) {
                return false;
            }
            t += 0.005;
        }
        true
    }

    #[test]
    fn confident_silence_is_left_out_and_unsure_audio_is_not() {
        // 1 s speech, 6 s confident silence, 0.5 s unsure, 8 s silence, 1 s speech.
        let m = map(&[(0.9, 31), (0.01, 188), (0.3, 16), (0.01, 250), (0.9, 31)]);
        let c = plan_for(&m);
        let f = |i: f64| i * 0.032;
        assert!(covered(&c, 0.0, f(31.0)), "{c:?}");
        assert!(
            covered(&c, f(219.0), f(235.0)),
            "unsure audio left out: {c:?}"
        );
        assert!(covered(&c, f(485.0), f(516.0)), "{c:?}");
        // The widest silence is where the take is cut, and its middle is not transcribed.
        assert!(!covered(&c, f(360.0), f(361.0)), "{c:?}");
        for w in c.windows(2) {
            assert!(w[0].end_s <= w[1].start_s, "{w:?}");
        }
    }

    #[test]
    fn half_a_second_of_sure_silence_at_the_end_is_left_out_and_less_is_not() {
        let speech_end = 100.0 * 0.032;
        // 0.51 s of sure silence after the speech: the last piece ends 0.2 s after it.
        let c = plan_for(&map(&[(0.9, 100), (0.01, 16)]));
        assert!(
            (c.last().unwrap().end_s - (speech_end + PAD_S)).abs() < 1e-9,
            "{c:?}"
        );
        // 0.45 s: the piece runs to the end of the take.
        let m = map(&[(0.9, 100), (0.01, 14)]);
        assert_eq!(plan_for(&m).last().unwrap().end_s, m.duration_s);
        // 0.6 s that the detector is unsure of: kept.
        let m = map(&[(0.9, 100), (0.3, 19)]);
        assert_eq!(plan_for(&m).last().unwrap().end_s, m.duration_s);
    }

    #[test]
    fn pieces_meet_where_the_gap_is_not_sure_silence() {
        // 7 s speech, a 0.5 s low-confidence dip, 7 s speech: two pieces meeting at the dip.
        let m = map(&[(0.9, 219), (0.2, 7), (0.05, 1), (0.2, 7), (0.9, 219)]);
        let c = plan_for(&m);
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[0].end_s, c[1].start_s);
        assert!((c[0].end_s - 226.5 * 0.032).abs() < 1e-9, "{c:?}");
        assert_eq!((c[0].start_s, c[1].end_s), (0.0, m.duration_s));
    }

    #[test]
    fn a_take_of_sentences_is_cut_at_its_widest_pauses() {
        // Five 3 s sentences; the pause after the second is the widest (1.2 s), the others 0.4 s.
        let mut runs = Vec::new();
        for gap in [38usize, 12, 12, 12] {
            runs.push((0.9f32, 94usize));
            runs.push((0.01, gap));
        }
        runs.push((0.9, 94));
        let m = map(&runs);
        let c = plan_for(&m);
        assert!(c.len() >= 2, "{c:?}");
        // The first cut is in the widest pause (frames 94..132).
        assert!(
            c[0].end_s > 94.0 * 0.032 && c[0].end_s < 132.0 * 0.032,
            "{c:?}"
        );
        assert!(c.iter().all(|c| c.len_s() <= MAX_S + 2.0 * PAD_S), "{c:?}");
    }

    /// Speech probabilities from a seed: runs of speech, unsure and silent frames.
    fn random_probabilities(seed: u64, frames: usize) -> Vec<f32> {
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut p = Vec::with_capacity(frames);
        while p.len() < frames {
            let (v, len) = match next() % 5 {
                0 | 1 => (0.9, 10 + next() % 150),
                2 => (0.02, 3 + next() % 60),
                3 => (0.25, 2 + next() % 20),
                // A blip too short to be a speech region.
                _ => (0.9, 1 + next() % 3),
            };
            p.extend(std::iter::repeat_n(v, len as usize));
        }
        p.truncate(frames);
        p
    }

    #[test]
    fn the_settled_pieces_of_a_take_in_progress_are_the_pieces_of_the_whole_take() {
        let policy = crate::speech::Policy::default();
        for seed in 0..200 {
            let probs = random_probabilities(seed, 3000);
            let full = SpeechMap::from_probabilities(probs.clone(), 0.032, 96.0, policy);
            let whole = plan_for(&full);
            let mut seen = 0;
            for cut in (100..3000).step_by(97) {
                // The take so far: its map may differ from the whole take's after what is
                // settled (the detector's look-ahead, crate::live::UNSETTLED_S); every frame
                // after it is changed, so a plan that used one would differ.
                let mut so_far = probs[..cut].to_vec();
                for v in so_far.iter_mut().rev().take(40) {
                    *v = 1.0 - *v;
                }
                let d = cut as f64 * 0.032;
                let partial = SpeechMap::from_probabilities(so_far, 0.032, d, policy);
                let settled = plan_settled(&partial, d - 1.3);
                assert!(settled.len() >= seen, "seed {seed}: pieces went back");
                assert_eq!(
                    settled[..],
                    whole[..settled.len()],
                    "seed {seed}, {d:.2} s of {:.2}",
                    full.duration_s
                );
                assert!(settled.iter().all(|c| c.end_s <= d - 1.3), "{settled:?}");
                seen = settled.len();
            }
            // Near the end only the last group is still open.
            assert!(
                seen * 2 >= whole.len(),
                "seed {seed}: {seen} of {}",
                whole.len()
            );
        }
    }

    #[test]
    fn a_long_sentence_still_going_on_settles_the_piece_before_it() {
        // Two 3 s sentences 0.4 s apart, a 1.2 s pause, then a sentence that goes on: 12 s
        // into the take (4.4 s into the third sentence, 2.8 s of it settled) the first piece
        // is already settled.
        let runs = [
            (0.9f32, 94usize),
            (0.01, 12),
            (0.9, 94),
            (0.01, 38),
            (0.9, 400),
        ];
        let whole = plan_for(&map(&runs));
        let so_far = map(&[
            (0.9f32, 94usize),
            (0.01, 12),
            (0.9, 94),
            (0.01, 38),
            (0.9, 137),
        ]);
        let settled = plan_settled(&so_far, so_far.duration_s - 1.3);
        assert_eq!(settled.len(), 1, "{settled:?}");
        assert_eq!(settled[0], whole[0]);
        // 2.8 s into the third sentence, only 1.3 s of it is settled: that it lasts
        // MIN_PIECE_S is not known yet.
        let early = map(&[
            (0.9f32, 94usize),
            (0.01, 12),
            (0.9, 94),
            (0.01, 38),
            (0.9, 88),
        ]);
        assert!(plan_settled(&early, early.duration_s - 1.3).is_empty());
    }

    #[test]
    fn equally_wide_pauses_wait_for_the_end_of_the_sentence_going_on() {
        // Which of two equally wide pauses is cut depends on where the take's middle is, and so
        // on where the sentence going on ends: nothing is settled until it does.
        // Frames of 1/32 s, so that times are exact and the two gaps equal to the last bit.
        let exact = |runs: &[(f32, usize)]| crate::speech::test_map(runs, 1.0 / 32.0);
        let so_far = exact(&[(0.9, 96), (0.01, 20), (0.9, 96), (0.01, 20), (0.9, 150)]);
        assert!(plan_settled(&so_far, so_far.duration_s - 1.3).is_empty());
        // Once it ended, the cut is the pause nearer the middle: the second.
        let whole = exact(&[(0.9, 96), (0.01, 20), (0.9, 96), (0.01, 20), (0.9, 300)]);
        let c = plan_for(&whole);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c[0].end_s > 6.6 && c[0].end_s < 7.3, "{c:?}");
    }

    #[test]
    fn no_speech_no_chunks() {
        assert!(plan(&[], 10.0).is_empty());
    }
}
