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
            note: None,
            tags: Vec::new(),
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

fn with_bank_question(mut t: StoredTake, id: &str) -> StoredTake {
    let mut v: Value = serde_json::from_str(&t.report_json).unwrap();
    v["question"] = json!({"id": id, "text": t.meta.question, "source": "bank",
                           "strong_answer": [], "checks": []});
    t.report_json = v.to_string();
    t
}

#[test]
fn history_fits_100_columns_with_the_answer_length_and_the_question() {
    let mut t = takes();
    t[0] = with_bank_question(t[0].clone(), "conflict");
    t[1].meta.question =
        Some("Parlez-moi d'un conflit avec un collègue — « résumé » 面接の練習".into());
    t[1].meta.tags = vec!["second round".into()];
    t[2].meta.question = None;
    let mut v: Value = serde_json::from_str(&t[2].report_json).unwrap();
    v.as_object_mut().unwrap().remove("question");
    t[2].report_json = v.to_string();
    t[2].meta.source_path = "/answers/my-answer.wav".into();
    let table = history_table(&t, &Targets::default());
    for line in table.lines().filter(|l| !l.starts_with('!')) {
        let width: usize = line
            .chars()
            .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
            .sum();
        assert!(width <= super::table::WIDTH, "{width} columns: {line}");
    }
    let first = table.lines().nth(1).unwrap();
    // 70 s of answer in a 100 s recording: LENGTH is the answer, as compare/progress use.
    assert!(
        first.contains(" 1:10 ") && !first.contains("1:40"),
        "{first}"
    );
    assert!(
        first.contains("  needs work  Tell me about a conf") && first.ends_with("…  !"),
        "{first}"
    );
    let second = table.lines().nth(2).unwrap();
    assert!(
        second.contains("Parlez-moi d'un conflit") && second.ends_with('…'),
        "{second}"
    );
    // A take without a question is named by its file.
    assert!(
        table.lines().nth(3).unwrap().ends_with("  my-answer.wav"),
        "{table}"
    );
}

#[test]
fn a_change_adds_up_from_the_values_shown() {
    // 73.6 s shows as 1:14 and 79.4 s as 1:19: the change shown is +0:05, not +0:06.
    let t = vec![
        take(
            "aaaa0001",
            0,
            report(73.6, 150.0, 3.04, 1, 0, None),
            FileState::Ok,
        ),
        take(
            "aaaa0002",
            60,
            report(79.4, 150.0, 3.16, 1, 0, None),
            FileState::Ok,
        ),
    ];
    let text = compare_text(&t[0], &t[1], &Targets::default(), &Style::plain());
    let line = text.lines().find(|l| l.contains("Answer")).unwrap();
    assert!(
        line.contains("1:14") && line.contains("1:19") && line.contains("+0:05"),
        "{line}"
    );
    let line = text.lines().find(|l| l.contains("Fillers/min")).unwrap();
    assert!(
        line.contains("3.0") && line.contains("3.2") && line.contains("+0.2"),
        "{line}"
    );
    let text = progress_text(&t, &Targets::default(), &Style::plain());
    let line = text.lines().find(|l| l.contains("Answer")).unwrap();
    assert!(line.contains("+0:05"), "{line}");
}

#[test]
fn progress_with_several_takes_and_no_gain_does_not_ask_for_more_takes() {
    let same = || report(100.0, 150.0, 3.0, 1, 0, None);
    let t = vec![
        take("bbbb0001", 0, same(), FileState::Ok),
        take("bbbb0002", 60, same(), FileState::Ok),
        take("bbbb0003", 120, same(), FileState::Ok),
    ];
    let text = progress_text(&t, &Targets::default(), &Style::plain());
    assert!(!text.contains("it takes two takes"), "{text}");
    assert!(
        text.contains("Improved most: nothing; no metric is better"),
        "{text}"
    );
    let one = progress_text(&t[..1], &Targets::default(), &Style::plain());
    assert!(one.contains("it takes two takes or more"), "{one}");
}

#[test]
fn coloured_compare_keeps_its_columns() {
    let t = takes();
    let style = Style::for_output(crate::term::ColorChoice::Always, true);
    let text = compare_text(&t[0], &t[2], &Targets::default(), &style);
    let before = text.lines().next().unwrap();
    assert!(
        before.starts_with("\x1b[1mbefore\x1b[0m  1a0e8a0c"),
        "{before:?}"
    );
}

#[test]
fn a_take_not_analysed_is_listed_without_figures_and_says_how_to_finish_it() {
    let mut t = takes();
    t.push(take(
        "cccc0001",
        90,
        crate::store::NOT_ANALYSED.into(),
        FileState::Ok,
    ));
    let table = history_table(&t, &Targets::default());
    let row = table.lines().find(|l| l.starts_with("cccc0001")).unwrap();
    assert!(
        row.contains("not done    Tell me about a conf") && row.ends_with("  !"),
        "{row}"
    );
    assert!(!row.contains("0.0"), "no made-up figures: {row}");
    assert!(
        table.contains("take cccc0001 is not analysed") && table.contains("reanalyze cccc0001"),
        "{table}"
    );
    let v = history_json(&t, &Targets::default());
    let row = v["takes"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(row["analysed"], false);
    assert_eq!(row["wpm"], Value::Null);
    assert_eq!(v["takes"][0]["analysed"], true);
    // Progress and compare skip it rather than fail.
    let p = progress_json(&t, &Targets::default());
    assert_eq!(p["takes"], t.len());
    let c = compare_json(&t[0], t.last().unwrap(), &Targets::default());
    assert!(c["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["after"].is_null()));
}

#[test]
fn disk_use_reads_as_a_size_and_names_recordings_outside_the_history() {
    assert_eq!(size_text(999), "999 bytes");
    assert_eq!(size_text(2_880_044), "2.9 MB");
    assert_eq!(size_text(34_560_044), "34.6 MB");
    let d = DiskUse {
        history_dir: PathBuf::from("/data/history"),
        history_bytes: 2_900_000,
        recordings_dir: PathBuf::from("/data/takes"),
        recordings: 0,
        recordings_bytes: 0,
    };
    assert_eq!(
        disk_use_text(&d, 1),
        "Disk use: 2.9 MB for 1 take in /data/history\n"
    );
    let d = DiskUse {
        recordings: 2,
        recordings_bytes: 5_000,
        ..d
    };
    assert!(disk_use_text(&d, 3).ends_with(
        "for 3 takes in /data/history; 5.0 kB in 2 other recordings in /data/takes (not in the history)\n"
    ));
}
