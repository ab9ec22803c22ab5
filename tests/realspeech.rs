//! Real recordings of people (`tests/fixtures/realspeech/`, sources and licences in its
//! README) and damaged copies of each made here with sox, through the real binary and the
//! real models, all in one `rehearse analyze` batch call so the models load once.
//!
//! Each clip's JSON holds a human-written transcript. Words are compared after the same
//! normalisation on both sides (lower case, hyphens split, punctuation dropped) and without
//! the filled pauses (um, uh, hm, ...): Whisper is known to drop or keep those at will, and
//! counting them is the fillers' business, not this test's. Cut-off word attempts
//! (`<cutoff-x>`) are not words in the human count.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use common::{assert_clean_success, rehearse, root};

/// The damaged copies: name and what was done, in the order of the README's table.
const VARIANTS: &[&str] = &[
    "click_cough",
    "level_drop",
    "noise_15db",
    "telephone",
    "quiet_40db",
    "reverb",
];

/// Filled pauses, in the spellings Whisper and the transcripts use.
const FILLED: &[&str] = &[
    "um", "umm", "uh", "uhh", "uhm", "hm", "hmm", "mm", "mhm", "er", "erm", "ah",
];

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/realspeech")
}

/// Every clip's name (without `.wav`), sorted.
fn clips() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let stem = p.file_stem()?.to_string_lossy().into_owned();
            (p.extension()? == "wav").then_some(stem)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 13, "clips missing: {names:?}");
    names
}

fn reference(clip: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(format!("{clip}.json"))).expect("json");
    serde_json::from_str(&text).expect("valid json")
}

/// Content words of a text: normalised, hyphens split, filled pauses and cut-offs dropped,
/// `<hes-x>` read as `x`.
fn content_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|t| !t.starts_with("<cutoff"))
        .map(|t| {
            t.strip_prefix("<hes-")
                .and_then(|t| t.strip_suffix('>'))
                .unwrap_or(t)
        })
        .flat_map(|t| t.split('-'))
        .map(|t| {
            t.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|t| !t.is_empty() && !FILLED.contains(&t.as_str()))
        .collect()
}

fn reported_words(r: &Value) -> Vec<String> {
    let words: Vec<&str> = r["transcript"]["words"]
        .as_array()
        .expect("words")
        .iter()
        .map(|w| w["text"].as_str().expect("text"))
        .collect();
    content_words(&words.join(" "))
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

/// sox with `-R`: the same output every run. Without it sox seeds its noise and its dither
/// randomly, and the damaged copies' word counts differed between runs of the same binary.
fn sox(args: &[&str]) {
    let mut all = vec!["-R"];
    all.extend_from_slice(args);
    run("sox", &all);
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn samples(path: &Path) -> Vec<f32> {
    let mut r = hound::WavReader::open(path).expect("wav");
    r.samples::<i16>()
        .map(|s| f32::from(s.expect("sample")) / 32768.0)
        .collect()
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// The level of speech in a clip: RMS of its louder half of 20 ms frames (the quieter half
/// is mostly pauses).
fn speech_rms(x: &[f32]) -> f64 {
    let mut frames: Vec<f64> = x.chunks(320).map(rms).collect();
    frames.sort_by(f64::total_cmp);
    let loud = &frames[frames.len() / 2..];
    (loud.iter().map(|r| r * r).sum::<f64>() / loud.len().max(1) as f64).sqrt()
}

/// Make the damaged copy `variant` of `clean` in `dir`.
fn damage(clean: &Path, variant: &str, dir: &Path) -> PathBuf {
    let out = dir.join(format!(
        "{}__{variant}.wav",
        clean.file_stem().unwrap().to_string_lossy()
    ));
    let tmp = |n: &str| {
        dir.join(format!(
            "{}_{n}.wav",
            out.file_stem().unwrap().to_string_lossy()
        ))
    };
    let mono16 = ["-r", "16000", "-c", "1", "-b", "16"];
    match variant {
        // A full-scale 4 ms click at 0.3 s and a 0.25 s cough-like noise burst at 0.6 s.
        "click_cough" => {
            let (click, cough) = (tmp("click"), tmp("cough"));
            let mut a = vec!["-n"];
            a.extend(mono16);
            a.extend([
                p(&click),
                "synth",
                "0.004",
                "square",
                "1500",
                "vol",
                "0.99",
                "pad",
                "0.3",
            ]);
            sox(&a);
            let mut a = vec!["-n"];
            a.extend(mono16);
            a.extend([
                p(&cough),
                "synth",
                "0.25",
                "brownnoise",
                "fade",
                "q",
                "0.01",
                "0.25",
                "0.15",
                "vol",
                "0.8",
                "pad",
                "0.6",
            ]);
            sox(&a);
            sox(&[
                "-m",
                "-v",
                "1",
                p(clean),
                "-v",
                "1",
                p(&click),
                "-v",
                "1",
                p(&cough),
                p(&out),
            ]);
        }
        // The second half 20 dB quieter.
        "level_drop" => {
            let half = format!("{}", samples(clean).len() as f64 / 16000.0 / 2.0);
            let (a, b) = (tmp("a"), tmp("b"));
            sox(&[p(clean), p(&a), "trim", "0", &half]);
            sox(&[p(clean), p(&b), "trim", &half, "gain", "-20"]);
            sox(&[p(&a), p(&b), p(&out)]);
        }
        // White noise 15 dB below the speech level.
        "noise_15db" => {
            let x = samples(clean);
            let noise = tmp("noise");
            let secs = format!("{}", x.len() as f64 / 16000.0);
            let mut a = vec!["-n"];
            a.extend(mono16);
            a.extend([p(&noise), "synth", &secs, "whitenoise", "vol", "0.5"]);
            sox(&a);
            let k = speech_rms(&x) * 10f64.powf(-15.0 / 20.0) / rms(&samples(&noise));
            let k = format!("{k}");
            sox(&["-m", "-v", "1", p(clean), "-v", &k, p(&noise), p(&out)]);
        }
        // Telephone: 300-3400 Hz, 8 kHz.
        "telephone" => sox(&[p(clean), "-r", "8000", p(&out), "sinc", "300-3400"]),
        // A quiet microphone: peaks at -40 dBFS.
        "quiet_40db" => sox(&[p(clean), p(&out), "gain", "-n", "-40"]),
        // A small reverberant room.
        "reverb" => sox(&[p(clean), p(&out), "gain", "-3", "reverb", "50", "50", "100"]),
        other => panic!("unknown variant {other}"),
    }
    out
}

/// Reports by `(clip, variant)`, `variant` "clean" for the original.
fn reports() -> &'static BTreeMap<(String, String), Value> {
    static REPORTS: OnceLock<BTreeMap<(String, String), Value>> = OnceLock::new();
    REPORTS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("realspeech-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("tmp dir");
        let mut files: Vec<((String, String), PathBuf)> = Vec::new();
        for clip in clips() {
            let clean = fixtures().join(format!("{clip}.wav"));
            for v in VARIANTS {
                files.push(((clip.clone(), (*v).into()), damage(&clean, v, &dir)));
            }
            files.push(((clip, "clean".into()), clean));
        }
        let out = rehearse()
            .args(["analyze", "--format", "json", "--no-save", "-q"])
            .args(files.iter().map(|f| &f.1))
            .output()
            .expect("runs");
        assert_clean_success(&out);
        let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect();
        assert_eq!(lines.len(), files.len());
        files.into_iter().map(|f| f.0).zip(lines).collect()
    })
}

fn report(clip: &str, variant: &str) -> &'static Value {
    &reports()[&(clip.to_string(), variant.to_string())]
}

/// `n` is within `pct` % of `of`, the bound rounded outward to whole words.
fn within(n: usize, of: usize, pct: f64) -> bool {
    let slack = (of as f64 * pct / 100.0).ceil() as usize;
    n + slack >= of && n <= of + slack
}

/// Clips where the human count and a recogniser's count cannot agree, and why. Only the
/// lower bound (no word lost) is checked on them.
fn count_exception(clip: &str) -> Option<&'static str> {
    match clip {
        "mfa_cutoffprogressive" => Some(
            "nine cut-off attempts (\"mont-\", \"ali-\") are spoken but not counted by the human \
             transcript; a recogniser writes them as words",
        ),
        // Measured: tiny.en writes "aligner", said slowly or after six "uh"s, as "for a
        // stilliner" / "to win her": one spoken word, two or three written ones.
        "mfa_long" | "mfa_uhuh" => Some("tiny.en splits \"aligner\" into several words"),
        _ => None,
    }
}

#[test]
fn every_word_of_real_speech_reaches_the_transcript() {
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for clip in clips() {
        let human = content_words(reference(&clip)["transcript"].as_str().unwrap()).len();
        let ours = reported_words(report(&clip, "clean")).len();
        table.push(format!("{clip}: {ours} of {human}"));
        let lost = ours * 10 < human * 9;
        let off = count_exception(&clip).is_none() && !within(ours, human, 10.0);
        if lost || off {
            failures.push(format!(
                "{clip}: {ours} words, the human transcript has {human}"
            ));
        }
    }
    eprintln!("content words, ours of human: {}", table.join("; "));
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn pace_on_real_speech_matches_the_human_transcript() {
    // Only clips whose reference span comes from word times (a forced alignment or the
    // recogniser's word timings); the short MFA clips' spans are energy estimates that
    // count silence (mfa_whatscalled: 0.3-4.9 s, where speech is 1.6-4.0 s).
    let mut checked = 0;
    for clip in clips() {
        let r = reference(&clip);
        let source = r["speech_span_source"].as_str().unwrap_or_default();
        if source.contains("energy") {
            continue;
        }
        let human = r["words"].as_f64().unwrap() * 60.0 / r["speech_span_s"].as_f64().unwrap();
        let ours = report(&clip, "clean")["pace"]["wpm"].as_f64().unwrap();
        let err = (ours - human).abs() / human;
        assert!(
            err <= 0.12,
            "{clip}: {ours:.1} wpm, human {human:.1} wpm ({:.0} % off)",
            err * 100.0
        );
        checked += 1;
    }
    assert_eq!(checked, 3, "three clips have word-timed spans");
}

/// Long pauses as `(start, end)`.
fn long_pauses(r: &Value, min_s: f64) -> Vec<(f64, f64)> {
    r["pauses"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["duration_s"].as_f64().unwrap() >= min_s)
        .map(|e| {
            let s = e["start_s"].as_f64().unwrap();
            (s, s + e["duration_s"].as_f64().unwrap())
        })
        .collect()
}

fn overlaps(a: (f64, f64), b: &[(f64, f64)]) -> bool {
    b.iter().any(|&(s, e)| s < a.1 && a.0 < e)
}

/// Timed content words of a report: `(start_s, end_s)` of each word that is not a filler.
fn timed_words(r: &Value) -> Vec<(f64, f64)> {
    r["transcript"]["words"]
        .as_array()
        .expect("words")
        .iter()
        .filter(|w| !content_words(w["text"].as_str().expect("text")).is_empty())
        .map(|w| (w["start_s"].as_f64().unwrap(), w["end_s"].as_f64().unwrap()))
        .collect()
}

/// How many of the clean take's words the damaged take still has: a clean word counts as
/// kept when the damaged transcript has a word within 0.15 s of it. This asks whether the
/// speech reached the transcript, whatever the recogniser spelled ("a liner" for "aligner"
/// is two words in one take and one in another; counting words would call that a loss).
fn kept_by_time(clean: &[(f64, f64)], damaged: &[(f64, f64)]) -> usize {
    clean
        .iter()
        .filter(|&&(s, e)| damaged.iter().any(|&(a, b)| a < e + 0.15 && s - 0.15 < b))
        .count()
}

/// Damaged copies where a loss is the recogniser's, measured and explained, not the speech
/// detector's (the long-pause check still applies to them). Measured 2026-11-27 with the
/// deterministic copies (`sox -R`), twice, the same both times; again on 2026-11-28 once
/// quiet pieces were raised to one level before Whisper hears them.
fn damage_exception(clip: &str, variant: &str) -> Option<&'static str> {
    match (clip, variant) {
        // Measured: the detector finds both stretches of speech (1.4-2.2 s, 8.1-8.8 s, and
        // the unsure stretches after each go to Whisper too), but tiny.en writes nothing for
        // this acted three-word clip ("montreal ... forced aligner", drawn out) under white
        // noise, even given the whole 8 s piece at once; nor with beam search (5), nor with
        // the no-speech threshold off, at any decode level tried (-10 to -38 dBFS). Without
        // the filler prompt it writes eight words that are not there ("MIT'S IS SUINNA
        // Compass History ..."), which is worse than none.
        ("mfa_long", "noise_15db") => Some("tiny.en writes nothing for it under noise"),
        // Measured: with quiet pieces raised to one level (src/transcribe/level.rs) the
        // level-dropped and -40 dBFS copies keep 17 and 18 of the 18 words; under noise the
        // acted cut-offs still come back as 15 ("the montréal montréal forced mmm a lot a lot
        // liner a liner"): the detector finds all the speech (1.7-3.8 s, 6.6-7.5 s included)
        // and Whisper hears it, but writes "Monty, Monty, Monty" as "Montreal, Montreal" and
        // nothing for the drawn-out "oh" at 6.6-7.4 s, at every decode level tried (-18 to
        // -38 dBFS).
        ("mfa_cutoffprogressive", "noise_15db") => {
            Some("tiny.en writes the repeated cut-offs under noise as 15 of 18 words")
        }
        _ => None,
    }
}

/// Whether `kept` of `of` words is enough: 90 %, or on a clip of under ten words all but one
/// (there, one word is already more than 10 %, and two runs of the same binary on the same
/// copy have differed by one word in how tiny.en splits or spells a drawn-out word).
fn enough(kept: usize, of: usize) -> bool {
    kept * 10 >= of * 9 || (of < 10 && kept + 1 >= of)
}

#[test]
fn damaged_recordings_keep_the_words_and_the_long_pauses() {
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for clip in clips() {
        let clean = report(&clip, "clean");
        let words = reported_words(clean).len();
        let clean_timed = timed_words(clean);
        let long = long_pauses(clean, 2.0);
        for v in VARIANTS {
            let r = report(&clip, v);
            // A clean word is lost only when neither the count nor the time keeps it: a
            // respelling changes the count ("a liner" / "aligner"), DTW may move a redrawn
            // word's time, but lost speech loses both.
            let by_count = reported_words(r).len().min(words);
            let by_time =
                kept_by_time(&clean_timed, &timed_words(r)) * words / clean_timed.len().max(1);
            let kept = by_count.max(by_time);
            table.push(format!(
                "{clip}/{v}: {kept} of {words} (count {}, at their time {by_time})",
                reported_words(r).len()
            ));
            if !enough(kept, words) && damage_exception(&clip, v).is_none() {
                failures.push(format!(
                    "{clip}/{v}: {kept} of the clean take's {words} words kept"
                ));
            }
            // Every long pause of the clean take is still there (at least 1.5 s, overlapping
            // it), and no new long pause appears where the clean take had none.
            let damaged_long = long_pauses(r, 2.0);
            let near_long = |p: &[(f64, f64)]| p.iter().all(|&x| overlaps(x, &long_pauses(r, 1.5)));
            if !near_long(&long)
                || !damaged_long
                    .iter()
                    .all(|&x| overlaps(x, &long_pauses(clean, 1.5)))
            {
                failures.push(format!(
                    "{clip}/{v}: long pauses {damaged_long:?}, clean take {long:?}"
                ));
            }
        }
    }
    eprintln!("clean words kept: {}", table.join("; "));
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn words_have_their_own_times() {
    // Before DTW word times, up to 11 words could share one timestamp. Now no three words in
    // a row start at the same time, and starts never go backwards.
    for clip in clips() {
        let words = report(&clip, "clean")["transcript"]["words"]
            .as_array()
            .unwrap();
        let starts: Vec<f64> = words
            .iter()
            .map(|w| w["start_s"].as_f64().unwrap())
            .collect();
        for w in starts.windows(2) {
            assert!(w[0] <= w[1], "{clip}: starts go backwards: {starts:?}");
        }
        for w in starts.windows(3) {
            assert!(
                !(w[0] == w[1] && w[1] == w[2]),
                "{clip}: three words start at {}",
                w[0]
            );
        }
    }
}

#[test]
fn the_report_names_the_speech_detector_and_the_word_timing() {
    let m = &report("mfa_uh", "clean")["model"];
    assert!(
        m["speech_detector"].as_str().unwrap().ends_with(".bin"),
        "{m}"
    );
    assert_eq!(m["word_times"], "dtw");
}
