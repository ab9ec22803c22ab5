//! The voice stage on synthetic takes whose pitch and level are known.

use super::pitch::tests::{voice, RATE};
use super::*;
use crate::analyze::sentences;
use crate::transcribe::Transcript;

fn vad(segments: &[(f64, f64)], duration_s: f64, level_db: f64) -> SpeechActivity {
    SpeechActivity {
        segments: segments.to_vec(),
        duration_s,
        clipped_share: 0.0,
        speech_level_db: level_db,
    }
}

/// `seconds` of voice with F0 `f0(t)` at amplitude `amp`, its speech region, and words every
/// half second in sentences of `words_per_sentence`.
fn take(
    seconds: f64,
    amp: f32,
    f0: impl Fn(f64) -> f64,
    words_per_sentence: usize,
) -> (Vec<f32>, SpeechActivity, Transcript) {
    let samples = voice(seconds, amp, f0);
    let n = (seconds / 0.5) as usize;
    let text: Vec<String> = (0..n)
        .map(|i| {
            if (i + 1) % words_per_sentence == 0 {
                "word.".to_string()
            } else {
                "word".to_string()
            }
        })
        .collect();
    let transcript = Transcript::evenly_timed(&text.join(" "), 0.5);
    (samples, vad(&[(0.0, seconds)], seconds, -10.0), transcript)
}

fn run(samples: &[f32], vad: &SpeechActivity, transcript: &Transcript) -> VoiceStats {
    let sentences = sentences::split(&transcript.words, &[]);
    measure(&VoiceInput {
        samples,
        rate: RATE,
        vad,
        words: &transcript.words,
        sentences: &sentences,
    })
}

#[test]
fn a_flat_voice_is_monotone_and_a_lively_one_is_not() {
    let (x, v, t) = take(12.0, 0.3, |_| 110.0, 6);
    let flat = run(&x, &v, &t);
    assert_eq!(
        flat.verdicts.pitch_variation.verdict,
        VoiceVerdict::Monotone
    );
    assert_eq!(flat.monotone_windows.len(), flat.pitch_windows.len());
    assert!(flat.pitch_variation_semitones.unwrap() < 0.5);
    let median = flat.pitch_median_hz.unwrap();
    assert!((median / 110.0 - 1.0).abs() < 0.02, "{median}");

    // F0 swinging 4 semitones either side of 110 Hz, once a second: sd 4 / sqrt(2) = 2.8 st.
    let (x, v, t) = take(
        12.0,
        0.3,
        |t| 110.0 * (4.0 / 12.0 * (std::f64::consts::TAU * t).sin()).exp2(),
        6,
    );
    let lively = run(&x, &v, &t);
    assert_eq!(
        lively.verdicts.pitch_variation.verdict,
        VoiceVerdict::OnTarget
    );
    let sd = lively.pitch_variation_semitones.unwrap();
    assert!((sd - 2.83).abs() < 0.4, "{sd}");
    assert!(lively.monotone_windows.is_empty());
    let range = lively.pitch_range_semitones.unwrap();
    assert!((6.5..=8.5).contains(&range), "range {range} st");
}

#[test]
fn a_second_half_twenty_db_quieter_is_a_sudden_drop() {
    let (mut x, v, t) = take(20.0, 0.3, |_| 120.0, 6);
    for s in &mut x[10 * RATE as usize..] {
        *s *= 0.1;
    }
    let r = run(&x, &v, &t);
    assert_eq!(r.loudness_db.len(), 4);
    assert_eq!(r.loudness_drops.len(), 1, "{:?}", r.loudness_drops);
    let d = &r.loudness_drops[0];
    assert_eq!(d.at_s, 10.0);
    assert!((d.drop_db - 20.0).abs() < 0.5, "{d:?}");
    assert_eq!(r.verdicts.loudness.verdict, VoiceVerdict::SuddenDrop);
    // The same take at one level has none.
    let (x, v, t) = take(20.0, 0.3, |_| 120.0, 6);
    let r = run(&x, &v, &t);
    assert!(r.loudness_drops.is_empty());
    assert_eq!(r.verdicts.loudness.verdict, VoiceVerdict::OnTarget);
}

#[test]
fn sentences_whose_last_words_fade_trail_off() {
    // Sentences of 6 words, 3 s each; the 2nd and 4th fade over their last second to -20 dB.
    let (mut x, v, t) = take(12.0, 0.3, |_| 120.0, 6);
    for sentence in [1usize, 3] {
        let end = (sentence + 1) * 3 * RATE as usize;
        let fade = RATE as usize;
        for (i, s) in x[end - fade..end].iter_mut().enumerate() {
            *s *= 10f32.powf(-20.0 * (i as f32 / fade as f32) / 20.0);
        }
    }
    let r = run(&x, &v, &t);
    assert_eq!(r.sentences_checked, 4);
    let found: Vec<usize> = r.trailing_off.iter().map(|s| s.sentence).collect();
    assert_eq!(found, [1, 3], "{:?}", r.trailing_off);
    assert!(r.trailing_off.iter().all(|s| s.drop_db >= TRAIL_DB));
    assert_eq!(r.verdicts.trailing_off.verdict, VoiceVerdict::TrailsOff);
}

#[test]
fn too_little_voiced_speech_is_cant_tell() {
    let (x, v, t) = take(2.0, 0.3, |_| 120.0, 4);
    let r = run(&x, &v, &t);
    assert_eq!(r.pitch_median_hz, None);
    assert_eq!(r.pitch_variation_semitones, None);
    assert_eq!(
        r.verdicts.pitch_variation.verdict,
        VoiceVerdict::NotEnoughSpeech
    );
    assert_eq!(r.verdicts.pitch_variation.verdict.label(), "can't tell");
    // Unvoiced sound (noise) has speech regions but no pitch.
    let mut seed = 3u32;
    let noise: Vec<f32> = (0..16_000 * 8)
        .map(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 0.2
        })
        .collect();
    let v = vad(&[(0.0, 8.0)], 8.0, -15.0);
    let r = run(&noise, &v, &Transcript::default());
    assert_eq!(
        r.verdicts.pitch_variation.verdict,
        VoiceVerdict::NotEnoughSpeech
    );
    assert_eq!(
        r.verdicts.trailing_off.verdict,
        VoiceVerdict::NotEnoughSpeech
    );
}

#[test]
fn quiet_and_clipped_input_is_judged() {
    let (x, mut v, t) = take(6.0, 0.003, |_| 120.0, 6);
    v.speech_level_db = -45.0;
    assert_eq!(
        run(&x, &v, &t).verdicts.level.verdict,
        VoiceVerdict::TooQuiet
    );
    v.speech_level_db = -3.0;
    v.clipped_share = 0.01;
    assert_eq!(
        run(&x, &v, &t).verdicts.level.verdict,
        VoiceVerdict::Clipped
    );
    v.clipped_share = 0.0;
    assert_eq!(
        run(&x, &v, &t).verdicts.level.verdict,
        VoiceVerdict::OnTarget
    );
}

#[test]
fn windows_cover_the_speech_span() {
    assert_eq!(
        windows(Some((1.0, 14.0))),
        [(1.0, 6.0), (6.0, 11.0), (11.0, 14.0)]
    );
    assert_eq!(windows(Some((1.0, 13.0))), [(1.0, 6.0), (6.0, 13.0)]);
    assert_eq!(windows(Some((0.0, 1.0))), [(0.0, 1.0)]);
    assert!(windows(None).is_empty());
}
