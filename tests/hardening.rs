//! Hostile and damaged input through the real binary (issue 18): crafted exports, memory
//! bombs, FIFOs, absurd settings, damaged stores, read-only data dirs, private files.
//! None of these needs the Whisper model: the audio here is silence, or is refused.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{assert_one_line_error, rehearse, root};
use serde_json::{json, Value};

/// One store (a data dir) that several commands share.
struct Home(PathBuf);

impl Home {
    fn new() -> Home {
        Home(common::fresh_home())
    }

    fn run(&self, args: &[&str]) -> Output {
        rehearse()
            .env("REHEARSE_HOME", &self.0)
            .args(args)
            .output()
            .expect("runs")
    }

    /// Every saved take, the quiet ones `history` hides by default included.
    fn takes(&self) -> Vec<Value> {
        let out = self.run(&["history", "--json", "--all"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["takes"].as_array().unwrap().clone()
    }

    fn takes_dir(&self) -> PathBuf {
        self.0.join("history").join("takes")
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn take(id: &str, secs: i64) -> Value {
    json!({
        "id": id,
        "created": jiff::Timestamp::from_second(secs).unwrap().to_string(),
        "question": "Tell me about a conflict",
        "source_path": "/elsewhere/answer.wav",
        "source_sha256": format!("{:064x}", secs),
        "audio_file": "audio.wav",
        "model": "ggml-tiny.en.bin",
        "duration_s": 12.0,
        "report": {"pace": {"wpm": 140.0}, "pad": "z".repeat(2000)},
    })
}

fn export_file(dir: &Path, name: &str, takes: Vec<Value>) -> PathBuf {
    let path = dir.join(name);
    let doc = json!({"format": "rehearse-takes", "version": 1, "takes": takes});
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

/// Every path under `dir`, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            out.push(p.clone());
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_crafted_export_cannot_create_or_remove_anything_outside_its_take() {
    let home = Home::new();
    let tmp = tempfile::tempdir().unwrap();
    let good = export_file(
        tmp.path(),
        "good.json",
        vec![take("0a0b0c0d", 1_700_000_000)],
    );
    assert!(home
        .run(&["import", good.to_str().unwrap()])
        .status
        .success());
    let victim = "0a0b0c0d";

    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let escape = format!("/../../../../../../..{}/x", outside.display());
    let crafted = export_file(
        tmp.path(),
        "crafted.json",
        vec![
            take(".staging-", 1_700_000_001),
            take(&escape, 1_700_000_002),
            take(&format!(".deleted-{victim}"), 1_700_000_003),
            take("../outside/y", 1_700_000_004),
            take("\u{1b}]0;owned\u{7}\u{1b}[2J", 1_700_000_005),
            take("1234abcd", 1_700_000_006),
        ],
    );
    let before_outside = tree(tmp.path());
    let out = home.run(&["import", crafted.to_str().unwrap()]);
    let err = stderr(&out);
    // The good take of the file is imported; each crafted one is refused and named.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 1 take(s)"),
        "{err}"
    );
    assert_eq!(err.matches("not a take id").count(), 5, "{err}");
    assert!(
        !err.contains('\u{1b}'),
        "a raw escape reached the terminal: {err:?}"
    );
    assert!(err.contains("\\x1b]0;owned"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // Nothing appeared or vanished outside the store, and the victim is intact.
    let mut after = tree(tmp.path());
    after.retain(|p| !p.starts_with(&home.0));
    let mut before = before_outside;
    before.retain(|p| !p.starts_with(&home.0));
    assert_eq!(after, before);
    let ids: Vec<String> = home
        .takes()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, [victim, "1234abcd"]);
    let folders: Vec<String> = std::fs::read_dir(home.takes_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders.len(), 2, "{folders:?}");
}

#[test]
fn an_export_with_a_damaged_take_imports_the_others_and_says_which_was_skipped() {
    let home = Home::new();
    let tmp = tempfile::tempdir().unwrap();
    let mut damaged = take("22222222", 1_700_000_002);
    damaged["report"] = Value::Null;
    let file = export_file(
        tmp.path(),
        "export.json",
        vec![
            take("11111111", 1_700_000_001),
            damaged,
            take("33333333", 1_700_000_003),
        ],
    );
    let out = home.run(&["import", file.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 2 take(s)"),
        "{err}"
    );
    assert!(err.contains("take 2 of the file (22222222)"), "{err}");
    assert!(err.contains("no report"), "{err}");
    assert_eq!(home.takes().len(), 2);
    // Importing the same file again: the two are already here, the damaged one still refused.
    let again = home.run(&["import", file.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("skipped 2 already here"),
        "{}",
        stderr(&again)
    );
    assert_eq!(home.takes().len(), 2);
}

#[test]
fn reindex_keeps_a_take_whose_report_file_is_damaged() {
    let home = Home::new();
    let tmp = tempfile::tempdir().unwrap();
    let file = export_file(tmp.path(), "e.json", vec![take("44444444", 1_700_000_000)]);
    assert!(home
        .run(&["import", file.to_str().unwrap()])
        .status
        .success());
    let report = home.takes_dir().join("44444444").join("report.json");
    std::fs::write(&report, b"{ half a rep").unwrap();
    let out = home.run(&["reindex"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("kept"), "{}", stderr(&out));
    let takes = home.takes();
    assert_eq!(takes.len(), 1, "reindex dropped the take");
    let show = home.run(&["show", "44444444", "--format", "json"]);
    assert!(show.status.success(), "{}", stderr(&show));
    assert!(
        String::from_utf8_lossy(&show.stdout).contains("\"wpm\": 140"),
        "{}",
        String::from_utf8_lossy(&show.stdout)
    );
    // The folder was repaired from the index's copy.
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["pace"]["wpm"], 140.0);
}

#[test]
fn a_damaged_index_page_is_rebuilt_on_the_next_command() {
    let home = Home::new();
    let tmp = tempfile::tempdir().unwrap();
    let takes: Vec<Value> = (0..40)
        .map(|i| take(&format!("{:08x}", 0x5000_0000 + i), 1_700_000_000 + i))
        .collect();
    let file = export_file(tmp.path(), "e.json", takes);
    assert!(home
        .run(&["import", file.to_str().unwrap()])
        .status
        .success());
    let index = home.0.join("history").join("index.sqlite3");
    let mut bytes = std::fs::read(&index).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 3 * 4096].fill(0xa5);
    std::fs::write(&index, &bytes).unwrap();
    let out = home.run(&["history", "--json"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("damaged") && err.contains("rebuilt"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["takes"].as_array().unwrap().len(), 40);
}

#[cfg(unix)]
#[test]
fn the_data_dir_and_everything_in_it_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("new-data-dir");
    let file = export_file(tmp.path(), "e.json", vec![take("55555555", 1_700_000_000)]);
    let out = rehearse()
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // An analysed take keeps a copy of its audio: private too, whatever the source's mode.
    let wav = tmp.path().join("answer.wav");
    quiet_wav(&wav, 30);
    std::fs::set_permissions(&wav, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = rehearse()
        .arg("--data-dir")
        .arg(&data)
        .arg("analyze")
        .arg(&wav)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert!(
        tree(&data).iter().any(|p| p.ends_with("audio.wav")),
        "no audio copy was kept"
    );
    let all = tree(&data);
    assert!(all.len() >= 5, "{all:?}");
    for p in all {
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&p), want, "{}", p.display());
    }
}

/// Run the binary as an unprivileged user on a store it owns but cannot write: as root,
/// file modes do not stop writes, so the test drops to `nobody` with setpriv.
#[cfg(unix)]
#[test]
fn reading_commands_work_on_a_read_only_data_dir() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let tmp = tempfile::tempdir().unwrap();
    let file = export_file(tmp.path(), "e.json", vec![take("66666666", 1_700_000_000)]);
    assert!(home
        .run(&["import", file.to_str().unwrap()])
        .status
        .success());

    // A copy of the binary and the store where `nobody` can reach them.
    let place = tempfile::tempdir().unwrap();
    std::fs::set_permissions(place.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = place.path().join("rehearse");
    std::fs::copy(env!("CARGO_BIN_EXE_rehearse"), &bin).unwrap();
    let data = place.path().join("data");
    let status = Command::new("cp")
        .arg("-a")
        .arg(&home.0)
        .arg(&data)
        .status()
        .unwrap();
    assert!(status.success());
    let root_user = unsafe { libc::geteuid() } == 0;
    if root_user {
        let status = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(&data)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let status = Command::new("chmod")
        .args(["-R", "a-w"])
        .arg(&data)
        .status()
        .unwrap();
    assert!(status.success());
    let run = |args: &[&str]| {
        let mut cmd = if root_user {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(&bin);
            c
        } else {
            Command::new(&bin)
        };
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("REHEARSE_HOME", &data)
            .env("HOME", place.path())
            .current_dir(place.path())
            .args(args)
            .output()
            .unwrap()
    };
    for (args, expect) in [
        (&["history", "--json"][..], "66666666"),
        (&["show", "66666666", "--format", "json"], "\"wpm\": 140"),
        (&["export", "--json"], "66666666"),
        (&["progress", "--json"], "\"takes\": 1"),
        (&["compare", "last", "last", "--json"], "66666666"),
    ] {
        let out = run(args);
        let err = stderr(&out);
        assert!(out.status.success(), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(expect), "{args:?}: {text}");
    }
    // A command that writes says why it cannot, in one line.
    let out = run(&["delete", "--yes", "66666666"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let _ = Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(&data)
        .status();
}

/// Peak memory (kB) and exit status of the binary on `file` under a 2 GiB address-space
/// limit, measured by GNU time.
fn bounded_run(file: &Path) -> (u64, Option<i32>, String) {
    let report = tempfile::NamedTempFile::new().unwrap();
    let out = Command::new("/usr/bin/time")
        .arg("-o")
        .arg(report.path())
        .args(["-f", "%M %x"])
        .args(["prlimit", "--as=2147483648", "--"])
        .arg(env!("CARGO_BIN_EXE_rehearse"))
        .arg("analyze")
        .arg(file)
        .args(["--no-save", "--format", "json"])
        .current_dir(root())
        .env("REHEARSE_HOME", common::fresh_home())
        .stdin(Stdio::null())
        .output()
        .expect("this test needs GNU time (/usr/bin/time) and prlimit");
    let text = std::fs::read_to_string(report.path()).unwrap();
    let last = text.lines().last().unwrap_or("").to_string();
    let mut parts = last.split_whitespace();
    let kb = parts
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(u64::MAX);
    let code = out.status.code();
    (kb, code, format!("{text}\n{}", stderr(&out)))
}

fn sox(args: &[&str]) {
    let out = Command::new("sox").args(args).output().expect("needs sox");
    assert!(out.status.success(), "sox {args:?}: {}", stderr(&out));
}

#[test]
fn files_under_1_mb_cannot_make_it_use_500_mb() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // 1. A 64 KB WAV whose header says 1 Hz: 16,000 output samples for every one read.
    let one_hz = dir.join("one-hz.wav");
    let mut b = Vec::new();
    let body: Vec<u8> = (0..65_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + body.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    for v in [1u16, 1] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    for v in [1u32, 2] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    for v in [2u16, 16] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(body.len() as u32).to_le_bytes());
    b.extend_from_slice(&body);
    std::fs::write(&one_hz, &b).unwrap();
    // 2. A small FLAC whose header claims 2^36 - 1 samples.
    let claim = dir.join("claim.flac");
    sox(&[
        "-n",
        "-r",
        "16000",
        "-b",
        "16",
        "-c",
        "1",
        claim.to_str().unwrap(),
        "synth",
        "2",
        "whitenoise",
        "vol",
        "0.05",
    ]);
    let mut f = std::fs::read(&claim).unwrap();
    let at = 8 + 10; // STREAMINFO: rate, channels, bits, then 36 bits of total samples
    let mut x = u64::from_be_bytes(f[at..at + 8].try_into().unwrap());
    x |= (1u64 << 36) - 1;
    f[at..at + 8].copy_from_slice(&x.to_be_bytes());
    std::fs::write(&claim, &f).unwrap();
    // 3. Four hours of digital silence in FLAC: a few hundred KB that decode to 230 M samples.
    let hours = dir.join("four-hours.flac");
    sox(&[
        "-D",
        "-n",
        "-r",
        "8000",
        "-b",
        "16",
        "-c",
        "1",
        hours.to_str().unwrap(),
        "trim",
        "0",
        "4:00:00",
    ]);
    for file in [&one_hz, &claim, &hours] {
        let size = std::fs::metadata(file).unwrap().len();
        assert!(size < 1_000_000, "{}: {size} bytes", file.display());
        let started = Instant::now();
        let (kb, code, log) = bounded_run(file);
        eprintln!(
            "{}: {size} bytes, peak {} MB, exit {code:?}, {:.1} s",
            file.display(),
            kb / 1024,
            started.elapsed().as_secs_f64()
        );
        assert!(matches!(code, Some(0 | 1)), "{}: {log}", file.display());
        assert!(kb < 500 * 1024, "{}: peak {kb} kB: {log}", file.display());
        assert!(!log.contains("panicked"), "{log}");
    }
}

#[test]
fn a_fifo_is_refused_at_once_alone_or_in_a_pattern() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("take.wav");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let pattern = tmp.path().join("*.wav");
    for arg in [fifo.clone(), pattern] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rehearse"))
            .arg("analyze")
            .arg(&arg)
            .arg("--no-save")
            .env("REHEARSE_HOME", common::fresh_home())
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("{}: still waiting on the FIFO after 30 s", arg.display());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("named pipe (FIFO), not an audio file"),
            "{err}"
        );
    }
}

#[test]
fn a_32_bit_float_wav_says_32_bit_float() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("float.wav");
    // sox writes float WAVs with an 18-byte fmt chunk and no bits in the codec parameters.
    sox(&[
        "-n",
        "-r",
        "16000",
        "-e",
        "floating-point",
        "-b",
        "32",
        path.to_str().unwrap(),
        "trim",
        "0",
        "1",
    ]);
    let r = common::analyze_json(&path, &["--no-save"]);
    assert_eq!(
        r["audio"]["source_encoding"], "32-bit float",
        "{}",
        r["audio"]
    );
}

#[test]
fn nan_negative_and_absurd_limits_are_refused_in_flags_and_config() {
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp.path().join("silence.wav");
    common::write_wav(&wav, 16000, &[0.0; 1600]);
    let w = wav.to_str().unwrap();
    for flags in [
        &["--max-fillers-per-minute", "NaN"][..],
        &["--max-fillers-per-minute=-3"],
        &["--long-pause", "inf"],
        &["--long-pause", "1e9"],
        &["--pace", "0-1e12"],
        &["--length", "NaN-5"],
        &["--threads", "256"],
    ] {
        let out = rehearse()
            .args(["analyze", w, "--no-save"])
            .args(flags)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{flags:?} was accepted: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("NaN/min"),
            "{err}"
        );
    }
    for line in [
        "pace_window_s = 1e-7",
        "fillers_per_minute_max = nan",
        "pause_min_s = -1.0",
        "answer_length_s = { min = 0, max = 1e300 }",
        "extra_filler_words = [\"\"]",
    ] {
        let home = common::fresh_home();
        std::fs::create_dir_all(home.join("config")).unwrap();
        std::fs::write(
            home.join("config/config.toml"),
            format!("[targets]\n{line}\n"),
        )
        .unwrap();
        let out = rehearse()
            .env("REHEARSE_HOME", &home)
            .args(["config", "show"])
            .output()
            .unwrap();
        let err = assert_one_line_error(&out);
        assert!(err.contains("config"), "{line}: {err}");
    }
}

#[test]
fn an_error_says_its_cause_once() {
    let tmp = tempfile::tempdir().unwrap();
    let not_a_dir = tmp.path().join("data-is-a-file");
    std::fs::write(&not_a_dir, b"x").unwrap();
    let file = export_file(tmp.path(), "e.json", vec![take("77777777", 1_700_000_000)]);
    let out = rehearse()
        .arg("--data-dir")
        .arg(&not_a_dir)
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    let err = assert_one_line_error(&out);
    assert_eq!(err.matches("Not a directory").count(), 1, "{err}");
}

/// `rehearse ARGS` with `home`'s data dir and the given stdout and stderr.
#[cfg(unix)]
fn run_with(home: &Home, args: &[&str], stdout: Stdio, stderr: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args(args)
        .env("REHEARSE_HOME", &home.0)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .unwrap()
}

/// Standard output a closed pipe (`| head` after head has exited); stderr read.
#[cfg(unix)]
fn run_closed(home: &Home, args: &[&str]) -> Output {
    run_with(home, args, common::closed_pipe(), Stdio::piped())
}

/// Standard error a closed pipe (`2>&1 | head -1` after head has exited); stdout read.
#[cfg(unix)]
fn run_stderr_closed(home: &Home, args: &[&str]) -> Output {
    run_with(home, args, Stdio::piped(), common::closed_pipe())
}

/// Silence with a little noise (so each file's content, and hash, differs).
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

#[cfg(unix)]
#[test]
fn a_closed_stdout_loses_no_take_and_panics_no_command() {
    let home = Home::new();
    let tmp = tempfile::tempdir().unwrap();
    let one = tmp.path().join("one.wav");
    quiet_wav(&one, 1);
    let out = run_closed(&home, &["analyze", one.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(home.takes().len(), 1, "the take was not saved: {err}");

    let files: Vec<PathBuf> = (2..6)
        .map(|i| {
            let p = tmp.path().join(format!("batch-{i}.wav"));
            quiet_wav(&p, i);
            p
        })
        .collect();
    let mut args = vec!["analyze"];
    args.extend(files.iter().map(|p| p.to_str().unwrap()));
    let out = run_closed(&home, &args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(home.takes().len(), 5, "a batch lost takes: {err}");

    let export = export_file(tmp.path(), "e.json", vec![take("88888888", 1_700_000_000)]);
    for args in [
        &["config", "path"][..],
        &["config", "show"],
        &["questions"],
        &["history"],
        &["history", "--json"],
        &["export", "--json"],
        // --all: the quiet takes here have no speech, so progress and compare hide them.
        &["progress", "--all"],
        &["show", "last"],
        &["compare", "last~1", "last", "--all"],
        &["model"],
        &["reindex"],
        &["import", export.to_str().unwrap()],
        &["delete", "--yes", "88888888"],
        &["note", "last", "said too fast"],
        &["note", "last"],
        &["tag", "last", "closed"],
        &["retag", "last", "--question", "conflict"],
    ] {
        let out = run_closed(&home, args);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {err}");
        // `model` fails for want of a model only where none is installed; the rest succeed.
        if args[0] != "model" {
            assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        }
    }
    // import and delete did their work although nobody read what they printed.
    let ids: Vec<String> = home
        .takes()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 5, "{ids:?}");
    assert!(!ids.contains(&"88888888".to_string()));
    // note, tag and retag changed the take although nobody read their answer.
    let last = home.run(&["show", "last", "--format", "json"]);
    assert!(last.status.success(), "{}", stderr(&last));
    let last: Value = serde_json::from_slice(&last.stdout).unwrap();
    assert_eq!(last["question"]["id"], "conflict", "{last}");
    let listed = home.run(&["history", "--json", "--all"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("said too fast") && listed.contains("closed"),
        "{listed}"
    );
}

/// Messages on stderr are not the result: with nobody reading them, every command still does
/// its work and ends with its own status (0, or 1 for an error), never a panic's 101.
#[cfg(unix)]
#[test]
fn a_closed_stderr_stops_no_command() {
    let home = Home::new();
    // The recording sits in the data dir's top folder, which the store does not read.
    let one = home.0.join("one.wav");
    quiet_wav(&one, 11);
    let out = run_stderr_closed(
        &home,
        &["analyze", one.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).expect("the whole report");
    assert!(report["summary"]["verdict"].is_string(), "{report}");
    assert_eq!(home.takes().len(), 1, "the take was not saved");

    for args in [
        &["note", "last", "said too fast"][..],
        &["note", "last"],
        &["config", "show"],
        &["history"],
    ] {
        let out = run_stderr_closed(&home, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
    // An error whose message nobody reads is still an error, not a panic.
    let out = run_stderr_closed(&home, &["show", "nosuchtake"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run_stderr_closed(&home, &["analyze", "/nonexistent/take.wav"]);
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn a_report_file_never_follows_a_planted_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp.path().join("take.wav");
    quiet_wav(&wav, 9);
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let out_dir = tmp.path().join("reports");
    std::fs::create_dir(&out_dir).unwrap();
    // The names a report's temporary file had, and the report's own name, all planted.
    for name in ["report.rehearse-tmp", "report.md.rehearse-tmp", "report.md"] {
        std::os::unix::fs::symlink(&victim, out_dir.join(name)).unwrap();
    }
    let report = out_dir.join("report.md");
    let out = rehearse()
        .arg("analyze")
        .arg(&wav)
        .args(["--no-save", "--format", "markdown", "-o"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let meta = std::fs::symlink_metadata(&report).unwrap();
    assert!(meta.file_type().is_file(), "the report is still a symlink");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("Rehearsal report"), "{text}");
}

#[cfg(unix)]
#[test]
fn the_open_page_is_private_and_not_at_a_predictable_path() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp.path().join("take.wav");
    quiet_wav(&wav, 10);
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let record = tmp.path().join("opened.txt");
    let opener = bin.join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let pages = tmp.path().join("tmp");
    std::fs::create_dir(&pages).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = rehearse()
        .arg("analyze")
        .arg(&wav)
        .args(["--no-save", "--format", "html", "--open"])
        .env("PATH", path)
        .env("TMPDIR", &pages)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = PathBuf::from(std::fs::read_to_string(&record).unwrap());
    assert_eq!(page.parent(), Some(pages.as_path()));
    let name = page.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("rehearse-report-") && name.ends_with(".html"),
        "{name}"
    );
    // Not the old rehearse-report-<pid>.html: a random part another user cannot guess.
    let middle = &name["rehearse-report-".len()..name.len() - ".html".len()];
    assert!(
        middle.len() >= 6 && !middle.chars().all(|c| c.is_ascii_digit()),
        "{name}"
    );
    let meta = std::fs::metadata(&page).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&page).unwrap().contains("<html"));
}

#[test]
fn untrusted_text_never_reaches_the_terminal_raw() {
    let home = Home::new();
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain.wav");
    quiet_wav(&plain, 21);
    let hostile = tmp.path().join("take\u{1b}[2J\u{9b}1m.wav");
    quiet_wav(&hostile, 22);
    let question = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}Tell me about a conflict";
    let mut runs = vec![
        home.run(&["analyze", plain.to_str().unwrap(), "--question", question]),
        home.run(&[
            "analyze",
            plain.to_str().unwrap(),
            "--no-save",
            "--format",
            "markdown",
            "--question",
            question,
        ]),
        home.run(&[
            "analyze",
            plain.to_str().unwrap(),
            hostile.to_str().unwrap(),
            "--no-save",
        ]),
        home.run(&[
            "analyze",
            tmp.path().join("gone\u{1b}[2J.wav").to_str().unwrap(),
        ]),
    ];
    // --all: the take is quiet, which history hides by default.
    runs.push(home.run(&["history", "--all"]));
    runs.push(home.run(&["show", "last"]));
    for out in &runs {
        for text in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(text);
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
                "raw control characters: {text:?}"
            );
        }
    }
    // The question is kept with the take and shown, escaped, by `history`.
    let table = String::from_utf8_lossy(&runs[4].stdout);
    assert!(table.contains("\\x1b]0;owned"), "{table}");
    let batch = String::from_utf8_lossy(&runs[2].stdout);
    assert!(batch.contains("take\\x1b[2J\\x9b1m.wav"), "{batch}");
}

/// Issue 27, item 5: a note or tag an imported export brought (`rehearse note` itself refuses
/// control characters) is shown escaped by `note` and `tag`, never as raw escape sequences.
#[test]
fn an_imported_note_and_tag_are_shown_escaped() {
    let home = Home::new();
    let tmp = tempfile::tempdir().unwrap();
    let mut t = take("5a5b5c5d", 1_700_000_000);
    t["note"] = json!("\u{1b}]0;pwned\u{7}call back");
    t["tags"] = json!(["\u{1b}[31mred"]);
    let file = export_file(tmp.path(), "e.json", vec![t]);
    let imported = home.run(&["import", file.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let runs = [
        home.run(&["note", "5a5b5c5d"]),
        home.run(&["tag", "5a5b5c5d", "plain"]),
    ];
    for out in &runs {
        assert!(out.status.success(), "{}", stderr(out));
        for text in [&out.stdout, &out.stderr] {
            assert!(
                !text.iter().any(|b| *b == 0x1b || *b == 0x07),
                "a raw ESC or BEL reached the terminal: {:?}",
                String::from_utf8_lossy(text)
            );
        }
    }
    assert_eq!(
        String::from_utf8_lossy(&runs[0].stdout),
        "\\x1b]0;pwned\\x07call back\n"
    );
    let tagged = String::from_utf8_lossy(&runs[1].stdout);
    assert!(
        tagged.contains("tags \\x1b[31mred, plain; note \"\\x1b]0;pwned\\x07call back\""),
        "{tagged}"
    );
}

#[cfg(unix)]
fn mode_of(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn man_dir_never_writes_through_a_planted_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let dir = tmp.path().join("man1");
    std::fs::create_dir(&dir).unwrap();
    for name in ["rehearse.1", "rehearse-analyze.1"] {
        std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
    }
    let out = rehearse()
        .args(["man", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    for name in ["rehearse.1", "rehearse-analyze.1"] {
        let page = dir.join(name);
        let meta = std::fs::symlink_metadata(&page).unwrap();
        assert!(meta.file_type().is_file(), "{name} is still a symlink");
        assert_eq!(mode_of(&page), 0o644, "{name}: manual pages are public");
        assert!(std::fs::read_to_string(&page).unwrap().contains(".TH"));
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".1"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn config_init_makes_a_private_folder_and_file_and_follows_no_planted_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("data");
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let out = rehearse()
        .env("REHEARSE_HOME", &home)
        .args(["config", "init"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let config = home.join("config");
    assert_eq!(mode_of(&home), 0o700, "the data dir");
    assert_eq!(mode_of(&config), 0o700, "config/");
    assert_eq!(mode_of(&config.join("config.toml")), 0o600, "config.toml");

    // The old fixed temporary name, planted as a symlink, is not written through.
    std::fs::remove_file(config.join("config.toml")).unwrap();
    std::os::unix::fs::symlink(&victim, config.join("config.toml.tmp")).unwrap();
    let out = rehearse()
        .env("REHEARSE_HOME", &home)
        .args(["config", "init"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(mode_of(&config.join("config.toml")), 0o600);
}

#[cfg(unix)]
#[test]
fn open_pages_older_than_a_day_are_removed_by_the_next_command() {
    let tmp = tempfile::tempdir().unwrap();
    let pages = tmp.path().join("tmp");
    std::fs::create_dir(&pages).unwrap();
    let old = pages.join("rehearse-report-old123.html");
    let recent = pages.join("rehearse-report-new456.html");
    let other = pages.join("someone-else-old.html");
    for p in [&old, &recent, &other] {
        std::fs::write(p, "<html>a recording</html>").unwrap();
    }
    let two_days_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    for p in [&old, &other] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(two_days_ago)
            .unwrap();
    }
    let out = rehearse()
        .env("REHEARSE_HOME", tmp.path().join("data"))
        .env("TMPDIR", &pages)
        .args(["config", "path"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!old.exists(), "a page older than a day is removed");
    assert!(recent.exists(), "a page from today stays for the browser");
    assert!(other.exists(), "only rehearse's own pages are touched");
}
