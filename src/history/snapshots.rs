//! Snapshots of the history views on hand-made takes, so a change in output is a reviewed diff.

use std::path::PathBuf;

use super::metrics::testing::{report_json, set_star};
use super::*;
use crate::store::FileState;

fn take(id: &str, minute: i64, report_json: String, files: FileState) -> StoredTake {
    let created = Timestamp::from_second(1_795_000_000 + minute * 60).unwrap();
    StoredTake {
        meta: TakeMeta {
            id: id.into(),
            created,
            question: Some("Tell me about a conflict with a teammate".into()),
            source_path: format!("/answers/{id}.wav"),
            source_sha256: "0".repeat(64),
            audio_file: Some("audio.wav".into()),
            model: "ggml-tiny.en.bin".into(),
            duration_s: 100.0 + minute as f64,
            session: None,
        },
        report_json,
        folder: PathBuf::from(format!("/data/history/takes/{id}")),
        files,
    }
}

/// STAR parts present, score, Result quantified.
type Star = ([bool; 4], u32, bool);

fn report(
    answer_s: f64,
    wpm: f64,
    fillers: f64,
    um: usize,
    long: usize,
    star: Option<Star>,
) -> String {
    report_json(
        |r| {
            r.speech_found = true;
            r.length.answer_s = answer_s;
            r.pace.wpm = wpm;
            r.fillers.per_minute = fillers;
            r.fillers.by_word = [("um".to_string(), um), ("like".to_string(), 2)].into();
            r.pauses.long_count = long;
            if let Some((present, score, quantified)) = star {
                set_star(r, present, score, quantified);
            }
        },
        star.is_some(),
    )
}

fn takes() -> Vec<StoredTake> {
    vec![
        take(
            "1a0e8a0c",
            0,
            with_voice(
                report(
                    70.0,
                    182.0,
                    9.2,
                    11,
                    3,
                    Some(([true, true, true, false], 55, false)),
                ),
                1.4,
                3,
                6,
            ),
            FileState::AudioMissing,
        ),
        take(
            "518d2e4e",
            60,
            report(104.0, 160.0, 5.5, 6, 1, None),
            FileState::Ok,
        ),
        take(
            "c0ffee11",
            120,
            with_voice(
                report(
                    121.0,
                    150.0,
                    3.1,
                    2,
                    0,
                    Some(([true, true, true, true], 81, true)),
                ),
                2.6,
                1,
                8,
            ),
            FileState::Ok,
        ),
    ]
}

/// The report with a voice section: pitch variation, sentences trailing off of those checked.
fn with_voice(json: String, variation: f64, trailing: usize, checked: usize) -> String {
    let mut r: crate::report::Report = serde_json::from_str(&json).expect("a report");
    r.voice = Some(crate::analyze::voice::example(variation, trailing, checked));
    serde_json::to_string(&r).expect("a report serialises")
}

/// Local times depend on the machine's zone: name them instead.
fn stable(text: String, takes: &[StoredTake]) -> String {
    takes.iter().enumerate().fold(text, |t, (i, take)| {
        t.replace(&local_time(take.meta.created), &format!("<time {i}>"))
    })
}

#[test]
fn history_view() {
    let t = takes();
    insta::assert_snapshot!(stable(history_table(&t, &Targets::default()), &t));
}

#[test]
fn compare_view() {
    let t = takes();
    let text = compare_text(&t[0], &t[2], &Targets::default(), &Style::plain());
    insta::assert_snapshot!(stable(text, &t));
}

#[test]
fn progress_view() {
    let t = takes();
    let text = progress_text(&t, &Targets::default(), &Style::plain());
    insta::assert_snapshot!(stable(text, &t));
}

#[test]
fn progress_json_values() {
    let v = progress_json(&takes(), &Targets::default());
    insta::assert_json_snapshot!("progress_fillers", v["metrics"][2]);
    assert_eq!(v["improved_most"]["metric"], "answer_s");
    let work: Vec<&Value> = v["needs_work"].as_array().unwrap().iter().collect();
    assert!(work.is_empty(), "{work:?}");
}
