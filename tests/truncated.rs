//! Truncated compressed recordings (a browser or phone upload cut off part-way) are analysed as
//! far as they go, with a warning that the file is truncated; a cut that leaves no audio is
//! still refused. Files are made with ffmpeg from a sample, cut at 50 % and 60 % of their bytes,
//! and run through the real binary and model.

mod common;

use std::path::{Path, PathBuf};

use common::{analyze_json, assert_one_line_error, rehearse, run_tool, sample};

/// Seconds of the sample that are encoded.
const SECONDS: f64 = 12.0;

/// `name` encoded by ffmpeg with `args` from the first [`SECONDS`] of a spoken sample.
fn encode(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let wav = dir.join("speech.wav");
    if !wav.exists() {
        let src = sample("star-clean.wav");
        run_tool(
            "sox",
            &[
                src.to_str().unwrap(),
                wav.to_str().unwrap(),
                "trim",
                "0",
                &SECONDS.to_string(),
            ],
        );
    }
    let out = dir.join(name);
    let mut all = vec!["-loglevel", "error", "-y", "-i", wav.to_str().unwrap()];
    all.extend_from_slice(args);
    all.push(out.to_str().unwrap());
    run_tool("ffmpeg", &all);
    out
}

/// The first `percent` % of the bytes of `file`.
fn cut(file: &Path, percent: usize) -> PathBuf {
    let bytes = std::fs::read(file).unwrap();
    let name = format!("{percent}-{}", file.file_name().unwrap().to_string_lossy());
    let out = file.with_file_name(name);
    std::fs::write(&out, &bytes[..bytes.len() * percent / 100]).unwrap();
    out
}

fn warnings(report: &serde_json::Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

fn formats(dir: &Path) -> Vec<PathBuf> {
    vec![
        encode(dir, "take.webm", &["-c:a", "libopus"]),
        encode(dir, "take.m4a", &["-c:a", "aac", "-movflags", "+faststart"]),
        encode(dir, "take.mp3", &["-c:a", "libmp3lame"]),
    ]
}

#[test]
fn truncated_webm_m4a_and_mp3_are_analysed_as_far_as_they_go_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for whole in formats(dir.path()) {
        let report = analyze_json(&whole, &["--no-save"]);
        assert!(
            warnings(&report).is_empty(),
            "{}: {:?}",
            whole.display(),
            warnings(&report)
        );
        let full_words = report["length"]["word_count"].as_u64().unwrap();
        for percent in [50, 60] {
            let file = cut(&whole, percent);
            let report = analyze_json(&file, &["--no-save"]);
            let shown = file.display();
            let warned = warnings(&report);
            assert!(
                warned.iter().any(|w| w.contains("truncated")),
                "{shown}: {warned:?}"
            );
            // About that share of the audio (container headers and bitrate vary a little).
            let secs = report["audio"]["duration_s"].as_f64().unwrap();
            let share = secs / SECONDS;
            let want = percent as f64 / 100.0;
            assert!(
                (share - want).abs() < 0.15,
                "{shown}: {secs:.1} s of {SECONDS} s"
            );
            let words = report["length"]["word_count"].as_u64().unwrap();
            assert!(
                words >= 5 && words < full_words,
                "{shown}: {words} words of {full_words}"
            );
        }
    }
}

#[test]
fn a_cut_that_leaves_no_audio_is_still_refused() {
    let dir = tempfile::tempdir().unwrap();
    for whole in formats(dir.path()) {
        let bytes = std::fs::read(&whole).unwrap();
        // WebM: up to its first cluster (headers, no audio); M4A: inside the index (`moov`);
        // MP3: its LAME tag frame, which counts 12 s of audio, and no audio frame.
        let keep = match whole.extension().unwrap().to_str().unwrap() {
            "webm" => {
                let cluster = [0x1f, 0x43, 0xb6, 0x75];
                bytes.windows(4).position(|w| w == cluster).unwrap() + 8
            }
            _ => bytes.len() / 100,
        };
        let file = whole.with_file_name(format!(
            "head-{}",
            whole.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&file, &bytes[..keep]).unwrap();
        let out = rehearse()
            .arg("analyze")
            .arg(&file)
            .arg("--no-save")
            .output()
            .unwrap();
        let err = assert_one_line_error(&out);
        assert!(
            err.contains("not an audio file") || err.contains("no audio"),
            "{}: {err}",
            file.display()
        );
    }
}
