//! With a multilingual model, the report identifies the language of the speech (#25): German
//! gets "can't tell" with the language named, English stays trusted. tiny.en cannot do this
//! (it is English-only, and writes German as confident English-sounding text), so this runs
//! the real binary with Whisper base, 8-bit, the model `scripts/setup.sh` fetches
//! (`scripts/fetch-model.sh base-q8_0`), on espeak-ng speech: as the transcription model here,
//! and beside tiny.en in tests/trust.rs. Without any multilingual model the report says the
//! language was not checked.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{assert_clean_success, rehearse, root, run_tool};

fn base_model() -> PathBuf {
    let path = root().join("models/ggml-base-q8_0.bin");
    assert!(
        path.is_file(),
        "{} missing: run scripts/test.sh (or bash scripts/fetch-model.sh base-q8_0)",
        path.display()
    );
    path
}

fn speak(dir: &Path, voice: &str, text: &str) -> PathBuf {
    let path = dir.join(format!("{voice}.wav"));
    run_tool(
        "espeak-ng",
        &["-v", voice, "-w", path.to_str().expect("utf-8 path"), text],
    );
    path
}

#[test]
fn a_multilingual_model_names_the_language_and_withholds_the_coaching() {
    let dir = tempfile::tempdir().unwrap();
    let german = speak(
        dir.path(),
        "de",
        "Letztes Jahr war ich für die Umstellung unseres Abrechnungssystems verantwortlich. Das \
         alte System war langsam, und die Kunden haben sich oft beschwert. Ich habe mit dem Team \
         einen Plan gemacht, die Daten in kleinen Schritten übertragen und jeden Schritt \
         getestet. Am Ende lief alles pünktlich, und die Beschwerden sind um die Hälfte \
         zurückgegangen.",
    );
    let english = speak(
        dir.path(),
        "en-us",
        "Last year I was responsible for moving our billing system. The old system was slow, \
         and customers often complained. I made a plan with the team, we moved the data in \
         small steps and tested every step. In the end everything ran on time, and complaints \
         fell by half.",
    );
    let out = rehearse()
        .args(["analyze", "--format", "json", "--no-save", "-q", "--model"])
        .arg(base_model())
        .arg(&german)
        .arg(&english)
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let reports: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let (de, en) = (&reports[0], &reports[1]);

    let q = &de["transcript"]["quality"];
    assert_eq!(q["trusted"], false, "{q}");
    assert_eq!(q["issue"], "other_language", "{q}");
    assert_eq!(q["language"], "de", "{q}");
    assert!(q["reason"].as_str().unwrap().contains("German"), "{q}");
    assert_eq!(de["summary"]["verdict"], "cant_tell");
    let fixes = de["summary"]["top_fixes"].to_string();
    assert!(
        !fixes.contains("blame") && !fixes.contains("STAR"),
        "{fixes}"
    );
    assert_eq!(de["pace"]["verdict"], "cant_tell");

    let q = &en["transcript"]["quality"];
    assert_eq!(q["trusted"], true, "{q}");
    assert_eq!(q["language"], "en", "{q}");
    assert_ne!(en["summary"]["verdict"], "cant_tell", "{}", en["summary"]);
}

#[test]
fn without_a_multilingual_model_the_report_says_the_language_was_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    let english = speak(
        dir.path(),
        "en-us",
        "Last year I was responsible for moving our billing system. The old system was slow, \
         and customers often complained. I made a plan with the team and we tested every step.",
    );
    let analyze = |language_model: &str| {
        let out = rehearse()
            .args(["analyze", "--format", "json", "--no-save", "-q"])
            .arg(&english)
            .env("REHEARSE_LANGUAGE_MODEL", language_model)
            .output()
            .expect("runs");
        assert_clean_success(&out);
        serde_json::from_slice::<Value>(&out.stdout).expect("JSON")
    };
    let unchecked = analyze("off");
    let warnings = unchecked["warnings"].to_string();
    assert!(warnings.contains("language was not checked"), "{warnings}");
    assert!(unchecked["model"]["language_model"].is_null());
    assert_eq!(unchecked["transcript"]["quality"]["trusted"], true);

    // The same take with the model named: checked, English, no such warning.
    let checked = analyze(base_model().to_str().expect("utf-8 path"));
    let warnings = checked["warnings"].to_string();
    assert!(!warnings.contains("language was not checked"), "{warnings}");
    assert_eq!(checked["transcript"]["quality"]["language"], "en");
}
