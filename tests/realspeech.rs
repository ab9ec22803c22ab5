//! Real recordings of people (`tests/fixtures/realspeech/`, sources and licences in its
//! README) and damaged copies of each made here with sox, through the real binary and the
//! real models, all in one `rehearse analyze` batch call so the models load once.
//!
//! Each clip's JSON holds a human-written transcript. Transcripts are scored by word error rate
//! against it (`tests/common/wer.rs`: the same normalisation on both sides, filled pauses left
//! out per each source's convention, `<cutoff-x>` attempts not words, `<hes-x>` read as `x`),
//! not by counting words: a count passes "mon trio forced align" for "montreal forced aligner".

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use common::wer::{self, Score};
use common::{assert_clean_success, rehearse, root, without_timings};

/// The damaged copies: name and what was done, in the order of the README's table.
const VARIANTS: &[&str] = &[
    "click_cough",
    "level_drop",
    "noise_15db",
    "telephone",
    "quiet_40db",
    "reverb",
];

/// The damaged copies made of `clip` (the `index`th in name order): half of them, every other
/// one in turn (the kinds rotate from clip to clip, so every kind is made of six or seven
/// clips and every clip gets three kinds), and every copy on the exception list (known to
/// lose words: the list must only shrink): 43 of the 78. `scripts/bench-noise.sh` makes and
/// scores every kind for every clip (its damage rows, and white noise at 15 dB in its noise
/// rows; docs/accuracy.md); the suite runs this slice to stay well under CI's time budget.
fn variants_of(index: usize, clip: &str) -> Vec<&'static str> {
    VARIANTS
        .iter()
        .enumerate()
        .filter(|&(j, v)| (index + j) % 2 == 0 || damage_exception(clip, v).is_some())
        .map(|(_, v)| *v)
        .collect()
}

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

/// The report of `(clip, variant)` scored against the clip's human transcript.
fn score(clip: &str, variant: &str) -> Score {
    wer::score_report(&reference(clip), report(clip, variant)).expect("both have transcripts")
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
        for (i, clip) in clips().into_iter().enumerate() {
            let clean = fixtures().join(format!("{clip}.wav"));
            for v in variants_of(i, &clip) {
                files.push(((clip.clone(), (*v).into()), damage(&clean, v, &dir)));
            }
            files.push(((clip, "clean".into()), clean));
        }
        // One thread per job, pinned: the default follows the machine's load, the report
        // names it, and `analyze_twice_gives_the_same_report` runs some copies again. Two
        // jobs (the helper's): one core each on CI's two.
        let lines = common::analyze_batch(files.iter().map(|f| &f.1), &["--threads", "1"]);
        files.into_iter().map(|f| f.0).zip(lines).collect()
    })
}

fn report(clip: &str, variant: &str) -> &'static Value {
    &reports()[&(clip.to_string(), variant.to_string())]
}

/// The clean takes as measured: clip, word errors (S + D + I) and reference words matched,
/// against the human transcript. Measured 2026-12-06 on main 12a7ff6 (the engine of 7fb5fc1),
/// the same to the word in `scripts/bench-noise.sh`'s run of that build; all 13: 63 word errors
/// over 190 words, WER 33.2 %. The short MFA clips are acted around "montreal forced aligner",
/// which tiny.en writes "a liner" (two errors on three words).
const CLEAN_MEASURED: &[(&str, usize, usize)] = &[
    ("batchalign2_asr_test", 4, 11), // 13 words, 14 written: S 1 D 1 I 2, WER 30.8 %
    ("batchalign2_test", 14, 67),    // 80 words, 77 written: S 9 D 4 I 1, WER 17.5 %
    ("mfa_acoustic_corpus", 3, 55),  // 57 words, 57 written: S 1 D 1 I 1, WER 5.3 %
    ("mfa_crossword", 3, 5),         // 7 words, 7 written: S 1 D 1 I 1, WER 42.9 %
    ("mfa_cutoffprogressive", 18, 0), // 4 words, 18 written: S 4 D 0 I 14, WER 450 %
    ("mfa_internalsil", 3, 1),       // 3 words, 4 written: S 2 D 0 I 1, WER 100 %
    ("mfa_long", 5, 0),              // 3 words, 5 written: S 3 D 0 I 2, WER 166.7 %
    ("mfa_uh", 2, 2),                // 3 words, 4 written: S 1 D 0 I 1, WER 66.7 %
    ("mfa_uhuh", 3, 2),              // 3 words, 5 written: S 1 D 0 I 2, WER 100 %
    ("mfa_uhum", 2, 3),              // 4 words, 5 written: S 1 D 0 I 1, WER 50 %
    ("mfa_um", 2, 2),                // 3 words, 4 written: S 1 D 0 I 1, WER 66.7 %
    ("mfa_whatscalled", 2, 4),       // 5 words, 6 written: S 1 D 0 I 1, WER 40 %
    ("mfa_youknow", 2, 3),           // 5 words, 5 written: S 2 D 0 I 0, WER 40 %
];

/// Slack on a clean take's figures: one word, or 5 % of the reference words, whichever is more
/// (a changed engine may read one word differently without losing speech).
fn slack(ref_words: usize) -> usize {
    (ref_words * 5).div_ceil(100).max(1)
}

#[test]
fn every_word_of_real_speech_reaches_the_transcript() {
    let mut failures = Vec::new();
    let mut table = Vec::new();
    let (mut total, mut total_measured) = (Score::default(), 0);
    for clip in clips() {
        let s = score(&clip, "clean");
        total = total.add(&s);
        table.push(format!(
            "(\"{clip}\", {}, {}), // {} words, {} written: S {} D {} I {}, WER {:.1} %",
            s.errors(),
            s.hits,
            s.ref_words,
            s.hyp_words,
            s.subs,
            s.dels,
            s.ins,
            s.wer() * 100.0
        ));
        let Some(&(_, errors, hits)) = CLEAN_MEASURED.iter().find(|m| m.0 == clip) else {
            failures.push(format!("{clip}: not measured yet"));
            continue;
        };
        total_measured += errors;
        let k = slack(s.ref_words);
        if s.errors() > errors + k || s.hits + k < hits {
            failures.push(format!(
                "{clip}: {} word errors and {} of {} words matched; measured {errors} and {hits}",
                s.errors(),
                s.hits,
                s.ref_words
            ));
        }
    }
    eprintln!(
        "clean takes against the human transcripts:\n{}",
        table.join("\n")
    );
    eprintln!(
        "all clean takes: {} word errors over {} words, WER {:.1} %",
        total.errors(),
        total.ref_words,
        total.wer() * 100.0
    );
    // All takes together: the per-clip slack must not add up to a drift.
    assert!(
        total.errors() <= total_measured + total.ref_words.div_ceil(50),
        "{} word errors over all clean takes, measured {total_measured}",
        total.errors()
    );
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

/// Damaged copies under the floor today, with their figures against the human transcript
/// (measured 2026-12-06 on main 12a7ff6, the engine of 7fb5fc1). The test fails when one of
/// them keeps its words, so that the list only shrinks.
fn damage_exception(clip: &str, variant: &str) -> Option<&'static str> {
    match (clip, variant) {
        ("batchalign2_asr_test", "noise_15db") => {
            Some("WER 54 % (clean 31 %), 7 of 13 words matched (clean 11)")
        }
        ("mfa_crossword", "noise_15db") => {
            Some("WER 57 % (clean 43 %), 3 of 7 words matched (clean 5)")
        }
        ("mfa_uh", "noise_15db") => Some("WER 167 % (clean 67 %), 1 of 3 words matched (clean 2)"),
        // The acted cut-offs: 18 written words for 4 human ones in the clean take already.
        ("mfa_cutoffprogressive", "click_cough") => {
            Some("WER 550 % (clean 450 %): four more invented words")
        }
        ("mfa_cutoffprogressive", "quiet_40db") => {
            Some("WER 600 % (clean 450 %), 1 of 4 words matched (clean 0)")
        }
        ("mfa_internalsil", "click_cough") | ("mfa_internalsil", "quiet_40db") => {
            Some("WER 167 % (clean 100 %), 1 of 3 words matched (clean 1)")
        }
        _ => None,
    }
}

/// Whether a damaged copy keeps its clean take's words: at least 90 % of the reference words
/// the clean take matched (all but one on clips of under ten words, where one word is already
/// more than 10 %), and word errors within 10 points of the clean take's, rounded up to whole
/// words.
fn keeps_the_clean_words(copy: &Score, clean: &Score) -> bool {
    let n = clean.ref_words;
    let kept = copy.hits * 10 >= clean.hits * 9 || (n < 10 && copy.hits + 1 >= clean.hits);
    kept && copy.errors() <= clean.errors() + n.div_ceil(10)
}

#[test]
fn damaged_recordings_keep_the_words_and_the_long_pauses() {
    let mut failures = Vec::new();
    let mut table = Vec::new();
    let mut totals: BTreeMap<&str, (Score, Score)> = BTreeMap::new();
    for (i, clip) in clips().into_iter().enumerate() {
        let clean_report = report(&clip, "clean");
        let clean = score(&clip, "clean");
        let long = long_pauses(clean_report, 2.0);
        for v in variants_of(i, &clip) {
            let r = report(&clip, v);
            let s = score(&clip, v);
            let t = totals.entry(v).or_default();
            *t = (t.0.add(&s), t.1.add(&clean));
            let ok = keeps_the_clean_words(&s, &clean);
            table.push(format!(
                "{clip}/{v}: WER {:.0} % (clean {:.0} %), {} of {} words matched (clean {}){}",
                s.wer() * 100.0,
                clean.wer() * 100.0,
                s.hits,
                s.ref_words,
                clean.hits,
                if ok { "" } else { " UNDER" }
            ));
            match (ok, damage_exception(&clip, v)) {
                (false, None) => failures.push(format!(
                    "{clip}/{v}: WER {:.0} % against the clean take's {:.0} %, {} of the clean \
                     take's {} matched words",
                    s.wer() * 100.0,
                    clean.wer() * 100.0,
                    s.hits,
                    clean.hits
                )),
                (true, Some(why)) => failures.push(format!(
                    "{clip}/{v} now keeps its words: take it off the exception list ({why})"
                )),
                _ => {}
            }
            // Every long pause of the clean take is still there (at least 1.5 s, overlapping
            // it), and no new long pause appears where the clean take had none.
            let damaged_long = long_pauses(r, 2.0);
            let near_long = |p: &[(f64, f64)]| p.iter().all(|&x| overlaps(x, &long_pauses(r, 1.5)));
            if !near_long(&long)
                || !damaged_long
                    .iter()
                    .all(|&x| overlaps(x, &long_pauses(clean_report, 1.5)))
            {
                failures.push(format!(
                    "{clip}/{v}: long pauses {damaged_long:?}, clean take {long:?}"
                ));
            }
        }
    }
    eprintln!(
        "damaged copies against the human transcripts:\n{}",
        table.join("\n")
    );
    for (v, (copy, clean)) in &totals {
        eprintln!(
            "{v}: WER {:.1} % (clean {:.1} %), {} of the clean takes' {} matched words",
            copy.wer() * 100.0,
            clean.wer() * 100.0,
            copy.hits,
            clean.hits
        );
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Clean English of real people is never called unreliable (#25), and a damaged copy only
/// where its words really are (word error 40 % or more against the human transcript): the
/// transcript-quality gate withholds verdicts only where the words cannot stand. The clean
/// takes are quiet (speech-band signal-to-noise ratio over 15 dB) and get no noise warning.
#[test]
fn real_speech_and_its_damaged_copies_are_trusted() {
    let mut failures = Vec::new();
    for (i, clip) in clips().into_iter().enumerate() {
        for v in std::iter::once("clean").chain(variants_of(i, &clip)) {
            let r = report(&clip, v);
            let q = &r["transcript"]["quality"];
            let wer = score(&clip, v).wer();
            if q["trusted"] != true && (v == "clean" || wer < 0.4) {
                failures.push(format!(
                    "{clip}/{v}: not trusted at WER {:.0} %: {q}",
                    wer * 100.0
                ));
            }
            let snr = r["audio"]["snr_db"].as_f64();
            if v == "clean"
                && (snr.is_none_or(|s| s <= 15.0) || r["warnings"].to_string().contains("noise"))
            {
                failures.push(format!(
                    "{clip}: snr_db {snr:?}, warnings {}",
                    r["warnings"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Same audio, same report (#25): some of the copies analysed again, in the other order and
/// one at a time (`--jobs 1`; the batch above runs two jobs at once), give
/// the same JSON but for the time it took. (`record` against `analyze` of the saved take:
/// tests/record_live.rs.)
#[test]
fn analyze_twice_gives_the_same_report() {
    let again = [
        ("batchalign2_test", "clean"),
        ("batchalign2_test", "telephone"),
        ("mfa_acoustic_corpus", "noise_15db"),
        ("mfa_uhum", "clean"),
    ];
    let first: Vec<&Value> = again.iter().map(|(c, v)| report(c, v)).collect();
    let out = rehearse()
        .args(["analyze", "--format", "json", "--no-save", "-q"])
        .args(["--threads", "1", "--jobs", "1"])
        .args(
            first
                .iter()
                .rev()
                .map(|r| r["audio"]["path"].as_str().unwrap()),
        )
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let mut second: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    second.reverse();
    assert_eq!(second.len(), again.len());
    for ((a, b), copy) in first.iter().zip(&second).zip(&again) {
        assert_eq!(
            without_timings((*a).clone()),
            without_timings(b.clone()),
            "{copy:?} differs between two runs"
        );
    }
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
