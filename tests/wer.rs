//! The word error rate scorer (`tests/common/wer.rs`) on hand-made cases: what is a word,
//! what is left out, and how an alignment counts substitutions, deletions and insertions.

mod common;

use common::wer::{align, score_texts, words, Score};

fn w(s: &str) -> Vec<String> {
    words(s)
}

#[test]
fn normalising_drops_case_punctuation_and_splits_hyphens() {
    assert_eq!(
        w("Hello. This is a test of wake-up, I'm going!"),
        ["hello", "this", "is", "a", "test", "of", "wake", "up", "i'm", "going"]
    );
    assert_eq!(w("I\u{2019}m 'quoted' what's"), ["i'm", "quoted", "what's"]);
}

#[test]
fn filled_pauses_are_left_out_on_both_sides_but_like_and_you_know_stay() {
    assert_eq!(
        w("Um, so uh, I like, you know, erm... Hmm. Mm-hmm. ah"),
        ["so", "i", "like", "you", "know"]
    );
    assert_eq!(w("yknow y'know"), ["you", "know", "you", "know"]);
}

#[test]
fn transcript_markup_follows_the_sources_convention() {
    assert_eq!(
        w("<cutoff-montreal> uh montreal <hes-forced> hm aligner"),
        ["montreal", "forced", "aligner"]
    );
}

#[test]
fn bracketed_notes_are_not_words() {
    assert_eq!(
        w("[BLANK_AUDIO] hello (laughs) there [speaking in foreign language]"),
        ["hello", "there"]
    );
}

#[test]
fn numbers_in_digits_read_as_words() {
    assert_eq!(w("10"), ["ten"]);
    assert_eq!(
        w("It took 25 days."),
        ["it", "took", "twenty", "five", "days"]
    );
    assert_eq!(w("1,204"), ["one", "thousand", "two", "hundred", "four"]);
    assert_eq!(
        w("20% 2.5 $3"),
        ["twenty", "percent", "two", "point", "five", "three", "dollars"]
    );
    assert_eq!(
        w("0 100 3000000"),
        ["zero", "one", "hundred", "three", "million"]
    );
}

#[test]
fn identical_texts_score_zero() {
    let s = score_texts("montreal forced aligner", "Montreal, forced aligner.");
    assert_eq!(
        s,
        Score {
            ref_words: 3,
            hyp_words: 3,
            hits: 3,
            ..Score::default()
        }
    );
    assert_eq!(s.wer(), 0.0);
    assert_eq!(s.recall(), 1.0);
}

#[test]
fn a_respelling_is_one_substitution_and_one_insertion() {
    // "aligner" written as "a liner": one substitution and one insertion (or the other way
    // round: the count is what matters).
    let s = score_texts(
        "montreal uh forced aligner",
        "Montreal, uh, forced a liner.",
    );
    assert_eq!((s.hits, s.subs, s.dels, s.ins), (2, 1, 0, 1));
    assert!((s.wer() - 2.0 / 3.0).abs() < 1e-9);
    assert!((s.recall() - 2.0 / 3.0).abs() < 1e-9);
}

#[test]
fn lost_words_are_deletions_and_invented_ones_insertions() {
    let s = score_texts("this is the acoustic corpus", "this corpus");
    assert_eq!((s.hits, s.subs, s.dels, s.ins), (2, 0, 3, 0));
    assert!((s.wer() - 0.6).abs() < 1e-9);
    let s = score_texts("this corpus", "this is the corpus");
    assert_eq!((s.hits, s.subs, s.dels, s.ins), (2, 0, 0, 2));
    assert!((s.wer() - 1.0).abs() < 1e-9);
    assert_eq!(s.recall(), 1.0);
}

#[test]
fn the_issue_example_is_all_errors() {
    // tests/realspeech.rs used to pass this one: the counts are equal (3 and 4 words).
    let s = score_texts(
        "<hes-montreal> <hes-forced> <hes-aligner>",
        "Mon trio forced align.",
    );
    assert_eq!((s.hits, s.subs, s.dels, s.ins), (1, 2, 0, 1));
    let s = score_texts("montreal forced aligner", "mon trio for stalign");
    assert_eq!(s.hits, 0);
    assert!(s.wer() >= 1.0);
}

#[test]
fn empty_sides() {
    assert_eq!(align(&[], &[]).wer(), 0.0);
    let s = score_texts("", "hello");
    assert_eq!((s.ins, s.wer()), (1, 1.0));
    let s = score_texts("two words", "");
    assert_eq!((s.dels, s.wer(), s.recall()), (2, 1.0, 0.0));
}

#[test]
fn scores_add_up_over_takes() {
    let a = score_texts("a b c", "a x c");
    let b = score_texts("d e", "d e f");
    let t = a.add(&b);
    assert_eq!((t.ref_words, t.hits, t.subs, t.ins), (5, 4, 1, 1));
    assert!((t.wer() - 0.4).abs() < 1e-9);
}
