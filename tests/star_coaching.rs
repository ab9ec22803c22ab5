//! Coaching you can trust, through the real binary and model on spoken answers: an overall
//! verdict that a dodge cannot pass, checks that say "can't tell" when the evidence was
//! misheard, an answer to another question flagged, the same labels from a file and from the
//! microphone, and a summary on a short real recording.
//!
//! Needs `espeak-ng` and `sox` on the PATH and `models/ggml-tiny.en.bin` (scripts/setup.sh).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn model() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ggml-tiny.en.bin");
    assert!(path.is_file(), "run `bash scripts/fetch-model.sh` first");
    path
}

fn tool(name: &str, args: &[&str]) {
    let status = Command::new(name)
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("{name} is needed for this test: {e}"));
    assert!(status.success(), "{name} {args:?} failed");
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `text` spoken by espeak-ng into `dir/name.wav`.
fn speak(dir: &Path, name: &str, text: &str) -> PathBuf {
    let wav = dir.join(format!("{name}.wav"));
    tool(
        "espeak-ng",
        &["-v", "en-us", "-s", "140", "-w", p(&wav), text],
    );
    wav
}

fn rehearse(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args(args)
        .args(["--quiet", "--no-save", "--model", p(&model())])
        .env_remove("REHEARSE_MODEL")
        // One thread: the harness runs tests side by side (tests/common's `rehearse`).
        .env("REHEARSE_THREADS", "1")
        .output()
        .expect("rehearse runs");
    assert!(
        out.status.success(),
        "rehearse {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn analyze_json(wav: &Path, question: &str) -> Value {
    let out = rehearse(&[
        "analyze",
        p(wav),
        "--format",
        "json",
        "--question",
        question,
    ]);
    serde_json::from_str(&out).expect("JSON report")
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["question"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {}", report["question"]))
}

fn kinds(report: &Value) -> Vec<String> {
    report["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

const DODGE: &str = "Honestly, I don't really have weaknesses. I work really hard and I always \
    deliver. At my last job, the releases kept slipping, but that was because the QA people \
    were incompetent. The team was like, always late with testing. So I stayed late and \
    tested everything myself, and we shipped the release in two weeks. My manager said it \
    was the best release we ever had.";

#[test]
fn a_dodged_weakness_question_is_not_on_target_and_the_star_verdict_names_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speak(dir.path(), "dodge", DODGE);
    let report = analyze_json(&wav, "weakness");
    let summary = &report["summary"];
    assert_ne!(summary["verdict"], "on_target", "{summary}");
    assert_eq!(summary["verdict"], "needs_work", "{summary}");
    let fixes = summary["top_fixes"].as_array().unwrap();
    assert!(!fixes.is_empty() && fixes.len() <= 3, "{summary}");
    // Content red flags come first.
    assert!(
        ["no_weakness", "blame"].contains(&fixes[0]["area"].as_str().unwrap()),
        "{summary}"
    );
    let flags = kinds(&report);
    assert!(flags.contains(&"no_weakness".to_string()), "{flags:?}");
    assert_eq!(check(&report, "names_real_weakness")["answer"], "no");

    let text = rehearse(&[
        "analyze",
        p(&wav),
        "--question",
        "weakness",
        "--color",
        "never",
    ]);
    assert!(text.contains("  Overall needs work: "), "{text}");
    // The STAR row and the lines under it, unwrapped.
    let star = text
        .lines()
        .skip_while(|l| !l.starts_with("  STAR "))
        .enumerate()
        .take_while(|(i, l)| *i == 0 || l.starts_with("           "))
        .map(|(_, l)| l.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(star.contains("needs work"), "{star}");
    assert!(
        star.contains("the no weakness flag") || star.contains("the blame flag"),
        "the STAR verdict names the flag: {star}"
    );
}

#[test]
fn blame_that_whisper_mishears_is_cant_tell_not_yes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = speak(
        d,
        "before",
        "At my last job I worked with the QA team on every release. We kept arguing about bug \
         reports, and it got tense. Honestly, the QA people were",
    );
    let blame = speak(d, "blame", "incompetent.");
    let after = speak(
        d,
        "after",
        "So I asked their lead for a coffee, and we agreed on a simple template for bug \
         reports. I also recorded short videos for the tricky ones. After that, we rarely \
         argued, and most tickets were fixed the same week.",
    );
    // Clearly heard, the blame is a "no".
    let clean = d.join("clean.wav");
    tool("sox", &[p(&before), p(&blame), p(&after), p(&clean)]);
    let report = analyze_json(&clean, "conflict");
    assert_eq!(
        check(&report, "owns_it")["answer"],
        "no",
        "{}",
        report["question"]
    );
    // Noise over the key word: Whisper mishears it, and the check cannot say "yes".
    let noisy = d.join("noisy-word.wav");
    let damaged = d.join("damaged.wav");
    let noise = d.join("noise.wav");
    tool(
        "sox",
        &[p(&blame), p(&noise), "synth", "whitenoise", "vol", "0.5"],
    );
    tool("sox", &["-m", p(&blame), p(&noise), p(&noisy)]);
    tool("sox", &[p(&before), p(&noisy), p(&after), p(&damaged)]);
    let report = analyze_json(&damaged, "conflict");
    let owns = check(&report, "owns_it");
    assert_eq!(
        owns["answer"], "cant_tell",
        "{}\n{}",
        owns, report["transcript"]["text"]
    );
    assert_eq!(owns["passed"], false);
    assert!(
        owns["why"].as_str().unwrap().contains("heard uncertainly"),
        "{owns}"
    );
    assert_ne!(report["summary"]["verdict"], "on_target");
}

#[test]
fn an_answer_to_another_question_is_flagged_off_topic() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speak(
        dir.path(),
        "process",
        "At my last job I ran the warehouse stock count every Sunday night. Six of us counted \
         everything by hand on paper sheets, and someone typed it all into a spreadsheet on \
         Monday. I was asked to make it faster. I bought two barcode scanners, wrote a short \
         guide, and trained the team to scan each aisle. The count now takes three hours \
         instead of eight, and the numbers are more accurate.",
    );
    let report = analyze_json(&wav, "conflict");
    let on_topic = check(&report, "on_topic");
    assert_eq!(on_topic["answer"], "no", "{on_topic}");
    assert!(
        on_topic["why"]
            .as_str()
            .unwrap()
            .contains("the disagreement"),
        "the key words it never touched: {on_topic}"
    );
    assert!(kinds(&report).contains(&"off_topic".to_string()));
    assert_eq!(report["summary"]["verdict"], "needs_work");
    assert_eq!(report["summary"]["top_fixes"][0]["area"], "off_topic");
    // The same answer to the question it does answer is on topic.
    let report = analyze_json(&wav, "improve_process");
    assert_eq!(check(&report, "on_topic")["answer"], "yes");
    assert!(!kinds(&report).contains(&"off_topic".to_string()));
}

/// Labels by sentence text: (text, label).
fn labels(report: &Value) -> Vec<(String, String)> {
    report["star"]["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["text"].as_str().unwrap().to_string(),
                s["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_same_answer_labels_the_same_from_a_file_and_through_the_microphone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let wav = speak(
        d,
        "answer",
        "At my last job I was a support engineer at a software company. Our ticket backlog had \
         grown to three weeks. My manager asked me to get it under one week. I sorted the \
         tickets by cause and found that most were password resets. I wrote a self-service \
         reset page and trained the team to use it. As a result, the backlog dropped to two \
         days.",
    );
    let from_file = analyze_json(&wav, "technical_problem");

    // The fake microphone of tests/common: ALSA's file plugin plays a raw 48 kHz stereo
    // float file as the default capture device.
    let raw = d.join("input.raw");
    common::sox_to_mic_raw(&[&wav], &raw, &[]);
    let conf = d.join("asound.conf");
    std::fs::write(&conf, common::file_mic_alsa_conf(&raw)).unwrap();
    let seconds = (std::fs::metadata(&raw).unwrap().len() / (48_000 * 8) + 2).to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args([
            "record",
            "--question",
            "technical_problem",
            "--max-seconds",
            &seconds,
            "--countdown",
            "0",
            "--format",
            "json",
            "--model",
            p(&model()),
        ])
        .env("ALSA_CONFIG_PATH", &conf)
        .env("REHEARSE_HOME", d.join("home"))
        .env_remove("REHEARSE_MODEL")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_mic: Value = serde_json::from_slice(&out.stdout).expect("JSON report");

    let (file, mic) = (labels(&from_file), labels(&from_mic));
    // Every sentence the two transcripts share is labelled the same.
    let shared: Vec<_> = file
        .iter()
        .filter(|f| mic.iter().any(|m| m.0 == f.0))
        .collect();
    assert!(shared.len() * 2 >= file.len(), "file {file:?}\nmic {mic:?}");
    for (text, label) in &shared {
        let other = &mic.iter().find(|m| &m.0 == text).unwrap().1;
        assert_eq!(label, other, "{text:?}: file {label}, microphone {other}");
    }
    for part in ["situation", "task", "action", "result"] {
        assert_eq!(
            from_file["star"][part]["present"], from_mic["star"][part]["present"],
            "{part}: file {file:?}\nmic {mic:?}"
        );
    }
    if from_file["transcript"]["text"] == from_mic["transcript"]["text"] {
        assert_eq!(file, mic);
        assert_eq!(from_file["star"]["score"], from_mic["star"]["score"]);
    }
}

#[test]
fn a_short_real_recording_gets_a_summary_that_says_cant_tell() {
    let clip = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realspeech/mfa_uh.wav");
    let report = analyze_json(&clip, "weakness");
    let summary = &report["summary"];
    assert_eq!(summary["verdict"], "cant_tell", "{summary}");
    assert!(
        summary["headline"]
            .as_str()
            .unwrap()
            .contains("too few to judge"),
        "{summary}"
    );
    // A 6 s answer has no pace and no STAR verdict, and no part is called missing.
    assert_eq!(report["pace"]["verdict"], "cant_tell");
    let withheld = report["cant_tell"].to_string();
    assert!(
        withheld.contains("\"star\"") && withheld.contains("\"pace\""),
        "{withheld}"
    );
    for part in ["situation", "task", "action", "result"] {
        assert_ne!(report["star"][part]["verdict"], "missing", "{part}");
    }
    // Its checks do not pretend to know either.
    assert_eq!(check(&report, "names_real_weakness")["answer"], "cant_tell");
    assert_eq!(check(&report, "on_topic")["answer"], "cant_tell");
}
