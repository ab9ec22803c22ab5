//! Odd, broken and long inputs through the real binary: each gives a correct report or a
//! one-line error, never a panic.
//!
//! Needs the tiny.en model (`scripts/fetch-model.sh`), espeak-ng and sox (with
//! libsox-fmt-all for MP3), and ffmpeg for the M4A/Opus/WebM files: speech is synthesised at
//! test time, nothing binary is committed.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn model() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ggml-tiny.en.bin");
    assert!(
        path.exists(),
        "these tests need the tiny.en model: run `bash scripts/fetch-model.sh`"
    );
    path
}

/// A data directory of the tests' own, so no take lands in the user's history.
fn home() -> &'static Path {
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    HOME.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

fn rehearse(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rehearse"));
    // One thread each: the test harness runs tests side by side, and whisper.cpp's threads
    // spin when they have to share cores.
    // --no-save: these tests are about reading audio; the take history has its own tests, and
    // a take saved by one test would make another's stderr say "not saved again".
    cmd.args(args)
        .args(["--threads", "1", "--no-save"])
        .env("REHEARSE_MODEL", model())
        .env("REHEARSE_HOME", home())
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the binary runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stdout.contains("panicked"),
        "the tool panicked:\n{}",
        run.stderr
    );
    assert!(
        run.code == 0 || run.code == 1,
        "exit code {} (killed or crashed?)\nstderr: {}",
        run.code,
        run.stderr
    );
    run
}

/// Analyse one file as JSON and return the report.
fn report(path: &Path) -> Value {
    let run = rehearse(
        &["analyze", "-q", "-f", "json", path.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 0, "{}: {}", path.display(), run.stderr);
    serde_json::from_str(&run.stdout).expect("one JSON object")
}

/// Analyse one file that must fail; returns its one-line error.
fn error(path: &Path) -> String {
    let run = rehearse(
        &["analyze", "-q", "-f", "json", path.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 1, "expected an error for {}", path.display());
    assert!(run.stdout.is_empty(), "no report on error: {}", run.stdout);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {:?}", lines);
    assert!(lines[0].starts_with("rehearse: error: "), "{}", lines[0]);
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(
        lines[0].contains(name.as_ref()),
        "names the file: {}",
        lines[0]
    );
    lines[0].to_string()
}

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["analyze", "-q"];
    v.extend_from_slice(extra);
    v
}

fn tool(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("these tests need `{cmd}` ({e}); see the module docs"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const ANSWER: &str = "So, um, in my last job I was asked to lead a small team. \
    We had a deadline in two weeks, and the client changed the scope. \
    I split the work, talked to the client every day, and we shipped on time.";

/// Synthesised speech, 22.05 kHz mono 16-bit WAV.
fn speech(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    tool("espeak-ng", &["-w", path.to_str().unwrap(), text]);
    path
}

/// `sox IN [opts] OUT [effects]`.
fn sox(input: &Path, out: &Path, opts: &[&str], effects: &[&str]) -> PathBuf {
    let mut args = vec![input.to_str().unwrap()];
    args.extend_from_slice(opts);
    args.push(out.to_str().unwrap());
    args.extend_from_slice(effects);
    tool("sox", &args);
    out.to_path_buf()
}

fn ffmpeg(input: &Path, out: &Path, codec: &[&str]) -> PathBuf {
    let mut args = vec!["-loglevel", "error", "-y", "-i", input.to_str().unwrap()];
    args.extend_from_slice(codec);
    args.push(out.to_str().unwrap());
    tool("ffmpeg", &args);
    out.to_path_buf()
}

fn text(r: &Value) -> String {
    r["transcript"]["text"].as_str().unwrap().to_lowercase()
}

fn warnings(r: &Value) -> String {
    r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The answer was heard: some of its words are in the transcript.
fn heard(r: &Value) {
    let t = text(r);
    let hits = ["team", "deadline", "client", "weeks", "time"]
        .iter()
        .filter(|w| t.contains(*w))
        .count();
    assert!(hits >= 3, "transcript: {t}");
}

#[test]
fn zero_length_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.wav");
    std::fs::write(&path, b"").unwrap();
    let e = error(&path);
    assert!(e.contains("empty (0 bytes)"), "{e}");
}

#[test]
fn header_only_wav() {
    let dir = tempfile::tempdir().unwrap();
    let full = speech(dir.path(), "a.wav", "hello");
    let bytes = std::fs::read(&full).unwrap();
    let path = dir.path().join("header-only.wav");
    std::fs::write(&path, &bytes[..44]).unwrap();
    // A well-formed but empty recording: a report that found no speech.
    let r = report(&path);
    assert_eq!(r["speech_found"], false);
    assert_eq!(r["audio"]["duration_s"], 0.0);
    assert!(warnings(&r).contains("No speech"), "{}", warnings(&r));
}

#[test]
fn truncated_data_keeps_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let full = speech(dir.path(), "full.wav", ANSWER);
    let bytes = std::fs::read(&full).unwrap();
    let path = dir.path().join("cut.wav");
    std::fs::write(&path, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let r = report(&path);
    assert!(warnings(&r).contains("truncated"), "{}", warnings(&r));
    assert!(r["speech_found"].as_bool().unwrap());
    assert!(text(&r).contains("team"), "{}", text(&r));
}

#[test]
fn truncated_compressed_files_keep_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path(), "full.wav", ANSWER);
    for ext in ["flac", "mp3", "ogg"] {
        let full = sox(&wav, &dir.path().join(format!("full.{ext}")), &[], &[]);
        let bytes = std::fs::read(&full).unwrap();
        let path = dir.path().join(format!("cut.{ext}"));
        std::fs::write(&path, &bytes[..bytes.len() * 2 / 3]).unwrap();
        let r = report(&path);
        assert!(r["audio"]["duration_s"].as_f64().unwrap() > 3.0, "{ext}");
        assert!(text(&r).contains("team"), "{ext}: {}", text(&r));
    }
}

#[test]
fn unfinalised_wav_header_still_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let full = speech(dir.path(), "full.wav", ANSWER);
    let mut bytes = std::fs::read(&full).unwrap();
    // A recorder killed mid-take: RIFF and data lengths still 0.
    bytes[4..8].copy_from_slice(&0u32.to_le_bytes());
    bytes[40..44].copy_from_slice(&0u32.to_le_bytes());
    let path = dir.path().join("crashed-recorder.wav");
    std::fs::write(&path, &bytes).unwrap();
    let r = report(&path);
    assert!(warnings(&r).contains("never finalised"), "{}", warnings(&r));
    heard(&r);
}

#[test]
fn wrong_extension_is_decoded_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path(), "answer.wav", ANSWER);
    let fake_mp3 = dir.path().join("really-a-wav.mp3");
    std::fs::copy(&wav, &fake_mp3).unwrap();
    let r = report(&fake_mp3);
    assert_eq!(r["audio"]["source_container"], "WAV");
    heard(&r);

    let mp3 = sox(&wav, &dir.path().join("answer.mp3"), &[], &[]);
    let fake_wav = dir.path().join("really-an-mp3.wav");
    std::fs::copy(&mp3, &fake_wav).unwrap();
    let r = report(&fake_wav);
    assert_eq!(r["audio"]["source_encoding"], "MP3");
    heard(&r);
}

#[test]
fn random_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = 0x2545_f491_u32;
    let bytes: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as u8
        })
        .collect();
    for name in ["noise.wav", "noise.m4a", "noise"] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let e = error(&path);
        assert!(e.contains("not an audio file"), "{e}");
    }
    // A text file with an audio name.
    let path = dir.path().join("notes.mp3");
    std::fs::write(&path, "Situation, task, action, result.\n".repeat(50)).unwrap();
    let e = error(&path);
    assert!(e.contains("not an audio file"), "{e}");
}

#[test]
fn one_second_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = speech(dir.path(), "yes.wav", "Yes, I did.");
    let r = report(&path);
    assert!(r["audio"]["duration_s"].as_f64().unwrap() < 2.0);
    assert_eq!(r["length"]["verdict"], "too_short");
    // Under the 20 s and 10 words a pace verdict needs: can't tell, and why.
    assert_eq!(r["pace"]["verdict"], "cant_tell");
    let withheld = r["cant_tell"].to_string();
    assert!(
        withheld.contains("\"pace\"") && withheld.contains("a pace needs at least"),
        "{withheld}"
    );
}

#[test]
fn all_silence() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("silence.wav");
    tool(
        "sox",
        &[
            "-n",
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            path.to_str().unwrap(),
            "trim",
            "0",
            "5",
        ],
    );
    let r = report(&path);
    assert_eq!(r["speech_found"], false);
    assert!(warnings(&r).contains("No speech"), "{}", warnings(&r));
    assert_eq!(r["transcript"]["words"].as_array().unwrap().len(), 0);
}

#[test]
fn very_loud_clipped_audio() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path(), "answer.wav", ANSWER);
    let loud = sox(&wav, &dir.path().join("loud.wav"), &[], &["gain", "30"]);
    let r = report(&loud);
    assert!(warnings(&r).contains("clipped"), "{}", warnings(&r));
    assert!(r["audio"]["clipped_share"].as_f64().unwrap() > 0.01);
    assert!(r["speech_found"].as_bool().unwrap());
}

#[test]
fn telephone_audio_8khz() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path(), "answer.wav", ANSWER);
    let phone = sox(
        &wav,
        &dir.path().join("phone.wav"),
        &["-r", "8000"],
        &["sinc", "300-3400"],
    );
    let r = report(&phone);
    assert_eq!(r["audio"]["source_sample_rate"], 8000);
    heard(&r);
}

#[test]
fn cd_and_video_rate_stereo() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path(), "answer.wav", ANSWER);
    let expected = report(&wav)["audio"]["duration_s"].as_f64().unwrap();
    for rate in ["44100", "48000"] {
        let out = sox(
            &wav,
            &dir.path().join(format!("stereo-{rate}.wav")),
            &["-r", rate, "-c", "2"],
            &[],
        );
        let r = report(&out);
        assert_eq!(
            r["audio"]["source_sample_rate"],
            rate.parse::<u32>().unwrap()
        );
        assert_eq!(r["audio"]["source_channels"], 2);
        let d = r["audio"]["duration_s"].as_f64().unwrap();
        assert!((d - expected).abs() < 0.01, "{rate}: {d} vs {expected}");
        heard(&r);
    }
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = speech(dir.path(), "locked.wav", "hello");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let still_readable = std::fs::File::open(&path).is_ok();
    let run = rehearse(
        &["analyze", "-q", "-f", "json", path.to_str().unwrap()],
        &[],
    );
    if still_readable {
        // root (or a capability) reads through mode 000: nothing to test but "no panic".
        eprintln!(
            "unreadable_file: SKIPPED the permission assertion: this process can read a mode-000 \
             file (running as root?), so the tool could too; checked only that it did not panic"
        );
    } else {
        assert_eq!(run.code, 1);
        assert!(run.stderr.contains("cannot read it"), "{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
}

#[test]
fn a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("takes.wav");
    std::fs::create_dir(&sub).unwrap();
    let e = error(&sub);
    assert!(e.contains("is a directory"), "{e}");
}

#[test]
fn a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let e = error(&dir.path().join("nope.m4a"));
    assert!(e.contains("no such file"), "{e}");
}

#[test]
fn path_with_spaces_and_unicode() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("entrevues préparées");
    std::fs::create_dir(&sub).unwrap();
    let path = speech(&sub, "réponse n°1 — équipe ✓.wav", ANSWER);
    let r = report(&path);
    assert_eq!(r["audio"]["path"], path.to_str().unwrap());
    heard(&r);
}

#[test]
fn compressed_formats_decode() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path(), "answer.wav", ANSWER);
    let stereo = sox(
        &wav,
        &dir.path().join("s.wav"),
        &["-r", "44100", "-c", "2"],
        &[],
    );
    let files = [
        (
            sox(&stereo, &dir.path().join("a.flac"), &[], &[]),
            "FLAC 16-bit",
            "FLAC",
        ),
        (
            sox(&stereo, &dir.path().join("a.mp3"), &[], &[]),
            "MP3",
            "MPEG audio",
        ),
        (
            sox(&stereo, &dir.path().join("a.ogg"), &[], &[]),
            "Vorbis",
            "Ogg",
        ),
        (
            ffmpeg(&stereo, &dir.path().join("a.m4a"), &["-c:a", "aac"]),
            "AAC",
            "MP4/M4A",
        ),
        (
            ffmpeg(&stereo, &dir.path().join("a.opus"), &["-c:a", "libopus"]),
            "Opus",
            "Ogg",
        ),
        (
            ffmpeg(&stereo, &dir.path().join("a.webm"), &["-c:a", "libopus"]),
            "Opus",
            "Matroska/WebM",
        ),
    ];
    // One batch call (JSON Lines, in the order given): the models load once for all seven.
    let mut paths = vec![wav.to_str().unwrap()];
    paths.extend(files.iter().map(|f| f.0.to_str().unwrap()));
    let mut call = vec!["analyze", "-q", "-f", "json"];
    call.extend(paths);
    let run = rehearse(&call, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reports: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(reports.len(), files.len() + 1, "{}", run.stdout);
    let reference = reports[0]["audio"]["duration_s"].as_f64().unwrap();
    for ((path, encoding, container), r) in files.into_iter().zip(&reports[1..]) {
        assert_eq!(
            r["audio"]["source_encoding"],
            encoding,
            "{}",
            path.display()
        );
        assert_eq!(
            r["audio"]["source_container"],
            container,
            "{}",
            path.display()
        );
        let d = r["audio"]["duration_s"].as_f64().unwrap();
        // Lossy encoders pad the start by up to a frame or two.
        assert!(
            (d - reference).abs() < 0.12,
            "{}: {d} vs {reference}",
            path.display()
        );
        heard(r);
    }
}

#[test]
fn a_video_file_without_audio_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("screen.webm");
    tool(
        "ffmpeg",
        &[
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=black:s=64x64:d=1",
            "-c:v",
            "libvpx",
            path.to_str().unwrap(),
        ],
    );
    let e = error(&path);
    assert!(e.contains("no audio track"), "{e}");
}

#[test]
fn long_takes_are_transcribed_in_pieces_with_timestamps_on_the_whole_timeline() {
    // 4 answers with 2 s of silence between them, transcribed piece by piece: the later words
    // carry timestamps past the first pieces, in order.
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path(), "answer.wav", ANSWER);
    let padded = sox(
        &wav,
        &dir.path().join("padded.wav"),
        &[],
        &["pad", "0", "2"],
    );
    let p = padded.to_str().unwrap();
    let long = dir.path().join("long.wav");
    tool("sox", &[p, p, p, p, long.to_str().unwrap()]);
    let run = rehearse(
        &["analyze", "-q", "-f", "json", long.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    let duration = r["audio"]["duration_s"].as_f64().unwrap();
    assert!(duration > 40.0, "{duration}");
    let words = r["transcript"]["words"].as_array().unwrap();
    let starts: Vec<f64> = words
        .iter()
        .map(|w| w["start_s"].as_f64().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1] + 1e-6), "{starts:?}");
    assert!(*starts.last().unwrap() > duration * 0.75, "{starts:?}");
    assert!(starts.iter().all(|&s| s <= duration));
    let deadline = text(&r).matches("deadline").count();
    assert!(deadline >= 3, "every repetition heard: {}", text(&r));
}

#[test]
fn batch_reports_every_file_and_fails_if_any_failed() {
    let dir = tempfile::tempdir().unwrap();
    let a = speech(dir.path(), "a.wav", ANSWER);
    let b = sox(&a, &dir.path().join("b.flac"), &[], &[]);
    let bad = dir.path().join("c.wav");
    std::fs::write(&bad, b"not audio").unwrap();
    let files = [
        a.to_str().unwrap(),
        bad.to_str().unwrap(),
        b.to_str().unwrap(),
    ];

    // JSON Lines, in input order, one line per file; the failure is also one line on stderr.
    for jobs in ["1", "2"] {
        let mut v = args(&["-f", "json", "-j", jobs]);
        v.extend_from_slice(&files);
        let run = rehearse(&v, &[]);
        assert_eq!(run.code, 1);
        let lines: Vec<Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["audio"]["path"], files[0]);
        assert_eq!(lines[1]["path"], files[1]);
        assert!(lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("not an audio file"));
        assert_eq!(lines[2]["audio"]["path"], files[2]);
        let errors: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("c.wav") && errors[0].contains("not an audio file"));
        assert_eq!(
            errors[1],
            "rehearse: error: 1 of 3 recordings could not be analysed"
        );
    }

    // A quoted glob is expanded by the tool; the terminal form has a header per report.
    let pattern = dir.path().join("*.wav");
    let run = rehearse(&args(&[pattern.to_str().unwrap()]), &[]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains(&format!("==> {} (1/2) <==", files[0])));
    assert!(!run.stdout.contains("b.flac"));

    // All good: exit 0. -o DIR gets one report per recording.
    let out = dir.path().join("reports");
    let mut v = args(&["-f", "markdown", "-o", out.to_str().unwrap()]);
    v.extend_from_slice(&[files[0], files[2]]);
    let run = rehearse(&v, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("a.wav.md").exists() && out.join("b.flac.md").exists());
    let md = std::fs::read_to_string(out.join("b.flac.md")).unwrap();
    assert!(md.starts_with("# Rehearsal report:"));

    // -o naming a file with several recordings is refused up front.
    let file = dir.path().join("report.json");
    std::fs::write(&file, "").unwrap();
    let mut v = args(&["-o", file.to_str().unwrap()]);
    v.extend_from_slice(&[files[0], files[2]]);
    let run = rehearse(&v, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("must name a directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_pattern_that_matches_nothing_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let a = speech(dir.path(), "a.wav", "Yes, I did.");
    let pattern = dir.path().join("nothing-*.m4a");
    let run = rehearse(
        &[
            "analyze",
            "-q",
            "-f",
            "json",
            a.to_str().unwrap(),
            pattern.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("no file matches this pattern"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout.lines().count(), 2);
}
