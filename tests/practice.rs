//! `rehearse practice` end to end: three stories written here, a three-question mock
//! interview answered through a file-backed ALSA microphone (espeak-ng speech), the real model,
//! per-answer story coverage, one session summary (terminal and HTML), the takes grouped as
//! one session in the history, and `story coverage` afterwards.
//!
//! The fake microphone (see docs/record.md) plays one raw file from its start each time the
//! device is opened, and each answer opens the device afresh, as with a real microphone. To
//! give each question its own answer, the test puts the next answer's audio in place when the
//! binary shows that question; the thinking time (`--think 1`) is the margin for that swap.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::root;

const STORIES: &[(&str, &str)] = &[
    (
        "review",
        "# The code review dispute
Answers: conflict
## Situation
- A teammate and I disagreed about code reviews.
## Action
- I set up a call and listened to his concerns first.
- We agreed on a shared checklist.
## Result
- Review time dropped by 30 percent.
",
    ),
    (
        "billing",
        "# Billing database migration
Answers: technical_problem, deadline
## Situation
- The billing database was out of support.
## Action
- I moved the customers to PostgreSQL in batches of 500.
- I wrote a rollback script for every batch.
## Result
- Hosting costs fell by 40 percent.
",
    ),
    (
        "launch",
        "# Mobile app launch
Answers: leadership
## Situation
- I led four engineers building the mobile app.
## Action
- I split the work into weekly goals.
## Result
- We shipped two weeks early.
",
    ),
];

/// What the "candidate" says to each question, in order. Short, so the test stays fast.
const ANSWERS: &[(&str, &str)] = &[
    (
        "conflict",
        "A teammate and I disagreed about code reviews. I set up a call and listened to his \
         concerns first. In the end review time fell by thirty percent.",
    ),
    (
        "technical_problem",
        "Our billing database was out of support. I migrated the clients to PostgreSQL in \
         groups of five hundred. Hosting costs dropped by forty percent.",
    ),
    (
        "leadership",
        "I led four engineers building our mobile app. I split the work into weekly goals. \
         We shipped two weeks early.",
    ),
];

fn tool(name: &str, args: &[&str]) {
    let ok = Command::new(name)
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("{name} is needed (scripts/setup.sh installs it): {e}"))
        .success();
    assert!(ok, "{name} {args:?} failed");
}

/// espeak-ng speech as raw 48 kHz stereo f32, what the fake device delivers.
fn speech_raw(dir: &Path, name: &str, text: &str) -> PathBuf {
    let wav = dir.join(format!("{name}.wav"));
    let raw = dir.join(format!("{name}.raw"));
    tool(
        "espeak-ng",
        &["-v", "en-us", "-s", "150", "-w", s(&wav), text],
    );
    common::sox_to_mic_raw(&[&wav], &raw, &[]);
    raw
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn rehearse(home: &Path, alsa: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rehearse"));
    cmd.current_dir(root())
        .env("REHEARSE_HOME", home)
        .env("ALSA_CONFIG_PATH", alsa)
        .env_remove("REHEARSE_MODEL")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    cmd
}

#[test]
fn a_three_question_mock_interview_checks_each_answer_against_its_story() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let mic = dir.path().join("mic.raw");
    let alsa = dir.path().join("asound.conf");
    std::fs::write(&alsa, common::file_mic_alsa_conf(&mic)).unwrap();
    let answers: Vec<PathBuf> = ANSWERS
        .iter()
        .map(|(kind, text)| speech_raw(dir.path(), kind, text))
        .collect();
    std::fs::copy(&answers[0], &mic).unwrap();

    // Three stories, written by hand (here: piped in).
    for (name, text) in STORIES {
        let mut child = rehearse(&home, &alsa)
            .args(["story", "add", name])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success(), "story add {name}");
    }

    let html = dir.path().join("session.html");
    let mut child = rehearse(&home, &alsa)
        .args(["practice", "--think", "1", "--max-seconds", "14"])
        .args(ANSWERS.iter().flat_map(|(kind, _)| ["--question", kind]))
        .args(["--format", "html", "-o", s(&html)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Put each answer in place as its question is shown (the device opens after the think).
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut shown = 0;
    let mut log = String::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if let Some(rest) = line.strip_prefix("Question ") {
            let n: usize = rest.split(' ').next().unwrap().parse().unwrap();
            if n > 1 {
                let staged = dir.path().join("next.raw");
                std::fs::copy(&answers[n - 1], &staged).unwrap();
                std::fs::rename(&staged, &mic).unwrap();
            }
            shown = n;
        }
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("{log}\n{text}");
    assert!(out.status.success(), "practice failed:\n{log}\n{text}");
    assert!(!log.contains("panicked"), "{log}");
    assert_eq!(shown, 3, "{log}");

    // One summary on the terminal, with each answer's story coverage.
    assert!(text.contains("Practice summary  session "), "{text}");
    assert!(
        text.contains("1. Tell me about a time you had a conflict with a teammate."),
        "{text}"
    );
    assert!(text.contains("story review "), "{text}");
    assert!(text.contains("story billing "), "{text}");
    assert!(text.contains("story launch "), "{text}");
    // Every answer left something out: the checklist, the rollback script.
    assert!(
        text.contains("\"We agreed on a shared checklist\""),
        "{text}"
    );
    assert!(
        text.contains("\"I wrote a rollback script for every batch\""),
        "{text}"
    );
    // And the same session as one page.
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<h1>Practice session "), "{page}");
    assert_eq!(page.matches("<tr><td>").count(), 3, "{page}");
    assert!(page.contains("Content-Security-Policy"));
    // Each answer links its own report, a page written beside the session page (a relative
    // link, so it works from file://): that answer's question and its audio.
    let questions = [
        "Tell me about a time you had a conflict with a teammate.",
        "Tell me about a complex technical problem you solved.",
        "Tell me about a time you led a team.",
    ];
    for (n, question) in (1..=3).zip(questions) {
        let name = format!("session-{n}.html");
        assert!(
            page.contains(&format!("<a href=\"{name}\">report {n}</a>")),
            "no link to answer {n}'s report: {page}"
        );
        let report = std::fs::read_to_string(dir.path().join(&name))
            .unwrap_or_else(|e| panic!("answer {n}'s report {name}: {e}"));
        assert!(report.contains("<!DOCTYPE html>"), "{name}");
        assert!(
            report.to_lowercase().contains(&question.to_lowercase()),
            "{name} is not answer {n}'s report"
        );
        assert!(
            report.contains("data:audio/wav;base64,"),
            "{name} has no audio"
        );
    }

    // The three takes are in the history as one session, each with its story section.
    let out = rehearse(&home, &alsa)
        .args(["export", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let export: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let takes = export["takes"].as_array().unwrap().clone();
    assert_eq!(takes.len(), 3, "{export}");
    let session = takes[0]["session"].as_str().unwrap().to_string();
    assert_eq!(session.len(), 8);
    assert!(text.contains(&session));
    for (i, t) in takes.iter().enumerate() {
        assert_eq!(t["session"], session.as_str());
        let story = &t["report"]["story"];
        assert_eq!(story["name"], STORIES[i].0, "{story}");
        let covered = story["covered"].as_u64().unwrap();
        let total = story["points"].as_array().unwrap().len() as u64;
        assert!(covered >= 2 && covered < total + 1, "answer {i}: {story}");
    }
    // The paraphrases: "fell by thirty percent" for "dropped by 30 percent", "migrated the
    // clients ... in groups of five hundred" for "moved the customers ... in batches of 500".
    let point = |take: usize, start: &str| -> serde_json::Value {
        takes[take]["report"]["story"]["points"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["text"].as_str().unwrap().starts_with(start))
            .cloned()
            .unwrap()
    };
    assert_eq!(point(0, "Review time dropped")["covered"], true);
    assert_eq!(
        point(0, "We agreed on a shared checklist")["covered"],
        false
    );
    assert_eq!(point(1, "I moved the customers")["covered"], true);
    assert_eq!(point(2, "We shipped two weeks early")["covered"], true);
    let out = rehearse(&home, &alsa)
        .args(["history", "--session", &session])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .matches("Tell me")
            .count(),
        3
    );

    // Coverage now counts one rehearsal per story and names the kinds still without one.
    let out = rehearse(&home, &alsa)
        .args(["story", "coverage"])
        .output()
        .unwrap();
    let cov = String::from_utf8_lossy(&out.stdout);
    assert!(
        cov.contains("Question kinds with a story: 4 of 13"),
        "{cov}"
    );
    assert!(cov.contains("No story yet for: failure, mistake"), "{cov}");
    assert!(cov.contains("1 rehearsal, last"), "{cov}");
}
