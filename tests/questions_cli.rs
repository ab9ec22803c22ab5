//! `rehearse questions` and `--question` on the command line.

use assert_cmd::Command;
use predicates::prelude::*;

fn rehearse() -> Command {
    Command::cargo_bin("rehearse").unwrap()
}

#[test]
fn questions_lists_the_bank_with_what_a_strong_answer_has() {
    rehearse()
        .arg("questions")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "weakness\n  What is your greatest weakness?",
        ))
        .stdout(predicate::str::contains(
            "    - what you do about it, concretely",
        ))
        .stdout(predicate::str::contains("career_gap"));
}

#[test]
fn questions_json_is_the_bank() {
    let out = rehearse().args(["questions", "--json"]).output().unwrap();
    assert!(out.status.success());
    let bank: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bank = bank.as_array().unwrap();
    assert_eq!(bank.len(), 15);
    let weakness = bank.iter().find(|q| q["id"] == "weakness").unwrap();
    assert_eq!(weakness["text"], "What is your greatest weakness?");
    assert!(weakness["strong_answer"].as_array().unwrap().len() >= 3);
    assert_eq!(weakness["checks"][0], "names_real_weakness");
}

#[test]
fn an_unknown_question_id_is_an_error_that_lists_the_ids() {
    rehearse()
        .args(["analyze", "missing.wav", "--question", "weaknes"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown question id \"weaknes\""))
        .stderr(predicate::str::contains("weakness, proud_project"));
}
