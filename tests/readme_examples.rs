//! The example outputs in the README and `docs/*.md` are the real binary's: each block marked
//! `<!-- example: ARGS -->` is followed by a fenced block, and this test runs `rehearse ARGS`
//! (the real model, real audio, an 80-column terminal width, no colour) and compares. The
//! examples of one file run in order in one data directory, so a `history` after an `analyze`
//! shows that take.
//!
//! In a block, a line `...` stands for any number of lines, and `…` inside a line for any text
//! (a date, a take id). `REHEARSE_BLESS=1` replaces each block that no longer matches with the
//! whole real output (review the diff, and put back the `...` and `…` you want).

mod common;

use std::path::{Path, PathBuf};

use common::{fresh_home, root};

/// One marked example: the arguments, and the lines of its block (where in the file they are).
struct Example {
    args: Vec<String>,
    first_line: usize,
    end_line: usize,
    expected: Vec<String>,
}

fn examples(text: &str) -> Vec<Example> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(args) = lines[i]
            .trim()
            .strip_prefix("<!-- example:")
            .and_then(|rest| rest.strip_suffix("-->"))
        else {
            i += 1;
            continue;
        };
        let open = i + 1;
        assert!(
            lines.get(open).is_some_and(|l| l.starts_with("```")),
            "line {}: an example marker must be followed by a fenced block",
            i + 1
        );
        let close = (open + 1..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or_else(|| panic!("line {}: unclosed block", open + 1));
        found.push(Example {
            args: args.split_whitespace().map(str::to_string).collect(),
            first_line: open + 1,
            end_line: close,
            expected: lines[open + 1..close]
                .iter()
                .map(|l| l.to_string())
                .collect(),
        });
        i = close + 1;
    }
    found
}

/// Does `line` match `pattern`, where `…` stands for any text?
fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split('…').collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !line.starts_with(first) || line.len() < first.len() + last.len() || !line.ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Do the output's lines match the block's, where a `...` line stands for any lines?
fn block_matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| block_matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, more)| line_matches(first, line) && block_matches(rest, more)),
    }
}

fn run(args: &[String], home: &Path) -> String {
    let out = common::rehearse()
        .args(args)
        .env("REHEARSE_HOME", home)
        .env("COLUMNS", "80")
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    common::assert_clean_success(&out);
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn check_file(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("readable");
    let home = fresh_home();
    let mut failures = Vec::new();
    let mut blessed = text.lines().map(str::to_string).collect::<Vec<_>>();
    let bless = std::env::var_os("REHEARSE_BLESS").is_some();
    // Later blocks move when an earlier one is rewritten: bless from the last block up.
    let mut rewrites = Vec::new();
    for example in examples(&text) {
        let output = run(&example.args, &home);
        let actual: Vec<&str> = output.lines().collect();
        if !block_matches(&example.expected, &actual) {
            failures.push(format!(
                "{}:{}: `rehearse {}` no longer prints this block; it prints:\n{output}",
                path.display(),
                example.first_line,
                example.args.join(" ")
            ));
            rewrites.push((example.first_line, example.end_line, output.clone()));
        }
    }
    if bless && !rewrites.is_empty() {
        for (first, end, output) in rewrites.into_iter().rev() {
            blessed.splice(first..end, output.lines().map(str::to_string));
        }
        std::fs::write(path, blessed.join("\n") + "\n").expect("write the blessed file");
        return Vec::new();
    }
    failures
}

fn documents() -> Vec<PathBuf> {
    let mut docs = vec![root().join("README.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

#[test]
fn readme_and_docs_examples_are_the_real_output() {
    let docs = documents();
    let marked: Vec<&PathBuf> = docs
        .iter()
        .filter(|p| !examples(&std::fs::read_to_string(p).expect("read")).is_empty())
        .collect();
    assert!(
        marked.iter().any(|p| p.ends_with("README.md")),
        "the README has no checked example"
    );
    let failures: Vec<String> = marked.into_iter().flat_map(|p| check_file(p)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_readme_is_a_guide_of_at_most_400_lines() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let lines = readme.lines().count();
    assert!(lines <= 400, "README.md is {lines} lines (at most 400)");
}

#[test]
fn relative_links_in_readme_and_docs_point_at_files_that_exist() {
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("read");
        let dir = doc.parent().expect("a folder");
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = rest[..end].split('#').next().unwrap_or_default();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            assert!(
                dir.join(target).exists(),
                "{}: link to {target}, which does not exist",
                doc.display()
            );
        }
    }
}

#[test]
fn a_dotted_line_stands_for_any_lines_and_an_ellipsis_for_any_text() {
    let expected: Vec<String> = ["head", "...", "id … saved", "tail"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(block_matches(
        &expected,
        &["head", "x", "y", "id 1a2b saved", "tail"]
    ));
    assert!(block_matches(&expected, &["head", "id  saved", "tail"]));
    assert!(!block_matches(&expected, &["head", "id 1a2b lost", "tail"]));
    assert!(!block_matches(&expected, &["head", "id 1a2b saved"]));
    assert!(!block_matches(&expected, &["other", "id 1 saved", "tail"]));
}
