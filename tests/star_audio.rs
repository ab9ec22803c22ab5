//! The whole path on real audio: a spoken answer synthesised with espeak-ng goes through
//! `rehearse analyze --format json`, and the STAR section of the report must describe it.
//!
//! Needs `espeak-ng` on the PATH and a Whisper model (`bash scripts/fetch-model.sh`, or
//! `REHEARSE_MODEL`).

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn model() -> PathBuf {
    let path = std::env::var_os("REHEARSE_MODEL").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ggml-tiny.en.bin"),
        PathBuf::from,
    );
    assert!(
        path.is_file(),
        "no Whisper model at {}: run `bash scripts/fetch-model.sh` or set REHEARSE_MODEL",
        path.display()
    );
    path
}

/// Speak `text` into a WAV file in `dir` (espeak-ng's own 22.05 kHz mono).
fn synthesise(dir: &Path, name: &str, text: &str) -> PathBuf {
    let wav = dir.join(format!("{name}.wav"));
    let status = Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "140", "-w"])
        .arg(&wav)
        .arg(text)
        .status()
        .expect("espeak-ng must be installed for this test (apt-get install espeak-ng)");
    assert!(status.success(), "espeak-ng failed");
    wav
}

fn analyze(wav: &Path, question: &str) -> Value {
    let out = Command::cargo_bin("rehearse")
        .unwrap()
        .arg("analyze")
        .arg(wav)
        .args([
            "--format",
            "json",
            "--quiet",
            "--question",
            question,
            "--model",
        ])
        .arg(model())
        .output()
        .expect("rehearse runs");
    assert!(
        out.status.success(),
        "rehearse failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the report is JSON")
}

fn labels(star: &Value) -> String {
    star["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}: {}", s["label"], s["text"]))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_spoken_star_answer_has_every_part_and_a_quantified_result() {
    let dir = tempfile::tempdir().unwrap();
    let wav = synthesise(
        dir.path(),
        "star",
        "At my last job I was a support engineer at a software company. Our ticket backlog had \
         grown to three weeks, and customers were complaining. My manager asked me to get it \
         under one week before the holidays. I sorted the tickets by cause and found that most \
         of them were password resets. I wrote a self-service reset page, linked it from the \
         login screen, and trained the team to use it. As a result, the backlog dropped to two \
         days, and password tickets fell by forty percent.",
    );
    let report = analyze(&wav, "technical_problem");
    let star = &report["star"];
    let why = labels(star);
    for part in ["situation", "task", "action", "result"] {
        assert_eq!(star[part]["present"], true, "{part} missing:\n{why}");
        assert!(star[part]["word_share"].as_f64().unwrap() > 0.0);
        assert!(star[part]["time_share"].as_f64().unwrap() > 0.0);
        assert!(!star[part]["sentences"].as_array().unwrap().is_empty());
    }
    assert_eq!(star["result_quantified"], true, "{why}");
    assert_eq!(star["order_ok"], true, "{why}");
    assert_eq!(star["i_we_ratio"], 1.0, "{why}");
    assert!(
        star["score"].as_u64().unwrap() >= 80,
        "{}",
        star["score_reasons"]
    );
    // The last sentence is the Result, and it carries its time.
    let last = star["sentences"].as_array().unwrap().last().unwrap();
    assert_eq!(last["label"], "result", "{why}");
    assert!(last["start_s"].as_f64().unwrap() > 15.0);
    assert_eq!(report["flags"], Value::Array(vec![]));
    let q = &report["question"];
    assert_eq!(q["id"], "technical_problem");
    assert!(q["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["passed"] == true));
}

#[test]
fn a_spoken_answer_without_a_result_is_told_to_end_with_one() {
    let dir = tempfile::tempdir().unwrap();
    let wav = synthesise(
        dir.path(),
        "no-result",
        "At my previous company, our deployments kept failing on Fridays. Honestly, the \
         operations team was useless, and it was their fault. I needed to make the deployments \
         reliable. So I added a staging environment and wrote smoke tests for the checkout. \
         Then I trained the team to run them before every release.",
    );
    let report = analyze(&wav, "Tell me about a time you improved a process.");
    let star = &report["star"];
    let why = labels(star);
    assert_eq!(star["result"]["present"], false, "{why}");
    assert_eq!(star["result"]["sentences"], Value::Array(vec![]));
    assert_eq!(star["result_quantified"], false);
    assert_eq!(star["action"]["present"], true, "{why}");
    assert!(star["score"].as_u64().unwrap() < 80);
    // The last sentence ("Then I trained the team ...") could be read as a weak Result: the
    // labeller may not be sure enough to call it missing (the calibrated probability against
    // the threshold "missing" needs, `missing_confidence` in the shipped weights,
    // docs/star.md), so the part is "missing" or "can't tell" with that sentence, and the
    // advice is still to end with what changed.
    let verdict = star["result"]["verdict"].as_str().unwrap();
    assert!(
        ["missing", "cant_tell"].contains(&verdict),
        "{verdict}: {why}"
    );
    let told = star["coaching"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .find(|c| c.starts_with("No Result") || c.starts_with("Result unclear"))
        .unwrap_or_else(|| panic!("no Result advice in {}", star["coaching"]));
    assert!(told.contains("end with what changed"), "{told}");
    if verdict == "cant_tell" {
        let unsure = star["result"]["unsure_sentence"].as_u64().unwrap() as usize;
        let text = star["sentences"][unsure]["text"]
            .as_str()
            .unwrap_or_default();
        assert!(text.contains("trained the team"), "{text}: {why}");
    }
    let flags = report["flags"].as_array().unwrap();
    let blame = flags
        .iter()
        .find(|f| f["kind"] == "blame")
        .unwrap_or_else(|| panic!("no blame flag in {flags:?}"));
    assert!(blame["quote"].as_str().unwrap().contains("useless"));
    let at = blame["start_s"].as_f64().unwrap();
    assert!((3.0..8.0).contains(&at), "blame at {at} s");
    // Free text was matched to the bank's improve_process question.
    assert_eq!(report["question"]["id"], "improve_process");
    assert_eq!(report["question"]["source"], "free_text");
}
