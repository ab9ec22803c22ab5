//! Take history end to end: real answers synthesised with espeak-ng, analysed by the real
//! binary and Whisper model into temporary data directories, then listed, compared, trended,
//! exported, damaged and killed mid-write.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::sync::OnceLock;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const QUESTION: &str = "Tell me about a process you improved";

// Both answers are long enough for every verdict (pace 20 s, fillers 30 s unless 3+, STAR 4
// sentences): about 35 s each at 150 wpm.
const UM_ANSWER: &str = "Um, so, at my last job, um, we had a, uh, really slow release process. \
    Um, every release took, uh, two whole days, and, um, people were, uh, pretty unhappy about \
    it. Um, I was asked to, uh, fix it. So I, um, looked at each step and, uh, wrote a script \
    for the, um, slowest ones. Then I, uh, tested it with the team and, um, we used it for \
    every release after that. And, uh, the releases got, um, a lot faster.";
const CLEAN_ANSWER: &str = "At my last job we had a slow release process. Every release took \
    two whole days, and the team was unhappy about it. I was asked to fix it. I looked at each \
    step of the release and wrote a deployment script for the slowest ones. Then I tested the \
    script with the team and we used it for every release after that. As a result, releases \
    went from two days to two hours, and the team shipped twice as often. My manager asked \
    me to share the script with two other teams, and both of them adopted it within a month.";

fn speak(dir: &Path, name: &str, text: &str) -> PathBuf {
    let out = dir.join(name);
    let status = StdCommand::new("espeak-ng")
        .args(["-v", "en-us", "-s", "150", "-w"])
        .arg(&out)
        .arg(text)
        .status()
        .expect("espeak-ng is installed");
    assert!(status.success());
    out
}

fn rehearse(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("rehearse").unwrap();
    cmd.env("REHEARSE_HOME", home).env("NO_COLOR", "1");
    cmd
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}", String::from_utf8_lossy(out));
    })
}

fn history(home: &Path) -> Value {
    let out = rehearse(home)
        .args(["history", "--json"])
        .assert()
        .success();
    json(&out.get_output().stdout)["takes"].clone()
}

fn analyze(home: &Path, file: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    rehearse(home)
        .arg("analyze")
        .arg(file)
        .args(["--format", "json", "--threads", "1"])
        .args(extra)
        .assert()
}

/// Two takes of one question, analysed once for all tests: a hesitant one, then a clean one.
struct Seed {
    _dir: tempfile::TempDir,
    home: PathBuf,
    um: PathBuf,
}

fn seed() -> &'static Seed {
    static SEED: OnceLock<Seed> = OnceLock::new();
    SEED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let um = speak(dir.path(), "um.wav", UM_ANSWER);
        let clean = speak(dir.path(), "clean.wav", CLEAN_ANSWER);
        for file in [&um, &clean] {
            analyze(&home, file, &["--question", QUESTION]).success();
        }
        Seed {
            home,
            um,
            _dir: dir,
        }
    })
}

/// A private copy of the seeded data directory.
fn seeded_home(tmp: &Path) -> PathBuf {
    let home = tmp.join("home");
    let status = StdCommand::new("cp")
        .arg("-r")
        .arg(&seed().home)
        .arg(&home)
        .status()
        .unwrap();
    assert!(status.success());
    home
}

fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no number {key} in {v}"))
}

fn metric<'a>(rows: &'a Value, key: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == key)
        .unwrap_or_else(|| panic!("no metric {key} in {rows}"))
}

#[test]
fn history_lists_each_take_with_its_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let takes = history(&home);
    assert_eq!(takes.as_array().unwrap().len(), 2, "{takes}");
    let (um, clean) = (&takes[0], &takes[1]);
    assert_eq!(um["question"], QUESTION);
    assert!(
        f(um, "fillers_per_minute") > 10.0,
        "the hesitant take has many fillers: {um}"
    );
    assert!(f(clean, "fillers_per_minute") < f(um, "fillers_per_minute") / 2.0);
    assert!((100.0..230.0).contains(&f(clean, "wpm")), "{clean}");
    assert!(f(um, "duration_s") > 5.0);
    assert_eq!(um["audio"], "ok");
    // STAR parts present, one letter per part or "-" where it is missing, and the score.
    let parts = um["star"]
        .as_str()
        .unwrap_or_else(|| panic!("no STAR parts in {um}"));
    assert!(
        parts.len() == 4
            && parts
                .chars()
                .zip("STAR".chars())
                .all(|(c, p)| c == p || c == '-'),
        "{parts}"
    );
    assert!(
        um["star_score"]
            .as_f64()
            .is_some_and(|s| (0.0..=100.0).contains(&s)),
        "{um}"
    );
    // The table shows the same takes, one line each, with the id.
    let table = rehearse(&home).arg("history").assert().success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).to_string();
    assert_eq!(text.lines().count(), 4, "{text}");
    let footer = text.lines().last().unwrap();
    assert!(
        footer.starts_with("Disk use: ") && footer.contains(" for 2 takes in "),
        "{text}"
    );
    assert!(text.contains(um["id"].as_str().unwrap()), "{text}");
    // Filters.
    let filtered = rehearse(&home)
        .args([
            "history",
            "--json",
            "--question",
            "PROCESS",
            "--since",
            "1d",
        ])
        .assert()
        .success();
    assert_eq!(json(&filtered.get_output().stdout)["takes"], takes);
    let none = rehearse(&home)
        .args(["history", "--json", "--question", "weakness"])
        .assert()
        .success();
    assert_eq!(
        json(&none.get_output().stdout)["takes"],
        Value::Array(vec![])
    );
    rehearse(&home)
        .args(["history", "--since", "last tuesday"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "cannot read \"last tuesday\" as a date",
        ));
}

#[test]
fn compare_marks_fewer_fillers_as_better() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let takes = history(&home);
    let out = rehearse(&home)
        .args(["compare", "last~1", "last", "--json"])
        .assert()
        .success();
    let v = json(&out.get_output().stdout);
    assert_eq!(v["before"]["id"], takes[0]["id"]);
    assert_eq!(v["after"]["id"], takes[1]["id"]);
    let fillers = metric(&v["metrics"], "fillers_per_minute");
    assert_eq!(fillers["change"], "better", "{fillers}");
    assert!(f(fillers, "delta") < -5.0, "{fillers}");
    assert_eq!(f(fillers, "before"), f(&takes[0], "fillers_per_minute"));
    // Per-word filler counts: "um" went down.
    let um = v["fillers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["word"] == "um")
        .expect("um was counted");
    assert!(um["before"].as_u64() > um["after"].as_u64(), "{um}");
    // The same by id prefix, as a table.
    let a = &takes[0]["id"].as_str().unwrap()[..5];
    let out = rehearse(&home)
        .args(["compare", a, "last"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let line = text.lines().find(|l| l.contains("Fillers/min")).unwrap();
    assert!(line.ends_with("better"), "{text}");
}

#[test]
fn progress_shows_first_best_latest_and_what_improved_most() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let takes = history(&home);
    let out = rehearse(&home)
        .args(["progress", "--question", "process", "--json"])
        .assert()
        .success();
    let v = json(&out.get_output().stdout);
    assert_eq!(v["takes"], 2);
    let fillers = metric(&v["metrics"], "fillers_per_minute");
    assert_eq!(f(fillers, "first"), f(&takes[0], "fillers_per_minute"));
    assert_eq!(f(fillers, "latest"), f(&takes[1], "fillers_per_minute"));
    assert_eq!(f(fillers, "best"), f(fillers, "latest"));
    assert_eq!(fillers["best_take"], takes[1]["id"]);
    assert_eq!(fillers["trend"], "better");
    assert_eq!(v["improved_most"]["metric"], "fillers_per_minute", "{v}");
    // Both takes are far shorter than 90 s: length still needs work.
    let work: Vec<&Value> = v["needs_work"].as_array().unwrap().iter().collect();
    assert!(work.iter().any(|w| w["metric"] == "answer_s"), "{v}");
    assert!(
        !work.iter().any(|w| w["metric"] == "fillers_per_minute"),
        "{v}"
    );
    let text = rehearse(&home).arg("progress").assert().success();
    let text = String::from_utf8_lossy(&text.get_output().stdout).to_string();
    assert!(text.contains("Improved most: Fillers/min"), "{text}");
    assert!(
        text.contains('█') && text.contains('▁'),
        "a sparkline: {text}"
    );
}

#[test]
fn the_same_recording_is_not_saved_twice_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let first_id = history(&home)[0]["id"].as_str().unwrap().to_string();
    // A copy under another name is the same recording.
    let copy = tmp.path().join("again.wav");
    std::fs::copy(&seed().um, &copy).unwrap();
    let out = analyze(&home, &copy, &[]).success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains(&format!("already take {first_id}")), "{err}");
    assert_eq!(history(&home).as_array().unwrap().len(), 2);
    analyze(&home, &copy, &["--force", "--quiet"]).success();
    let takes = history(&home);
    assert_eq!(takes.as_array().unwrap().len(), 3);
    assert_eq!(takes[2]["question"], Value::Null);
}

#[test]
fn show_reprints_a_stored_report_without_the_model() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let take = history(&home)[1].clone();
    let stored = std::fs::read_to_string(
        home.join("history/takes")
            .join(take["id"].as_str().unwrap())
            .join("report.json"),
    )
    .unwrap();
    // From a directory with no model in reach.
    let shown = rehearse(&home)
        .current_dir(tmp.path())
        .env("REHEARSE_MODEL", tmp.path().join("no-model.bin"))
        .args(["show", "last", "--format", "json"])
        .assert()
        .success();
    assert_eq!(json(&shown.get_output().stdout), json(stored.as_bytes()));
    rehearse(&home)
        .current_dir(tmp.path())
        .args(["show", "last", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicates::str::contains("# Rehearsal report"));
    rehearse(&home)
        .args(["show", "ffffffff"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("no take matches \"ffffffff\""));
}

#[test]
fn export_then_import_round_trips_and_skips_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let file = tmp.path().join("takes.json");
    rehearse(&home)
        .args(["export", "--json", "-o"])
        .arg(&file)
        .assert()
        .success();
    let exported = json(&std::fs::read(&file).unwrap());
    assert_eq!(exported["takes"].as_array().unwrap().len(), 2);
    assert!(exported["takes"][0]["report"]["transcript"]["text"].is_string());
    // Into an empty data directory given with --data-dir.
    let other = tmp.path().join("other");
    rehearse(&home)
        .arg("--data-dir")
        .arg(&other)
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicates::str::contains("imported 2 take(s), skipped 0"));
    let out = rehearse(&home)
        .args(["history", "--json", "--data-dir"])
        .arg(&other)
        .assert()
        .success();
    let imported = json(&out.get_output().stdout)["takes"].clone();
    let original = history(&home);
    for (a, b) in imported
        .as_array()
        .unwrap()
        .iter()
        .zip(original.as_array().unwrap())
    {
        for key in ["id", "created", "question", "wpm", "fillers_per_minute"] {
            assert_eq!(a[key], b[key], "{key}");
        }
        assert_eq!(a["audio"], "not kept");
    }
    // Importing again, or into the store it came from, adds nothing.
    for dir in [&other, &home] {
        rehearse(&home)
            .arg("--data-dir")
            .arg(dir)
            .arg("import")
            .arg(&file)
            .assert()
            .success()
            .stdout(predicates::str::contains("imported 0 take(s), skipped 2"));
    }
    // Deleting one leaves the other.
    rehearse(&home)
        .args(["delete", "--yes", "last"])
        .assert()
        .success()
        .stdout(predicates::str::contains("deleted take"));
    assert_eq!(history(&home).as_array().unwrap().len(), 1);
}

/// Start `rehearse` paused at a save stage, wait until it is there, and SIGKILL it.
fn kill_at(mut cmd: StdCommand, stage: &str) {
    let mut child = cmd
        .env("REHEARSE_TEST_PAUSE", format!("{stage}:120000"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        if line.contains(&format!("test pause at {stage}")) {
            child.kill().unwrap();
            child.wait().unwrap();
            return;
        }
        seen.push(line);
    }
    let status = child.wait().unwrap();
    panic!("never reached {stage} ({status}): {seen:?}");
}

fn std_rehearse(home: &Path) -> StdCommand {
    let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("rehearse"));
    cmd.env("REHEARSE_HOME", home);
    cmd
}

#[test]
fn a_process_killed_inside_the_save_transaction_leaves_a_working_index() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let before = history(&home);
    let third = speak(
        tmp.path(),
        "third.wav",
        "I learned the new billing system in a week.",
    );
    let mut cmd = std_rehearse(&home);
    cmd.arg("analyze")
        .arg(&third)
        .args(["--threads", "1", "-q"]);
    kill_at(cmd, "inserted");
    // The index opens; the earlier takes are all there; the killed take's row was rolled
    // back, and its complete folder is adopted back into the index, with a note.
    let out = rehearse(&home)
        .args(["history", "--json"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("recovered take"), "{err}");
    let after = json(&out.get_output().stdout)["takes"].clone();
    assert_eq!(after.as_array().unwrap().len(), 3, "{after}");
    assert_eq!(after[0]["id"], before[0]["id"]);
    assert_eq!(after[1]["id"], before[1]["id"]);
    assert_eq!(after[2]["audio"], "ok");
    assert!(f(&after[2], "duration_s") > 1.0);
    let left: Vec<_> = std::fs::read_dir(home.join("history/takes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_process_killed_while_writing_files_leaves_no_trace() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let export = tmp.path().join("takes.json");
    rehearse(&home)
        .args(["export", "-o"])
        .arg(&export)
        .assert()
        .success();
    let other = tmp.path().join("other");
    let mut cmd = std_rehearse(&other);
    cmd.arg("import").arg(&export);
    kill_at(cmd, "staged");
    let staging = std::fs::read_dir(other.join("history/takes"))
        .unwrap()
        .count();
    assert_eq!(staging, 1, "the killed import left its staging folder");
    assert_eq!(history(&other), Value::Array(vec![]));
    assert_eq!(
        std::fs::read_dir(other.join("history/takes"))
            .unwrap()
            .count(),
        0,
        "the next open removed it"
    );
}

#[test]
fn concurrent_saves_from_two_processes_both_land() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let export = tmp.path().join("takes.json");
    rehearse(&home)
        .args(["export", "-o"])
        .arg(&export)
        .assert()
        .success();
    let shared = tmp.path().join("shared");
    // A holds the write lock for 3 s inside its save; B imports meanwhile and must wait.
    let fresh = speak(tmp.path(), "fresh.wav", "We cut the build time in half.");
    let mut a = std_rehearse(&shared)
        .arg("analyze")
        .arg(&fresh)
        .args(["--threads", "1", "-q"])
        .env("REHEARSE_TEST_PAUSE", "inserted:3000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(a.stderr.take().unwrap()).lines();
    assert!(lines.any(|l| l.unwrap().contains("test pause at inserted")));
    let b = std_rehearse(&shared)
        .arg("import")
        .arg(&export)
        .output()
        .unwrap();
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    assert!(a.wait().unwrap().success());
    let takes = history(&shared);
    assert_eq!(takes.as_array().unwrap().len(), 3, "{takes}");
    let audio: Vec<&Value> = takes
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["audio"])
        .collect();
    assert_eq!(audio.iter().filter(|a| **a == "ok").count(), 1);
}

#[test]
fn a_damaged_index_is_reported_and_rebuilt_from_the_take_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let before = history(&home);
    let index = home.join("history/index.sqlite3");
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", index.display()));
    }
    std::fs::write(
        &index,
        b"this is not a database, it is garbage ".repeat(200),
    )
    .unwrap();
    let out = rehearse(&home)
        .args(["history", "--json"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("damaged"), "{err}");
    assert!(err.contains(&index.display().to_string()), "{err}");
    let after = json(&out.get_output().stdout)["takes"].clone();
    assert_eq!(after, before);
    // The damaged file was kept for inspection, and the note is not repeated.
    let kept = std::fs::read_dir(home.join("history"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("damaged")
        })
        .count();
    assert_eq!(kept, 1);
    rehearse(&home)
        .arg("history")
        .assert()
        .success()
        .stderr(predicates::str::is_empty());
    rehearse(&home)
        .arg("reindex")
        .assert()
        .success()
        .stdout(predicates::str::contains("from 2 take folder(s)"));
    assert_eq!(history(&home), before);
}

#[test]
fn a_missing_audio_file_is_reported_and_history_still_works() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let first = history(&home)[0]["id"].as_str().unwrap().to_string();
    std::fs::remove_file(home.join("history/takes").join(&first).join("audio.wav")).unwrap();
    let takes = history(&home);
    assert_eq!(takes[0]["audio"], "missing");
    assert!(takes[0]["problem"]
        .as_str()
        .unwrap()
        .contains("audio file is missing"));
    assert_eq!(takes[1]["audio"], "ok");
    rehearse(&home)
        .arg("history")
        .assert()
        .success()
        .stdout(predicates::str::contains(format!(
            "! take {first}: its audio file is missing"
        )));
    rehearse(&home)
        .args(["compare", &first, "last", "--json"])
        .assert()
        .success();
    rehearse(&home)
        .args(["show", &first])
        .assert()
        .success()
        .stderr(predicates::str::contains("audio file is missing"));
}

#[test]
fn config_targets_judge_history_and_extra_fillers_are_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let config = home.join("config/config.toml");
    let path = rehearse(&home).args(["config", "path"]).assert().success();
    assert_eq!(
        String::from_utf8_lossy(&path.get_output().stdout).trim(),
        config.display().to_string()
    );
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[targets]\nfillers_per_minute_max = 100\nextra_filler_words = [\"to be honest\"]\n",
    )
    .unwrap();
    rehearse(&home)
        .args(["config", "show"])
        .assert()
        .success()
        .stdout(predicates::str::contains("fillers_per_minute_max = 100"));
    let out = rehearse(&home)
        .args(["compare", "last~1", "last", "--json"])
        .assert()
        .success();
    let fillers = json(&out.get_output().stdout)["metrics"].clone();
    assert_eq!(
        metric(&fillers, "fillers_per_minute")["target"],
        "at most 100.0"
    );
    // A flag overrides the file.
    let out = rehearse(&home)
        .args(["progress", "--json", "--max-fillers-per-minute", "1"])
        .assert()
        .success();
    let v = json(&out.get_output().stdout);
    assert_eq!(
        metric(&v["metrics"], "fillers_per_minute")["target"],
        "at most 1.0"
    );
    // An extra filler phrase from the config is counted by analyze (nothing saved here).
    let honest = speak(
        tmp.path(),
        "honest.wav",
        "To be honest, I wrote the script myself. To be honest, it worked well for the team.",
    );
    let out = analyze(&home, &honest, &["--no-save"]).success();
    let report = json(&out.get_output().stdout);
    assert!(
        report["fillers"]["by_word"]["to be honest"].as_u64() >= Some(1),
        "{}",
        report["fillers"]
    );
    assert_eq!(report["targets"]["extra_filler_words"][0], "to be honest");
    assert_eq!(
        history(&home).as_array().unwrap().len(),
        2,
        "--no-save saved"
    );
    // A typo in the file is an error naming the file and the key.
    std::fs::write(&config, "[targets]\nlong_pause = 3\n").unwrap();
    rehearse(&home).arg("history").assert().failure().stderr(
        predicates::str::contains("config.toml")
            .and(predicates::str::contains("unknown key \"long_pause\"")),
    );
}

#[test]
fn show_and_progress_write_html_pages_and_open_fails_softly() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let shown = rehearse(&home)
        .args(["show", "last", "--format", "html"])
        .assert()
        .success();
    let page = String::from_utf8_lossy(&shown.get_output().stdout).to_string();
    // The stored take's own audio copy is embedded.
    assert!(page.contains("<audio id=\"player\""), "no player");
    assert!(page.contains("src=\"data:audio/wav;base64,UklGR"));
    assert!(page.contains("<svg class=\"timeline\""));

    let progress = rehearse(&home)
        .args(["progress", "--question", "process", "--format", "html"])
        .assert()
        .success();
    let page = String::from_utf8_lossy(&progress.get_output().stdout).to_string();
    assert!(
        page.matches("<svg class=\"progress\"").count() >= 4,
        "{page}"
    );
    assert!(
        page.contains("Fillers/min <small>(target at most 5.0)</small>"),
        "{page}"
    );
    assert!(page.contains("<title>"));

    // No browser opener on PATH: the page is still written, and the user is told where.
    let out_file = tmp.path().join("report.html");
    let opened = rehearse(&home)
        .env("PATH", tmp.path())
        .args(["show", "last", "--format", "html", "--open", "-o"])
        .arg(&out_file)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&opened.get_output().stderr).to_string();
    assert!(
        err.contains("to open a browser") && err.contains("the report is at"),
        "{err}"
    );
    assert!(std::fs::read_to_string(&out_file)
        .unwrap()
        .contains("<!DOCTYPE html>"));

    rehearse(&home)
        .args(["show", "last", "--open"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "--open shows an HTML report: add --format html",
        ));
}

#[test]
fn comparing_a_take_with_itself_warns() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    let out = rehearse(&home)
        .args(["compare", "last", "last"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("warning: both name take") && err.contains("`rehearse compare last~1 last`"),
        "{err}"
    );
    let out = rehearse(&home)
        .args(["compare", "last~1", "last"])
        .assert()
        .success();
    assert!(out.get_output().stderr.is_empty());
}

#[test]
fn a_take_can_be_retagged_noted_and_tagged_and_keeps_it_through_reindex() {
    let tmp = tempfile::tempdir().unwrap();
    let home = seeded_home(tmp.path());
    rehearse(&home)
        .args(["retag", "last", "--question", "improve_process"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "now answers: [improve_process] Tell me about a time you improved a process.",
        ));
    rehearse(&home)
        .args(["note", "last", "read from notes, too stiff"])
        .assert()
        .success();
    rehearse(&home)
        .args(["tag", "last", "second round", "with notes"])
        .assert()
        .success();
    rehearse(&home)
        .args(["tag", "last", "--remove", "with notes"])
        .assert()
        .success();
    rehearse(&home).arg("reindex").assert().success();

    let takes = history(&home);
    let last = takes.as_array().unwrap().last().unwrap();
    assert_eq!(
        last["question"],
        "Tell me about a time you improved a process."
    );
    assert_eq!(last["note"], "read from notes, too stiff");
    assert_eq!(last["tags"], serde_json::json!(["second round"]));
    assert!(takes[0]["note"].is_null() && takes[0]["tags"] == serde_json::json!([]));
    // The stored report carries the new question and its checks.
    let out = rehearse(&home)
        .args(["show", "last", "--format", "json"])
        .assert()
        .success();
    let report = json(&out.get_output().stdout);
    assert_eq!(report["question"]["id"], "improve_process");
    assert!(!report["question"]["checks"].as_array().unwrap().is_empty());
    // The table (100 columns) shows the corrected question, cut to fit, and `--tag` finds the
    // take by its tag; `note TAKE` prints the note.
    let out = rehearse(&home)
        .args(["history", "--tag", "second round"])
        .assert()
        .success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| l.contains("Tell me about"))
        .collect();
    assert_eq!(rows.len(), 1, "{table}");
    assert!(rows[0].contains("Tell me about a time"), "{table}");
    rehearse(&home)
        .args(["note", "last"])
        .assert()
        .success()
        .stdout("read from notes, too stiff\n");
    // Grouping follows the corrected question.
    let out = rehearse(&home)
        .args(["history", "--question", "improve_process", "--json"])
        .assert()
        .success();
    assert_eq!(
        json(&out.get_output().stdout)["takes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Clearing, and bad input.
    rehearse(&home)
        .args(["retag", "last", "--no-question"])
        .assert()
        .success();
    rehearse(&home)
        .args(["note", "last", "--clear"])
        .assert()
        .success();
    rehearse(&home)
        .args(["note", "last", "two\nlines"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("one line"));
    rehearse(&home)
        .args(["retag", "nonexistent", "--question", "conflict"])
        .assert()
        .code(1);
    let last = history(&home).as_array().unwrap().last().unwrap().clone();
    assert!(
        last["question"].is_null() && last["note"].is_null(),
        "{last}"
    );
}

/// A real recording's clip from tests/fixtures/realspeech.
fn realspeech(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/realspeech")
        .join(format!("{name}.wav"))
}

fn ids(takes: &Value) -> Vec<String> {
    takes
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect()
}

/// A silent file, a real recording of a quiet room and a real answer in German, analysed between
/// two real English answers, are kept in the store but left out of `history`, `progress` and
/// `compare last~1 last` unless `--all` asks for it, and the history says how many it hides.
#[test]
fn a_silent_take_is_hidden_from_history_progress_and_compare() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let silence = tmp.path().join("silence.wav");
    let status = StdCommand::new("sox")
        .args(["-n", "-r", "16000", "-c", "1"])
        .arg(&silence)
        .args(["trim", "0", "6"])
        .status()
        .expect("sox is installed");
    assert!(status.success());
    let otherlang = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/otherlang");
    analyze(&home, &realspeech("mfa_crossword"), &[]).success();
    analyze(&home, &silence, &[]).success();
    analyze(&home, &otherlang.join("sv_nst_room_silence.wav"), &[]).success();
    analyze(&home, &otherlang.join("de_commonvoice.wav"), &[]).success();
    analyze(&home, &realspeech("mfa_internalsil"), &[]).success();

    let everything = rehearse(&home)
        .args(["history", "--json", "--all"])
        .assert()
        .success();
    let everything = json(&everything.get_output().stdout);
    let all_ids = ids(&everything["takes"]);
    assert_eq!(all_ids.len(), 5, "{everything}");
    assert_eq!(everything["hidden"], 0);
    let (first, silent, german, second) = (&all_ids[0], &all_ids[1], &all_ids[3], &all_ids[4]);
    // A take with no speech, or in another language, has no figures: not even a STAR score
    // of 0.
    for hidden in 1..=3 {
        assert!(
            everything["takes"][hidden]["star_score"].is_null(),
            "{everything}"
        );
    }

    let shown = rehearse(&home)
        .args(["history", "--json"])
        .assert()
        .success();
    let shown = json(&shown.get_output().stdout);
    assert_eq!(ids(&shown["takes"]), [first.clone(), second.clone()]);
    assert_eq!(shown["hidden"], 3);

    let table = rehearse(&home).arg("history").assert().success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).to_string();
    assert!(!text.contains(silent.as_str()), "{text}");
    assert!(
        text.contains(
            "3 takes hidden (no speech, or a transcript that cannot be trusted): \
             `rehearse history --all` shows them"
        ),
        "{text}"
    );
    let table = rehearse(&home)
        .args(["history", "--all"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).to_string();
    assert!(
        text.contains(silent.as_str()) && !text.contains("hidden"),
        "{text}"
    );

    let progress = rehearse(&home)
        .args(["progress", "--json"])
        .assert()
        .success();
    let progress = json(&progress.get_output().stdout);
    assert_eq!(progress["takes"], 2, "{progress}");
    let progress_all = rehearse(&home)
        .args(["progress", "--json", "--all"])
        .assert()
        .success();
    assert_eq!(json(&progress_all.get_output().stdout)["takes"], 5);

    // `last~1` skips the silent take, so the two real answers are compared.
    let compare = rehearse(&home)
        .args(["compare", "last~1", "last", "--json"])
        .assert()
        .success();
    let compare = json(&compare.get_output().stdout);
    assert_eq!(compare["before"]["id"], first.as_str(), "{compare}");
    assert_eq!(compare["after"]["id"], second.as_str(), "{compare}");
    // Counting back past the tracked takes says that --all would count the hidden ones.
    let past = rehearse(&home)
        .args(["compare", "last~2", "last"])
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&past.get_output().stderr).to_string();
    assert!(
        err.contains("no take matches \"last~2\" among the takes `rehearse history` shows (3 ")
            && err.contains("hidden): add --all to count them"),
        "{err}"
    );
    let compare_all = rehearse(&home)
        .args(["compare", "last~1", "last", "--json", "--all"])
        .assert()
        .success();
    assert_eq!(
        json(&compare_all.get_output().stdout)["before"]["id"],
        german.as_str()
    );
}

/// Two copies of one answer, the second 1 dB louder, are "about the same" on every metric
/// `compare` can measure: a real clip and a bundled sample (both held out of the band tuning).
#[test]
fn compare_says_about_the_same_for_a_1_db_level_change() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    for original in [
        realspeech("batchalign2_test"),
        samples.join("long-pauses.wav"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let louder = tmp.path().join("louder.wav");
        let status = StdCommand::new("sox")
            .arg(&original)
            .arg(&louder)
            .args(["gain", "1"])
            .status()
            .expect("sox is installed");
        assert!(status.success());
        analyze(&home, &original, &[]).success();
        analyze(&home, &louder, &[]).success();
        let out = rehearse(&home)
            .args(["compare", "last~1", "last", "--json"])
            .assert()
            .success();
        let v = json(&out.get_output().stdout);
        let rows = v["metrics"].as_array().unwrap();
        let same = rows
            .iter()
            .filter(|r| r["change"] == "about the same")
            .count();
        assert!(
            rows.iter()
                .all(|r| r["change"] == "about the same" || r["change"] == "n/a"),
            "{original:?}: {v}"
        );
        assert!(same >= 3, "{original:?}: few metrics measured: {v}");
        let text = rehearse(&home)
            .args(["compare", "last~1", "last"])
            .assert()
            .success();
        let text = String::from_utf8_lossy(&text.get_output().stdout).to_string();
        assert!(
            text.contains("about the same") && !text.contains("better") && !text.contains("worse"),
            "{text}"
        );
    }
}
