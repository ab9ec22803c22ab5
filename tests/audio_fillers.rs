//! Filled pauses heard in the audio that Whisper left out of the transcript
//! (`src/analyze/hesitation.rs`), through the real binary and the real models.
//!
//! The real clip `batchalign2_asr_test` holds four "uh" (human transcript); Whisper writes one
//! of them and turns a held one into the word "a": the audio pass must find it. Long vowels
//! inside words (a real speaker drawing out "Montreal" in `mfa_long`, synthetic "so-o" and
//! "we-ell") and clean read speech hold no filled pause, so none may be reported from the
//! audio. One `analyze` batch call covers those takes, so the models load once.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use common::{assert_clean_success, rehearse, root, sample};

fn realspeech(name: &str) -> PathBuf {
    root()
        .join("tests/fixtures/realspeech")
        .join(format!("{name}.wav"))
}

fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} not runnable ({e}): run scripts/setup.sh"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Takes made here: the real "uh" clip under white noise (about 20 dB below its speech), and
/// synthetic long vowels inside words ("so-o", "we-ell") in a read sentence.
fn made(dir: &Path) -> (PathBuf, PathBuf) {
    let clean = realspeech("batchalign2_asr_test");
    let noise = dir.join("noise.wav");
    let noisy = dir.join("batchalign2_asr_test__noise.wav");
    run(
        "sox",
        &[p(&clean), p(&noise), "synth", "whitenoise", "vol", "0.02"],
    );
    run("sox", &["-m", p(&clean), p(&noise), p(&noisy)]);
    let parts: Vec<PathBuf> = [
        "[[s'oU:::::]]",
        "the error rate dropped, and",
        "[[w'E::::l]]",
        "the team was very happy with it",
    ]
    .iter()
    .enumerate()
    .map(|(i, text)| {
        let raw = dir.join(format!("raw{i}.wav"));
        let piece = dir.join(format!("piece{i}.wav"));
        run("espeak-ng", &["-v", "en-us", "-w", p(&raw), text]);
        run(
            "sox",
            &[
                p(&raw),
                "-r",
                "16000",
                "-c",
                "1",
                "-b",
                "16",
                p(&piece),
                "pad",
                "0.2",
                "0.2",
            ],
        );
        piece
    })
    .collect();
    let vowels = dir.join("long_vowels.wav");
    let mut args: Vec<&str> = parts.iter().map(|x| p(x)).collect();
    args.push(p(&vowels));
    run("sox", &args);
    (noisy, vowels)
}

/// The batch: (file stem, report) for each take.
fn reports() -> &'static Vec<(String, Value)> {
    static R: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    R.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("audio_fillers");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let (noisy, vowels) = made(&dir);
        let files = [
            realspeech("batchalign2_asr_test"),
            noisy,
            realspeech("mfa_long"),
            vowels,
            sample("long-pauses.wav"),
        ];
        // Two jobs: the tests' analyses run on one thread each (tests/common).
        let out = rehearse()
            .arg("analyze")
            .args(&files)
            .args(["--format", "json", "--no-save", "--quiet", "--jobs", "2"])
            .output()
            .expect("runs");
        assert_clean_success(&out);
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let reports: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
            .collect();
        assert_eq!(reports.len(), files.len());
        files
            .iter()
            .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
            .zip(reports)
            .collect()
    })
}

fn report(stem: &str) -> &'static Value {
    &reports()
        .iter()
        .find(|(s, _)| s == stem)
        .unwrap_or_else(|| panic!("no report for {stem}"))
        .1
}

fn events<'a>(r: &'a Value, source: &str) -> Vec<&'a Value> {
    r["fillers"]["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["source"] == source)
        .collect()
}

/// Filled-pause events (either source) starting in `range` seconds.
fn filled_in(r: &Value, range: std::ops::Range<f64>) -> Vec<&Value> {
    r["fillers"]["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "filled_pause")
        .filter(|e| range.contains(&e["start_s"].as_f64().unwrap()))
        .collect()
}

#[test]
fn a_dropped_uh_is_found_in_the_audio() {
    let r = report("batchalign2_asr_test");
    let f = &r["fillers"];
    let heard = events(r, "audio");
    let written = events(r, "transcript")
        .iter()
        .filter(|e| e["kind"] == "filled_pause")
        .count();
    assert!(!heard.is_empty(), "nothing heard: {f}");
    let filled = f["filled_pauses"].as_u64().unwrap() as usize;
    assert_eq!(filled, written + heard.len(), "{f}");
    // The human transcript holds four "uh": never more than that in all.
    assert!(filled > written && filled <= 4, "{f}");
    assert_eq!(f["heard_in_audio"].as_u64(), Some(heard.len() as u64));
    assert_eq!(f["audio_pass"], true);
    for e in &heard {
        assert_eq!(e["kind"], "filled_pause");
        let (start, end) = (e["start_s"].as_f64().unwrap(), e["end_s"].as_f64().unwrap());
        assert!(end - start >= 0.15 && end - start <= 1.5, "{e}");
        let c = e["confidence"].as_f64().expect("confidence");
        assert!(c > 0.0 && c <= 1.0, "{e}");
    }
    // The held "uh" Whisper wrote as "a", 4.6-4.9 s into the clip, is counted once.
    assert_eq!(filled_in(r, 4.3..5.2).len(), 1, "{f}");
    let methods = r["methods"]["fillers"].as_str().unwrap();
    assert!(methods.contains("audio"), "{methods}");
}

#[test]
fn under_noise_the_held_uh_is_still_counted_once_and_nothing_is_added() {
    // With noise Whisper may write the "uh" itself; either way it counts once.
    let r = report("batchalign2_asr_test__noise");
    let f = &r["fillers"];
    assert_eq!(filled_in(r, 4.3..5.2).len(), 1, "{f}");
    assert!(f["filled_pauses"].as_u64().unwrap() <= 4, "{f}");
}

#[test]
fn long_vowels_inside_words_are_not_fillers() {
    for stem in ["mfa_long", "long_vowels"] {
        let r = report(stem);
        assert!(
            events(r, "audio").is_empty(),
            "{stem}: a long vowel counted as a filler: {}",
            r["fillers"]
        );
        assert_eq!(r["fillers"]["heard_in_audio"].as_u64(), Some(0));
    }
}

#[test]
fn clean_read_speech_has_no_filled_pause() {
    let r = report("long-pauses");
    assert_eq!(
        r["fillers"]["filled_pauses"].as_u64(),
        Some(0),
        "{}",
        r["fillers"]
    );
    assert_eq!(r["fillers"]["audio_pass"], true);
}

#[test]
fn the_terminal_and_html_show_heard_fillers_apart_and_the_pass_can_be_turned_off() {
    let clip = realspeech("batchalign2_asr_test");
    let out = rehearse()
        .arg("analyze")
        .arg(&clip)
        .args(["--no-save", "--quiet", "--color", "never"])
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(" heard in the audio, not in the transcript): "),
        "{text}"
    );

    let page = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("audio_fillers_page.html");
    let out = rehearse()
        .arg("analyze")
        .arg(&clip)
        .args(["--no-save", "--quiet", "--format", "html", "-o"])
        .arg(&page)
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let html = std::fs::read_to_string(&page).expect("page written");
    // On the timeline: a mark that plays the take from the filler.
    assert!(
        html.contains("class=\"filler-mark heard\" data-t=\""),
        "no heard mark"
    );

    let out = rehearse()
        .arg("analyze")
        .arg(&clip)
        .args([
            "--no-save",
            "--quiet",
            "--format",
            "json",
            "--no-audio-fillers",
        ])
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let r: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(events(&r, "audio").is_empty(), "{}", r["fillers"]);
    assert_eq!(r["fillers"]["audio_pass"], false);
    assert_eq!(r["fillers"]["heard_in_audio"].as_u64(), Some(0));
    let methods = r["methods"]["fillers"].as_str().unwrap();
    assert!(!methods.contains("looked for in the audio"), "{methods}");
}
