//! Helpers shared by the integration tests: run the real binary from the repository root,
//! where `models/` holds the real Whisper model (`scripts/fetch-model.sh` puts it there).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(name: &str) -> PathBuf {
    root().join("samples").join(name)
}

/// A fresh, empty data directory (take history, config) for one run.
pub fn fresh_home() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("home-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create test home");
    dir
}

/// The binary, run from the repository root with a clean environment for model lookup and
/// its own empty data directory.
pub fn rehearse() -> Command {
    let mut cmd = Command::cargo_bin("rehearse").expect("the binary is built");
    cmd.current_dir(root())
        .env_remove("REHEARSE_MODEL")
        .env_remove("NO_COLOR")
        .env("REHEARSE_HOME", fresh_home());
    cmd
}

/// Every line on stderr is rehearse's own (`rehearse: ...`): no progress bar when stderr is
/// not a terminal, and none of whisper.cpp's log lines.
pub fn assert_only_own_messages(stderr: &[u8]) {
    let text = String::from_utf8_lossy(stderr);
    for line in text.lines() {
        assert!(
            line.starts_with("rehearse: "),
            "foreign stderr line: {line:?}"
        );
    }
}

/// `rehearse analyze FILE --format json` parsed, asserting success and a silent stderr.
pub fn analyze_json(file: &Path, extra: &[&str]) -> serde_json::Value {
    let out = rehearse()
        .arg("analyze")
        .arg(file)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("runs");
    assert_clean_success(&out);
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

pub fn assert_clean_success(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "failed: {stderr}");
    assert!(!stderr.contains("panicked"), "panic on stderr: {stderr}");
}

/// A failed run: exit code 1, one line on stderr saying `rehearse: error: ...`, no panic.
pub fn assert_one_line_error(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not one line: {stderr}"
    );
    assert!(stderr.starts_with("rehearse: error: "), "{stderr}");
    stderr
}

/// Write a mono 16-bit WAV of `samples` at `rate`.
pub fn write_wav(path: &Path, rate: u32, samples: &[f32]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for s in samples {
        w.write_sample((s.clamp(-1.0, 1.0) * 32767.0) as i16)
            .expect("write");
    }
    w.finalize().expect("finalize");
}
