//! Property tests: the analysis on arbitrary timed transcripts and speech regions never panics
//! and keeps its invariants (fillers <= words, pauses inside the recording and apart, pace
//! windows covering the span, counts that add up), and transcription pieces that cover the
//! speech without overlapping.

use proptest::prelude::*;

use rehearse::analyze::{analyze, vad::SpeechActivity, Analysis, Verdict};
use rehearse::config::Targets;
use rehearse::transcribe::chunks;
use rehearse::transcribe::{Transcript, Word};

const EPS: f64 = 1e-6;

/// Words as Whisper writes them: fillers, discourse words, ordinary words, punctuation.
fn word_text() -> impl Strategy<Value = String> {
    let base = prop::sample::select(vec![
        "um",
        "Um,",
        "uh",
        "uh.",
        "er",
        "ah",
        "hmm",
        "Ummm",
        "like",
        "like,",
        "Like,",
        "you",
        "know",
        "know,",
        "I",
        "mean",
        "mean,",
        "so",
        "So,",
        "kind",
        "of",
        "sort",
        "right?",
        "basically",
        "actually,",
        "literally",
        "the",
        "team",
        "was",
        "we",
        "shipped.",
        "it",
        "—",
        "...",
        "",
        "don't",
        "Don’t",
        "1,000",
        "é",
        "naïve",
        "(laughs)",
        "[BLANK_AUDIO]",
    ]);
    (
        base,
        prop::option::of(prop::sample::select(vec![",", ".", "?", "!", "-", ";"])),
    )
        .prop_map(|(w, p)| format!("{w}{}", p.unwrap_or("")))
}

/// A transcript in time order, as the engine gives it: each word after the last.
fn ordered_words(max_words: usize) -> impl Strategy<Value = Vec<Word>> {
    prop::collection::vec((word_text(), 0.0f64..3.0, 0.0f64..2.0), 0..max_words).prop_map(|raw| {
        let mut t = 0.0;
        raw.into_iter()
            .map(|(text, gap, len)| {
                t += gap;
                let w = Word::new(text, t, t + len);
                t += len;
                w
            })
            .collect()
    })
}

/// Any words at all: unordered, overlapping, zero-length, before 0.
fn wild_words() -> impl Strategy<Value = Vec<Word>> {
    prop::collection::vec((word_text(), -5.0f64..4000.0, -1.0f64..30.0), 0..80).prop_map(|raw| {
        raw.into_iter()
            .map(|(text, s, len)| Word::new(text, s, s + len))
            .collect()
    })
}

/// Speech regions as the VAD reports them: ordered, non-overlapping, inside the duration.
fn activity() -> impl Strategy<Value = SpeechActivity> {
    (
        1.0f64..3600.0,
        prop::collection::vec((0.0f64..1.0, 0.0f64..1.0), 0..60),
        0.0f64..1.0,
    )
        .prop_map(|(duration_s, raw, clipped_share)| {
            let mut cuts: Vec<f64> = raw
                .iter()
                .flat_map(|&(a, b)| [a * duration_s, b * duration_s])
                .collect();
            cuts.sort_by(f64::total_cmp);
            let segments = cuts
                .chunks_exact(2)
                .map(|p| (p[0], p[1]))
                .filter(|(a, b)| b > a)
                .collect();
            SpeechActivity {
                segments,
                duration_s,
                clipped_share,
                speech_level_db: -20.0,
            }
        })
}

fn targets() -> impl Strategy<Value = Targets> {
    (0.05f64..2.0, 0.0f64..5.0, 1.0f64..60.0).prop_map(|(pause, extra, window)| Targets {
        pause_min_s: pause,
        long_pause_s: pause + extra,
        pace_window_s: window,
        ..Targets::default()
    })
}

fn check(a: &Analysis, words: &[Word], vad: &SpeechActivity, t: &Targets) {
    // Fillers.
    let f = &a.fillers;
    assert!(
        f.total <= words.len(),
        "{} fillers in {} words",
        f.total,
        words.len()
    );
    assert_eq!(f.filled_pauses + f.discourse, f.total);
    assert_eq!(f.events.len(), f.total);
    assert_eq!(f.by_word.values().sum::<usize>(), f.total);
    if f.total > 0 {
        // Each filler word's share of all fillers; together they are all of them.
        let shares: f64 = f.by_word.values().map(|&n| n as f64 / f.total as f64).sum();
        assert!((shares - 1.0).abs() < 1e-9, "shares sum to {shares}");
    }
    let mut covered = 0;
    for e in &f.events {
        assert!(e.word_index >= covered, "filler events overlap");
        assert!(e.word_count >= 1 && e.word_index + e.word_count <= words.len());
        covered = e.word_index + e.word_count;
    }
    assert!(f.per_minute.is_finite() && f.per_minute >= 0.0);
    assert!(f.per_100_words.is_finite() && (0.0..=100.0 + EPS).contains(&f.per_100_words));

    // Pauses: inside the recording, ordered, apart, each at least the threshold.
    let p = &a.pauses;
    assert_eq!(p.count, p.events.len());
    assert!(p.long_count <= p.count);
    let mut last_end = f64::NEG_INFINITY;
    let mut total = 0.0;
    for e in &p.events {
        assert!(e.start_s >= -EPS, "pause starts before 0: {}", e.start_s);
        assert!(
            e.start_s + e.duration_s <= vad.duration_s + EPS,
            "pause ends after the recording"
        );
        assert!(e.start_s >= last_end - EPS, "pauses overlap");
        assert!(e.duration_s >= t.pause_min_s - 1e-6);
        assert_eq!(e.long, e.duration_s >= t.long_pause_s - 1e-9);
        last_end = e.start_s + e.duration_s;
        total += e.duration_s;
    }
    assert!((p.total_s - total).abs() < 1e-6);
    assert!(p.longest_s <= p.total_s + EPS);
    assert!(p.leading_silence_s >= 0.0 && p.leading_silence_s <= vad.duration_s + EPS);

    // Pace: windows tile the speaking span and hold every word once.
    let pace = &a.pace;
    assert!(pace.wpm.is_finite() && pace.wpm >= 0.0);
    assert!(pace.articulation_wpm.is_finite() && pace.articulation_wpm >= 0.0);
    assert!(pace.speaking_time_s <= pace.span_s + EPS);
    if pace.span_s > 0.0 {
        let (start, end) = vad
            .span()
            .unwrap_or_else(|| (words[0].start_s, words[words.len() - 1].end_s));
        let w = &pace.windows;
        assert!(!w.is_empty());
        assert!((w[0].start_s - start).abs() < EPS);
        assert!((w[w.len() - 1].end_s - end).abs() < EPS);
        for pair in w.windows(2) {
            assert!(
                (pair[0].end_s - pair[1].start_s).abs() < EPS,
                "gap between windows"
            );
        }
        for win in w {
            assert!(win.end_s > win.start_s);
            assert!(win.end_s - win.start_s <= t.pace_window_s + EPS);
            assert!(win.wpm.is_finite());
        }
        assert_eq!(w.iter().map(|w| w.words).sum::<usize>(), words.len());
        assert!(pace.windows_off_target <= w.len());
    } else {
        assert!(pace.windows.is_empty());
    }

    // Length and verdicts.
    assert_eq!(a.length.word_count, words.len());
    if vad.has_speech() {
        assert!(a.length.answer_s <= a.length.duration_s + EPS);
    }
    if !a.speech_found {
        assert_eq!(a.length.verdict, Verdict::NotEnoughSpeech);
    }
    if words.len() < 10 {
        assert_eq!(a.pace.verdict, Verdict::NotEnoughSpeech);
        assert_eq!(a.fillers.verdict, Verdict::NotEnoughSpeech);
    }
    // The whole analysis serialises.
    serde_json::to_string(a).expect("serialises");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn realistic_takes_keep_every_invariant(
        words in ordered_words(300),
        vad in activity(),
        t in targets(),
    ) {
        let a = analyze(&Transcript { words: words.clone() }, &vad, &t);
        check(&a, &words, &vad, &t);
    }

    #[test]
    fn any_timings_never_panic(words in wild_words(), vad in activity(), t in targets()) {
        let a = analyze(&Transcript { words: words.clone() }, &vad, &t);
        prop_assert!(a.fillers.total <= words.len());
        prop_assert!(a.pauses.events.iter().all(|e| e.start_s + e.duration_s <= vad.duration_s + EPS));
        prop_assert_eq!(a.pace.windows.iter().map(|w| w.words).sum::<usize>(),
            if a.pace.span_s > 0.0 { words.len() } else { 0 });
    }

    #[test]
    fn chunk_plans_cover_the_speech_and_never_overlap(vad in activity()) {
        let c = chunks::plan(&vad.segments, vad.duration_s);
        prop_assert_eq!(c.is_empty(), vad.segments.is_empty());
        for chunk in &c {
            prop_assert!(chunk.start_s >= 0.0 && chunk.end_s <= vad.duration_s + EPS);
            prop_assert!(chunk.end_s >= chunk.start_s);
            // At most MAX_S of speech plus a little padding either side.
            prop_assert!(chunk.len_s() <= chunks::MAX_S + 0.4 + EPS, "{:?}", chunk);
        }
        for pair in c.windows(2) {
            prop_assert!(pair[0].end_s <= pair[1].start_s + EPS, "{:?}", pair);
        }
        // Every speech region's start, middle and end is inside some piece.
        for &(a, b) in &vad.segments {
            for t in [a, (a + b) / 2.0, b] {
                prop_assert!(
                    c.iter().any(|ch| ch.start_s - EPS <= t && t <= ch.end_s + EPS),
                    "{} not covered", t
                );
            }
        }
    }
}
