//! Helpers shared by the integration tests: run the real binary from the repository root,
//! where `models/` holds the real Whisper model (`scripts/fetch-model.sh` puts it there).
#![allow(dead_code)]

pub mod wer;

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
        // One thread unless a test asks: the harness runs two tests side by side, and two
        // analyses that each took both cores fought for them (tests/history.rs took 274 s
        // with two threads each, 74 s with one).
        .env("REHEARSE_THREADS", "1")
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

/// `rehearse analyze --format json --no-save -q --jobs 2 EXTRA FILES...`: one report per file,
/// in order. Two jobs, since the tests' analyses run on one thread each ([`rehearse`]) and
/// `--jobs` is 1 unless asked.
pub fn analyze_batch<P: AsRef<std::ffi::OsStr>>(
    files: impl IntoIterator<Item = P>,
    extra: &[&str],
) -> Vec<serde_json::Value> {
    let files: Vec<P> = files.into_iter().collect();
    let out = rehearse()
        .args([
            "analyze",
            "--format",
            "json",
            "--no-save",
            "-q",
            "--jobs",
            "2",
        ])
        .args(extra)
        .args(&files)
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let reports: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(reports.len(), files.len());
    reports
}

/// A report with the time its transcription took (`model.transcribe_s`,
/// `model.real_time_factor`) taken out: what two runs on the same audio may differ in.
pub fn without_timings(mut r: serde_json::Value) -> serde_json::Value {
    let model = r["model"].as_object_mut().expect("a model section");
    model.remove("transcribe_s");
    model.remove("real_time_factor");
    r
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

/// The fake microphone's raw format as sox output options: 48 kHz, stereo, 32-bit float,
/// little end. It is what cpal asks ALSA for, so ALSA's `file` device converts nothing (with a
/// `plug` layer converting between them, ALSA skips whole periods of the input file).
pub const MIC_RAW_FORMAT: [&str; 11] = [
    "-t",
    "raw",
    "-r",
    "48000",
    "-c",
    "2",
    "-e",
    "floating-point",
    "-b",
    "32",
    "-L",
];

/// `inputs` (any files sox reads, one after the other) written to `raw` in the fake
/// microphone's format, then the sox `effects` (`["pad", "0", "1"]`, or none).
pub fn sox_to_mic_raw(inputs: &[&Path], raw: &Path, effects: &[&str]) {
    let status = std::process::Command::new("sox")
        .args(inputs)
        .args(MIC_RAW_FORMAT)
        .arg(raw)
        .args(effects)
        .status()
        .unwrap_or_else(|e| panic!("sox is needed for this test: {e}"));
    assert!(
        status.success(),
        "sox {inputs:?} -> {raw:?} {effects:?} failed"
    );
}

/// An ALSA configuration whose default capture device reads raw audio in
/// [`MIC_RAW_FORMAT`] from `infile` (a file or a FIFO): the fake microphone. Point
/// `ALSA_CONFIG_PATH` at a file holding it.
pub fn file_mic_alsa_conf(infile: &Path) -> String {
    format!(
        "</usr/share/alsa/alsa.conf>\npcm.!default {{\n  type file\n  slave.pcm \"null\"\n  \
         file \"/dev/null\"\n  infile \"{}\"\n  format \"raw\"\n}}\n",
        infile.display()
    )
}

/// One end of a pipe whose reading end is already closed: every write to it fails with EPIPE,
/// as when `| head` has exited. For a child's stdout or stderr.
#[cfg(unix)]
pub fn closed_pipe() -> std::process::Stdio {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe fills the two descriptors; each is then owned by exactly one value.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    unsafe {
        libc::close(fds[0]);
        std::process::Stdio::from(std::os::fd::OwnedFd::from_raw_fd(fds[1]))
    }
}

/// Run an external tool the setup scripts install (sox, espeak-ng, ...) and fail the test with
/// its stderr when it fails; its standard output.
pub fn run_tool(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} not runnable ({e}): run scripts/setup.sh"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
