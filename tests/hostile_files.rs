//! Endless, huge and blocking inputs through the real binary (issue 27, items 2 and 3):
//! `import`, `story add --file`, a story on standard input and the config file used to read
//! `/dev/zero` until memory ran out, hang on a FIFO, and accept a 253 MB story or a 150 MB
//! report only to refuse it (or pay for it) on every later use. Each is now refused at once,
//! before it is read. None of this needs the Whisper model.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The binary with `args` in data dir `home`, under a 1 GiB address-space limit, killed (and
/// the test failed) if it has not ended within 20 s.
fn run(home: &Path, args: &[&str], stdin: Stdio) -> Output {
    let mut child = Command::new("prlimit")
        .args(["--as=1073741824", "--"])
        .arg(env!("CARGO_BIN_EXE_rehearse"))
        .args(args)
        .env("REHEARSE_HOME", home)
        .current_dir(common::root())
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("this test needs prlimit");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("rehearse {args:?}: still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// A clean one-line refusal containing `says`.
fn refused(out: &Output, says: &str) {
    let err = common::assert_one_line_error(out);
    assert!(err.contains(says), "expected {says:?} in: {err}");
}

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    assert!(Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap()
        .success());
    path
}

/// A sparse file of `len` bytes (no disk used).
fn sparse(dir: &Path, name: &str, len: u64) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    path
}

#[test]
fn import_refuses_devices_fifos_and_huge_files_before_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let home = common::fresh_home();
    let pipe = fifo(tmp.path(), "export.json");
    let huge = sparse(tmp.path(), "huge.json", 300 * 1024 * 1024);
    let cases: [(&Path, &str); 4] = [
        (Path::new("/dev/zero"), "is a device, not a regular file"),
        (Path::new("/dev/urandom"), "is a device, not a regular file"),
        (&pipe, "is a named pipe (FIFO), not a regular file"),
        (&huge, "is 300 MB; an export to import is at most 256 MB"),
    ];
    for (path, says) in cases {
        let out = run(&home, &["import", path.to_str().unwrap()], Stdio::null());
        refused(&out, says);
    }
}

#[test]
fn story_add_refuses_devices_fifos_endless_stdin_and_huge_files() {
    let tmp = tempfile::tempdir().unwrap();
    let home = common::fresh_home();
    let pipe = fifo(tmp.path(), "story.md");
    let huge = sparse(tmp.path(), "huge.md", 253 * 1024 * 1024);
    let cases: [(&Path, &str); 4] = [
        (Path::new("/dev/zero"), "is a device, not a regular file"),
        (Path::new("/dev/urandom"), "is a device, not a regular file"),
        (&pipe, "is a named pipe (FIFO), not a regular file"),
        (&huge, "is 253 MB; a story is at most 64 KB"),
    ];
    for (path, says) in cases {
        let args = ["story", "add", "conflict", "--file", path.to_str().unwrap()];
        refused(&run(&home, &args, Stdio::null()), says);
        let edit = [
            "story",
            "edit",
            "conflict",
            "--file",
            path.to_str().unwrap(),
        ];
        // No such story yet: edit fails for that, before it reads anything.
        let out = run(&home, &edit, Stdio::null());
        assert_eq!(out.status.code(), Some(1));
    }
    for device in ["/dev/zero", "/dev/urandom"] {
        let stdin = std::fs::File::open(device).unwrap();
        let out = run(&home, &["story", "add", "conflict"], stdin.into());
        refused(
            &out,
            "standard input is more than 64 KB; a story is at most 64 KB",
        );
    }
    // Nothing was saved by any of these.
    let out = run(&home, &["story", "list"], Stdio::null());
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("conflict"));
}

#[test]
fn a_config_file_that_is_a_device_a_fifo_or_huge_is_refused_by_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    for (kind, says) in [
        ("zero", "is a device, not a regular file"),
        ("fifo", "is a named pipe (FIFO), not a regular file"),
        ("huge", "is 20 MB; a config file is at most 1 MB"),
    ] {
        let home = common::fresh_home();
        let config = home.join("config");
        std::fs::create_dir_all(&config).unwrap();
        let file = config.join("config.toml");
        match kind {
            "zero" => std::os::unix::fs::symlink("/dev/zero", &file).unwrap(),
            "fifo" => {
                fifo(&config, "config.toml");
            }
            _ => {
                sparse(&config, "config.toml", 20 * 1024 * 1024);
            }
        }
        let _ = &tmp;
        let out = run(&home, &["history"], Stdio::null());
        refused(&out, says);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("config.toml"), "{err}");
    }
}

#[test]
fn an_imported_take_with_a_huge_report_is_refused_and_the_others_imported() {
    let tmp = tempfile::tempdir().unwrap();
    let home = common::fresh_home();
    let take = |id: &str, secs: i64, pad: usize| {
        json!({
            "id": id,
            "created": jiff::Timestamp::from_second(secs).unwrap().to_string(),
            "source_path": "/elsewhere/answer.wav",
            "source_sha256": format!("{secs:064x}"),
            "model": "ggml-tiny.en.bin",
            "duration_s": 12.0,
            "report": {"pace": {"wpm": 140.0}, "pad": "z".repeat(pad)},
        })
    };
    let doc = json!({"format": "rehearse-takes", "version": 1, "takes": [
        take("0000000a", 1_700_000_000, 100),
        take("0000000b", 1_700_000_100, 20 * 1024 * 1024),
        take("0000000c", 1_700_000_200, 100),
    ]});
    let path = tmp.path().join("export.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = run(&home, &["import", path.to_str().unwrap()], Stdio::null());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("skipped take 2 of the file (0000000b): its report is 20 MB (at most 16 MB)"),
        "{err}"
    );
    let out = run(&home, &["history", "--json"], Stdio::null());
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v["takes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(!ids.contains(&"0000000b"), "{ids:?}");
}
