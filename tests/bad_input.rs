//! Bad input gets a one-line error or an honest report, never a panic.

mod common;

use common::{assert_one_line_error, rehearse, root, sample, write_wav};

#[test]
fn a_missing_file_is_a_clear_error() {
    let out = rehearse()
        .args(["analyze", "no/such/take.wav"])
        .output()
        .unwrap();
    let err = assert_one_line_error(&out);
    assert!(err.contains("no/such/take.wav: no such file"), "{err}");
}

#[test]
fn a_text_file_is_not_audio() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.wav");
    std::fs::write(&path, "these are my interview notes, not a recording").unwrap();
    let out = rehearse().arg("analyze").arg(&path).output().unwrap();
    let err = assert_one_line_error(&out);
    assert!(err.contains("not an audio file"), "{err}");
}

#[test]
fn a_zero_length_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.wav");
    std::fs::write(&path, b"").unwrap();
    let out = rehearse().arg("analyze").arg(&path).output().unwrap();
    assert_one_line_error(&out);
}

#[test]
fn a_directory_is_a_clear_error() {
    let out = rehearse()
        .arg("analyze")
        .arg(root().join("samples"))
        .output()
        .unwrap();
    let err = assert_one_line_error(&out);
    assert!(err.contains("is a directory"), "{err}");
}

#[test]
fn a_truncated_recording_is_analysed_as_far_as_it_goes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.wav");
    let bytes = std::fs::read(sample("long-pauses.wav")).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let r = common::analyze_json(&path, &[]);
    let warning = r["warnings"][0].as_str().unwrap();
    assert!(warning.contains("truncated"), "{warning}");
    let duration = r["audio"]["duration_s"].as_f64().unwrap();
    assert!((duration - 10.26).abs() < 0.1, "kept {duration} s of 20.5");
    let text = r["transcript"]["text"].as_str().unwrap().to_lowercase();
    assert!(text.contains("migration"), "{text}");
}

#[test]
fn silence_reports_that_no_speech_was_found() {
    let dir = tempfile::tempdir().unwrap();
    for (name, samples) in [
        ("silent.wav", vec![0.0f32; 16000 * 5]),
        ("header-only.wav", Vec::new()),
    ] {
        let path = dir.path().join(name);
        write_wav(&path, 16000, &samples);
        let r = common::analyze_json(&path, &[]);
        assert_eq!(r["speech_found"], false, "{name}");
        assert_eq!(r["length"]["word_count"], 0, "{name}");
        assert_eq!(r["length"]["verdict"], "not_enough_speech", "{name}");
        assert!(
            r["warnings"][0].as_str().unwrap().contains("No speech"),
            "{name}"
        );
        let out = rehearse().arg("analyze").arg(&path).output().unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains("No speech was found"));
    }
}

#[test]
fn a_missing_model_says_how_to_download_one_and_where_it_looked() {
    let out = rehearse()
        .args(["analyze", "--model", "/nonexistent/ggml-tiny.en.bin"])
        .arg(sample("fillers.wav"))
        .output()
        .unwrap();
    let err = assert_one_line_error(&out);
    assert!(err.contains("`rehearse model download`"), "{err}");

    // No flag, no environment variable, no models/ folder in the working directory: the
    // error lists the data directory REHEARSE_HOME names, not the default one.
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = rehearse()
        .current_dir(dir.path())
        .env("REHEARSE_HOME", &home)
        .arg("analyze")
        .arg(sample("fillers.wav"))
        .output()
        .unwrap();
    let err = assert_one_line_error(&out);
    assert!(
        err.contains("no Whisper model found")
            && err.contains("`rehearse model download`")
            && !err.contains("fetch-model.sh"),
        "{err}"
    );
    assert!(
        err.contains("looked in: models, ")
            && err.contains(&home.join("models").display().to_string())
            && !err.contains(".local/share"),
        "{err}"
    );
}

#[test]
fn the_model_is_found_through_rehearse_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = rehearse()
        .current_dir(dir.path())
        .env("REHEARSE_MODEL", root().join("models/ggml-tiny.en.bin"))
        .arg("model")
        .output()
        .unwrap();
    common::assert_clean_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("English-only")
            && text.contains("found in: the REHEARSE_MODEL environment variable")
            && text.contains("found in: the Whisper model's folder"),
        "{text}"
    );
    // No internal names (`Env`, `BesideWhisperModel`) reach the user.
    assert!(
        !text.contains("Env\n") && !text.contains("Beside"),
        "{text}"
    );
}

#[test]
fn a_corrupt_or_truncated_model_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let model = std::fs::read(root().join("models/ggml-tiny.en.bin")).unwrap();
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "truncated.bin",
            model[..model.len() - 1000].to_vec(),
            "truncated",
        ),
        (
            "garbage.bin",
            b"not a model at all".repeat(100),
            "bad magic",
        ),
        ("empty.bin", Vec::new(), "truncated"),
    ];
    for (name, bytes, expect) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = rehearse()
            .arg("analyze")
            .arg("--model")
            .arg(&path)
            .arg(sample("fillers.wav"))
            .output()
            .unwrap();
        let err = assert_one_line_error(&out);
        assert!(
            err.contains(expect) && err.contains("`rehearse model download`"),
            "{name}: {err}"
        );
    }
}

#[test]
fn invalid_targets_are_rejected_before_any_work() {
    let out = rehearse()
        .args(["analyze", "--long-pause=0"])
        .arg(sample("fillers.wav"))
        .output()
        .unwrap();
    let err = assert_one_line_error(&out);
    assert!(err.contains("long-pause"), "{err}");
}
