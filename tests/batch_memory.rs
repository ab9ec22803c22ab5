//! A batch under a memory limit (issue 27, item 1): `--jobs 64` used to give each job its
//! own Whisper state at once, and under a limit whisper.cpp aborted the whole process, losing
//! every take. The jobs are now capped by the room left, and each file succeeds or fails alone.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{root, sample};

fn sox(args: &[&str]) {
    let out = Command::new("sox").args(args).output().expect("needs sox");
    assert!(
        out.status.success(),
        "sox {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One second of near-silence, different for each `seed` (so no two files share a hash).
fn quiet_wav(path: &Path, seed: u32) {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    let samples: Vec<f32> = (0..16_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x % 7) as f32 / 32768.0
        })
        .collect();
    common::write_wav(path, 16000, &samples);
}

#[test]
fn jobs_64_under_a_1_5_gb_limit_saves_every_good_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut files = Vec::new();
    // 12 pieces of real speech (each needs a Whisper state), 48 near-silent files and 4 that
    // are not audio: 64 files, 60 of them good.
    for i in 0..12 {
        let path = dir.join(format!("speech-{i:02}.wav"));
        let (src, start) = if i < 6 {
            ("fillers.wav", i * 4)
        } else {
            ("star-clean.wav", (i - 6) * 10)
        };
        let src = sample(src);
        let start = start.to_string();
        sox(&[
            src.to_str().unwrap(),
            "-r",
            "16000",
            path.to_str().unwrap(),
            "trim",
            &start,
            "3",
        ]);
        files.push(path);
    }
    for i in 0..48 {
        let path = dir.join(format!("quiet-{i:02}.wav"));
        quiet_wav(&path, i + 1);
        files.push(path);
    }
    for i in 0..4 {
        let path = dir.join(format!("broken-{i}.wav"));
        std::fs::write(&path, format!("not audio at all {i}").repeat(100)).unwrap();
        files.push(path);
    }
    assert_eq!(files.len(), 64);

    let home = common::fresh_home();
    let timing = tempfile::NamedTempFile::new().unwrap();
    let out = Command::new("/usr/bin/time")
        .arg("-o")
        .arg(timing.path())
        .args(["-f", "%M"])
        .args(["prlimit", "--as=1610612736", "--"])
        .arg(env!("CARGO_BIN_EXE_rehearse"))
        .args(["analyze", "--jobs", "64", "--format", "json"])
        .args(&files)
        .current_dir(root())
        .env_remove("REHEARSE_MODEL")
        .env("REHEARSE_HOME", &home)
        .stdin(Stdio::null())
        .output()
        .expect("this test needs GNU time (/usr/bin/time) and prlimit");
    let err = String::from_utf8_lossy(&out.stderr);
    // Some files failed, so 1; a crash (abort, SIGSEGV) has no exit code or another one.
    assert_eq!(out.status.code(), Some(1), "{err}");
    let peak_kb: u64 = std::fs::read_to_string(timing.path())
        .unwrap()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("GNU time's peak");
    assert!(peak_kb < 1_536 * 1024, "peak {peak_kb} kB");

    // One JSON line per file, in input order; the broken ones as errors.
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 64, "{err}");
    let errors = lines.iter().filter(|l| l.get("error").is_some()).count();
    assert_eq!(errors, 4, "{err}");
    for line in &lines[..12] {
        let words = line["transcript"]["words"].as_array().map_or(0, Vec::len);
        assert!(words >= 3, "speech with {words} words: {line}");
    }
    let failed: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("error:") && l.contains(".wav"))
        .collect();
    assert_eq!(failed.len(), 4, "{err}");
    assert!(failed.iter().all(|l| l.contains("broken-")), "{err}");
    assert!(
        err.contains("error: 4 of 64 recordings could not be analysed"),
        "{err}"
    );
    // The jobs were capped, and the user was told why.
    assert!(err.contains("--jobs 64: analysing"), "{err}");

    // Every good file saved.
    let history = common::rehearse()
        .env("REHEARSE_HOME", &home)
        // --all: the batch's silent files are saved too, and history hides them by default.
        .args(["history", "--json", "--all"])
        .output()
        .unwrap();
    assert!(history.status.success());
    let v: serde_json::Value = serde_json::from_slice(&history.stdout).unwrap();
    assert_eq!(v["takes"].as_array().unwrap().len(), 60, "{err}");
}
