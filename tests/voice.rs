//! The voice section through the real binary and model, on controlled speech (espeak-ng with
//! SSML prosody, level changes and fades made with sox) and on a real recorded voice.
//!
//! Needs `espeak-ng` and `sox` on the PATH (`scripts/setup.sh` installs them) and the Whisper
//! model in `models/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const ANSWER: [&str; 4] = [
    "At my last job our releases were always late.",
    "My manager asked me to fix the build pipeline for the whole team.",
    "I set up automated tests and a nightly build on every branch.",
    "After two months we shipped every release on time.",
];

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed (scripts/setup.sh): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

/// Speak SSML `text` into `dir/name.wav`.
fn speak(dir: &Path, name: &str, ssml: &str) -> PathBuf {
    let wav = dir.join(format!("{name}.wav"));
    run(
        "espeak-ng",
        &["-m", "-v", "en-us", "-s", "150", "-w", path(&wav), ssml],
    );
    wav
}

/// Speak one sentence, its trailing silence trimmed so an effect lands on the last words.
fn sentence(dir: &Path, name: &str, text: &str) -> PathBuf {
    let raw = speak(dir, &format!("{name}-raw"), text);
    let trimmed = dir.join(format!("{name}.wav"));
    run(
        "sox",
        &[
            path(&raw),
            path(&trimmed),
            "reverse",
            "silence",
            "1",
            "0.02",
            "-45d",
            "reverse",
        ],
    );
    trimmed
}

/// Join WAVs with 0.7 s of silence before, between and after them.
fn join(dir: &Path, name: &str, parts: &[PathBuf]) -> PathBuf {
    let gap = dir.join("gap.wav");
    run(
        "sox",
        &[
            "-n",
            "-r",
            "22050",
            "-c",
            "1",
            "-b",
            "16",
            path(&gap),
            "trim",
            "0",
            "0.7",
        ],
    );
    let out = dir.join(format!("{name}.wav"));
    let mut args: Vec<&str> = vec![path(&gap)];
    for p in parts {
        args.push(path(p));
        args.push(path(&gap));
    }
    args.push(path(&out));
    run("sox", &args);
    out
}

fn voice(wav: &Path) -> Value {
    let report = common::analyze_json(wav, &["--no-save"]);
    let v = report["voice"].clone();
    assert!(v.is_object(), "no voice section: {report}");
    v
}

fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("voice.{key} is not a number: {v}"))
}

#[test]
fn a_narrow_prosody_range_shows_clearly_less_pitch_variation() {
    let dir = tempfile::tempdir().unwrap();
    let text = ANSWER.join(" ");
    let normal = voice(&speak(
        dir.path(),
        "normal",
        &format!("<speak>{text}</speak>"),
    ));
    let flat = voice(&speak(
        dir.path(),
        "flat",
        &format!("<speak><prosody range=\"x-low\">{text}</prosody></speak>"),
    ));
    let (n, x) = (
        f(&normal, "pitch_variation_semitones"),
        f(&flat, "pitch_variation_semitones"),
    );
    assert!(x < 0.6 * n, "x-low range {x:.2} st vs normal {n:.2} st");
    assert_eq!(flat["verdicts"]["pitch_variation"]["verdict"], "monotone");
    assert!(!flat["monotone_windows"].as_array().unwrap().is_empty());
    // The section carries its targets and how it was measured.
    assert!(normal["verdicts"]["pitch_variation"]["target"]
        .as_str()
        .unwrap()
        .contains("semitones"));
    assert!(normal["methods"].as_array().unwrap().len() >= 5);
    assert!(normal["loudness_db"].as_array().unwrap().len() >= 2);
}

#[test]
fn a_second_half_twenty_db_quieter_is_a_sudden_drop() {
    let dir = tempfile::tempdir().unwrap();
    let first = speak(dir.path(), "first", &ANSWER[..2].join(" "));
    let second = speak(dir.path(), "second", &ANSWER[2..].join(" "));
    let quiet = dir.path().join("quiet.wav");
    run("sox", &[path(&second), path(&quiet), "vol", "0.1"]);
    let take = join(dir.path(), "take", &[first.clone(), quiet]);
    let v = voice(&take);
    let drops = v["loudness_drops"].as_array().unwrap();
    assert_eq!(drops.len(), 1, "{v}");
    assert!(f(&drops[0], "drop_db") >= 15.0, "{drops:?}");
    // The drop is found where the quiet half starts.
    let boundary = 0.7 + soxi_seconds(&first) + 0.7;
    let at = f(&drops[0], "at_s");
    assert!(
        (at - boundary).abs() <= 5.5,
        "drop at {at} s, quiet from {boundary} s"
    );
    assert_eq!(v["verdicts"]["loudness"]["verdict"], "sudden_drop");
}

fn soxi_seconds(wav: &Path) -> f64 {
    let out = Command::new("soxi")
        .args(["-D", path(wav)])
        .output()
        .expect("soxi");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a duration")
}

#[test]
fn sentences_whose_last_words_are_faded_trail_off() {
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for (i, text) in ANSWER.iter().enumerate() {
        let s = sentence(dir.path(), &format!("s{i}"), text);
        if i % 2 == 1 {
            // A linear fade to silence over the last 1.5 s: the last words die away.
            let faded = dir.path().join(format!("s{i}-faded.wav"));
            let len = format!("{}", soxi_seconds(&s));
            run(
                "sox",
                &[path(&s), path(&faded), "fade", "t", "0", &len, "1.5"],
            );
            parts.push(faded);
        } else {
            parts.push(s);
        }
    }
    // Where each sentence lies in the take: 0.7 s of silence before, between and after.
    let mut spans = Vec::new();
    let mut t = 0.7;
    for p in &parts {
        let len = soxi_seconds(p);
        spans.push((t, t + len));
        t += len + 0.7;
    }
    let v = voice(&join(dir.path(), "faded", &parts));
    let found: Vec<usize> = v["trailing_off"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let mid = (f(s, "start_s") + f(s, "end_s")) / 2.0;
            spans
                .iter()
                .position(|&(a, b)| mid >= a && mid <= b)
                .unwrap_or(usize::MAX)
        })
        .collect();
    // The faded sentences (the 2nd and the 4th), and only they.
    assert_eq!(found, [1, 3], "{}", v["trailing_off"]);
    assert_eq!(v["verdicts"]["trailing_off"]["verdict"], "trails_off");
}

#[test]
fn a_real_male_voice_has_a_plausible_pitch_even_in_noise() {
    let clip = common::root().join("tests/fixtures/realspeech/mfa_acoustic_corpus.wav");
    let clean = voice(&clip);
    let hz = f(&clean, "pitch_median_hz");
    // Adult male speaking voices centre around 85-155 Hz; Praat's autocorrelation pitch puts
    // this clip's median at 102 Hz.
    assert!((85.0..=155.0).contains(&hz), "median pitch {hz} Hz");
    let variation = f(&clean, "pitch_variation_semitones");
    assert!((1.0..=6.0).contains(&variation), "variation {variation} st");

    // The same clip with white noise 15 dB under its RMS level.
    let dir = tempfile::tempdir().unwrap();
    let samples = read_wav(&clip);
    let rms = (samples.iter().map(|x| x * x).sum::<f32>() / samples.len() as f32).sqrt();
    let noise_peak = rms / 10f32.powf(15.0 / 20.0) * 3f32.sqrt(); // uniform noise: rms = peak / sqrt 3
    let noise = dir.path().join("noise.wav");
    let seconds = format!("{}", samples.len() as f64 / 16_000.0);
    run(
        "sox",
        &[
            "-R",
            "-n",
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            path(&noise),
            "synth",
            &seconds,
            "whitenoise",
            "vol",
            &format!("{noise_peak}"),
        ],
    );
    let noisy = dir.path().join("noisy.wav");
    run(
        "sox",
        &[
            "-m",
            "-v",
            "1",
            path(&clip),
            "-v",
            "1",
            path(&noise),
            path(&noisy),
        ],
    );
    let damaged = voice(&noisy);
    let noisy_hz = f(&damaged, "pitch_median_hz");
    assert!(
        (85.0..=155.0).contains(&noisy_hz) && (noisy_hz / hz - 1.0).abs() < 0.15,
        "median pitch {noisy_hz} Hz in noise, {hz} Hz clean"
    );
}

fn read_wav(p: &Path) -> Vec<f32> {
    let mut r = hound::WavReader::open(p).expect("a WAV");
    r.samples::<i16>()
        .map(|s| f32::from(s.expect("a sample")) / 32768.0)
        .collect()
}
