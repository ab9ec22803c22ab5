//! End to end on the bundled samples: the real binary, the real Whisper model, real audio
//! (synthesised by scripts/make-samples.sh; samples/README.md says what each contains).

mod common;

use std::sync::OnceLock;

use common::{analyze_json, rehearse, sample};
use serde_json::Value;

fn report(name: &'static str, cell: &'static OnceLock<Value>) -> &'static Value {
    cell.get_or_init(|| analyze_json(&sample(name), &[]))
}

fn fillers() -> &'static Value {
    static R: OnceLock<Value> = OnceLock::new();
    report("fillers.wav", &R)
}

fn long_pauses() -> &'static Value {
    static R: OnceLock<Value> = OnceLock::new();
    report("long-pauses.wav", &R)
}

fn clean() -> &'static Value {
    static R: OnceLock<Value> = OnceLock::new();
    report("star-clean.wav", &R)
}

fn count(r: &Value, word: &str) -> u64 {
    r["fillers"]["by_word"][word].as_u64().unwrap_or(0)
}

#[test]
fn filled_pauses_are_kept_and_counted() {
    let r = fillers();
    // The script says "um" 3 times and "uh" 3 times; Whisper may drop a few, never add.
    let filled = count(r, "um") + count(r, "uh");
    assert!((4..=6).contains(&filled), "{}", r["fillers"]);
    assert_eq!(r["fillers"]["filled_pauses"].as_u64(), Some(filled));
}

#[test]
fn discourse_fillers_are_counted_but_like_as_a_verb_is_not() {
    let r = fillers();
    // "like" is a filler twice ("And, like," / "It was, like,"); "looks like" and "I like
    // that" are not, so at most 2 may be counted.
    assert!((1..=2).contains(&count(r, "like")), "{}", r["fillers"]);
    assert!(count(r, "you know") >= 1, "{}", r["fillers"]);
    let words = r["transcript"]["words"].as_array().unwrap();
    for e in r["fillers"]["events"].as_array().unwrap() {
        if e["word"] == "like" {
            let i = e["word_index"].as_u64().unwrap() as usize;
            let prev = words[i - 1]["text"].as_str().unwrap().to_lowercase();
            assert!(
                !["looks", "i"].contains(&prev.as_str()),
                "counted '{prev} like'"
            );
        }
    }
    // Each counted word is marked in the transcript.
    let marked = words.iter().filter(|w| w["filler"] == true).count() as u64;
    assert!(marked >= r["fillers"]["total"].as_u64().unwrap());
}

#[test]
fn filler_rate_is_judged_against_its_target() {
    let r = fillers();
    let total = r["fillers"]["total"].as_f64().unwrap();
    assert!(total >= 8.0, "{}", r["fillers"]);
    let per_min = r["fillers"]["per_minute"].as_f64().unwrap();
    let answer_min = r["length"]["answer_s"].as_f64().unwrap() / 60.0;
    assert!((per_min - total / answer_min).abs() < 0.05);
    assert_eq!(r["fillers"]["verdict"], "distracting");
    assert_eq!(r["fillers"]["target_per_minute_max"].as_f64(), Some(5.0));
}

#[test]
fn long_pauses_are_measured_on_the_signal() {
    let r = long_pauses();
    let p = &r["pauses"];
    assert_eq!(p["long_count"].as_u64(), Some(2), "{p}");
    let long: Vec<(f64, f64)> = p["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["long"] == true)
        .map(|e| {
            (
                e["start_s"].as_f64().unwrap(),
                e["duration_s"].as_f64().unwrap(),
            )
        })
        .collect();
    // The sample has exactly 3.0 s and 2.5 s of digital silence between its sentences. The
    // speech detector's regions end 80-90 ms into each silence; refined on the signal's energy
    // they read 2.99 s and 2.49 s (measured).
    assert!((long[0].1 - 3.0).abs() <= 0.06, "{long:?}");
    assert!((long[1].1 - 2.5).abs() <= 0.06, "{long:?}");
    assert!(long[0].0 > 4.0 && long[1].0 > long[0].0 + 5.0, "{long:?}");
    assert!((p["leading_silence_s"].as_f64().unwrap() - 1.0).abs() <= 0.05);
    assert!(p["first_word_s"].as_f64().unwrap() >= 0.7);
}

#[test]
fn stereo_48k_input_is_downmixed_and_resampled() {
    let a = &long_pauses()["audio"];
    assert_eq!(a["source_sample_rate"], 48000);
    assert_eq!(a["source_channels"], 2);
    assert!(
        (a["duration_s"].as_f64().unwrap() - 20.53).abs() < 0.05,
        "{a}"
    );
    let text = long_pauses()["transcript"]["text"]
        .as_str()
        .unwrap()
        .to_lowercase();
    for word in ["migration", "database", "customers"] {
        assert!(text.contains(word), "{word} missing from {text}");
    }
}

#[test]
fn a_clean_answer_is_on_target() {
    let r = clean();
    assert_eq!(r["length"]["verdict"], "on_target", "{}", r["length"]);
    let wpm = r["pace"]["wpm"].as_f64().unwrap();
    assert!((130.0..=170.0).contains(&wpm), "wpm {wpm}");
    assert!(r["pace"]["articulation_wpm"].as_f64().unwrap() >= wpm);
    assert!(
        r["fillers"]["total"].as_u64().unwrap() <= 2,
        "{}",
        r["fillers"]
    );
    assert_eq!(r["pauses"]["long_count"], 0);
    let words = r["length"]["word_count"].as_u64().unwrap();
    assert!((215..=260).contains(&words), "{words} words");
}

#[test]
fn pace_windows_cover_the_answer() {
    let r = clean();
    let windows = r["pace"]["windows"].as_array().unwrap();
    assert_eq!(windows.len(), 7, "95 s in 15 s windows");
    let in_windows: u64 = windows.iter().map(|w| w["words"].as_u64().unwrap()).sum();
    assert_eq!(in_windows, r["length"]["word_count"].as_u64().unwrap());
}

#[test]
fn json_has_the_documented_fields() {
    let r = clean();
    assert_eq!(r["schema_version"], 1);
    for pointer in [
        "/audio/duration_s",
        "/transcript/text",
        "/transcript/words/0/text",
        "/transcript/words/0/start_s",
        "/transcript/words/0/end_s",
        "/transcript/words/0/filler",
        "/pace/wpm",
        "/pace/articulation_wpm",
        "/pace/windows",
        "/pace/target/min",
        "/fillers/total",
        "/fillers/per_minute",
        "/fillers/by_word",
        "/fillers/events",
        "/pauses/long_count",
        "/pauses/events",
        "/length/duration_s",
        "/length/word_count",
        "/length/target_s/max",
        "/targets/long_pause_s",
        "/methods/pauses",
        "/model/real_time_factor",
    ] {
        assert!(r.pointer(pointer).is_some(), "missing {pointer}");
    }
    // The filler prompt given to Whisper never shows up as speech.
    let text = r["transcript"]["text"].as_str().unwrap();
    assert!(!text.contains("I was, uh, thinking"), "{text}");
}

#[test]
fn terminal_report_shows_each_figure_with_its_target() {
    let out = rehearse()
        .args(["analyze", "--color", "never"])
        .arg(sample("fillers.wav"))
        .output()
        .unwrap();
    common::assert_clean_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "Length",
        "Pace",
        "Fillers",
        "Pauses",
        "target",
        "distracting",
        "[um,]",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    assert!(!text.contains('\x1b'), "escape codes with --color never");
    // Nothing but the report on stdout; no progress bar or whisper.cpp logs on stderr.
    common::assert_only_own_messages(&out.stderr);
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let out = rehearse()
        .args(["analyze", "--color", "always"])
        .arg(sample("long-pauses.wav"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\x1b'));
    // Auto: stdout is a pipe here, so no colour either way; NO_COLOR must not break it.
    let out = rehearse()
        .env("NO_COLOR", "1")
        .arg("analyze")
        .arg(sample("long-pauses.wav"))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn markdown_report_is_written_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.md");
    let out = rehearse()
        .args(["analyze", "--format", "markdown", "-o"])
        .arg(&path)
        .arg(sample("long-pauses.wav"))
        .output()
        .unwrap();
    common::assert_clean_success(&out);
    assert!(out.stdout.is_empty());
    let md = std::fs::read_to_string(&path).unwrap();
    assert!(md.starts_with("# Rehearsal report"), "{md}");
    assert!(
        md.contains("| Pauses |") && md.contains("## Transcript"),
        "{md}"
    );
    assert!(md.contains("for 3.0 s") || md.contains("for 2.9 s"), "{md}");
}

#[test]
fn targets_can_be_changed_from_the_command_line() {
    let r = common::analyze_json(
        &sample("long-pauses.wav"),
        &["--long-pause", "2.8", "--pace", "100-120"],
    );
    assert_eq!(
        r["pauses"]["long_count"], 1,
        "only the 3 s pause is >= 2.8 s"
    );
    assert_eq!(r["targets"]["long_pause_s"], 2.8);
    // 19.5 s of speech is under the 20 s a pace verdict needs; the 32 s sample has enough.
    assert_eq!(r["pace"]["verdict"], "cant_tell");
    let r = common::analyze_json(&sample("fillers.wav"), &["--pace", "100-120"]);
    assert_eq!(r["targets"]["pace_wpm"]["max"], 120.0, "{}", r["targets"]);
    assert_eq!(r["pace"]["verdict"], "too_fast");
}

/// Two analyses started together without a thread count share the cores instead of each
/// taking all of them and fighting for them (src/transcribe/running.rs): whichever reaches
/// the choice second sees the first in the registry, so at least one of the two takes at most
/// half the cores. Before, both saw an idle machine and took every core.
#[test]
fn two_analyses_started_together_share_the_cores() {
    use rehearse::transcribe::running::Registry;
    use rehearse::transcribe::threads;
    use std::process::Stdio;

    // A registry of their own, apart from any other analysis on this machine.
    let runtime = tempfile::tempdir().unwrap();
    let start = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_rehearse"))
            .current_dir(common::root())
            .env_remove("REHEARSE_THREADS")
            .env_remove("REHEARSE_MODEL")
            .env("REHEARSE_HOME", common::fresh_home())
            .env("XDG_RUNTIME_DIR", runtime.path())
            .args(["analyze", "--format", "json", "--no-save", "-q"])
            .arg(sample("fillers.wav"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let both = [start(), start()];
    let threads: Vec<u64> = both
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            report["model"]["threads"].as_u64().unwrap()
        })
        .collect();
    let cores = threads::cores() as u64;
    let fewest = *threads.iter().min().unwrap();
    assert!(
        fewest <= (cores / 2).max(1),
        "threads {threads:?} on {cores} cores: neither analysis left room for the other"
    );
    // Both have ended: neither is counted as running any more.
    let registry = Registry::at(&runtime.path().join("rehearse-running")).unwrap();
    assert_eq!(registry.others(None), 0);
}
